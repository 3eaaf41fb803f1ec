"""Make text from strangers safe to store and to print.

Feed titles and bodies may carry terminal escape sequences, bidi overrides
and NUL bytes. When a feed is parsed, `strip_controls` and `clean_link` take
out escape sequences and C0, DEL and C1 controls, so nothing stored carries
them and `jq -r` on Briefing's JSON prints no escape. `plain` additionally
removes bidi and zero-width characters (which real right-to-left text needs
in storage) and caps the length, so a terminal never acts on feed text; the
TUI additionally renders everything as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = [
    "MAX_LINE",
    "clean_link",
    "is_web_link",
    "plain",
    "strip_controls",
    "web_link_problem",
]

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

# What stored text may not hold: C0 controls, DEL, C1 controls (bodies keep tab and newline),
# and lone surrogates (a JSON "\ud800" escape), which cannot be written as UTF-8 at all.
_STORED_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_STORED_CONTROLS_IN_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_LINK_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_ASCII_CONTROLS = dict.fromkeys([*range(0x20), 0x7F])
_ASCII_CONTROLS_IN_LINES = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), 0x7F])


def plain(text: str | None, limit: int = MAX_LINE) -> str:
    """`text` without escape sequences or control characters, cut to `limit` characters."""
    if not text:
        return ""
    cleaned = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "\u2026"
    return cleaned


def is_web_link(url: str | None) -> bool:
    """True for a well-formed http or https link: the only kind Briefing opens or exports."""
    return bool(url) and web_link_problem(url or "") is None


def web_link_problem(url: str) -> str | None:
    """Why `url` is not a well-formed http or https link, or None when it is one.

    Feed links are strangers' text: a link carrying a control character, an
    escape sequence, a bidi override or a space would act on the terminal or
    mislead the reader where it is printed (a digest on stdout), and one with
    no host or a port past 65535 cannot be followed.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return "not a valid address"
    if parts.scheme.lower() not in ("http", "https"):
        return "not an http or https address"
    if _CONTROLS.search(text) or any(ch.isspace() for ch in text):
        return "holds a space or a control character"
    if not parts.hostname:
        return "has no host"
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "has no valid port (0-65535)"
    return None


def strip_controls(text: str, *, lines: bool = False) -> str:
    """`text` without escape sequences (parameters included) or C0, DEL and C1 controls.

    For text that is stored: `lines` keeps tab and newline (bodies). A lone
    surrogate, which no database or terminal can take, becomes U+FFFD. Unlike
    `plain` it keeps bidi marks and zero-width joiners, which Arabic, Hebrew
    or Persian text needs, and never cuts.
    """
    controls = _STORED_CONTROLS_IN_LINES if lines else _STORED_CONTROLS
    if text.isascii():
        # The usual case, decided by one scan: str.translate is 3x quicker than a search on
        # ASCII (and 20x slower on other text).
        table = _ASCII_CONTROLS_IN_LINES if lines else _ASCII_CONTROLS
        if len(text.translate(table)) == len(text):
            return text
    elif controls.search(text) is None:
        return text
    return controls.sub(_removed, _ESCAPES.sub("", text))


def _removed(match: re.Match[str]) -> str:
    """What a control or a lone surrogate leaves: nothing, or U+FFFD for the surrogate,
    as a UTF-8 decoder would give for bytes it cannot read."""
    return "\ufffd" if match.group() >= "\ud800" else ""


def clean_link(url: str) -> str:
    """`url` with no control character left, naming the address a browser would ask for.

    As the WHATWG URL standard does: tab, CR and LF are dropped, controls at
    either end stripped, and any other control percent-encoded (ESC as %1B).
    Removing them instead would make the link point somewhere else.
    """
    if not url.isascii():
        url = _SURROGATES.sub("\ufffd", url)
    if _LINK_CONTROLS.search(url) is None:
        return url
    url = url.replace("\t", "").replace("\r", "").replace("\n", "")
    url = url.strip("".join(map(chr, range(0x21))))
    return _LINK_CONTROLS.sub(
        lambda match: "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8")), url
    )
