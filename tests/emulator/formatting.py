"""Text formatting as Telegram applies it: parse_mode -> plain text + entities.

Telegram rejects malformed markup with ``400 Bad Request: can't parse entities: ...``; this
module reproduces the common cases (unsupported or unclosed HTML tags, a bare ``<``, an
unescaped reserved character in MarkdownV2) so that e2e tests catch them. Offsets and
lengths are in UTF-16 code units, like Telegram's.
"""

from __future__ import annotations

import html
import re
from typing import Any


class EntityParseError(ValueError):
    """The text's markup is invalid; the message is Telegram's description tail."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_URL_RE = re.compile(r"\bhttps?://[^\s<>\"]+")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram adds to a plain text a user sends (commands, mentions, URLs)."""
    found: list[tuple[int, int, str]] = []
    for regex, kind in ((_COMMAND_RE, "bot_command"), (_MENTION_RE, "mention"), (_URL_RE, "url")):
        for match in regex.finditer(text):
            found.append((match.start(), match.end(), kind))
    found.sort()
    entities: list[dict[str, Any]] = []
    last_end = -1
    for start, end, kind in found:
        if start < last_end:
            continue
        entities.append(
            {
                "type": kind,
                "offset": utf16_len(text[:start]),
                "length": utf16_len(text[start:end]),
            }
        )
        last_end = end
    return entities


