"""Hostile text through the analysis, the seed loader and every renderer of their results.

Articles come from strangers: random Unicode, markup, terminal escape
sequences, NUL bytes, very long lines, absurd sums of money and quotation
marks nested without end. Whatever arrives, analysing it must not crash,
every index it reports must point at a real sentence, every amount must be a
finite number, and nothing it produces may reach a terminal or a page with a
control character left in it once it has been through `plain`.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from briefing.analysis.pipeline import analyse
from briefing.cli import main
from briefing.digest import DigestStory, Outlet, render_digest
from briefing.errors import SeedError
from briefing.models import Analysis, Article
from briefing.safety import plain
from briefing.sources.seeds import load_seed

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Anything a terminal could act on, or that reorders or hides text: C0 (but tab and
# newline), DEL, C1, bidi controls and zero-width characters.
CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]"
)

ESCAPES = [
    "\x1b[31m",
    "\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]0;new window title\x07",
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\",
    "\x1b]52;c;cHduZWQ=\x07",  # OSC 52: write to the clipboard
    "\x1bP+q544e\x1b\\",
    "\x1b_hidden\x1b\\",
    "\x9b6n",  # 8-bit CSI: report the cursor position
    "\x1bc",
    "\x1b[",
    "\x1b",
    "\x07",
    "\x00",
    "\r",
    "\x08\x08\x08",
    "\x0b\x0c",
    "\x85",
    "\u202e",
    "\u2066",
    "\u200b",
    "\ufeff",
    "\u2028",
]
MARKUP = [
    "[red]",
    "[/]",
    "[@click=app.quit]",
    "[link=javascript:alert(1)]x[/link]",
    "[bold magenta on white]",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<b><i>",
    "</p>",
    "&amp;",
    "&#0;",
    "&#x1b;",
    "&nbsp;",
    "**bold**",
    "`code`",
    "| a | b |",
    "# heading",
    "---",
    "]]>",
    "javascript:alert(1)",
]
MONEY = [
    "$99999999999999999999999bn",
    "$" + "9" * 400 + "bn",
    "€1e308bn",
    "£" + "9," * 150 + "9m",
    "¥0.000000000000000000001",
    "$-5bn",
    "NOK 0bn",
    "€5-6bn",
    "€500bn ($547bn; £420bn)",
    "£" + "(" * 50 + "$1bn" + ")" * 50,
    "99999999999999999999999 euros",
    "1.2.3.4bn",
    "$,bn",
    "$.5bn",
    "US$",
    "€" * 200,
    "A$12bn (US$7.9bn",
    "$1bn a year a year a year",
]
QUOTES = [
    '"',
    "\u201c",
    "\u201d",
    "'",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "\u201e",
    '"We will act," said Jane Doe, the finance minister.',
    " said Prof. Ana Lima, chief economist at Bank.",
    '"' * 60,
    "\u201c\u2018" * 40 + "deep" + "\u2019\u201d" * 40,
    '"' + 'He said "' * 30 + "x" + '"' * 31,
    ', he said. "',
    "said",
]
SHAPES = [
    "\n",
    "\n\n",
    " ",
    ". ",
    "? ",
    "Mr. ",
    "U.S. ",
    "e.g. ",
    "\t",
    "x" * 20_000,
    "word " * 1_500,
    "\n" * 500,
    ". " * 500,
]
FRAGMENTS = ESCAPES + MARKUP + MONEY + QUOTES + SHAPES


@functools.cache
def _seed_bodies() -> list[str]:
    bodies: list[str] = []
    for path in sorted(SEEDS.glob("*")):
        with contextlib.suppress(SeedError):
            bodies.append(load_seed(path).body)
    return bodies or ["The minister said the plan would cost €5bn ($5.4bn) a year."]


def fragment() -> st.SearchStrategy[str]:
    """One hostile fragment (drawn by index: some are too long to print in a report)."""
    return st.integers(min_value=0, max_value=len(FRAGMENTS) - 1).map(_fragment_at)


def _fragment_at(index: int) -> str:
    return FRAGMENTS[index]


def hostile_text(max_parts: int = 40) -> st.SearchStrategy[str]:
    """Random text stitched from hostile fragments, random Unicode and ordinary words."""
    part = st.one_of(
        fragment(),
        st.text(max_size=30),
        st.text(st.characters(codec="utf-8"), max_size=30),
        st.text(alphabet="\x1b[];0123456789m\x07\\P", max_size=20),
        st.sampled_from(["The minister", "said", "the fund", "€5bn", "Oslo", "\u201cWe\u201d"]),
    )
    return st.lists(part, max_size=max_parts).map("".join)


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    """A real article body with hostile fragments spliced in and pieces cut out or doubled."""
    bodies = _seed_bodies()
    body = bodies[draw(st.integers(min_value=0, max_value=len(bodies) - 1))]
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        at = draw(st.integers(min_value=0, max_value=len(body)))
        action = draw(st.sampled_from(["insert", "cut", "double"]))
        if action == "insert":
            body = body[:at] + draw(fragment() | st.text(max_size=20)) + body[at:]
        else:
            end = min(len(body), at + draw(st.integers(min_value=1, max_value=400)))
            piece = body[at:end]
            body = body[:at] + (piece * 2 if action == "double" else "") + body[end:]
    return body


def _texts(analysis: Analysis) -> Iterator[str]:
    yield from analysis.sentences
    yield from (line.text for line in analysis.summary)
    for quote in analysis.quotes:
        yield quote.text
        yield quote.speaker or ""
        yield quote.role or ""
    for figure in analysis.figures:
        yield figure.text
        yield figure.currency
        yield figure.context
        yield figure.period or ""
        for equivalent in figure.equivalents:
            yield equivalent.text
            yield equivalent.currency


def check_analysis(analysis: Analysis) -> None:
    """What every caller of `analyse` relies on, whatever the input was."""
    count = len(analysis.sentences)
    chosen = [line.sentence for line in analysis.summary]
    assert len(set(chosen)) == len(chosen)
    for line in analysis.summary:
        assert 0 <= line.sentence < count
        assert line.text == analysis.sentences[line.sentence]
    for quote in analysis.quotes:
        assert 0 <= quote.sentence < count
    for figure in analysis.figures:
        assert 0 <= figure.sentence < count
        amounts = [(figure.amount, figure.currency)]
        amounts += [(e.amount, e.currency) for e in figure.equivalents]
        for amount, currency in amounts:
            assert math.isfinite(amount), figure
            assert re.fullmatch(r"[A-Z]{3}", currency), figure
    for text in _texts(analysis):
        assert isinstance(text, str)
        assert not CONTROL.search(plain(text, limit=len(text) + 1))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.none() | hostile_text(6), body=hostile_text())
def test_analyse_survives_random_hostile_text(title: str | None, body: str) -> None:
    check_analysis(analyse(Article(title=title, body=body), 3))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=mutated_seed(), sentences=st.integers(min_value=1, max_value=12))
def test_analyse_survives_mutated_real_articles(body: str, sentences: int) -> None:
    check_analysis(analyse(Article(title="A story", body=body), sentences))


@pytest.mark.parametrize(
    "body",
    [
        "It will cost $99999999999999999999999bn over ten years.",
        "It will cost $" + "9" * 400 + "bn, she said.",
        "A budget of €" + "9" * 330 + " billion was approved.",
        "\u201c" * 2_000 + "x" + "\u201d" * 2_000,
        '"' + 'She said "' * 500 + "yes" + '"' * 501 + " said Ana Lima.",
        "\x00" * 1_000 + "The fund has €5bn.",
        "x" * 300_000,
        ("The minister said the plan would cost €5bn. " * 2_000).strip(),
        "\x1b[31m\u201cWe will pay \x1b]8;;https://e.example\x07€5bn\x1b]8;;\x07,\u201d said "
        "Jane \x1b[1mDoe\x1b[0m, the \u202efinance\u202c minister.",
    ],
    ids=[
        "huge-number",
        "400-digits",
        "330-digit-euros",
        "nested-curly",
        "nested-straight",
        "nul-bytes",
        "one-long-line",
        "many-sentences",
        "escapes-in-quote",
    ],
)
def test_analyse_survives_known_hostile_articles(body: str) -> None:
    check_analysis(analyse(Article(title="\x1b]0;owned\x07Title", body=body), 3))


# -- the seed loader ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-seeds")


def _json_value() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | hostile_text(6)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    )


@st.composite
def seed_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A saved-article file of any supported kind, plausible or broken."""
    suffix = draw(st.sampled_from([".txt", ".md", ".html", ".json"]))
    title, body = draw(hostile_text(6)), draw(hostile_text() | mutated_seed())
    if suffix == ".json":
        record: dict[str, Any] = {"title": title, "body": body, "source": draw(hostile_text(4))}
        extra = draw(
            st.dictionaries(
                st.sampled_from(["title", "body", "url", "published", "source"]),
                _json_value(),
                max_size=3,
            )
        )
        record.update(extra)
        text = json.dumps(draw(st.sampled_from([record, [record], body])))
    elif suffix == ".html":
        depth = draw(st.integers(min_value=0, max_value=3_000))
        text = (
            f"<html><head><title>{title}</title><meta property='og:url' "
            f"content='{draw(hostile_text(3))}'></head><body>{'<div>' * depth}"
            f"<article><p>{body}</p></article></body></html>"
        )
    elif suffix == ".md":
        front = draw(st.sampled_from(["", "---\ntitle: x\n---\n", "---\nsource: y\n", "---\n"]))
        text = f"{front}# {title}\n\n{body}"
    else:
        text = f"{title}\n\n{body}"
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"", b"\x80\x81"])) + data
    if draw(st.booleans()) and data:
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at + 1 :]
    return suffix, data


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(document=seed_file())
def test_seed_loader_either_reads_or_names_the_problem(
    seed_dir: Path, document: tuple[str, bytes]
) -> None:
    suffix, data = document
    path = seed_dir / f"hostile{suffix}"
    path.write_bytes(data)
    try:
        article = load_seed(path)
    except SeedError as exc:
        assert str(path) in str(exc)
        return
    assert isinstance(article.body, str)
    check_analysis(analyse(article, 3))


