"""Signing in with a one-time link, signing out."""

from __future__ import annotations

from aiohttp import web

from handlers.web.console.context import (
    COOKIE,
    PREFIX,
    console_of,
    message_page,
    read_form,
    user_of,
)
from tickets.console_access import end_session, redeem_login


async def login(request: web.Request) -> web.StreamResponse:
    """``GET /console/login?token=...``: a fresh session and 302 to /console; 403 when the
    link is unknown, used or expired."""
    console = console_of(request)
    token = request.query.get("token", "")
    async with console.session() as session:
        result = await redeem_login(
            session,
            token,
            now=console.now(),
            admin_ids=console.deps.admin_ids,
            session_ttl=console.session_ttl,
        )
        await session.commit()
    if result is None:
        return message_page(request, 403, "con-link_refused_title", "con-link_refused")
    cookie, _user = result
    response = web.Response(status=302, headers={"Location": PREFIX})
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(console.session_ttl.total_seconds()),
        path=PREFIX,
        httponly=True,
        secure=console.secure_cookie(request),
        samesite="Lax",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    """``POST /console/logout``: the session row is deleted, the cookie cleared."""
    await read_form(request)
    console = console_of(request)
    async with console.session() as session:
        await end_session(session, user_of(request).session_id, now=console.now())
        await session.commit()
    response = web.Response(status=303, headers={"Location": f"{PREFIX}/signed-out"})
    response.del_cookie(COOKIE, path=PREFIX)
    return response


async def signed_out(request: web.Request) -> web.StreamResponse:
    return message_page(request, 200, "con-signed_out_title", "con-signed_out")
