"""Full text: main text of an article page, fetched with the feed rules."""

from __future__ import annotations

import httpx

from briefing.config import NetworkSettings
from briefing.sources.fetch import make_client
from briefing.sources.fulltext import extract_main_text, fetch_full_text

STORY = " ".join(
    f"Sentence {i} reports that the port authority will spend more on dredging the channel."
    for i in range(6)
)
PAGE = (
    "<html><head><title>Port news</title><meta charset='windows-1252'></head><body>"
    "<nav><a href='/'>Home</a> | <a href='/sport'>Sport</a> | Weather</nav>"
    "<article><h1>Dredging budget rises</h1>"
    + "".join(f"<p>{STORY} Caf\u00e9 {i}.</p>" for i in range(4))
    + "</article><footer>Cookie settings - Terms of use - All rights reserved</footer>"
    "<script>track()</script></body></html>"
)


def test_extract_main_text_keeps_the_story_and_drops_navigation():
    text, title = extract_main_text(PAGE, "https://port.example/news/1")
    assert text is not None
    assert "Sentence 5 reports" in text
    assert "Sport" not in text and "Cookie settings" not in text and "track()" not in text
    assert title == "Dredging budget rises"


def test_extracted_text_and_title_carry_no_escape_sequences():
    hostile = PAGE.replace("Dredging budget", "Dredging\x1b]52;c;eA==\x07 budget").replace(
        "Sentence 5", "Sentence\x1b[2J\x9b 5"
    )
    text, title = extract_main_text(hostile, "https://port.example/news/1")
    assert text is not None and "Sentence 0 reports" in text
    assert title is not None and title.startswith("Dredging")
    assert not any(ch in text + title for ch in "\x1b\x07\x9b")


def test_extract_main_text_of_an_empty_page_is_none():
    assert extract_main_text("<html><body></body></html>")[0] is None


def _client(handler) -> httpx.AsyncClient:
    client = make_client(NetworkSettings())
    client._transport = httpx.MockTransport(handler)
    return client


def _page(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/pdf":
        return httpx.Response(
            200, headers={"Content-Type": "application/pdf"}, stream=httpx.ByteStream(b"%PDF")
        )
    if request.url.path == "/gone":
        return httpx.Response(410, stream=httpx.ByteStream(b""))
    return httpx.Response(
        200,
        headers={"Content-Type": "text/html"},
        stream=httpx.ByteStream(PAGE.encode("cp1252")),
    )


async def test_fetch_full_text_decodes_the_page_charset_and_extracts():
    async with _client(_page) as client:
        result = await fetch_full_text(client, "https://port.example/news/1")
    assert result.error is None and result.text is not None
    assert "Caf\u00e9 3." in result.text


async def test_fetch_full_text_reports_non_pages_and_http_errors():
    async with _client(_page) as client:
        pdf = await fetch_full_text(client, "https://port.example/pdf")
        gone = await fetch_full_text(client, "https://port.example/gone")
        script = await fetch_full_text(client, "javascript:alert(1)")
    assert pdf.text is None and pdf.error is not None and "not a web page" in pdf.error
    assert gone.text is None and gone.error is not None and "410" in gone.error
    assert script.text is None and script.error is not None