# -- what people see: `briefing analyse` and the digest -------------------------------------


HOSTILE_ARTICLE = {
    "title": "\x1b]0;owned\x07Budget \x1b[31mshock\x1b[0m [red]alert[/] \u202etxet\u202c",
    "source": "Evil \x1b[2J\x1b[HWire\x00",
    "url": "javascript:alert(1)",
    "published": "2026-11-20T08:00:00+00:00",
    "body": "OSLO (Evil Wire) - The government will spend \x1b[1m$99999999999999999999999bn\x1b[0m "
    "(\x9b6n€5bn) on defence, it said.\n\n"
    "\u201cWe will pay \x1b]8;;https://evil.example/\x07every krone\x1b]8;;\x07,\u201d said "
    "Jane \x1b[5mDoe\x1b[0m, the \u202efinance\u202c minister. \u201cThis is \x07 a [@click=app"
    ".quit]promise[/].\u201d\n\n"
    "<script>alert(1)</script> The fund\x00 holds NOK 19bn ($1.8bn) a year, "
    "\x1bP+q\x1b\\ officials said.\n\n" + "A " + "very " * 3_000 + "long line.",
}


def _run_analyse(path: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["analyse", "--sentences", "3", *extra, str(path)])
    return code, out.getvalue()


def test_analyse_report_of_a_hostile_article_has_no_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE_ARTICLE), encoding="utf-8")
    code, report = _run_analyse(path)
    assert code == 0
    assert "Budget shock [red]alert[/]" in report  # markup is shown as written
    assert "Evil Wire" in report
    assert "summary:" in report and "figures (" in report
    assert not CONTROL.search(report), CONTROL.findall(report)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=hostile_text(6), source=hostile_text(4), body=hostile_text() | mutated_seed())
