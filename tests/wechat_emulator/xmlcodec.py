"""WeChat's XML: building messages (CDATA like the platform) and parsing replies defensively."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

MAX_XML_BYTES = 1024 * 1024
MAX_DEPTH = 8
_DTD_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


class XmlError(ValueError):
    """XML the emulator refuses: malformed, too large, too deep, or with a DTD/entities."""


def cdata(text: str) -> str:
    """``<![CDATA[...]]>``, splitting any ``]]>`` inside the text so it stays one value."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(name: str, value: Any) -> str:
    if isinstance(value, Mapping):
        inner = "".join(_element(k, v) for k, v in value.items())
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, list):  # a list of items: <Articles><item>..</item></Articles>
        inner = "".join(_element("item", item) for item in value)
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        return f"<{name}>{value}</{name}>"
    return f"<{name}>{cdata(str(value))}</{name}>"


def build_xml(fields: Mapping[str, Any]) -> str:
    """``<xml>`` with one child per field: text in CDATA, numbers bare (as WeChat sends them)."""
    return "<xml>" + "".join(_element(k, v) for k, v in fields.items()) + "</xml>"


def parse_xml(data: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> ET.Element:
    """Parse untrusted XML: no DTD (so no entity expansion, no external entities), bounded size
    and depth. Raises :class:`XmlError`."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise XmlError(f"XML of {len(raw)} bytes exceeds {max_bytes}")
    if _DTD_RE.search(raw):
        raise XmlError("XML with a DTD (DOCTYPE/ENTITY) is refused")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise XmlError(f"malformed XML: {exc}") from None
    if _depth(root) > MAX_DEPTH:
        raise XmlError(f"XML nested deeper than {MAX_DEPTH}")
    return root


def _depth(element: ET.Element) -> int:
    stack = [(element, 1)]
    deepest = 0
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node)
    return deepest


def to_dict(element: ET.Element) -> dict[str, Any]:
    """Children of ``element`` as a dict: leaves -> text, ``<item>`` lists -> lists of dicts."""
    result: dict[str, Any] = {}
    for child in element:
        if len(child):
            items = [to_dict(item) for item in child if item.tag == "item"]
            result[child.tag] = items if items else to_dict(child)
        else:
            result[child.tag] = (
                (child.text or "").strip() if child.tag != "Content" else (child.text or "")
            )
    return result


def parse_fields(data: bytes | str, *, max_bytes: int = MAX_XML_BYTES) -> dict[str, Any]:
    """Parse a flat-ish WeChat ``<xml>`` document into a dict (see :func:`to_dict`)."""
    root = parse_xml(data, max_bytes=max_bytes)
    if root.tag != "xml":
        raise XmlError(f"root element is <{root.tag}>, not <xml>")
    return to_dict(root)
