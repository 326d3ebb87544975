"""The emulator seen from a real aiogram 3 Bot: results parse, errors map to aiogram's."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonCommands,
    Message,
    ReplyKeyboardMarkup,
)

from tests.emulator import BotAPIEmulator, as_dict, make_token

from .conftest import TOKEN, make_bot

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [
            InlineKeyboardButton(text="Yes / 是", callback_data="faq:yes:42"),
            InlineKeyboardButton(text="Site", url="https://example.org"),
        ]
    ]
)


async def test_get_me_parses_as_a_bot_user(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot is True
    assert me.id == int(TOKEN.split(":")[0])
    assert me.username == "citizen_desk_bot"
    assert me.first_name == "Citizen Desk"
    assert me.can_join_groups is True


async def test_send_message_with_inline_keyboard_is_recorded_and_parses(
    emu: BotAPIEmulator, bot: Bot
) -> None:
    citizen = emu.user(first_name="李", language_code="zh")
    message = await bot.send_message(
        citizen.id, "您好 <b>市民</b>", parse_mode="HTML", reply_markup=KEYBOARD
    )

    assert isinstance(message, Message)
    assert message.text == "您好 市民"
    assert message.entities is not None and message.entities[0].type == "bold"
    assert (message.entities[0].offset, message.entities[0].length) == (3, 2)
    assert as_dict(message.reply_markup) == as_dict(KEYBOARD)
    assert message.chat.id == citizen.id and message.chat.type == "private"
    assert message.from_user is not None and message.from_user.is_bot

    [call] = emu.sent(citizen, "sendMessage")
    assert call.ok and call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "faq:yes:42"
    assert emu.chat(citizen).texts == ["您好 市民"]
    assert (await emu.next_message(citizen))["message_id"] == message.message_id


async def test_message_ids_increase_per_chat(emu: BotAPIEmulator, bot: Bot) -> None:
    first = await bot.send_message(1001, "a")
    second = await bot.send_message(1001, "b")
    other = await bot.send_message(1002, "c")
    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)


async def test_reply_keyboard_stays_in_params_not_in_the_message(
    emu: BotAPIEmulator, bot: Bot
) -> None:
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share", request_contact=True)]])
    message = await bot.send_message(7, "Share your phone", reply_markup=keyboard)
    assert message.reply_markup is None
    [call] = emu.sent(7)
    assert call.params["reply_markup"]["keyboard"][0][0]["request_contact"] is True


@pytest.mark.parametrize(
    ("text", "parse_mode", "reason"),
    [
        ("x" * 4097, None, "message is too long"),
        ("   ", None, "message text is empty"),
        ("<b>bold", "HTML", "can't parse entities"),
        ("1 < 2 and <foo>", "HTML", "can't parse entities"),
        ("Done.", "MarkdownV2", "is reserved and must be escaped"),
    ],
)
async def test_invalid_text_is_a_bad_request(
    emu: BotAPIEmulator, bot: Bot, text: str, parse_mode: str | None, reason: str
) -> None:
    with pytest.raises(TelegramBadRequest, match=reason):
        await bot.send_message(5, text, parse_mode=parse_mode)
    [call] = emu.sent(5)
    assert call.status == 400 and not call.ok
    assert emu.chat(5).messages == []


async def test_longest_allowed_text_and_escaped_markdown_pass(bot: Bot) -> None:
    assert (await bot.send_message(5, "字" * 4096)).text == "字" * 4096
    message = await bot.send_message(5, r"*Done*\. 1 \+ 1", parse_mode="MarkdownV2")
    assert message.text == "Done. 1 + 1"
    assert message.entities is not None and message.entities[0].type == "bold"


async def test_edits_are_applied_and_no_op_edit_is_refused(emu: BotAPIEmulator, bot: Bot) -> None:
    sent = await bot.send_message(9, "Ticket 2026-000001 opened", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text(
        chat_id=9, message_id=sent.message_id, text="Ticket 2026-000001 closed"
    )
    assert isinstance(edited, Message) and edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without a markup removes the keyboard
    assert emu.chat(9).last is not None and emu.chat(9).last["text"] == "Ticket 2026-000001 closed"

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            chat_id=9, message_id=sent.message_id, text="Ticket 2026-000001 closed"
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(chat_id=9, message_id=999, text="x")

    markup = await bot.edit_message_reply_markup(
        chat_id=9, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert isinstance(markup, Message)
    assert as_dict(markup.reply_markup) == as_dict(KEYBOARD)

    assert await bot.delete_message(9, sent.message_id) is True
    assert emu.chat(9).messages == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(9, sent.message_id)


async def test_429_surfaces_as_retry_after_and_failures_are_recorded(
    emu: BotAPIEmulator, bot: Bot
) -> None:
    emu.fail_next("sendMessage", status=429, retry_after=7, times=2)
    for _ in range(2):
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(11, "hello")
        assert caught.value.retry_after == 7
    ok = await bot.send_message(11, "hello")

    calls = emu.sent(11, "sendmessage")
    assert [c.status for c in calls] == [429, 429, 200]
    assert calls[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert [m["message_id"] for m in emu.chat(11).messages] == [ok.message_id]


@pytest.mark.parametrize(
    ("status", "description"), [(500, "Internal Server Error"), (502, "Bad Gateway")]
)
async def test_5xx_surfaces_as_server_error(
    emu: BotAPIEmulator, bot: Bot, status: int, description: str
) -> None:
    emu.fail_next("sendMessage", status=status)
    with pytest.raises(TelegramServerError, match=description):
        await bot.send_message(12, "hello")
    assert (await bot.send_message(12, "hello")).text == "hello"


async def test_blocked_chat_is_forbidden(emu: BotAPIEmulator, bot: Bot) -> None:
    citizen = emu.user()
    emu.block(citizen)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(citizen.id, "reminder")
    with pytest.raises(TelegramForbiddenError):
        await bot.send_chat_action(citizen.id, "typing")
    emu.unblock(citizen)
    assert await bot.send_chat_action(citizen.id, "typing") is True
    assert [c.status for c in emu.sent(citizen)] == [403, 403, 200]


async def test_hang_next_makes_the_client_time_out_but_the_call_still_runs(
    emu: BotAPIEmulator,
) -> None:
    slow_bot = make_bot(emu, timeout=0.1)
    emu.hang_next("sendMessage", seconds=0.4)
    mark = emu.mark()
    try:
        with pytest.raises(TelegramNetworkError, match="timeout"):
            await slow_bot.send_message(13, "maybe sent")
    finally:
        await slow_bot.session.close()
    call = await emu.wait_for(lambda c: c.method == "sendMessage", since=mark, timeout=3)
    assert call.fault == "hang 0.4s" and call.ok
    assert emu.chat(13).texts == ["maybe sent"]


async def test_unknown_token_is_unauthorized() -> None:
    async with BotAPIEmulator(accept_any_token=False) as strict:
        strict.add_bot(TOKEN)
        stranger = make_bot(strict, token=make_token(42, "wrong"))
        try:
            with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
                await stranger.get_me()
        finally:
            await stranger.session.close()
        assert strict.calls == []


async def test_commands_per_scope_and_language(bot: Bot) -> None:
    default = [BotCommand(command="start", description="Start")]
    zh = [
        BotCommand(command="start", description="开始"),
        BotCommand(command="help", description="帮助"),
    ]
    staff_scope = BotCommandScopeChat(chat_id=-100123)
    staff = [BotCommand(command="reply", description="Reply to a ticket")]
    assert await bot.set_my_commands(default)
    assert await bot.set_my_commands(zh, language_code="zh")
    assert await bot.set_my_commands(staff, scope=staff_scope)

    assert as_dict(await bot.get_my_commands()) == as_dict(default)
    assert as_dict(await bot.get_my_commands(language_code="zh")) == as_dict(zh)
    assert as_dict(await bot.get_my_commands(scope=staff_scope)) == as_dict(staff)
    assert await bot.delete_my_commands(language_code="zh")
    assert await bot.get_my_commands(language_code="zh") == []

    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)


async def test_bot_upload_get_file_and_download(emu: BotAPIEmulator, bot: Bot) -> None:
    payload = b"%PDF-1.4 monthly report"
    message = await bot.send_document(
        21,
        BufferedInputFile(payload, filename="report.pdf"),
        caption="<i>Report</i>",
        parse_mode="HTML",
    )
    assert message.document is not None and message.document.file_name == "report.pdf"
    assert message.caption == "Report"
    [call] = emu.sent(21, "sendDocument")
    assert [f.content for f in call.files.values()] == [payload]

    file = await bot.get_file(message.document.file_id)
    assert file.file_path is not None and file.file_size == len(payload)
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == payload

    # Sending again by file_id needs no upload and reuses the same file.
    again = await bot.send_document(22, message.document.file_id)
    assert again.document is not None and again.document.file_id == message.document.file_id
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(22, "no-such-file-id")


async def test_user_photo_is_downloadable(emu: BotAPIEmulator, bot: Bot) -> None:
    citizen = emu.user()
    picture = b"\x89PNG fake pothole picture"
    delivery = await emu.send_photo(citizen, picture, caption="pothole")
    photo = delivery.update["message"]["photo"][-1]
    file = await bot.get_file(photo["file_id"])
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == picture
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_send_location_photo_and_chat_info(emu: BotAPIEmulator, bot: Bot) -> None:
    staff = emu.group(title="Roads dept", type="supergroup")
    location = await bot.send_location(staff.id, latitude=31.23, longitude=121.47)
    assert location.location is not None and location.location.latitude == pytest.approx(31.23)
    photo = await bot.send_photo(staff.id, BufferedInputFile(b"img", filename="p.jpg"))
    assert photo.photo is not None and photo.chat.title == "Roads dept"
    info = await bot.get_chat(staff.id)
    assert info.type == "supergroup" and info.title == "Roads dept"
    copied = await bot.copy_message(
        chat_id=5, from_chat_id=staff.id, message_id=location.message_id
    )
    assert emu.chat(5).messages[0]["message_id"] == copied.message_id
    assert emu.chat(5).messages[0]["location"]["longitude"] == pytest.approx(121.47)
    assert await bot.leave_chat(staff.id) is True
    with pytest.raises(TelegramForbiddenError, match="not a member"):
        await bot.send_message(staff.id, "anyone?")


async def test_press_button_and_answer_callback_query(emu: BotAPIEmulator, bot: Bot) -> None:
    citizen = emu.user(language_code="zh")
    sent = await bot.send_message(citizen.id, "Was this helpful?", reply_markup=KEYBOARD)
    message = await emu.next_message(citizen)
    delivery = await emu.press_button(citizen, message, "faq:yes:42")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "faq:yes:42"
    assert update.callback_query.message is not None
    assert update.callback_query.message.message_id == sent.message_id

    assert await bot.answer_callback_query(update.callback_query.id, text="Thanks / 谢谢")
    answer = await delivery.callback_answer()
    assert answer.params["text"] == "Thanks / 谢谢"
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(update.callback_query.id)
    with pytest.raises(AssertionError, match="no button"):
        await emu.press_button(citizen, message, "faq:no:42")


async def test_rate_limits_use_the_injected_clock(emu: BotAPIEmulator, bot: Bot) -> None:
    now = [1_000.0]
    emu.clock = lambda: now[0]
    emu.enforce_limits = True
    assert await bot.send_message(31, "one")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(31, "two")
    assert caught.value.retry_after == 1
    now[0] += 1.0
    assert await bot.send_message(31, "two")

    group = emu.group(type="group")
    for i in range(20):
        now[0] += 0.5
        assert await bot.send_message(group.id, f"n{i}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(group.id, "too many")
    assert 1 <= caught.value.retry_after <= 60
    now[0] += 60
    assert await bot.send_message(group.id, "later")
