"""`briefing check-feed`: text and JSON output, escaping, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.cli import main

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def test_json_lines_carry_entries_in_document_order(capsys: pytest.CaptureFixture[str]):
    code = main(["check-feed", "--json", str(FEEDS / "rss_relative.xml"), str(FEEDS / "feed.json")])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert [line["kind"] for line in lines] == ["rss", "jsonfeed"]
    rss = lines[0]
    assert rss["entries"] == 3
    assert [item["title"] for item in rss["items"]] == [
        "Council approves new ferry budget",
        "Second reading postponed",
        "Minutes published",
    ]
    assert rss["items"][0]["published"] == "2024-03-05T08:30:00Z"
    assert rss["first"] == rss["items"][0] and rss["last"] == rss["items"][-1]
    assert "error" not in rss


def test_opml_files_report_outlines_and_folders(capsys: pytest.CaptureFixture[str]):
    assert main(["check-feed", "--json", str(FEEDS / "folders.opml")]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["kind"] == "opml"
    assert record["outlines"] == 3
    assert record["folders"] == ["Politics", "Politics/Budget"]
    assert record["first_xmlUrl"].startswith("https://treasury.example.gov/")


def test_a_broken_or_missing_feed_exits_1_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<rss><channel><title>cut")
    code = main(["check-feed", str(FEEDS / "rdf.xml"), str(broken), str(tmp_path / "none.xml")])
    out = capsys.readouterr().out
    assert code == 1
    assert "kind: rdf" in out
    assert out.count("FAILED:") == 2


def test_text_output_escapes_terminal_sequences(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    feed = tmp_path / "evil.xml"
    feed.write_bytes(
        b'<rss version="2.0"><channel><title>Evil &#x1b;]8;;http://x&#x7;title&#x1b;[2J</title>'
        b"<item><title>bidi &#x202e;gnp.exe</title><link>javascript:alert(1)</link></item>"
        b"</channel></rss>"
    )
    assert main(["check-feed", str(feed)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "javascript:alert(1)" in out  # shown as text, never turned into a link


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["check-feed"])
    assert exc.value.code == 2


def test_urls_are_fetched_and_http_failures_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = (FEEDS / "rdf.xml").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/feed":
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        code = main(["check-feed", "--json", base + "/feed", base + "/missing"])
    finally:
        httpd.shutdown()
        httpd.server_close()
    ok, missing = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert code == 1
    assert ok["kind"] == "rdf" and ok["entries"] == 1 and "error" not in ok
    assert "404" in missing["error"]
