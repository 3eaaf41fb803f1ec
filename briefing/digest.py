"""The briefing export: picked stories as Markdown, one printable HTML file, or JSON.

Each story is one article with its analysis, the outlets that reported it and
how many related reports exist. Every summary line, quote and figure cites the
article it came from, so a reader can check it. The functions here are pure:
they take stories and return a string; they never read the store, the network
or the clock. Text from feeds is untrusted: it is cleaned of control characters,
escaped for the output format, and only http(s) links survive.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from briefing.models import Analysis, Article, Figure, Quote, attribution
from briefing.safety import is_web_link, plain

__all__ = [
    "DIGEST_FORMATS",
    "DIGEST_SCHEMA",
    "DigestStory",
    "Outlet",
    "digest_html",
    "digest_json",
    "digest_markdown",
    "digest_record",
    "format_for_name",
    "outlet_of",
    "render_digest",
]

DIGEST_SCHEMA = "briefing-digest/1"
DIGEST_FORMATS = ("markdown", "html", "json")
# A file name's ending -> the format written there. A name without one gets Markdown; an
# ending not listed (".pdf", ".docx") names a format Briefing cannot write.
FORMAT_BY_ENDING = {
    "": "markdown",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
DEFAULT_TITLE = "Briefing"
DEFAULT_MAX_QUOTES = 5


@dataclass(frozen=True)
class Outlet:
    """One report of a story: who published it, where and when."""

    name: str
    url: str | None = None
    published: datetime | None = None
    title: str | None = None


@dataclass(frozen=True)
class DigestStory:
    """A story as the digest shows it: the article read, its analysis and its other reports.

    `outlets` lists the other reports of the same story (the article itself is
    always listed first and need not be repeated); `related` is how many related
    reports the reader's store holds for it.
    """

    article: Article
    analysis: Analysis
    related: int = 0
    outlets: tuple[Outlet, ...] = ()


def outlet_of(article: Article) -> Outlet:
    """The outlet line for an article: its source, link and date."""
    return Outlet(
        name=article.source or article.path or "unknown source",
        url=article.url,
        published=article.published,
        title=article.title,
    )


# ---------------------------------------------------------------------------
# The record: one structure every format is drawn from.


def _link(url: str | None) -> str | None:
    return url.strip() if url and is_web_link(url) else None


def _date(stamp: datetime | None) -> str | None:
    return stamp.isoformat() if stamp else None


def _story_outlets(story: DigestStory) -> list[Outlet]:
    """The article's own outlet first, then the other reports, each once."""
    seen: set[tuple[str, str | None]] = set()
    result: list[Outlet] = []
    for outlet in (outlet_of(story.article), *story.outlets):
        key = (outlet.name, _link(outlet.url))
        if key not in seen:
            seen.add(key)
            result.append(outlet)
    return result


def _key_quotes(quotes: Sequence[Quote], limit: int | None) -> list[Quote]:
    """Up to `limit` quotes, preferring named speakers and fuller statements, in article order."""
    if limit is None or len(quotes) <= limit:
        return list(quotes)
    ranked = sorted(
        range(len(quotes)),
        key=lambda i: (quotes[i].speaker is None, -len(quotes[i].text.split()), i),
    )
    return [quotes[i] for i in sorted(ranked[: max(limit, 0)])]


def _money(text: str, amount: float, currency: str) -> dict[str, Any]:
    return {"text": plain(text), "amount": amount, "currency": plain(currency)}


def _figure(figure: Figure, cite: str) -> dict[str, Any]:
    return {
        **_money(figure.text, figure.amount, figure.currency),
        "equivalents": [_money(e.text, e.amount, e.currency) for e in figure.equivalents],
        "context": plain(figure.context),
        "period": plain(figure.period) or None,
        "sentence": figure.sentence,
        "cite": cite,
    }


def digest_record(
    stories: Sequence[DigestStory],
    *,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
    max_quotes: int | None = DEFAULT_MAX_QUOTES,
) -> dict[str, Any]:
    """The digest as plain data (the JSON format; docs/digest-schema.md describes it)."""
    sources: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    for number, story in enumerate(stories, start=1):
        article = story.article
        cite = f"S{number}"
        sources.append(
            {
                "id": cite,
                "title": plain(article.title) or None,
                "source": plain(article.source) or None,
                "url": _link(article.url),
                "published": _date(article.published),
                "path": plain(article.path) or None,
            }
        )
        analysis = story.analysis
        records.append(
            {
                "number": number,
                "title": plain(article.title) or plain(article.source) or f"Story {number}",
                "cite": cite,
                "related_reports": max(story.related, 0),
                "outlets": [
                    {
                        "name": plain(o.name),
                        "title": plain(o.title) or None,
                        "url": _link(o.url),
                        "published": _date(o.published),
                    }
                    for o in _story_outlets(story)
                ],
                "summary": [
                    {"text": plain(s.text), "sentence": s.sentence, "cite": cite}
                    for s in analysis.summary
                ],
                "quotes": [
                    {
                        "text": plain(q.text),
                        "speaker": plain(q.speaker) or None,
                        "role": plain(q.role) or None,
                        "sentence": q.sentence,
                        "cite": cite,
                    }
                    for q in _key_quotes(analysis.quotes, max_quotes)
                ],
                "figures": [_figure(f, cite) for f in analysis.figures],
            }
        )
    return {
        "schema": DIGEST_SCHEMA,
        "title": plain(title),
        "generated": _date(generated),
        "stories": records,
        "sources": sources,
    }


