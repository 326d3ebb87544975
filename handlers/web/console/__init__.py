"""The web console for staff and administrators (server-rendered, no front-end build).

``setup_console(app, runtime, deps)`` mounts it under ``/console`` as a sub-application:

- ``GET /console/login?token=...`` signs in with a one-time link (``citizen-desk console link``
  or the bot's ``/console``) and sets the session cookie; ``POST /console/logout`` signs out;
- ``GET /console`` the queue (filters, search), ``GET /console/tickets.csv`` its export;
- ``GET /console/tickets/<number>`` a ticket, ``POST /console/tickets/<number>/<action>`` the
  staff actions (the same :class:`tickets.service.TicketService` use cases as the bot's
  commands, so the audit trail and the citizen's messages are the same);
- ``GET /console/dashboard`` the figures, ``GET /console/ranking.csv`` the ranking;
- ``GET /console/knowledge`` FAQ feedback and gaps.

Every page needs a session (401 otherwise); every form carries the session's CSRF token.
"""

from __future__ import annotations

from aiohttp import web

from handlers.deps import Deps
from handlers.web.console import (
    auth_views,
    dashboard_views,
    knowledge_views,
    queue_views,
    ticket_views,
)
from handlers.web.console.context import (
    CONSOLE,
    HERE,
    PREFIX,
    Console,
    ConsoleRuntime,
    console_middleware,
    make_env,
)

__all__ = ["CONSOLE", "Console", "setup_console"]


def create_console_app(runtime: ConsoleRuntime, deps: Deps) -> web.Application:
    app = web.Application(middlewares=[console_middleware])
    app[CONSOLE] = Console(runtime=runtime, deps=deps, env=make_env())
    router = app.router
    router.add_get("", queue_views.queue)
    router.add_get("/login", auth_views.login)
    router.add_post("/logout", auth_views.logout)
    router.add_get("/signed-out", auth_views.signed_out)
    router.add_get("/tickets.csv", queue_views.tickets_csv)
    router.add_get("/tickets/{number}", ticket_views.ticket_page)
    router.add_post("/tickets/{number}/{action}", ticket_views.ticket_action)
    router.add_get("/tickets/{number}/photos/{index}", ticket_views.photo)
    router.add_get("/dashboard", dashboard_views.dashboard)
    router.add_get("/ranking.csv", dashboard_views.ranking_csv)
    router.add_get("/knowledge", knowledge_views.knowledge)
    router.add_static("/static", HERE / "static")
    return app


def setup_console(app: web.Application, runtime: ConsoleRuntime, deps: Deps) -> None:
    """Mount the console on ``app`` under ``/console``."""
    app.add_subapp(PREFIX, create_console_app(runtime, deps))
