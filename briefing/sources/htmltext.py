"""Turn an HTML fragment or page into plain paragraphs.

Uses selectolax (a real HTML5 parser) rather than regular expressions, so
broken markup, scripts and entities are handled the way browsers do.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

__all__ = ["html_title", "html_to_text"]

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "section",
    "article",
    "header",
    "footer",
    "figure",
    "figcaption",
    "table",
    "tr",
    "dd",
    "dt",
    "hr",
    "main",
    "aside",
}
_DROP = "script, style, noscript, template, iframe, object, embed, svg, form, nav, button, head"
MAX_HTML = 5_000_000
MAX_DEPTH = 200
# Possessive, so a '<' with no '>' after it fails at once instead of retrying every split of
# the rest ("<b<b<b..." was cubic); the search also stops at the last '>'.
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*+)([^>]*+)>")
# Void elements and those the parser closes implicitly never deepen the tree.
_NOT_NESTING = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "p",
    "li",
    "dt",
    "dd",
    "tr",
    "td",
    "th",
    "option",
}


def _walk(root: Node, out: list[str]) -> None:
    """Append the text under `root`, a newline around each block; iterative, so depth is free."""
    stack = [root.iter(include_text=True)]
    closers = [""]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            out.append(closers.pop())
            continue
        tag = child.tag
        if tag == "-text":
            out.append(child.text(deep=False) or "")
            continue
        block = tag in _BLOCK
        if block:
            out.append("\n")
        stack.append(child.iter(include_text=True))
        closers.append("\n" if block else "")


def _flatten_deep(markup: str, limit: int = MAX_DEPTH) -> str:
    """`markup` with tags nested deeper than `limit` removed (their text stays).

    The HTML tree builder slows down sharply on very deep nesting, which a
    hostile feed can supply cheaply; real articles never nest this deep.
    """
    if markup.count("<") < limit:
        return markup
    depth = 0
    pieces: list[str] = []
    last = 0
    changed = False
    for match in _TAG.finditer(markup, 0, markup.rfind(">") + 1):
        closing, name = match.group(1), match.group(2).lower()
        if name in _NOT_NESTING or match.group(3).endswith("/"):
            continue
        if closing:
            depth = max(0, depth - 1)
            deep = depth >= limit
        else:
            deep = depth >= limit
            depth += 1
        if deep:
            pieces.append(markup[last : match.start()])
            last = match.end()
            changed = True
    if not changed:
        return markup
    pieces.append(markup[last:])
    return "".join(pieces)


def html_to_text(markup: str, *, main_only: bool = False) -> str:
    """Plain text of `markup`, one paragraph per block element, blank-line separated.

    With `main_only`, prefer the page's <article> or <main> element (a saved page).
    """
    tree = HTMLParser(_flatten_deep(markup[:MAX_HTML]))
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