def test_analyse_report_never_prints_control_characters(
    seed_dir: Path, title: str, source: str, body: str
) -> None:
    path = seed_dir / "report.json"
    record = {"title": title, "source": source, "body": body + " The end."}
    path.write_text(json.dumps(record), encoding="utf-8")
    code, report = _run_analyse(path)
    assert code == 0
    assert not CONTROL.search(report), CONTROL.findall(report)


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"the digest JSON contains {constant}, which JSON does not allow")

    return json.loads(text, parse_constant=refuse)


def check_rendered(stories: list[DigestStory]) -> None:
    """Every digest format of these stories is inert: no controls, no scripts, no odd links."""
    for fmt in ("markdown", "html", "json"):
        text = render_digest(stories, fmt, title="\x1b]0;t\x07Brief [b]", max_quotes=None)
        assert not CONTROL.search(text), (fmt, CONTROL.findall(text))
    page = LexborHTMLParser(render_digest(stories, "html"))
    assert page.css("script, iframe, object, embed, img, form") == []
    for node in page.css("*"):
        for name, value in node.attributes.items():
            assert not name.lower().startswith("on"), (node.tag, name)
            if name == "href":
                assert (value or "").startswith(("https://", "http://", "#")), value
    assert len(page.css("article")) == len(stories)
    record = _strict_json(render_digest(stories, "json"))
    assert len(record["stories"]) == len(stories)
    for story in record["stories"]:
        for outlet in story["outlets"]:
            assert outlet["url"] is None or outlet["url"].startswith(("http://", "https://"))


