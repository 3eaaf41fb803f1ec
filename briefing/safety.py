"""Make text from strangers safe to print.

Feed titles and bodies may carry terminal escape sequences, bidi overrides
and NUL bytes. `plain` removes them so a terminal never acts on feed text;
the TUI additionally renders everything as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["MAX_LINE", "is_web_link", "plain"]

MAX_LINE = 10_000

# CSI/OSC/DCS escape sequences first (so their parameters go too), then any other control.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, ended by BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROLS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)


def plain(text: str | None, limit: int = MAX_LINE) -> str:
    """`text` without escape sequences or control characters, cut to `limit` characters."""
    if not text:
        return ""
    cleaned = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "\u2026"
    return cleaned


def is_web_link(url: str | None) -> bool:
    """True for a well-formed http or https link: the only kind Briefing opens or exports.

    Feed links are strangers' text: a link carrying a control character, an
    escape sequence, a bidi override or a space would act on the terminal or
    mislead the reader where it is printed (a digest on stdout), and one with
    no host or a port past 65535 cannot be followed.
    """
    if not url:
        return False
    text = url.strip()
    if _CONTROLS.search(text) or any(ch.isspace() for ch in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
