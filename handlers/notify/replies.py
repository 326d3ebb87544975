"""Answers the domain returns as data, in words (every channel's citizen conversation)."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.notify.format import DepartmentNames
from locales import t
from tickets.config.desk import DeskConfig
from tickets.models import Department
from tickets.service import CallbackAnswer

__all__ = ["closure_answer_text", "department_name"]


async def department_name(
    session: AsyncSession, config: DeskConfig | None, slug: str, lang: str | None
) -> str:
    """A department's name: the departments file's, else its database row's."""
    names = DepartmentNames(config)
    if not names.known(slug):
        stmt = select(Department.name_zh, Department.name_en).where(Department.slug == slug)
        row = (await session.exec(stmt)).first()
        if row is not None:
            names = DepartmentNames(config, {slug: (str(row[0]), str(row[1]))})
    return names.name(slug, lang)


async def closure_answer_text(
    session: AsyncSession, config: DeskConfig | None, answer: CallbackAnswer, lang: str | None
) -> str:
    """What the citizen is told after answering "really solved?"
    (:meth:`tickets.service.TicketService.answer_closure_callback`)."""
    if answer.already:
        return t(lang, "citizen-callback_already", number=answer.number)
    if answer.solved:
        return t(lang, "citizen-callback_thanks")
    department = await department_name(session, config, answer.department, lang)
    return t(lang, "citizen-callback_reopened", number=answer.number, department=department)
