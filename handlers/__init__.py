"""The interaction layer (../shared/DESIGN.md, "Layers"): the channel-neutral citizen dialogue
(``dialogue/``), Telegram's aiogram routers (``telegram/``: ``setup(dispatcher)`` wires them
and their middlewares in order), the web chat and console (``web/``), WeChat (``wechat/``),
and the rendering of domain events per channel (``notify/``). ``deps`` and ``errors`` are
shared by all of them."""
