"""Saved articles on disk: every format loads, and a bad file is named without hiding the rest."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.errors import SeedError
from briefing.sources.seeds import SEED_SUFFIXES, load_seed, load_seeds

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_txt_first_line_is_the_title_and_the_rest_the_body(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "Budget passes\n\nFirst paragraph.\n\nSecond paragraph.\n")
    article = load_seed(path)
    assert article.title == "Budget passes"
    assert article.body == "First paragraph.\n\nSecond paragraph."
    assert article.source == "a.txt"
    assert article.path == str(path)


def test_txt_without_a_title_line_keeps_every_line_in_the_body(tmp_path: Path) -> None:
    path = write(tmp_path / "b.txt", "The minister spoke on Monday.\n\nShe said little.\n")
    article = load_seed(path)
    assert article.title is None
    assert article.body.startswith("The minister spoke on Monday.")


def test_txt_of_one_headline_line_is_read_as_both_title_and_text(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "Ferry operator cancels winter timetable\n\n\n")
    article = load_seed(path)
    assert article.title == "Ferry operator cancels winter timetable"
    assert article.body == "Ferry operator cancels winter timetable"


def test_md_reads_front_matter_heading_and_drops_markup(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.md",
        "---\n"
        "source: Harbour Post\n"
        "published: 2026-10-09T07:00:00+02:00\n"
        'url: "https://example.com/a"\n'
        "---\n\n"
        "# Five things to know\n\n"
        "## The fund\n\n"
        "The deficit is **large** and _growing_, see [the table](https://example.com/t).\n\n"
        "- Child benefit rises.\n"
        "![chart](https://example.com/c.png)\n",
    )
    article = load_seed(path)
    assert article.title == "Five things to know"
    assert article.source == "Harbour Post"
    assert article.url == "https://example.com/a"
    assert article.published == datetime.fromisoformat("2026-10-09T07:00:00+02:00")
    assert "The deficit is large and growing, see the table." in article.body
    assert "Child benefit rises." in article.body
    for marker in ("**", "#", "](", "!["):
        assert marker not in article.body


def test_md_front_matter_that_never_closes_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "open.md", "---\ntitle: x\n\nBody text here.\n")
    with pytest.raises(SeedError, match="open.md"):
        load_seed(path)


def test_html_page_keeps_the_article_and_drops_scripts_nav_and_footer(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.html",
        "<html><head><title>Rates cut | Desk</title>"
        '<meta property="og:site_name" content="City Desk">'
        '<meta property="article:published_time" content="2026-11-05T12:40:00Z">'
        '<link rel="canonical" href="https://example.com/rates">'
        "<script>var x = 'tracking';</script></head><body>"
        "<nav><a href='/'>Home</a> Markets</nav>"
        "<article><h1>Rates cut</h1><p>The bank cut rates.</p>"
        "<script>alert('ad')</script><p>Markets rose.</p></article>"
        "<footer>Copyright notice</footer></body></html>",
    )
    article = load_seed(path)
    assert article.title == "Rates cut"
    assert article.body == "The bank cut rates.\n\nMarkets rose."
    assert article.source == "City Desk"
    assert article.url == "https://example.com/rates"
    assert article.published == datetime(2026, 11, 5, 12, 40, tzinfo=UTC)


def test_html_page_with_a_javascript_canonical_link_gets_no_url(tmp_path: Path) -> None:
    path = write(
        tmp_path / "e.html",
        '<html><head><link rel="canonical" href="javascript:alert(1)"></head>'
        "<body><article><p>Some text.</p></article></body></html>",
    )
    article = load_seed(path)
    assert article.url is None
    assert article.source == "e.html"


def test_json_sets_title_url_published_and_source(tmp_path: Path) -> None:
    record = {
        "title": "Fund agreed",
        "url": "https://example.com/fund",
        "published": "2026-11-17T06:15:00+01:00",
        "source": "Continental Times",
        "body": "Governments agreed a fund.\n\nIt is large.",
    }
    article = load_seed(write(tmp_path / "f.json", json.dumps(record)))
    assert article.title == "Fund agreed"
    assert article.url == "https://example.com/fund"
    assert article.published == datetime.fromisoformat("2026-11-17T06:15:00+01:00")
    assert article.source == "Continental Times"
    assert article.body == record["body"]


def test_json_date_without_a_zone_is_taken_as_utc(tmp_path: Path) -> None:
    record = {"body": "Text.", "published": "2026-11-17T06:15:00"}
    article = load_seed(write(tmp_path / "g.json", json.dumps(record)))
    assert article.published == datetime(2026, 11, 17, 6, 15, tzinfo=UTC)
    assert article.source == "g.json"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.json", "{not json", "not valid JSON"),
        ("list.json", "[1, 2]", "JSON object"),
        ("nobody.json", '{"title": "x"}', "'body'"),
        ("baddate.json", '{"body": "x", "published": "last Tuesday"}', "ISO 8601"),
        ("empty.md", "", "no article text"),
        ("blank.txt", "\n\n   \n", "no article text"),
    ],
)
def test_bad_files_raise_a_seed_error_naming_the_file(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(SeedError) as caught:
        load_seed(path)
    assert name in str(caught.value)
    assert reason in str(caught.value)


def test_binary_file_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(SeedError, match="photo.txt.*binary"):
        load_seed(path)


def test_missing_file_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="gone.txt"):
        load_seed(tmp_path / "gone.txt")


def test_unknown_suffix_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.pdf", "%PDF-1.4")
    with pytest.raises(SeedError, match="notes.pdf"):
        load_seed(path)


def test_windows_1252_text_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Headline\n\nIt cost \u00a35m \u2013 officials said.\n".encode("cp1252"))
    assert "\u00a35m \u2013 officials" in load_seed(path).body


def test_a_folder_loads_good_files_and_names_every_bad_one(tmp_path: Path) -> None:
    write(tmp_path / "01-good.txt", "Title\n\nA good article.\n")
    write(tmp_path / "02-good.json", json.dumps({"title": "T", "body": "Another one."}))
    write(tmp_path / "03-skip.pdf", "%PDF-1.4")
    write(tmp_path / "04-broken.json", "{")
    write(tmp_path / "05-empty.md", "")
    (tmp_path / "06-binary.html").write_bytes(b"\x00\x01\x02binary")
    write(tmp_path / ".hidden.txt", "Hidden\n\nNot loaded.\n")
    articles, problems = load_seeds([tmp_path])
    assert [a.source for a in articles] == ["01-good.txt", "02-good.json"]
    named = {Path(p.path).name: p.message for p in problems}
    assert set(named) == {"03-skip.pdf", "04-broken.json", "05-empty.md", "06-binary.html"}
    for problem in problems:
        assert Path(problem.path).name in str(problem)
        assert problem.message and not problem.message.startswith(str(tmp_path))


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_is_named_while_the_others_load(tmp_path: Path) -> None:
    write(tmp_path / "ok.txt", "Title\n\nReadable.\n")
    locked = write(tmp_path / "locked.txt", "Title\n\nSecret.\n")
    locked.chmod(0)
    try:
        articles, problems = load_seeds([tmp_path])
    finally:
        locked.chmod(0o644)
    assert [a.source for a in articles] == ["ok.txt"]
    assert len(problems) == 1
    assert "locked.txt" in str(problems[0]) and "cannot be read" in str(problems[0])


def test_a_missing_path_among_several_is_named(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Title\n\nBody.\n")
    articles, problems = load_seeds([tmp_path / "nowhere", good])
    assert len(articles) == 1
    assert [Path(p.path).name for p in problems] == ["nowhere"]


def test_bundled_seeds_all_load_in_every_format() -> None:
    articles, problems = load_seeds([SEEDS])
    assert problems == []
    assert len(articles) >= 12
    suffixes = {Path(a.path or "").suffix for a in articles}
    assert {".txt", ".md", ".html", ".json"} <= suffixes
    assert suffixes <= set(SEED_SUFFIXES)
    for article in articles:
        assert article.title, article.path
        assert 400 <= len(article.body.split()) <= 800, article.path


def test_bundled_seeds_with_metadata_use_safe_example_links() -> None:
    articles, _ = load_seeds([SEEDS])
    linked = [a for a in articles if a.url]
    assert len(linked) >= 6
    for article in linked:
        assert article.url is not None and article.url.startswith("https://example.com/")
        assert article.published is not None and article.source != Path(article.path or "").name


def test_a_file_the_system_refuses_to_read_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "ok.txt", "Title\n\nReadable.\n")
    refused = write(tmp_path / "refused.txt", "Title\n\nSecret.\n")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == refused.name:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    articles, problems = load_seeds([tmp_path])
    assert [a.source for a in articles] == ["ok.txt"]
    assert [str(p) for p in problems] == [f"{refused}: cannot be read (Permission denied)"]


def test_html_page_drops_captions_bylines_and_sign_up_boxes_inside_the_article(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "h.html",
        "<html><body><article><h1>Deal agreed</h1>"
        '<p class="byline">By a reporter | 5 November 2026</p>'
        "<figure><img src='x.jpg'><figcaption>Ministers in Brussels</figcaption></figure>"
        '<p class="image-caption">Ministers in Brussels</p>'
        "<p>Ministers agreed a deal.</p>"
        '<div class="newsletter-box">Get our newsletter</div>'
        "<aside>Most read</aside><p>It takes effect in May.</p>"
        "</article></body></html>",
    )
    article = load_seed(path)
    assert article.title == "Deal agreed"
    assert article.body == "Ministers agreed a deal.\n\nIt takes effect in May."


def test_bundled_html_seed_reads_as_the_story_alone() -> None:
    article = load_seed(SEEDS / "boe-rates-city-desk.html")
    assert article.source == "City Desk Daily"
    assert article.body.startswith("The Bank of England cut interest rates")
    for noise in ("press conference in London on Thursday", "Subscribe", "Most read", "dataLayer"):
        assert noise not in article.body


def test_a_wire_dateline_names_the_outlet_of_a_plain_text_seed(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(
        "Harbour strike ends\n\nLISBON, Mar 3 (Tagus Wire) - Dock workers returned on Monday.\n",
        encoding="utf-8",
    )
    assert load_seed(path).source == "Tagus Wire"


def test_a_plain_text_seed_without_a_dateline_is_named_after_its_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Harbour strike ends\n\nDock workers (RMT) returned - at last.\n")
    assert load_seed(path).source == "story.txt"
