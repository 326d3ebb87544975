from __future__ import annotations

from pathlib import Path

import pytest

from faq import KnowledgeBase, load_knowledge_base

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_KB = ROOT / "config" / "faq"
HELDOUT_KB = Path(__file__).parent / "data" / "heldout_kb"


@pytest.fixture(scope="session")
def sample_kb() -> KnowledgeBase:
    result = load_knowledge_base(SAMPLE_KB)
    assert result.problems == []
    assert result.kb is not None
    return result.kb


@pytest.fixture(scope="session")
def heldout_kb() -> KnowledgeBase:
    result = load_knowledge_base(HELDOUT_KB)
    assert result.kb is not None, result.problems
    return result.kb


GOOD_FILE = """\
department: social-security
entries:
  - id: ss-card-lost
    questions:
      - 社保卡丢了怎么补办？
      - How do I replace a lost social security card?
    answer:
      zh: 先挂失再补办。
      en: Report the loss, then apply for a new card.
    keywords: [社保卡, 补办]
  - id: ss-record
    questions:
      - 怎么查询社保缴费记录？
      - 社保参保证明在哪里打印？
    answer: 登录社保公众号查询。
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def sample_kb_dir() -> Path:
    return SAMPLE_KB
