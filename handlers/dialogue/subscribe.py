"""Announcement subscriptions, channel-neutral: ``/subscribe`` lists the departments file's
topics with a toggle each (``sub:on:<topic>`` / ``sub:off:<topic>``); the deep link
``/start sub-<topic>`` (a QR code on a poster) asks for one tap of confirmation
(``sub:yes:<topic>`` / ``sub:no:<topic>``); every announcement carries ``sub:off:<topic>``."""

from __future__ import annotations

from collections.abc import Mapping

from handlers.dialogue.model import Action, Raw, Text
from handlers.dialogue.turn import Turn
from handlers.notify.actions import subscription_id
from tickets.announce import set_subscription, subscriptions_of
from tickets.config.desk import TopicConfig

__all__ = ["DEEP_LINK_PREFIX", "deep_link", "press", "topic_list"]

DEEP_LINK_PREFIX = "sub-"


def _topics(turn: Turn) -> Mapping[str, TopicConfig]:
    return turn.deps.desk.config.topics


async def topic_list(turn: Turn) -> None:
    """``/subscribe``: every topic, with a toggle showing whether the person follows it."""
    topics = _topics(turn)
    if not topics:
        turn.say(Text("sub-none_configured"))
        return
    citizen = turn.citizen
    mine = (
        set(await subscriptions_of(turn.session, citizen.id)) if citizen and citizen.id else set()
    )
    rows = []
    lines = []
    for topic in topics.values():
        name = topic.name_for(turn.lang)
        on = topic.id in mine
        key = "sub-btn-on" if on else "sub-btn-off"
        rows.append(
            [Action(subscription_id("off" if on else "on", topic.id), Text(key, {"topic": name}))]
        )
        description = topic.description_for(turn.lang)
        lines.append(f"• {name}" + (f": {description}" if description else ""))
    turn.say(Text("sub-list", {"topics": Raw("\n".join(lines))}), *rows)


async def deep_link(turn: Turn, topic_id: str) -> None:
    """``/start sub-<topic>``: confirm before subscribing (a link can be opened by mistake)."""
    topic = _topics(turn).get(topic_id)
    if topic is None:
        turn.say(Text("sub-unknown"))
        return
    name = topic.name_for(turn.lang)
    turn.say(
        Text("sub-confirm", {"topic": name, "description": Raw(topic.description_for(turn.lang))}),
        [
            Action(subscription_id("yes", topic.id), Text("sub-btn-yes")),
            Action(subscription_id("no", topic.id), Text("sub-btn-no")),
        ],
    )


async def press(turn: Turn, verb: str, topic_id: str) -> None:
    """A subscription button: subscribe (``on``, ``yes``), unsubscribe (``off``), decline."""
    topic = _topics(turn).get(topic_id)
    if topic is None:
        turn.ack(Text("sub-unknown"), alert=True)
        return
    name = topic.name_for(turn.lang)
    if verb == "no":
        turn.ack()
        turn.say(Text("sub-declined", {"topic": name}))
        return
    citizen = await turn.ensure_citizen()
    assert citizen.id is not None
    active = verb in ("on", "yes")
    await set_subscription(turn.session, citizen.id, topic.id, active, now=turn.now, lang=turn.lang)
    turn.ack()
    turn.say(Text("sub-done" if active else "sub-undone", {"topic": name}))
