"""An expired FAQ entry is never the answer: it is offered as possibly outdated, with a ticket."""

from __future__ import annotations

from pathlib import Path

from faq import load_knowledge_base
from locales import t
from tests.citizen.conftest import FAQ, NOW, Desk, last_message

EXPIRED = FAQ.replace(
    '    links: ["https://housing.example.gov/apply"]\n',
    '    links: ["https://housing.example.gov/apply"]\n'
    "    reviewed: 2025-11-01\n"
    f"    expires: {NOW.date().isoformat()}\n",  # from today (the city's date) on
)


def expire(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "expired-faq"
    folder.mkdir()
    (folder / "housing.yaml").write_text(EXPIRED, encoding="utf-8")
    kb = load_knowledge_base(folder).kb
    assert kb is not None and kb.expired("public-housing-apply", NOW.date())
    desk.kb.current = kb


async def test_expired_entry_is_suggested_with_a_note_and_a_ticket(
    desk: Desk, tmp_path: Path
) -> None:
    chat = desk.chat()
    answered = last_message(await chat.send("How do I apply for public rental housing?"))
    assert answered.text.startswith("Apply online on the housing portal")
    expire(desk, tmp_path)
    offered = last_message(await chat.send("How do I apply for public rental housing?"))
    assert offered.text == t("en", "faq-suggest_outdated")
    labels = [label for label, _ in offered.buttons]
    assert labels[0] == "How do I apply for public rental housing?" and "None of these" in labels
    picked = last_message(await chat.press(offered.buttons[0][1]))
    assert picked.text.startswith("⚠️ This answer may be outdated")
    assert "Apply online on the housing portal" in picked.text
    draft = last_message(await chat.press(picked.data_for("Send")))
    assert "Department: Housing Bureau" in draft.text


async def test_deep_link_to_an_expired_entry_carries_the_note(desk: Desk, tmp_path: Path) -> None:
    expire(desk, tmp_path)
    chat = desk.chat(lang="zh")
    answer = last_message(await chat.send("/start faq-public-housing-apply"))
    assert answer.text.startswith("⚠️ 这条答复可能已过时")
    assert [label for label, _ in answer.buttons] == [
        t("zh", "btn-submit_question"),
        t("zh", "btn-no_thanks"),
    ]
    fresh = last_message(await chat.send("/start faq-public-housing-rent"))
    assert not fresh.text.startswith("⚠️")
