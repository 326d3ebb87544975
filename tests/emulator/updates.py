"""What users do: each action builds a realistic Update and delivers it to the bot."""

from __future__ import annotations

import copy
import hashlib
import itertools
from typing import Any

from .delivery import UpdateDelivery
from .formatting import detect_entities
from .models import ChatState, Delivery, EmuUser

ChatRef = ChatState | EmuUser | int | None
MessageRef = dict[str, Any] | int

# A 1x1 PNG: the default content of photos users send.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class UserActions(UpdateDelivery):
    """Users, groups and the updates they cause."""

    _user_ids = itertools.count(700_000_001)
    _group_ids = itertools.count(1)

    def user(
        self,
        id: int | None = None,
        first_name: str = "Citizen",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> EmuUser:
        """A user (with a private chat with the bot). ``id`` is picked when omitted."""
        user = EmuUser(
            id=id if id is not None else next(self._user_ids),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            self.chats[user.id] = ChatState(
                id=user.id,
                type="private",
                first_name=user.first_name,
                username=user.username,
            )
        return user

    def group(
        self,
        id: int | None = None,
        title: str = "Staff",
        type: str = "supergroup",
        members: list[EmuUser] | tuple[EmuUser, ...] = (),
        admins: list[EmuUser] | tuple[EmuUser, ...] = (),
        username: str | None = None,
    ) -> ChatState:
        """A group or supergroup the bot is a member of (negative id picked when omitted)."""
        if type not in ("group", "supergroup"):
            raise ValueError("type must be 'group' or 'supergroup'")
        if id is None:
            number = next(self._group_ids)
            id = -(1_000_000_000_000 + 1000 + number) if type == "supergroup" else -(4000 + number)
        chat = ChatState(id=id, type=type, title=title, username=username)
        for member in members:
            self.users.setdefault(member.id, member)
            chat.members[member.id] = "member"
        for admin in admins:
            self.users.setdefault(admin.id, admin)
            chat.members[admin.id] = "administrator"
        self.chats[id] = chat
        return chat

    # ------------------------------------------------------------ helpers
    def _chat_of(self, user: EmuUser, chat: ChatRef) -> ChatState:
        self.users.setdefault(user.id, user)
        state = self.chat(user if chat is None else chat)
        if state.type != "private":
            state.members.setdefault(user.id, "member")
        return state

    def _user_message(
        self,
        user: EmuUser,
        chat: ChatState,
        content: dict[str, Any],
        reply_to: MessageRef | None = None,
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": chat.take_message_id(),
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": self._now(),
        }
        if reply_to is not None:
            replied = self._lookup(chat, reply_to)
            inner = copy.deepcopy(replied)
            inner.pop("reply_to_message", None)
            message["reply_to_message"] = inner
        message.update(content)
        chat.history.append(message)
        return copy.deepcopy(message)

    def _lookup(self, chat: ChatState, message: MessageRef) -> dict[str, Any]:
        message_id = message if isinstance(message, int) else int(message["message_id"])
        found = chat.find(message_id)
        if found is None:
            raise AssertionError(f"message {message_id} is not (or no longer) in chat {chat.id}")
        return found

    async def _send(self, bot: str | None, key: str, payload: dict[str, Any]) -> Delivery:
        return await self._dispatch(self.bot(bot), {key: payload})

    # ------------------------------------------------------------ actions
    async def send_message(
        self,
        user: EmuUser,
        text: str,
        chat: ChatRef = None,
        reply_to: MessageRef | None = None,
        *,
        entities: list[dict[str, Any]] | None = None,
        bot: str | None = None,
    ) -> Delivery:
        """The user writes ``text`` (commands such as ``/start payload`` get their entities)."""
        state = self._chat_of(user, chat)
        content: dict[str, Any] = {"text": text}
        found = detect_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        message = self._user_message(user, state, content, reply_to)
        return await self._send(bot, "message", message)

    async def send_photo(
        self,
        user: EmuUser,
        content: bytes = TINY_PNG,
        caption: str | None = None,
        chat: ChatRef = None,
        *,
        width: int = 1280,
        height: int = 960,
        bot: str | None = None,
    ) -> Delivery:
        """The user sends a photo; its sizes are downloadable through getFile."""
        state = self._chat_of(user, chat)
        small = self.store_file(content, kind="photos")
        large = self.store_file(content, kind="photos")
        scale = 90 / max(width, height)
        sizes = [
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
                "width": w,
                "height": h,
            }
            for stored, w, h in (
                (small, max(1, round(width * scale)), max(1, round(height * scale))),
                (large, width, height),
            )
        ]
        body: dict[str, Any] = {"photo": sizes}
        if caption:
            body["caption"] = caption
        return await self._send(bot, "message", self._user_message(user, state, body))

    async def send_document(
        self,
        user: EmuUser,
        content: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat: ChatRef = None,
        *,
        bot: str | None = None,
    ) -> Delivery:
        state = self._chat_of(user, chat)
        stored = self.store_file(
            content, kind="documents", file_name=file_name, mime_type=mime_type
        )
        body: dict[str, Any] = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
                "file_name": file_name,
                "mime_type": mime_type,
            }
        }
        if caption:
            body["caption"] = caption
        return await self._send(bot, "message", self._user_message(user, state, body))

    async def send_location(
        self,
        user: EmuUser,
        latitude: float,
        longitude: float,
        chat: ChatRef = None,
        *,
        bot: str | None = None,
    ) -> Delivery:
        state = self._chat_of(user, chat)
        body = {"location": {"latitude": latitude, "longitude": longitude}}
        return await self._send(bot, "message", self._user_message(user, state, body))

    async def send_contact(
        self,
        user: EmuUser,
        phone_number: str,
        first_name: str | None = None,
        last_name: str | None = None,
        contact_user_id: int | None = None,
        chat: ChatRef = None,
        *,
        bot: str | None = None,
    ) -> Delivery:
        """A contact; by default the user's own (as from a request_contact button)."""
        state = self._chat_of(user, chat)
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or user.first_name,
            "user_id": contact_user_id if contact_user_id is not None else user.id,
        }
        if last_name or (first_name is None and user.last_name):
            contact["last_name"] = last_name or user.last_name
        body = {"contact": contact}
        return await self._send(bot, "message", self._user_message(user, state, body))

    async def edit_message(
        self,
        user: EmuUser,
        message: MessageRef,
        text: str,
        chat: ChatRef = None,
        *,
        bot: str | None = None,
    ) -> Delivery:
        """The user edits one of their own text messages (an ``edited_message`` update)."""
        state = self._chat_of(
            user, chat if chat is not None or isinstance(message, int) else message["chat"]["id"]
        )
        stored = self._lookup(state, message)
        if stored.get("from", {}).get("id") != user.id:
            raise AssertionError("a user can only edit their own messages")
        stored["text"] = text
        stored.pop("entities", None)
        found = detect_entities(text)
        if found:
            stored["entities"] = found
        stored["edit_date"] = self._now()
        return await self._send(bot, "edited_message", copy.deepcopy(stored))

    async def press_button(
        self,
        user: EmuUser,
        message: MessageRef,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        chat: ChatRef = None,
        bot: str | None = None,
    ) -> Delivery:
        """The user presses an inline button (found by ``callback_data`` or by its ``text``).

        The button must be on the message as it is now (edits applied), else AssertionError.
        ``await delivery.callback_answer()`` waits for the bot's answerCallbackQuery.
        """
        if callback_data is None and text is None:
            raise ValueError("give callback_data or text")
        if chat is None and isinstance(message, dict):
            chat = int(message["chat"]["id"])
        state = self._chat_of(user, chat)
        current = self._lookup(state, message)
        buttons = [
            b for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row
        ]
        pressed = next(
            (
                b
                for b in buttons
                if "callback_data" in b
                and (callback_data is None or b["callback_data"] == callback_data)
                and (text is None or b["text"] == text)
            ),
            None,
        )
        if pressed is None:
            shown = [(b.get("text"), b.get("callback_data")) for b in buttons]
            raise AssertionError(
                f"no button callback_data={callback_data!r} text={text!r} on message "
                f"{current['message_id']}; buttons (text, data): {shown}"
            )
        instance = hashlib.sha1(f"{state.id}".encode()).hexdigest()[:16]
        query = {
            "id": str(4_000_000_000_000_000 + self._unique_id()),
            "from": user.to_api(),
            "message": copy.deepcopy(current),
            "chat_instance": str(int(instance, 16)),
            "data": pressed["callback_data"],
        }
        return await self._send(bot, "callback_query", query)

    async def post_raw(
        self, update: dict[str, Any], *, fresh_id: bool = True, bot: str | None = None
    ) -> Delivery:
        """Deliver an arbitrary Update JSON (a fresh update_id replaces its own by default)."""
        body = copy.deepcopy(update)
        target = self.bot(bot)
        if fresh_id or "update_id" not in body:
            body.pop("update_id", None)
            return await self._dispatch(target, body)
        delivery = Delivery(body, target.token)
        self.deliveries.append(delivery)
        if delivery.callback_query_id is not None:
            self._callback_queries[delivery.callback_query_id] = delivery
        self._route(target, delivery)
        await self._notify()
        return delivery
