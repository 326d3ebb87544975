"""Malformed calls get their usage or reason, in the user's language; never silence."""

from __future__ import annotations

from pathlib import Path

import pytest

import locales
from bot.texts import TextsService
from locales import t
from tests.staff_handlers.conftest import ADMIN, HOUSING_CHAT, ROLES, Desk, texts

CLERK = ROLES["clerk"]


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("/reply", "sh-usage-reply"),
        ("/ticket", "sh-usage-ticket"),
        ("/take", "sh-usage-take"),
        ("/note", "sh-usage-note"),
        ("/note 1", "sh-usage-note"),
        ("/askinfo 1", "sh-usage-askinfo"),
        ("/transfer", "sh-usage-transfer"),
        ("/close", "sh-usage-close"),
        ("/reopen", "sh-usage-reopen"),
        ("/extend 1 2", "sh-usage-extend"),
        ("/type 1", "sh-usage-type"),
        ("/contact", "sh-usage-contact"),
        ("/urgent", "sh-usage-urgent"),
        ("/urgent 1 maybe", "sh-usage-urgent"),
        ("/urgent 1 off now", "sh-usage-urgent"),
        ("/queue a b c", "sh-usage-queue"),
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_usage(desk: Desk, command: str, key: str, lang: str) -> None:
    assert texts(await desk.message(CLERK, command, lang=lang)) == [t(lang, key)]


