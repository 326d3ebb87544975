"""Telegram: aiogram routers that parse updates, call the dialogue or the staff use cases, and
render their replies as Bot API calls queued in the outbox."""