def apply_parse_mode(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) for a text sent with ``parse_mode``."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown_legacy(text)
    raise EntityParseError(f"unsupported parse_mode {parse_mode!r}")


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*)?)\s*(/?)>")
_ATTR_RE = re.compile(r"([A-Za-z-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|lt|gt|amp|quot);")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    out_len = 0  # UTF-16 units written so far
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG_RE.match(source, i)
            if match is None:
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(source, i)}"
                )
            closing, name, attr_text, _ = match.groups()
            name = name.lower()
            if name not in _HTML_TAGS:
                kind = "end" if closing else "start"
                raise EntityParseError(
                    f'Unsupported {kind} tag "{name}" at byte offset {_byte_offset(source, i)}'
                )
            if closing:
                if not stack or stack[-1][0] != name:
                    expected = f'"</{stack[-1][0]}>"' if stack else "nothing"
                    raise EntityParseError(
                        f"Unmatched end tag at byte offset {_byte_offset(source, i)}, "
                        f'expected {expected}, found "</{name}>"'
                    )
                tag, start, attrs = stack.pop()
                entity = _html_entity(tag, attrs, start, out_len - start, stack)
                if entity is not None:
                    entities.append(entity)
            else:
                attrs = {
                    m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
                    for m in _ATTR_RE.finditer(attr_text)
                }
                if name == "a" and "href" not in attrs:
                    attrs["href"] = ""
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise EntityParseError(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(source, i)}"
                    )
                stack.append((name, out_len, attrs))
            i = match.end()
            continue
        if char == "&":
            match = _ENTITY_RE.match(source, i)
            if match is not None:
                decoded = html.unescape(match.group(0))
                out.append(decoded)
                out_len += utf16_len(decoded)
                i = match.end()
                continue
        if char == ">":
            pass  # Telegram accepts a bare '>'
        out.append(char)
        out_len += utf16_len(char)
        i += 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(
    tag: str,
    attrs: dict[str, Any],
    offset: int,
    length: int,
    stack: list[tuple[str, int, dict[str, Any]]],
) -> dict[str, Any] | None:
    if length <= 0:
        return None
    kind = _HTML_TAGS[tag]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href", "")
        match = re.match(r"tg://user\?id=(\d+)$", href)
        if match:
            entity = {
                "type": "text_mention",
                "offset": offset,
                "length": length,
                "user": {"id": int(match.group(1)), "is_bot": False, "first_name": ""},
            }
        else:
            entity["url"] = href
    elif tag == "code" and stack and stack[-1][0] == "pre":
        language = str(attrs.get("class", ""))
        if language.startswith("language-"):
            stack[-1][2]["language"] = language.removeprefix("language-")
        return None
    elif tag == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = str(attrs.get("emoji-id", ""))
    return entity


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    out_len = 0
    open_marks: dict[str, tuple[int, int]] = {}  # kind -> (utf16 start, byte offset)
    link_start: tuple[int, int] | None = None
    entities: list[dict[str, Any]] = []
    i = 0

    def emit(text: str) -> None:
        nonlocal out_len
        out.append(text)
        out_len += utf16_len(text)

    while i < len(source):
        char = source[i]
        at_line_start = i == 0 or source[i - 1] == "\n"
        if char == "\\" and i + 1 < len(source):
            emit(source[i + 1])
            i += 2
            continue
        if source.startswith("```", i):
            end = source.find("```", i + 3)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of Pre entity at byte offset {_byte_offset(source, i)}"
                )
            body = source[i + 3 : end]
            language, _, rest = body.partition("\n") if "\n" in body else ("", "", body)
            start = out_len
            emit(rest.replace("\\`", "`").replace("\\\\", "\\"))
            entity: dict[str, Any] = {"type": "pre", "offset": start, "length": out_len - start}
            if language.strip():
                entity["language"] = language.strip()
            entities.append(entity)
            i = end + 3
            continue
        if char == "`":
            end = source.find("`", i + 1)
            if end < 0:
                raise EntityParseError(
                    f"Can't find end of Code entity at byte offset {_byte_offset(source, i)}"
                )
            start = out_len
            emit(source[i + 1 : end].replace("\\`", "`").replace("\\\\", "\\"))
            entities.append({"type": "code", "offset": start, "length": out_len - start})
            i = end + 1
            continue
        marker = next(
            (m for m in ("__", "||", "*", "_", "~") if source.startswith(m, i)),
            None,
        )
        if marker is not None:
            kind = _MDV2_MARKERS[marker]
            if kind in open_marks:
                start, _ = open_marks.pop(kind)
                if out_len > start:
                    entities.append({"type": kind, "offset": start, "length": out_len - start})
            else:
                open_marks[kind] = (out_len, _byte_offset(source, i))
            i += len(marker)
            continue
        if char == "[" and link_start is None:
            link_start = (out_len, _byte_offset(source, i))
            i += 1
            continue
        if char == "]" and link_start is not None:
            if not source.startswith("(", i + 1):
                raise EntityParseError(
                    f"Can't find end of TextUrl entity at byte offset {link_start[1]}"
                )
            close = source.find(")", i + 2)
            if close < 0:
                raise EntityParseError(
                    f"Can't find end of TextUrl entity at byte offset {link_start[1]}"
                )
            url = source[i + 2 : close].replace("\\)", ")").replace("\\\\", "\\")
            if out_len > link_start[0]:
                entities.append(
                    {
                        "type": "text_link",
                        "offset": link_start[0],
                        "length": out_len - link_start[0],
                        "url": url,
                    }
                )
            link_start = None
            i = close + 1
            continue
        if char == ">" and at_line_start:
            i += 1  # blockquote marker
            continue
        if char in _MDV2_RESERVED:
            raise EntityParseError(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(char)
        i += 1
    if link_start is not None:
        raise EntityParseError(f"Can't find end of TextUrl entity at byte offset {link_start[1]}")
    if open_marks:
        kind, (_, byte_offset) = next(iter(open_marks.items()))
        raise EntityParseError(
            f"Can't find end of {_MDV2_NAMES[kind]} entity at byte offset {byte_offset}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


_LEGACY_RE = re.compile(r"\*([^*]+)\*|_([^_]+)_|`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)")


def parse_markdown_legacy(source: str) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    out_len = 0
    entities: list[dict[str, Any]] = []
    pos = 0
    for match in _LEGACY_RE.finditer(source):
        plain = source[pos : match.start()]
        out.append(plain)
        out_len += utf16_len(plain)
        bold, italic, code, link_text, url = match.groups()
        inner = bold or italic or code or link_text or ""
        kind = "bold" if bold else "italic" if italic else "code" if code else "text_link"
        entity: dict[str, Any] = {"type": kind, "offset": out_len, "length": utf16_len(inner)}
        if url:
            entity["url"] = url
        entities.append(entity)
        out.append(inner)
        out_len += utf16_len(inner)
        pos = match.end()
    rest = source[pos:]
    for marker, name in (("*", "bold"), ("_", "italic"), ("`", "code")):
        if marker in rest:
            index = pos + rest.index(marker)
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset "
                f"{_byte_offset(source, index)} ({name})"
            )
    out.append(rest)
    return "".join(out), entities
