"""The briefing export: golden Markdown and JSON built from the bundled seeds, inert HTML.

The golden stories use the seeds' hand-annotated quotes and figures (the same
fixture the extractor tests use), so these files change only when the export
format changes, not when an extractor improves. Regenerate them with
BRIEFING_UPDATE_GOLDEN=1 and read the diff before keeping it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from briefing.analysis.pipeline import analyse
from briefing.analysis.text import make_document
from briefing.digest import (
    DIGEST_SCHEMA,
    DigestStory,
    Outlet,
    digest_html,
    digest_json,
    digest_markdown,
    digest_record,
    outlet_of,
    render_digest,
)
from briefing.models import Analysis, Article, Equivalent, Figure, Quote, SummaryLine
from briefing.sources.seeds import load_seed, load_seeds

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
GOLDEN = ROOT / "tests" / "fixtures" / "digest"
EXPECTED = ROOT / "tests" / "fixtures" / "seeds_expected.json"
GENERATED = datetime(2026, 11, 25, 6, 30, tzinfo=UTC)
UPDATE = os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1"

# (lead article, other reports of the same event, related reports in the store)
GOLDEN_STORIES = (
    (
        "norway-budget-nordic-ledger.json",
        ("norway-budget-baltic-wire.txt", "norway-budget-harbour-post.md"),
        2,
    ),
    ("boe-rates-city-desk.html", ("boe-rates-meridian-news.txt",), 1),
    ("eu-air-defence-continental-times.json", ("eu-air-defence-meridian-news.txt",), 1),
    ("japan-uk-trade-pacific-trade-journal.json", (), 0),
)

# What a few figures are for, as the money pane would describe them.
CONTEXTS = {
    ("norway-budget-nordic-ledger.json", "NOK 19bn"): ("defence spending rise", None),
    ("norway-budget-nordic-ledger.json", "NOK 3.5bn"): (
        "help with municipal power bills",
        "a year",
    ),
    ("norway-budget-nordic-ledger.json", "NOK 9bn"): ("cost of cutting fuel duty", "a year"),
    ("japan-uk-trade-pacific-trade-journal.json", "£30bn"): (
        "rail and hospital contracts",
        "a year",
    ),
}


def sentence_of(sentences: list[str], needle: str) -> int:
    """The first sentence holding the start of `needle` (a quote's opening words or a figure)."""
    probe = " ".join(needle.split()[:4]).rstrip(",.")
    for index, sentence in enumerate(sentences):
        if probe in sentence:
            return index
    raise AssertionError(f"{needle!r} not found in any sentence")


def hand_analysis(name: str, article: Article) -> Analysis:
    """The article's analysis as annotated by hand; the summary is its first two full sentences.

    ("Full" skips a saved page's byline and photo caption, which a summariser would not pick.)
    """
    want: dict[str, Any] = json.loads(EXPECTED.read_text(encoding="utf-8"))[name]
    document = make_document(article.title, article.body)
    sentences = [s.text for s in document.sentences]
    full = [
        i
        for i, text in enumerate(sentences)
        if len(text.split()) >= 12 and text.rstrip("\"'").endswith((".", "?", "!"))
    ]
    quotes = tuple(
        Quote(q["text"], q["speaker"], q["role"], sentence_of(sentences, q["text"]))
        for q in want["quotes"]
    )
    figures = []
    for f in want["figures"]:
        context, period = CONTEXTS.get((name, f["text"]), ("", None))
        figures.append(
            Figure(
                text=f["text"],
                amount=float(f["amount"]),
                currency=f["currency"],
                sentence=sentence_of(sentences, f["text"]),
                context=context,
                period=period,
                equivalents=tuple(
                    Equivalent(e["text"], float(e["amount"]), e["currency"])
                    for e in f["equivalents"]
                ),
            )
        )
    return Analysis(
        sentences=tuple(sentences),
        summary=tuple(SummaryLine(sentences[i], i) for i in full[:2]),
        quotes=quotes,
        figures=tuple(figures),
    )


def golden_stories() -> list[DigestStory]:
    stories = []
    for lead, others, related in GOLDEN_STORIES:
        # The path as the repository names it, so the golden file is the same on every machine.
        article = replace(load_seed(SEEDS / lead), path=f"seeds/{lead}")
        outlets = tuple(outlet_of(load_seed(SEEDS / other)) for other in others)
        stories.append(DigestStory(article, hand_analysis(lead, article), related, outlets))
    return stories


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run with BRIEFING_UPDATE_GOLDEN=1 and review it"
    assert actual == path.read_text(encoding="utf-8")


def test_markdown_matches_the_reviewed_golden_file() -> None:
    check_golden("briefing.md", digest_markdown(golden_stories(), generated=GENERATED))


def test_json_matches_the_reviewed_golden_file() -> None:
    check_golden("briefing.json", digest_json(golden_stories(), generated=GENERATED))


def test_output_does_not_depend_on_anything_but_its_input() -> None:
    stories = golden_stories()
    assert digest_markdown(stories) == digest_markdown(stories)
    assert "Generated" not in digest_markdown(stories)
    assert json.loads(digest_json(stories))["generated"] is None


def test_every_line_quote_and_figure_cites_a_listed_source() -> None:
    record = digest_record(golden_stories())
    ids = {source["id"] for source in record["sources"]}
    assert len(ids) == len(record["stories"])
    for story in record["stories"]:
        assert story["cite"] in ids
        items = story["summary"] + story["quotes"] + story["figures"]
        assert items
        assert {item["cite"] for item in items} == {story["cite"]}


def test_the_lead_article_is_the_first_outlet_and_others_follow_once() -> None:
    article = load_seed(SEEDS / "boe-rates-city-desk.html")
    other = outlet_of(load_seed(SEEDS / "boe-rates-meridian-news.txt"))
    story = DigestStory(article, Analysis(sentences=()), 1, (outlet_of(article), other, other))
    outlets = digest_record([story])["stories"][0]["outlets"]
    assert [o["name"] for o in outlets] == ["City Desk Daily", "Meridian News"]
    assert outlets[0]["url"] == "https://example.com/city-desk/2026/11/05/boe-cuts-rates"
    assert outlets[0]["published"] == "2026-11-05T12:40:00+00:00"


def test_key_quotes_prefer_named_speakers_and_keep_article_order() -> None:
    quotes = (
        Quote("one two three four five six", None, "a spokesman", 0),
        Quote("short named quote here", "A Person", None, 1),
        Quote("a much longer named quote with many more words in it", "B Person", None, 2),
        Quote("another named quote of middling length", "C Person", None, 3),
    )
    story = DigestStory(Article("T", "Body."), Analysis(sentences=("Body.",) * 4, quotes=quotes))
    chosen = digest_record([story], max_quotes=2)["stories"][0]["quotes"]
    assert [q["speaker"] for q in chosen] == ["B Person", "C Person"]
    everything = digest_record([story], max_quotes=None)["stories"][0]["quotes"]
    assert len(everything) == 4


def test_a_quote_from_an_organisation_is_credited_to_it_not_to_an_unnamed_person() -> None:
    quotes = (
        Quote("extra beds are just furniture", None, "The nurses' union", 0),
        Quote("we asked for more", "Martin Hughes", "head of the network", 1),
        Quote("no one knows who said this", None, None, 2),
    )
    story = DigestStory(Article("T", "Body."), Analysis(sentences=("Body.",) * 3, quotes=quotes))
    markdown = digest_markdown([story])
    assert '"extra beds are just furniture" - The nurses\' union \\[S1\\]' in markdown
    assert '"we asked for more" - Martin Hughes, head of the network' in markdown
    assert '"no one knows who said this" - unattributed' in markdown
    assert "unnamed" not in markdown
    assert "&mdash; The nurses&#x27; union <a" in digest_html([story])


def test_real_analysis_of_every_seed_renders_in_every_format() -> None:
    articles, problems = load_seeds([SEEDS])
    assert not problems
    stories = [DigestStory(a, analyse(a, 3), 0) for a in articles]
    record = json.loads(digest_json(stories))
    assert record["schema"] == DIGEST_SCHEMA
    assert len(record["stories"]) == len(articles)
    markdown = digest_markdown(stories)
    page = digest_html(stories)
    for article in articles:
        assert article.title is not None
        assert LexborHTMLParser(page).css_first("title") is not None
        assert len(re.findall(r"^## \d+\. ", markdown, re.M)) == len(articles)


def test_render_digest_picks_the_format_by_name() -> None:
    stories = golden_stories()[:1]
    assert render_digest(stories, "md") == digest_markdown(stories)
    assert render_digest(stories, "Markdown") == digest_markdown(stories)
    assert render_digest(stories, "html") == digest_html(stories)
    assert render_digest(stories, "json") == digest_json(stories)
    with pytest.raises(ValueError, match="pdf"):
        render_digest(stories, "pdf")


def test_an_empty_digest_says_so() -> None:
    assert "No stories" in digest_markdown([])
    assert "No stories" in digest_html([])
    assert json.loads(digest_json([]))["stories"] == []


# --- hostile feed text ---------------------------------------------------------------

HOSTILE_TITLE = "<script>alert('x')</script> [red]Breaking[/red] \x1b[31mnews\x1b[0m"


def hostile_story() -> DigestStory:
    article = Article(
        title=HOSTILE_TITLE,
        body="Body.",
        url="javascript:alert(document.cookie)",
        published=datetime(2026, 11, 20, tzinfo=UTC),
        source="<b>Feed</b> & co",
    )
    quote = Quote('<img src=x onerror="alert(1)"> said "hi"', "[bold]Evil[/bold]", "</td>", 0)
    figure = Figure(
        text="$5bn</td><script>x()</script>",
        amount=5e9,
        currency="USD",
        sentence=0,
        context="<iframe src=https://example.com>",
        equivalents=(Equivalent("£4bn<script>", 4e9, "GBP"),),
    )
    analysis = Analysis(
        sentences=("Body.",),
        summary=(SummaryLine("<style>body{display:none}</style> Summary", 0),),
        quotes=(quote,),
        figures=(figure,),
    )
    outlets = (
        Outlet("Other <script>", "JavaScript:alert(2)", None, "[link](javascript:alert(3))"),
        Outlet("Safe outlet", "https://example.com/safe", None, None),
        Outlet("Data outlet", "data:text/html,<script>alert(4)</script>", None, None),
        Outlet("Escaping outlet", "http://example.com/a\x1b]52;c;eA==\x07\x1b[2J", None, None),
    )
    return DigestStory(article, analysis, 3, outlets)


def test_html_from_hostile_feeds_is_inert() -> None:
    page = digest_html([hostile_story()], title="<script>t()</script>")
    tree = LexborHTMLParser(page)
    assert tree.css("script, iframe, img, object, embed, form, base") == []
    assert len(tree.css("style")) == 1  # our own stylesheet only
    for node in tree.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), (node.tag, name)
            if name == "href":
                assert value and (value.startswith(("https://", "http://", "#"))), value
    assert "javascript:" not in page.lower().replace("[link](javascript:alert(3))", "")
    assert "data:text/html" not in page
    heading = tree.css_first("article h2")
    assert heading is not None
    assert heading.text() == "1. <script>alert('x')</script> [red]Breaking[/red] news"
    assert "\x1b" not in page and "\x07" not in page
    assert 'href="https://example.com/safe"' in page
    csp = tree.css_first('meta[http-equiv="Content-Security-Policy"]')
    assert csp is not None and "default-src 'none'" in (csp.attributes.get("content") or "")


