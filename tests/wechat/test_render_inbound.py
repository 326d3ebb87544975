"""The dialogue's replies as WeChat messages, and WeChat's messages as the dialogue's input."""

from __future__ import annotations

from handlers.dialogue.model import Ack, Action, Outcome, Raw, Text
from handlers.wechat.inbound import intake
from handlers.wechat.render import (
    SAY,
    TEXT_LIMIT,
    WxText,
    custom_body,
    from_payload,
    numbered,
    render_outcome,
    split,
)
from handlers.wechat.wire import WxMessage
from locales import t


def test_choices_become_numbered_lines_and_a_mapping() -> None:
    out = Outcome(lang="en")
    out.ack = Ack(Raw("Thanks!"))
    out.say(Raw("Did this help?"), [Action("fq:y:1:0", Raw("Yes")), Action("fq:n:1:0", Raw("No"))])
    (message,) = render_outcome(out, openid="o1")
    assert message.text == "Thanks!\n\nDid this help?"
    assert numbered(message).endswith(f"1. Yes\n2. No\n{t('en', 'wx-choose_hint')}")
    assert message.mapping == {"1": "fq:y:1:0", "2": "fq:n:1:0"}
    menu = custom_body(message)
    assert menu["msgtype"] == "msgmenu" and menu["msgmenu"]["list"][1] == {
        "id": "2",
        "content": "2. No",
    }


def test_the_contact_offer_and_telegram_wording_are_wechat_s() -> None:
    out = Outcome(lang="zh")
    out.say(Text("flow-phone_consent"), ask_contact=True)
    out.say(
        Text(
            "data-show",
            {
                k: "x"
                for k in (
                    "name",
                    "phone",
                    "consent",
                    "language",
                    "created",
                    "seen",
                    "tickets",
                    "subscriptions",
                )
            }
            | {"user_id": "?", "privacy": Text("privacy")},
        )
    )
    (message,) = render_outcome(out, openid="oOPEN")
    assert "Telegram" not in message.text and "oOPEN" in message.text
    assert t("zh", "wx-phone_hint") in message.text
    assert message.mapping == {"1": SAY + t("zh", "btn-no_phone")}


def test_long_texts_are_split_with_the_options_last() -> None:
    message = WxText("段落。" * 2000, (("a:1", "一"), ("a:2", "二")), lang="zh")
    parts = split(message)
    assert len(parts) > 1 and all(len(numbered(p).encode()) <= TEXT_LIMIT for p in parts)
    assert [bool(p.options) for p in parts] == [False] * (len(parts) - 1) + [True]
    assert "".join(p.text for p in parts).replace("\n", "") == message.text
    assert custom_body(parts[-1])["msgtype"] in ("msgmenu", "text")


def test_the_ticket_service_s_messages_read_either_way() -> None:
    keyboard = {"inline_keyboard": [[{"text": "✅", "callback_data": "tk:resolved:7"}]]}
    assert from_payload({"text": "hi", "reply_markup": keyboard}).mapping == {"1": "tk:resolved:7"}
    actions = {"text": "hi", "actions": [{"id": "tk:rate5:7", "label": "⭐⭐⭐⭐⭐"}]}
    assert from_payload(actions).options == (("tk:rate5:7", "⭐⭐⭐⭐⭐"),)
    many = WxText("x", tuple((f"a:{i}", f"L{i}") for i in range(11)))
    assert custom_body(many)["msgtype"] == "text"  # a msgmenu shows ten at most


def _message(**fields: object) -> WxMessage:
    base = {"ToUserName": "gh_a", "FromUserName": "o1", "CreateTime": "1790000000", "MsgId": "5"}
    return WxMessage(None, {**base, **fields}, False)


def test_digits_menus_phones_commands_events() -> None:
    options = {"1": "tf:submit:", "2": SAY + "No phone number"}
    press = intake(_message(MsgType="text", Content=" １。"), options, None).inbound
    assert press is not None and (press.kind, press.action) == ("press", "tf:submit:")
    said = intake(_message(MsgType="text", Content="2"), options, "phone").inbound
    assert said is not None and (said.kind, said.text) == ("text", "No phone number")
    menu = intake(_message(MsgType="text", Content="1. Submit", bizmsgmenuid="1"), options, None)
    assert menu.inbound is not None and menu.inbound.action == "tf:submit:"
    phone = intake(_message(MsgType="text", Content="139 1234 5678"), {}, "phone").inbound
    assert phone is not None and (phone.kind, phone.phone) == ("contact", "139 1234 5678")
    text = intake(_message(MsgType="text", Content="139 1234 5678"), {}, None).inbound
    assert text is not None and text.kind == "text"
    command = intake(_message(MsgType="text", Content="/mytickets"), {}, None).inbound
    assert command is not None and command.command == "mytickets"
    sub = intake(_message(MsgType="event", Event="subscribe", EventKey="qrscene_faq-12"), {}, None)
    assert sub.interactive and sub.inbound is not None
    assert (sub.inbound.command, sub.inbound.text) == ("start", "faq-12")
    click = intake(_message(MsgType="event", Event="CLICK", EventKey="new"), {}, None).inbound
    assert click is not None and click.command == "new"
    assert intake(_message(MsgType="event", Event="unsubscribe"), {}, None).kind == "unsubscribe"
    view = intake(_message(MsgType="event", Event="VIEW", EventKey="https://x"), {}, None)
    assert view.kind == "ignore" and not view.interactive
    photo = intake(_message(MsgType="image", MediaId="M1", PicUrl="http://p"), {}, None).inbound
    assert photo is not None and photo.files == ("wechat:M1",)
    assert intake(_message(MsgType="voice", MediaId="V"), {}, None).kind == "voice"
