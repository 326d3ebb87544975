"""Bot API methods for messages, chats, files, commands and callback queries."""

from __future__ import annotations

import json
import re
from typing import Any

from .core import ApiError, EmulatorCore, api_method, bad_request, public_copy
from .formatting import EntityParseError, apply_parse_mode
from .models import BotState, ChatState, RecordedCall, StoredFile

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "document",
    "location",
    "contact",
    "audio",
    "voice",
    "video",
    "sticker",
    "animation",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def _formatted(text: Any, params: dict[str, Any], entities_key: str) -> tuple[str, list[Any]]:
    text = "" if text is None else str(text)
    given = params.get(entities_key)
    if given:
        return text, list(given)
    try:
        return apply_parse_mode(text, params.get("parse_mode"))
    except EntityParseError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


def _validate_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("text buttons are unallowed in the inline keyboard")
            actions = [k for k in button if k != "text"]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
    return {"inline_keyboard": rows}


class BotMethods(EmulatorCore):
    """Handlers of the Bot API methods the bot calls (webhook ones live in delivery.py)."""

    # ------------------------------------------------------------ helpers
    def _bot_message(
        self, bot: BotState, chat: ChatState, params: dict[str, Any], content: dict[str, Any]
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.take_message_id(),
            "from": bot.sender(),
            "chat": chat.to_api(),
            "date": self._now(),
        }
        reply = params.get("reply_parameters") or {}
        reply_to_id = reply.get("message_id") or params.get("reply_to_message_id")
        if reply_to_id:
            replied = chat.find(int(reply_to_id))
            if replied is not None:
                inner = public_copy(replied)
                inner.pop("reply_to_message", None)
                message["reply_to_message"] = inner
            elif not (
                reply.get("allow_sending_without_reply")
                or params.get("allow_sending_without_reply")
            ):
                raise bad_request("message to be replied not found")
        message.update(content)
        markup = _validate_markup(params.get("reply_markup"))
        if markup is not None:
            message["reply_markup"] = markup
        chat.history.append(message)
        return public_copy(message)

    def _caption(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("caption") in (None, ""):
            return {}
        caption, entities = _formatted(params["caption"], params, "caption_entities")
        if len(caption) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        content: dict[str, Any] = {"caption": caption}
        if entities:
            content["caption_entities"] = entities
        return content

    def _input_file(self, call: RecordedCall, field: str, kind: str) -> StoredFile:
        value = call.params.get(field)
        upload = None
        if isinstance(value, str) and value.startswith("attach://"):
            upload = call.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(
                    f"wrong file identifier/HTTP URL specified ({value} not attached)"
                )
        elif value is None:
            upload = call.files.get(field)
        if upload is not None:
            if not upload.content:
                raise bad_request("file must be non-empty")
            return self.store_file(
                upload.content, kind=kind, file_name=upload.filename, mime_type=upload.content_type
            )
        if not value:
            raise bad_request(f"there is no {field} in the request")
        value = str(value)
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            return self.store_file(b"", kind=kind, file_name=value.rsplit("/", 1)[-1])
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _find_bot_message(
        self, call: RecordedCall, not_found: str
    ) -> tuple[ChatState, dict[str, Any]]:
        if call.params.get("inline_message_id"):
            raise bad_request("inline messages are not emulated")
        chat = self._writable_chat(call.params.get("chat_id"))
        message_id = call.params.get("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = chat.find(int(message_id))
        if message is None:
            raise bad_request(not_found)
        return chat, message

    # ----------------------------------------------------------- identity
    @api_method("getMe")
    async def _get_me(self, bot: BotState, call: RecordedCall) -> Any:
        return bot.to_api()

    @api_method("logOut")
    async def _log_out(self, bot: BotState, call: RecordedCall) -> Any:
        return True

    @api_method("close")
    async def _close(self, bot: BotState, call: RecordedCall) -> Any:
        return True

    # ----------------------------------------------------------- messages
    @api_method("sendMessage")
    async def _send_message(self, bot: BotState, call: RecordedCall) -> Any:
        params = call.params
        chat = self._writable_chat(params.get("chat_id"))
        text, entities = _formatted(params.get("text"), params, "entities")
        stripped = text.strip()
        if not stripped:
            raise bad_request("message text is empty")
        if len(stripped) > MAX_TEXT:
            raise bad_request("message is too long")
        content: dict[str, Any] = {"text": stripped}
        if entities:
            content["entities"] = entities
        if params.get("link_preview_options"):
            content["link_preview_options"] = params["link_preview_options"]
        return self._bot_message(bot, chat, params, content)

    @api_method("sendPhoto")
    async def _send_photo(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._writable_chat(call.params.get("chat_id"))
        content = self._caption(call.params)
        stored = self._input_file(call, "photo", "photos")
        content["photo"] = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
                "width": 800,
                "height": 600,
            }
        ]
        return self._bot_message(bot, chat, call.params, content)

    @api_method("sendDocument")
    async def _send_document(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._writable_chat(call.params.get("chat_id"))
        content = self._caption(call.params)
        stored = self._input_file(call, "document", "documents")
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        content["document"] = document
        return self._bot_message(bot, chat, call.params, content)

    @api_method("sendLocation")
    async def _send_location(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._writable_chat(call.params.get("chat_id"))
        latitude, longitude = call.params.get("latitude"), call.params.get("longitude")
        if latitude is None or longitude is None:
            raise bad_request("latitude and longitude are required")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise bad_request("wrong coordinates")
        location = {"latitude": latitude, "longitude": longitude}
        return self._bot_message(bot, chat, call.params, {"location": location})

    @api_method("sendContact")
    async def _send_contact(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._writable_chat(call.params.get("chat_id"))
        phone, first_name = call.params.get("phone_number"), call.params.get("first_name")
        if not phone or not first_name:
            raise bad_request("phone_number and first_name are required")
        contact = {"phone_number": str(phone), "first_name": str(first_name)}
        return self._bot_message(bot, chat, call.params, {"contact": contact})

    @api_method("copyMessage")
    async def _copy_message(self, bot: BotState, call: RecordedCall) -> Any:
        source = self._resolve_chat_id(call.params.get("from_chat_id"))
        original = source.find(int(call.params.get("message_id") or 0))
        if original is None:
            raise bad_request("message to copy not found")
        chat = self._writable_chat(call.params.get("chat_id"))
        content = {k: public_copy({"v": original[k]})["v"] for k in CONTENT_KEYS if k in original}
        if "caption" in call.params:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption(call.params))
        message = self._bot_message(bot, chat, call.params, content)
        return {"message_id": message["message_id"]}

    @api_method("forwardMessage")
    async def _forward_message(self, bot: BotState, call: RecordedCall) -> Any:
        source = self._resolve_chat_id(call.params.get("from_chat_id"))
        original = source.find(int(call.params.get("message_id") or 0))
        if original is None:
            raise bad_request("message to forward not found")
        chat = self._writable_chat(call.params.get("chat_id"))
        content = {k: public_copy({"v": original[k]})["v"] for k in CONTENT_KEYS if k in original}
        content["forward_origin"] = {
            "type": "user",
            "sender_user": original["from"],
            "date": original["date"],
        }
        return self._bot_message(bot, chat, call.params, content)

    @api_method("editMessageText")
    async def _edit_message_text(self, bot: BotState, call: RecordedCall) -> Any:
        _chat, message = self._find_bot_message(call, "message to edit not found")
        if not message.get("from", {}).get("is_bot") or "text" not in message:
            raise bad_request("message can't be edited")
        text, entities = _formatted(call.params.get("text"), call.params, "entities")
        text = text.strip()
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        markup = _validate_markup(call.params.get("reply_markup"))
        if (
            text == message.get("text")
            and entities == message.get("entities", [])
            and markup == message.get("reply_markup")
        ):
            raise bad_request(NOT_MODIFIED)
        message["text"] = text
        message.pop("entities", None)
        if entities:
            message["entities"] = entities
        self._set_markup(message, markup)
        message["edit_date"] = self._now()
        return public_copy(message)

    @api_method("editMessageCaption")
    async def _edit_message_caption(self, bot: BotState, call: RecordedCall) -> Any:
        _chat, message = self._find_bot_message(call, "message to edit not found")
        if not message.get("from", {}).get("is_bot") or "text" in message:
            raise bad_request("message can't be edited")
        content = self._caption(call.params)
        markup = _validate_markup(call.params.get("reply_markup"))
        if content.get("caption") == message.get("caption") and markup == message.get(
            "reply_markup"
        ):
            raise bad_request(NOT_MODIFIED)
        message.pop("caption", None)
        message.pop("caption_entities", None)
        message.update(content)
        self._set_markup(message, markup)
        message["edit_date"] = self._now()
        return public_copy(message)

    @api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, bot: BotState, call: RecordedCall) -> Any:
        _chat, message = self._find_bot_message(call, "message to edit not found")
        if not message.get("from", {}).get("is_bot"):
            raise bad_request("message can't be edited")
        markup = _validate_markup(call.params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise bad_request(NOT_MODIFIED)
        self._set_markup(message, markup)
        message["edit_date"] = self._now()
        return public_copy(message)

    @staticmethod
    def _set_markup(message: dict[str, Any], markup: dict[str, Any] | None) -> None:
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup

    @api_method("deleteMessage")
    async def _delete_message(self, bot: BotState, call: RecordedCall) -> Any:
        chat, message = self._find_bot_message(call, "message to delete not found")
        chat.deleted.add(message["message_id"])
        return True

    @api_method("sendChatAction")
    async def _send_chat_action(self, bot: BotState, call: RecordedCall) -> Any:
        self._writable_chat(call.params.get("chat_id"))
        if call.params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @api_method("answerCallbackQuery")
    async def _answer_callback_query(self, bot: BotState, call: RecordedCall) -> Any:
        query_id = str(call.params.get("callback_query_id") or "")
        delivery = self._callback_queries.pop(query_id, None)
        if delivery is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(call.params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        delivery.callback_answer_call = call
        delivery._answered.set()
        return True

    # -------------------------------------------------------------- files
    @api_method("getFile")
    async def _get_file(self, bot: BotState, call: RecordedCall) -> Any:
        stored = self.files.get(str(call.params.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # -------------------------------------------------------------- chats
    @api_method("getChat")
    async def _get_chat(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._resolve_chat_id(call.params.get("chat_id"))
        info = chat.to_api()
        info.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return info

    @api_method("leaveChat")
    async def _leave_chat(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._resolve_chat_id(call.params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        if chat.bot_left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        chat.bot_left = True
        return True

    @api_method("getChatMember")
    async def _get_chat_member(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._resolve_chat_id(call.params.get("chat_id"))
        user_id = call.params.get("user_id")
        if user_id is None:
            raise bad_request("user_id is empty")
        user = self.users.get(int(user_id))
        user_api = user.to_api() if user else {"id": user_id, "is_bot": False, "first_name": "User"}
        if chat.type == "private":
            status = "member" if int(user_id) == chat.id else "left"
        else:
            status = chat.members.get(int(user_id), "left")
        return _member(user_api, status)

    @api_method("getChatAdministrators")
    async def _get_chat_administrators(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._resolve_chat_id(call.params.get("chat_id"))
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            _member(self.users[uid].to_api(), status)
            for uid, status in chat.members.items()
            if status in ("creator", "administrator") and uid in self.users
        ]

    @api_method("getChatMemberCount")
    async def _get_chat_member_count(self, bot: BotState, call: RecordedCall) -> Any:
        chat = self._resolve_chat_id(call.params.get("chat_id"))
        if chat.type == "private":
            return 2
        return 1 + sum(1 for s in chat.members.values() if s not in ("left", "kicked"))

    # ------------------------------------------------------------ commands
    @staticmethod
    def _command_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope JSON object")
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    @api_method("setMyCommands")
    async def _set_my_commands(self, bot: BotState, call: RecordedCall) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_NAME_RE.match(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._command_key(call.params)
        bot.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    @api_method("getMyCommands")
    async def _get_my_commands(self, bot: BotState, call: RecordedCall) -> Any:
        return bot.commands.get(self._command_key(call.params), [])

    @api_method("deleteMyCommands")
    async def _delete_my_commands(self, bot: BotState, call: RecordedCall) -> Any:
        bot.commands.pop(self._command_key(call.params), None)
        return True

    @api_method("setChatMenuButton")
    async def _set_chat_menu_button(self, bot: BotState, call: RecordedCall) -> Any:
        button = call.params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        chat_id = call.params.get("chat_id")
        bot.menu_buttons[None if chat_id is None else int(chat_id)] = button
        return True

    @api_method("getChatMenuButton")
    async def _get_chat_menu_button(self, bot: BotState, call: RecordedCall) -> Any:
        chat_id = call.params.get("chat_id")
        button = bot.menu_buttons.get(None if chat_id is None else int(chat_id))
        if button is None or button.get("type") == "default":
            button = bot.menu_buttons.get(None) or {"type": "commands"}
        if button.get("type") == "default":
            button = {"type": "commands"}
        return button

    async def _set_text(self, bot: BotState, call: RecordedCall, kind: str, limit: int) -> Any:
        value = str(call.params.get(kind) or "")
        if len(value) > limit:
            raise bad_request(f"{kind} is too long")
        bot.texts[(kind, str(call.params.get("language_code") or ""))] = value
        return True

    def _get_text(self, bot: BotState, call: RecordedCall, kind: str) -> Any:
        lang = str(call.params.get("language_code") or "")
        value = bot.texts.get((kind, lang), bot.texts.get((kind, ""), ""))
        if kind == "name" and not value:
            value = bot.first_name
        return {kind: value}

    @api_method("setMyDescription")
    async def _set_my_description(self, bot: BotState, call: RecordedCall) -> Any:
        return await self._set_text(bot, call, "description", 512)

    @api_method("getMyDescription")
    async def _get_my_description(self, bot: BotState, call: RecordedCall) -> Any:
        return self._get_text(bot, call, "description")

    @api_method("setMyShortDescription")
    async def _set_my_short_description(self, bot: BotState, call: RecordedCall) -> Any:
        return await self._set_text(bot, call, "short_description", 120)

    @api_method("getMyShortDescription")
    async def _get_my_short_description(self, bot: BotState, call: RecordedCall) -> Any:
        return self._get_text(bot, call, "short_description")

    @api_method("setMyName")
    async def _set_my_name(self, bot: BotState, call: RecordedCall) -> Any:
        return await self._set_text(bot, call, "name", 64)

    @api_method("getMyName")
    async def _get_my_name(self, bot: BotState, call: RecordedCall) -> Any:
        return self._get_text(bot, call, "name")


def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        rights = (
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_promote_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
        )
        member: dict[str, Any] = {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
        }
        member.update(dict.fromkeys(rights, True))
        return member
    if status == "member":
        return {"status": "member", "user": user}
    return {"status": "left", "user": user}