def test_markdown_from_hostile_feeds_is_inert() -> None:
    text = digest_markdown([hostile_story()])
    assert not re.search(r"(?<!\\)<", text)  # every "<" from a feed is escaped
    assert "\\<script\\>" in text
    assert "\\[red\\]Breaking\\[/red\\]" in text
    assert not re.search(r"(?<!\\)\]\((?!https?://)", text)  # the only live links are web links
    assert "[Safe outlet](https://example.com/safe)" in text
    assert "\x1b" not in text and "\x07" not in text
    for line in text.splitlines():
        if line.startswith("| $"):
            assert line.count(" | ") == 4  # a "|" in feed text cannot add a table column


def test_bare_addresses_and_strike_through_in_feed_text_stay_text_in_rendered_markdown() -> None:
    from markdown_it import MarkdownIt

    title = "Win at https://phish.example/login or www.phish.example, ~~not~~ mail x@phish.example"
    article = Article(title, "Body.", source="Outlet", url="https://example.com/real")
    story = DigestStory(article, Analysis(sentences=("Body.",)))
    rendered = MarkdownIt("gfm-like").enable("strikethrough").render(digest_markdown([story]))
    links = re.findall(r'href="([^"]*)"', rendered)
    assert links and all(link == "https://example.com/real" for link in links)
    assert "<s>" not in rendered and "<del>" not in rendered
    assert "Win at https://phish.example/login or www.phish.example, ~~not~~" in rendered