def test_digest_of_a_hostile_article_is_inert(tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE_ARTICLE), encoding="utf-8")
    article = load_seed(path)
    outlet = Outlet(name="\x1b[31mOther\x00", url="data:text/html,<script>x</script>")
    check_rendered([DigestStory(article, analyse(article, 3), related=3, outlets=(outlet,))])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=hostile_text(6),
    source=hostile_text(4),
    body=hostile_text() | mutated_seed(),
    url=st.sampled_from(["javascript:alert(1)", "https://ok.example/a?b=<c>", "file:///x", ""])
    | hostile_text(3),
)
def test_digest_of_random_hostile_articles_is_inert(
    title: str, source: str, body: str, url: str
) -> None:
    article = Article(title=title, body=body, source=source, url=url or None)
    outlets = (Outlet(name=source, url=url, title=title),)
    check_rendered([DigestStory(article, analyse(article, 3), related=1, outlets=outlets)])


# -- escape sequences in the text cleaner, and a known defect left to its owner -------------

ESCAPED_SPEAKER = (
    '"We will pay for every krone of this plan," said Jane \x1b[1mDoe\x1b[0m, the finance minister.'
)


def test_escape_sequences_leave_no_remnants_in_the_sentences() -> None:
    assert analyse(Article(title=None, body="\x1b[31mRed\x1b[0m alert.")).sentences == (
        "Red alert.",
    )


def test_escape_sequences_do_not_cost_a_quote_its_speaker() -> None:
    [quote] = analyse(Article(title=None, body=ESCAPED_SPEAKER)).quotes
    assert (quote.speaker, quote.role) == ("Jane Doe", "the finance minister")


def test_analyse_json_output_has_no_raw_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "hostile.json"
    record = {
        "title": "Budget \u202eshock\u202c",
        "source": "Wire\x9b6n",
        "body": "Prices rose by 5%.",
    }
    path.write_text(json.dumps(record), encoding="utf-8")
    code, output = _run_analyse(path, "--json")
    assert code == 0
    assert not CONTROL.search(output), CONTROL.findall(output)
