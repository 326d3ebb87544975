"""Fixtures of the router tests: the sample router, and small departments files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from faq.loader import read_folder
from faq.routing import Router, RouterConfig
from tickets.config.desk import DeskConfig, load_desk_config

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DEPARTMENTS = ROOT / "config" / "departments.yaml"
SAMPLE_FAQ = ROOT / "config" / "faq"
HELDOUT = Path(__file__).parent / "data" / "heldout.jsonl"
FRESH = Path(__file__).parent / "data" / "fresh.jsonl"
FRESH_B = Path(__file__).parent / "data" / "fresh_b.jsonl"
FRESH_C = Path(__file__).parent / "data" / "fresh_c.jsonl"
FRESH_D = Path(__file__).parent / "data" / "fresh_d.jsonl"

# A small city: three departments described the way an administrator would.
TOY = """\
departments:
  - slug: roads
    name: {zh: 市政道路管理处, en: Roads Office}
    keywords: [井盖]
    duties:
      zh: [路灯维修, 道路坑洼和路面破损, 井盖缺失]
      en: [broken street lights, potholes and damaged roads, missing manhole covers]
  - slug: parks
    name: {zh: 园林绿化局, en: Parks Department}
    duties:
      zh: [公园管理, 树木修剪和倒伏, 绿地破坏]
      en: [parks, fallen or overgrown trees, damaged lawns]
  - slug: power
    name: {zh: 供电服务中心, en: Power Service Centre}
    duties:
      zh: [停电和电压不稳, 电费和电表]
      en: [power cuts, electricity bills and meters]
"""


def desk_from(tmp_path: Path, text: str = TOY) -> DeskConfig:
    path = tmp_path / "departments.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_desk_config(path)
    assert result.config is not None, result.problems
    return result.config


def toy_router(tmp_path: Path, **config: Any) -> Router:
    desk = desk_from(tmp_path)
    return Router.build(list(desk.departments.values()), (), RouterConfig(**config))


@pytest.fixture(scope="session")
def sample_desk() -> DeskConfig:
    result = load_desk_config(SAMPLE_DEPARTMENTS)
    assert result.config is not None, result.problems
    return result.config


@pytest.fixture(scope="session")
def sample_router(sample_desk: DeskConfig) -> Router:
    entries, problems, _ = read_folder(SAMPLE_FAQ)
    assert problems == []
    return Router.build(list(sample_desk.departments.values()), entries)


def heldout_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in HELDOUT.read_text(encoding="utf-8").splitlines()]