def digest_json(
    stories: Sequence[DigestStory],
    *,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
    max_quotes: int | None = DEFAULT_MAX_QUOTES,
) -> str:
    """The digest as one indented JSON document."""
    record = digest_record(stories, title=title, generated=generated, max_quotes=max_quotes)
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------
# Shared wording.


def _amount(value: float) -> str:
    """1800000000 -> "1,800,000,000"; 0.664 -> "0.664": exact enough to check, easy to read."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _day(published: str | None) -> str:
    return published[:10] if published else ""


def _speaker(quote: dict[str, Any]) -> str:
    return attribution(quote["speaker"], quote["role"])


def _equivalents(figure: dict[str, Any]) -> str:
    return "; ".join(
        f"{e['text']} = {_amount(e['amount'])} {e['currency']}" for e in figure["equivalents"]
    )


def _figure_amount(figure: dict[str, Any]) -> str:
    """The normalised amount, with how often it is paid when the article says ("a year")."""
    text = f"{_amount(figure['amount'])} {figure['currency']}"
    period = figure["period"]
    if period:
        # Periods arrive as phrases ("a year", "over four years", "by 2030", "annually").
        text += f" {period}"
    return text


# ---------------------------------------------------------------------------
# Markdown.

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~@])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
# What GitHub-flavoured Markdown turns into a link by itself: "https://...", "www.".
_MD_AUTOLINK = re.compile(r"(://|(?<![\w.])www\.)", re.IGNORECASE)


def _md(text: str | None) -> str:
    """Text that Markdown shows as written: no emphasis, strike-through, links (even the
    bare addresses GitHub's Markdown links by itself), HTML or table breaks."""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))
    # An escaped ":" or "." reads the same and no longer starts an address.
    escaped = _MD_AUTOLINK.sub(
        lambda m: "\\://" if m.group() == "://" else m.group()[:3] + "\\.", escaped
    )
    return _MD_ENTITY.sub(r"\\&", escaped)


def _md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _md_outlet(outlet: dict[str, Any]) -> str:
    name = _md(outlet["name"])
    text = f"[{name}]({_md_url(outlet['url'])})" if outlet["url"] else name
    if outlet["published"]:
        text += f", {_day(outlet['published'])}"
    if outlet["title"]:
        text += f': "{_md(outlet["title"])}"'
    return text


def digest_markdown(
    stories: Sequence[DigestStory],
    *,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
    max_quotes: int | None = DEFAULT_MAX_QUOTES,
) -> str:
    """The digest as Markdown: one section per story, cited sources at the end."""
    record = digest_record(stories, title=title, generated=generated, max_quotes=max_quotes)
    out = [f"# {_md(record['title'])}", ""]
    if record["generated"]:
        out += [f"Generated {record['generated']}", ""]
    if not record["stories"]:
        out += ["No stories were picked for this briefing.", ""]
    for story in record["stories"]:
        cite = f"\\[{story['cite']}\\]"
        out += [f"## {story['number']}. {_md(story['title'])}", ""]
        out.append(f"Reported by: {'; '.join(_md_outlet(o) for o in story['outlets'])}  ")
        out += [f"Related reports: {story['related_reports']}", ""]
        if story["summary"]:
            out += ["### Summary", ""]
            out += [f"- {_md(s['text'])} {cite}" for s in story["summary"]]
            out.append("")
        if story["quotes"]:
            out += ["### Key quotes", ""]
            out += [f'- "{_md(q["text"])}" - {_md(_speaker(q))} {cite}' for q in story["quotes"]]
            out.append("")
        if story["figures"]:
            out += ["### Figures", ""]
            out += ["| Figure | Amount | Equivalents | Context | Source |", "|---|---|---|---|---|"]
            for f in story["figures"]:
                cells = (
                    _md(f["text"]),
                    _md(_figure_amount(f)),
                    _md(_equivalents(f)),
                    _md(f["context"]),
                    cite,
                )
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    if record["sources"]:
        out += ["## Sources", ""]
        for source in record["sources"]:
            line = f"- \\[{source['id']}\\] {_md(source['source'] or source['path'] or '')}"
            if source["title"]:
                line += f': "{_md(source["title"])}"'
            if source["published"]:
                line += f", {_day(source['published'])}"
            if source["url"]:
                line += f", <{_md_url(source['url'])}>"
            out.append(line)
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------
# HTML: one file, no scripts, nothing fetched, readable on paper.

_STYLE = """
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; max-width: 48rem;
       margin: 2rem auto; padding: 0 1rem; color: #111; background: #fff;
       overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #111; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
h3 { font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; color: #444; }
.meta, .cite, .generated { color: #555; font-size: .9em; }
blockquote { margin: .4rem 0 .4rem 1rem; padding-left: .8rem; border-left: 3px solid #999; }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left; vertical-align: top; }
td.amount { text-align: right; white-space: nowrap; }
a { color: #1a4d8f; }
@media print {
  body { margin: 0; max-width: none; }
  article { break-inside: avoid-page; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .8em; color: #555; }
}
""".strip()

# Even if some feed text slipped past escaping, the page may run no script and load nothing.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"


def _h(text: str | None) -> str:
    return html.escape(" ".join((text or "").split()), quote=True)


def _h_link(text: str, url: str | None) -> str:
    if not url:
        return _h(text)
    return f'<a href="{_h(url)}" rel="noopener noreferrer">{_h(text)}</a>'


def _h_cite(cite: str) -> str:
    return f'<a class="cite" href="#source-{_h(cite)}">[{_h(cite)}]</a>'


def _h_outlet(outlet: dict[str, Any]) -> str:
    text = _h_link(outlet["name"], outlet["url"])
    if outlet["published"]:
        text += f', <time datetime="{_h(outlet["published"])}">{_day(outlet["published"])}</time>'
    if outlet["title"]:
        text += f": &ldquo;{_h(outlet['title'])}&rdquo;"
    return f"<li>{text}</li>"


def digest_html(
    stories: Sequence[DigestStory],
    *,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
    max_quotes: int | None = DEFAULT_MAX_QUOTES,
) -> str:
    """The digest as one self-contained, printable HTML page."""
    record = digest_record(stories, title=title, generated=generated, max_quotes=max_quotes)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_h(record['title'])}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_h(record['title'])}</h1>",
    ]
    if record["generated"]:
        out.append(f'<p class="generated">Generated {_h(record["generated"])}</p>')
    out.append("</header>")
    if not record["stories"]:
        out.append("<p>No stories were picked for this briefing.</p>")
    for story in record["stories"]:
        cite = _h_cite(story["cite"])
        out += [
            f'<article id="story-{story["number"]}">',
            f"<h2>{story['number']}. {_h(story['title'])}</h2>",
            '<p class="meta">Reported by:</p>',
            '<ul class="outlets">',
            *(_h_outlet(o) for o in story["outlets"]),
            "</ul>",
            f'<p class="meta">Related reports: {story["related_reports"]}</p>',
        ]
        if story["summary"]:
            out += ["<h3>Summary</h3>", "<ul>"]
            out += [f"<li>{_h(s['text'])} {cite}</li>" for s in story["summary"]]
            out.append("</ul>")
        if story["quotes"]:
            out.append("<h3>Key quotes</h3>")
            for q in story["quotes"]:
                out.append(
                    f"<blockquote><p>&ldquo;{_h(q['text'])}&rdquo;</p>"
                    f"<footer>&mdash; {_h(_speaker(q))} {cite}</footer></blockquote>"
                )
        if story["figures"]:
            out += [
                "<h3>Figures</h3>",
                "<table>",
                "<thead><tr><th>Figure</th><th>Amount</th><th>Equivalents</th>"
                "<th>Context</th><th>Source</th></tr></thead>",
                "<tbody>",
            ]
            for f in story["figures"]:
                out.append(
                    f"<tr><td>{_h(f['text'])}</td>"
                    f'<td class="amount">{_h(_figure_amount(f))}</td>'
                    f"<td>{_h(_equivalents(f))}</td><td>{_h(f['context'])}</td>"
                    f"<td>{cite}</td></tr>"
                )
            out += ["</tbody>", "</table>"]
        out.append("</article>")
    if record["sources"]:
        out += ['<section id="sources">', "<h2>Sources</h2>", "<ol>"]
        for source in record["sources"]:
            name = source["source"] or source["path"] or ""
            item = f"[{_h(source['id'])}] {_h_link(name, source['url'])}"
            if source["title"]:
                item += f": &ldquo;{_h(source['title'])}&rdquo;"
            if source["published"]:
                item += f", {_day(source['published'])}"
            out.append(f'<li id="source-{_h(source["id"])}">{item}</li>')
        out += ["</ol>", "</section>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def format_for_name(name: str | PurePath) -> str | None:
    """The format a file name asks for, or None when its ending is not one Briefing writes."""
    return FORMAT_BY_ENDING.get(PurePath(name).suffix.lower())


def render_digest(
    stories: Sequence[DigestStory],
    fmt: str,
    *,
    title: str = DEFAULT_TITLE,
    generated: datetime | None = None,
    max_quotes: int | None = DEFAULT_MAX_QUOTES,
) -> str:
    """The digest in `fmt` ("markdown"/"md", "html" or "json"); ValueError for anything else."""
    renderers = {
        "markdown": digest_markdown,
        "md": digest_markdown,
        "html": digest_html,
        "json": digest_json,
    }
    renderer = renderers.get(fmt.lower())
    if renderer is None:
        raise ValueError(f"unknown digest format {fmt!r} (choose from {', '.join(DIGEST_FORMATS)})")
    return renderer(stories, title=title, generated=generated, max_quotes=max_quotes)
