"""Web channels: the staff console (``handlers.web.console``)."""