async def test_reasons(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    cases = {
        "/reply abc hello": t("en", "error-bad_ticket_ref", ref="abc"),
        f"/transfer {number} nowhere because": t(
            "en", "sh-unknown_department_known", slug="nowhere", known="housing, transport, parks"
        ),
        f"/transfer {number} housing because": t("en", "error-same_department"),
        f"/extend {number} many because": t("en", "sh-bad_days", value="many", max=30),
        f"/extend {number} 99 because": t("en", "error-bad_days", max=30),
        f"/type {number} gossip": t("en", "sh-bad_type", value="gossip"),
        f"/type {number} help now": t("en", "sh-bad_type", value="help now"),
        f"/type {number} help": t("en", "error-same_demand_type"),
        # the whole answer in the clerk's language (the state was the desk's language before)
        f"/urgent {number} off": t(
            "en", "error-same_urgency", number=number, state=t("en", "label-urgent_no")
        ),
        "/take 2026-009999": t("en", "error-unavailable"),
        f"/reopen {number}": t(
            "en", "error-invalid_transition", number=number, status="new", action="reopen"
        ),
        "/queue 0": t("en", "error-bad_page"),
    }
    for command, expected in cases.items():
        assert texts(await desk.message(CLERK, command)) == [expected], command
    assert [e.kind for e in await desk.events(tid)] == ["created"]


async def test_admin_input_is_validated(desk: Desk) -> None:
    cases = {
        "/staffmove": t("en", "sh-usage-staffmove"),
        "/staffmove x housing": t("en", "sh-bad_user_id", value="x"),
        "/staffmove 101 nowhere": t(
            "en", "sh-unknown_department_known", slug="nowhere", known="housing, transport, parks"
        ),
        "/staffmove 4242 parks": t("en", "sh-unknown_staff", user_id=4242),
        "/staffoff": t("en", "sh-usage-staffoff"),
        "/staffoff 104": t("en", "sh-already_inactive", user_id=104),
        "/staff nowhere": t(
            "en", "sh-unknown_department_known", slug="nowhere", known="housing, transport, parks"
        ),
    }
    for command, expected in cases.items():
        assert texts(await desk.message(ADMIN, command)) == [expected], command


async def test_admin_moves_and_deactivates_staff(desk: Desk) -> None:
    _tid, number = await desk.open_ticket()
    assert texts(await desk.message(ADMIN, "/staffmove 201 housing")) == [
        t("en", "sh-staff_moved", name="孙六", user_id=201, department="Housing Bureau")
    ]
    assert number in texts(await desk.message(201, f"/ticket {number}"))[0]
    assert texts(await desk.message(ADMIN, "/staffoff 201")) == [
        t("en", "sh-staff_off", name="孙六", user_id=201)
    ]
    assert texts(await desk.message(201, f"/ticket {number}")) == [t("en", "error-not_allowed")]


async def test_reload_without_configured_sources_says_so(desk: Desk) -> None:
    text = texts(await desk.message(ADMIN, "/reload"))[0]
    assert text.startswith("🔄 Reload")
    assert "FAQ: not configured" in text and "departments: not configured" in text


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("投诉", "complaint"),
        ("咨询", "consultation"),
        ("求助", "help"),
        ("举报", "report"),
        ("建议", "suggestion"),
        ("Complaint", "complaint"),
        ("QUESTION", "consultation"),
        ("consultation", "consultation"),
        ("request for help", "help"),
        ("Report", "report"),
        ("suggestion", "suggestion"),
        ("投訴", "complaint"),  # traditional characters
    ],
)
async def test_type_names_in_zh_and_en(desk: Desk, name: str, code: str) -> None:
    _tid, number = await desk.open_ticket()  # a request for help
    rows = await desk.message(CLERK, f"/type {number} {name}", lang="zh")
    if code == "help":
        assert texts(rows) == [t("zh", "error-same_demand_type")]
        return
    assert texts(rows, CLERK)[0].startswith(
        f"🏷️ 工单 {number} 的类型已更正为「{t('zh', f'type-{code}')}」"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_type_usage_lists_the_names_in_the_users_language(desk: Desk, lang: str) -> None:
    usage = texts(await desk.message(CLERK, "/type 1", lang=lang))[0]
    for code in ("consultation", "help", "complaint", "report", "suggestion"):
        assert (t("zh", f"type-{code}") if lang == "zh" else code) in usage


async def test_reload_applies_text_overrides_and_keeps_them_on_a_broken_folder(
    desk: Desk, tmp_path: Path
) -> None:
    before = locales.catalogue()
    (tmp_path / "en").mkdir()
    override = tmp_path / "en" / "help.ftl"
    override.write_text("status-closed = done and dusted\n", encoding="utf-8")
    desk.deps.texts = TextsService(tmp_path)
    try:
        text = texts(await desk.message(ADMIN, "/reload"))[0]
        assert f"texts: 1 message(s) overridden from {tmp_path}" in text
        assert t("en", "status-closed") == "done and dusted"
        override.write_text("status-closed = done { $when }\n", encoding="utf-8")
        text = texts(await desk.message(ADMIN, "/reload"))[0]
        assert f"{override}:1: message 'status-closed' uses $when" in text
        assert t("en", "status-closed") == "done and dusted"  # the texts in use stay
    finally:
        locales.install(before)


async def test_commands_no_handler_takes_in_a_staff_chat_are_answered(desk: Desk) -> None:
    # Before: silence. A clerk's /help is the staff help; a citizen's command (it would show
    # personal data in the group) says where it works; an unknown one names /staffhelp.
    help_text = texts(await desk.message(CLERK, "/help", chat=HOUSING_CHAT))
    assert help_text == [t("en", "sh-help")]
    admin_help = texts(await desk.message(ADMIN, "/help", chat=HOUSING_CHAT))
    assert admin_help == [t("en", "sh-help") + t("en", "sh-help_admin")]
    for command in ("/mydata", "/new", "/start", "/subscribe"):
        rows = await desk.message(CLERK, command, chat=HOUSING_CHAT, lang="zh")
        assert texts(rows) == [t("zh", "sh-private_only", command=command)]
        assert [r.chat_id for r in rows] == [HOUSING_CHAT]  # nothing private sent anywhere
    assert texts(await desk.message(CLERK, "/frobnicate", chat=HOUSING_CHAT)) == [
        t("en", "sh-unknown_command", command="/frobnicate")
    ]
    assert texts(await desk.message(CLERK, "/cancel", chat=HOUSING_CHAT)) == [
        t("en", "sh-nothing_to_cancel")
    ]
    # A citizen in the group learns where /mydata works; an unknown command from them, a
    # command for another bot, or any command in a group that is no staff chat: silence.
    citizen = ROLES["citizen"]
    assert texts(await desk.message(citizen, "/mydata", chat=HOUSING_CHAT)) == [
        t("en", "sh-private_only", command="/mydata")
    ]
    assert await desk.message(citizen, "/frobnicate", chat=HOUSING_CHAT) == []
    assert await desk.message(CLERK, "/help@SomeOtherBot", chat=HOUSING_CHAT) == []
    assert await desk.message(CLERK, "/help", chat=-5555) == []
