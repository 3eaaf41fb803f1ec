"""Turn an HTML fragment or page into plain paragraphs.

Uses selectolax (a real HTML5 parser) rather than regular expressions, so
broken markup, scripts and entities are handled the way browsers do.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

__all__ = ["html_title", "html_to_text"]

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "section", "article", "header", "footer", "figure", "figcaption", "table", "tr",
    "dd", "dt", "hr", "main", "aside",
}
_DROP = "script, style, noscript, template, iframe, object, embed, svg, form, nav, button, head"
MAX_HTML = 5_000_000


def _walk(node: Node, out: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            out.append(child.text(deep=False) or "")
        elif tag in _BLOCK:
            out.append("\n")
            _walk(child, out)
            out.append("\n")
        else:
            _walk(child, out)


def html_to_text(markup: str, *, main_only: bool = False) -> str:
    """Plain text of `markup`, one paragraph per block element, blank-line separated.

    With `main_only`, prefer the page's <article> or <main> element (a saved page).
    """
    tree = HTMLParser(markup[:MAX_HTML])
    for node in tree.css(_DROP):
        node.decompose()
    root: Node | None = None
    if main_only:
        root = tree.css_first("article") or tree.css_first("main")
    if root is None:
        root = tree.body or tree.root
    if root is None:
        return ""
    parts: list[str] = []
    _walk(root, parts)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


def html_title(markup: str) -> str | None:
    """The page's headline: its first <h1>, else its <title>."""
    tree = HTMLParser(markup[:MAX_HTML])
    for selector in ("article h1", "h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            text = " ".join(node.text().split())
            if text:
                return text
    return None
