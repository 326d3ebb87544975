"""A request form in progress survives a restart of the service, without Redis."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from bot.fsm import DatabaseStorage, TransactionalStorage
from locales import t
from tests.e2e.conftest import StartApp
from tests.e2e.test_citizen_flow import _start, expect, press, say
from tests.emulator import BotAPIEmulator
from tickets.models import ConversationState, Ticket

pytestmark = pytest.mark.e2e


async def test_a_form_continues_after_a_restart(
    emu: BotAPIEmulator,
    start_app: StartApp,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = await _start(start_app, monkeypatch)
    storage = app.runtime.storage
    assert isinstance(storage, TransactionalStorage)
    assert isinstance(storage.inner, DatabaseStorage)
    citizen = emu.user(language_code="en")
    await say(emu, citizen, "There is loud construction noise every night")
    offer = await expect(emu, citizen, t("en", "faq-none"))
    await press(emu, citizen, offer, t("en", "btn-submit_question"))
    draft = await expect(emu, citizen, "📋 Please check your request")
    async with session_factory() as session:
        (row,) = (await session.exec(select(ConversationState))).all()
    assert (row.chat_id, row.user_id, row.state) == (citizen.id, citizen.id, "draft")
    assert row.data["v"] == 1 and row.data["draft"]["text"].startswith("There is loud")
    await app.stop()  # a deploy (SIGTERM) or a crash: nothing of the form is in memory anymore

    await _start(start_app, monkeypatch)  # a new process: new dispatcher, same database
    await press(emu, citizen, draft, t("en", "btn-submit"))
    created = await expect(emu, citizen, "Your request is registered as ticket")
    async with session_factory() as session:
        ticket = (await session.exec(select(Ticket))).one()
        left = (await session.exec(select(ConversationState))).all()
    assert ticket.number in created["text"]
    assert "loud construction noise" in ticket.text
    assert left == []  # the form is over and the conversation keeps nothing else
