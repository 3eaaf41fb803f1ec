"""Text from feeds can never drive the terminal; only web links are treated as links."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.safety import clean_link, is_web_link, plain, strip_controls


def test_escape_sequences_and_controls_are_removed() -> None:
    hostile = "Title\x1b]0;owned\x07 \x1b[31mred\x1b[0m \x1bP1$q\x1b\\ \x00nul \u202eevil\u202c end"
    assert plain(hostile) == "Title red  nul evil end"


def test_markup_is_left_as_text() -> None:
    assert plain("[red]x[/red] [@click=app.quit]q[/]") == "[red]x[/red] [@click=app.quit]q[/]"


def test_long_text_is_capped() -> None:
    assert len(plain("x" * 50_000, limit=100)) == 100


@given(st.text())
def test_plain_output_never_holds_an_escape_or_control(text: str) -> None:
    out = plain(text)
    assert "\x1b" not in out and "\x9b" not in out
    assert all(ch in "\n\t" or ord(ch) >= 32 for ch in out)


def test_only_http_and_https_are_web_links() -> None:
    assert is_web_link("https://example.com/a")
    assert is_web_link("HTTP://example.com/a")
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "ftp://x",
        "",
        None,
        "https://exa mple.com",
        "https://example.com/\nx",
        "https://example.com/\x1b[2J",
        "https://example.com/\x7f",
        "https://example.com/\x9b31m",
        "example.com",
        "http://example.com/a\x1b]52;c;Y2xpcA==\x07\x1b[2J",
        "http://example.com/\x07",
        "http://example.com/\x9b2J",
        "http://example.com/\x7f",
        "https://example.com/\u202egnp.exe",
        "https://example.com/\u200bx",
        "http://127.0.0.1:99999/feed",
        "http:///no-host",
        "http://[::1/broken",
    ]:
        assert not is_web_link(bad)


STORED_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@given(st.text())
def test_stored_text_keeps_no_control_and_bodies_keep_their_lines(text: str) -> None:
    assert not STORED_CONTROLS.search(strip_controls(text))
    body = strip_controls(text, lines=True)
    assert not STORED_CONTROLS.search(body.replace("\n", "").replace("\t", ""))
    assert body.count("\n") <= text.count("\n")


@given(st.text().filter(lambda text: not STORED_CONTROLS.search(text)))
def test_text_without_controls_is_stored_as_it_is(text: str) -> None:
    assert strip_controls(text) is text
    assert clean_link(text) is text


def test_stored_text_keeps_right_to_left_marks_that_plain_removes() -> None:
    text = "\u05e9\u05dc\u05d5\u05dd \u200fabc\u202e"
    assert strip_controls(text) == text
    assert plain(text) != text


@given(st.text())
def test_links_keep_no_control_and_encode_what_they_held(text: str) -> None:
    link = clean_link("https://example.com/" + text)
    assert not STORED_CONTROLS.search(link)
    assert clean_link("https://example.com/a\x1b[2J\x9bb") == "https://example.com/a%1B[2J%C2%9Bb"
    assert clean_link("https://example.com/a\tb\nc") == "https://example.com/abc"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:99999/feed", "port"),
        ("https:///nohost", "host"),
        ("http://exa mple.com/", "space"),
        ("http://example.com/\x1b[2J", "control"),
        ("ftp://example.com/", "http"),
    ],
)
def test_a_link_that_cannot_be_used_says_why(url: str, reason: str) -> None:
    from briefing.safety import web_link_problem

    problem = web_link_problem(url)
    assert problem is not None and reason in problem
    assert not is_web_link(url)
