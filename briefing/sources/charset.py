"""Turn the bytes of a downloaded document into text, whatever it claims to be.

Feeds lie about their encoding: a UTF-8 byte order mark in front of Latin-1
bytes, `encoding="utf-8"` on an EUC-KR file, no declaration at all. This module
decides, in order: byte order mark, HTTP charset, XML/HTML declaration, UTF-8,
and finally a statistical guess. It reports every disagreement as a problem
and never raises for bad bytes. It does no parsing beyond the declaration.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["DecodedText", "byte_order_mark", "charset_from_content_type", "decode_document"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A document without a byte order mark still starts with "<" (or "{"): its
# null-byte pattern tells UTF-16 and UTF-32 apart.
_NULL_PATTERNS = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00{\x00", "utf-16-be"),
    (b"{\x00", "utf-16-le"),
)
_XML_DECLARATION = re.compile(
    rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']"
)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
# Single-byte Western and Central European code pages look alike to a
# statistical detector; for these the web's de-facto default is the better bet.
_LATIN_LOOKALIKES = re.compile(
    r"^(cp125[0270]|cp1257|iso8859[-_](1|2|3|4|9|10|13|14|15|16)$|mac[-_]|cp437|cp85[028]|cp86[035]|cp1125|ascii)"
)


@dataclass(frozen=True)
class DecodedText:
    """The document as text, the encoding used, and what did not add up."""

    text: str
    encoding: str
    problems: tuple[str, ...] = ()


def charset_from_content_type(content_type: str | None) -> str | None:
    """The `charset=` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> str:
    """A statistical guess, preferring windows-1252 over its look-alikes."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: without it every non-UTF-8 document reads as windows-1252
        return "cp1252"
    best = from_bytes(data[:200_000]).best()
    encoding = _codec(best.encoding) if best is not None else None
    if encoding is None or _LATIN_LOOKALIKES.match(encoding):
        return "cp1252"
    return encoding


def byte_order_mark(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte order mark at the start of `data` names, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def decode_document(data: bytes, content_type: str | None = None) -> DecodedText:
    """Decode `data`, reporting a lying or missing declaration as a problem."""
    problems: list[str] = []
    marked = byte_order_mark(data)
    if marked is not None:
        encoding, length = marked
        body = data[length:]
        text = _try(body, encoding)
        if text is not None:
            return DecodedText(text, encoding)
        guessed = _guess(body)
        problems.append(
            f"starts with a {encoding} byte order mark but holds other bytes; read as {guessed}"
        )
        return DecodedText(body.decode(guessed, errors="replace"), guessed, tuple(problems))
    for pattern, encoding in _NULL_PATTERNS:
        if data.startswith(pattern):
            return DecodedText(data.decode(encoding, errors="replace"), encoding)

    from_http = charset_from_content_type(content_type)
    head = data[:1024]
    match = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    declared_raw = match.group(1).decode("ascii") if match else None
    declared = _codec(declared_raw)
    http = _codec(from_http)
    if from_http and http is None:
        problems.append(f"server names an unknown charset {from_http!r}")
    if declared_raw and declared is None:
        problems.append(f"document declares an unknown encoding {declared_raw!r}")

    # Valid UTF-8 with non-ASCII bytes is almost never an accident, so it wins
    # over a Latin-1 label a server put on every response.
    utf8 = _try(data, "utf-8")
    if utf8 is not None and "utf-8" in (http, declared):
        return DecodedText(utf8, "utf-8", tuple(problems))
    for name, source in ((http, "server"), (declared, "document")):
        if name is None or name in ("utf-16", "utf-32"):
            continue
        text = _try(data, name)
        if text is not None:
            if utf8 is not None and name != "utf-8" and not data.isascii() and _is_latin(name):
                problems.append(f"{source} says {name} but the bytes are UTF-8; read as UTF-8")
                return DecodedText(utf8, "utf-8", tuple(problems))
            return DecodedText(text, name, tuple(problems))
        problems.append(f"{source} says {name} but the bytes are not {name}")
    if utf8 is not None:
        return DecodedText(utf8, "utf-8", tuple(problems))
    guessed = _guess(data)
    if not (http or declared):
        problems.append(f"no encoding declared and the bytes are not UTF-8; read as {guessed}")
    else:
        problems.append(f"read as {guessed}")
    return DecodedText(data.decode(guessed, errors="replace"), guessed, tuple(problems))


def _is_latin(encoding: str) -> bool:
    return bool(_LATIN_LOOKALIKES.match(encoding))