def test_html_wraps_a_long_unbroken_address_instead_of_running_off_the_page() -> None:
    body = "See https://example.org/" + "a" * 3000 + " for the full list."
    story = DigestStory(
        Article("T", body), Analysis(sentences=(body,), summary=(SummaryLine(body, 0),))
    )
    page = digest_html([story])
    assert "a" * 3000 in page  # nothing is cut from the text itself
    style = LexborHTMLParser(page).css_first("style").text()
    body_rule = re.search(r"body \{([^}]*)\}", style)
    assert body_rule is not None and "overflow-wrap: anywhere" in body_rule.group(1)


def test_json_from_hostile_feeds_keeps_text_but_drops_unsafe_links() -> None:
    record = digest_record([hostile_story()])
    story = record["stories"][0]
    assert story["title"] == "<script>alert('x')</script> [red]Breaking[/red] news"
    assert record["sources"][0]["url"] is None
    assert [o["url"] for o in story["outlets"]] == [
        None,
        None,
        "https://example.com/safe",
        None,
        None,
    ]


def test_html_shows_every_story_quote_and_figure_and_links_each_cite() -> None:
    stories = golden_stories()
    tree = LexborHTMLParser(digest_html(stories, generated=GENERATED))
    articles = tree.css("article")
    assert len(articles) == len(stories)
    for node, story in zip(articles, stories, strict=True):
        assert len(node.css("tbody tr")) == len(story.analysis.figures)
        assert len(node.css("blockquote")) == min(5, len(story.analysis.quotes))
        assert len(node.css("ul.outlets li")) == 1 + len(story.outlets)
    targets = {f"#{n.attributes.get('id')}" for n in tree.css("#sources li")}
    cites = {n.attributes.get("href") for n in tree.css("a.cite")}
    assert cites and cites <= targets
    assert tree.css_first("title") is not None
    style = tree.css_first("style")
    assert style is not None and "@media print" in style.text()


def test_a_figure_period_is_shown_as_the_article_words_it() -> None:
    figure = Figure("€2bn", 2e9, "EUR", 0, "spending on ammunition", "over five years")
    story = DigestStory(Article("T", "Body."), Analysis(sentences=("Body.",), figures=(figure,)))
    text = render_digest([story], "md")
    assert "over five years" in text and "per over" not in text
