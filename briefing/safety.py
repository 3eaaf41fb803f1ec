"""Make text from strangers safe to print.

Feed titles and bodies may carry terminal escape sequences, bidi overrides
and NUL bytes. `plain` removes them so a terminal never acts on feed text;
the TUI additionally renders everything as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

import re

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

# Inside a link: a space, a C0 control, DEL or a C1 control means it is not one address.
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def plain(text: str | None, limit: int = MAX_LINE) -> str:
    """`text` without escape sequences or control characters, cut to `limit` characters."""
    if not text:
        return ""
    cleaned = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "\u2026"
    return cleaned


def is_web_link(url: str | None) -> bool:
    """True for http and https links: the only kind Briefing opens or exports as a link."""
    if not url:
        return False
    scheme = url.strip().split(":", 1)[0].lower() if ":" in url else ""
    return scheme in ("http", "https") and _SPACE_OR_CONTROL.search(url) is None
