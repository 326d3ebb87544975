"""The web chat on the city's website: the same desk for visitors who will never install
Telegram.

* :mod:`.views`: the page, the widget snippet and the API (``/chat/api/session``,
  ``messages``, ``photo``, ``stream``) with the CSRF check, size and rate limits, CSP;
* :mod:`.processing`: a visitor's message through the channel-neutral dialogue, its answer
  written as events in the same transaction;
* :mod:`.render`: the dialogue's replies as events ``{"from", "text", "actions"}``;
* :mod:`.events`: the per-visitor event log (``webchat_event``, ids increasing per visitor);
* :mod:`.hub`: waking open streams, across instances with PostgreSQL ``LISTEN/NOTIFY``;
* :mod:`.signing`: the signed visitor cookie and the CSRF token; :mod:`.limits`: rate limits.

Wired, with the outbox sender of channel ``web``, in :mod:`bot.webchat`.
"""
