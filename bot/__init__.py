"""The composition root: settings (:mod:`.config`), the database engine (:mod:`.db`,
:mod:`.sqlite_driver`, :mod:`.migrate`), the aiohttp application and its routes
(:mod:`.app`, :mod:`.server`, :mod:`.webhook`, :mod:`.polling`), the outbox senders with the
platforms' rate limits and transports (:mod:`.outbox`, :mod:`.limits`, :mod:`.telegram`,
:mod:`.wechat_transport`), the scheduler's jobs (:mod:`.scheduler`) and the ``citizen-desk``
CLI (:mod:`.cli`, :mod:`.commands`). Everything is wired here; nothing below imports it."""
