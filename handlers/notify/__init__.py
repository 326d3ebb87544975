"""Domain events -> one rendering per channel -> the outbox (see DESIGN: ``handlers/notify``).

* :mod:`handlers.notify.notifier`: :class:`OutboxNotifier`, the :class:`tickets.notify.Notifier`
  the service and the sweeps publish through, and :func:`notifier_factory`;
* :mod:`handlers.notify.render`: every event kind's texts, buttons and files;
* :mod:`handlers.notify.channels`: how Telegram and the web chat / WeChat send them;
* :mod:`handlers.notify.actions`: the ticket buttons ``tk:<action>:<id>``;
* :mod:`handlers.notify.format`: times, working time, windows, department names in words;
* :mod:`handlers.notify.outbox`: the one outbox writer (and its count, to wake the sender).
"""

from handlers.notify.notifier import NotifySetup, OutboxNotifier, notifier_factory
from handlers.notify.outbox import queued_in, write

__all__ = ["NotifySetup", "OutboxNotifier", "notifier_factory", "queued_in", "write"]
