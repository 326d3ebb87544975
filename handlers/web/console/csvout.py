"""CSV for Excel: UTF-8 with a BOM (Excel on Chinese Windows reads it as UTF-8), CRLF lines,
and cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR)
prefixed with ``'`` (citizens write the texts)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from urllib.parse import quote

from aiohttp import web

__all__ = ["BOM", "csv_line", "csv_response", "safe_cell"]

BOM = "\ufeff"
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA):
        # Numbers stay numbers (-3 is not a formula worth blocking, but it is harmless too).
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def csv_line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


async def csv_response(request: web.Request, filename: str) -> web.StreamResponse:
    """A prepared streaming response; write ``csv_line`` encodes to it, the BOM first."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": (
                f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
            ),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        }
    )
    await response.prepare(request)
    await response.write(BOM.encode("utf-8"))
    return response
