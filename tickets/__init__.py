"""The desk's domain: tickets and their lifecycle (:mod:`.service` — ``TicketService``, every
ticket operation —, :mod:`.lifecycle`, :mod:`.models`), the events it raises through the
``Notifier`` port (:mod:`.notify`), the outbox writer (:mod:`.outbox`), conversations' stored
state, erasure of a person's data (:mod:`.erasure`), and the sub-packages ``people/``,
``config/`` (the departments file), ``worktime/``, ``sweeps/`` and ``reports/``.

No Telegram, web framework, wiring or message catalogue here (``make lint`` checks it): the
channels in ``handlers/`` render what this package decides."""
