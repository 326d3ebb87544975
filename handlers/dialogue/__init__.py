"""The citizen conversation, channel-neutral: the same dialogue behind Telegram, the web chat
and WeChat.

:class:`Dialogue` (:mod:`.conversation`) takes what a person did and their typed conversation
state (:mod:`.state`) and returns plain data (:mod:`.model`: message keys with parameters, rows
of actions); channel adapters parse their platform's input and render the output. The parts:
questions and the FAQ's answers (:mod:`.ask`), the request form (:mod:`.form`), the person's
tickets, ratings and messages for a ticket (:mod:`.mytickets`), welcome, language, personal
data (:mod:`.account`), flood control (:mod:`.flood`).
"""

from handlers.dialogue.conversation import Dialogue
from handlers.dialogue.flood import FloodGuard

__all__ = ["Dialogue", "FloodGuard"]
