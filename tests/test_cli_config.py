"""`--config FILE` names the settings file for every command, before or after the command."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from briefing.cli import main

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data directory; $BRIEFING_CONFIG names an empty file (all defaults)."""
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(empty))
    return tmp_path


def _settings(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _placed(where: str, config: str, command: list[str]) -> list[str]:
    return {
        "before": ["--config", config, *command],
        "before=": [f"--config={config}", *command],
        "after": [*command, "--config", config],
        "after=": [*command, f"--config={config}"],
    }[where]


PLACES = ["before", "before=", "after", "after="]


@pytest.mark.parametrize("where", PLACES)
def test_the_named_file_is_read_wherever_the_option_stands(
    isolated: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # retention_days comes only from this file: $BRIEFING_CONFIG says "keep everything".
    config = _settings(isolated, "keep-30.toml", "[general]\nretention_days = 30\n")
    assert main(_placed(where, config, ["vacuum"])) == 0
    assert "expired 0 articles" in capsys.readouterr().out


@pytest.mark.parametrize("where", PLACES)
def test_the_value_of_config_is_not_taken_for_an_article_file(
    isolated: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _settings(isolated, "good.toml", "[general]\nretention_days = 0\n")
    assert main(_placed(where, config, ["feeds"])) == 0
    captured = capsys.readouterr()
    assert "no subscriptions yet" in captured.out
    assert "no such file" not in captured.err


def test_without_a_command_the_words_after_config_are_still_article_files(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _settings(isolated, "good.toml", "")
    missing = isolated / "feeds"  # a file that happens to share a command's name is not one
    assert main(["--config", config, str(missing)]) == 2
    assert f"{missing}: no such file or directory" in capsys.readouterr().err


@pytest.mark.parametrize("where", PLACES)
@pytest.mark.parametrize(
    "command",
    [
        ["refresh"],
        ["vacuum"],
        ["check-feed", str(FEEDS / "rdf.xml")],
        # Port 9 (discard) is never fetched: the settings are read before any source.
        ["check-feed", "http://127.0.0.1:9/feed"],
    ],
    ids=["refresh", "vacuum", "check-feed-file", "check-feed-url"],
)
def test_a_bad_named_file_stops_commands_that_use_settings_with_exit_2(
    isolated: Path, where: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = _settings(isolated, "bad.toml", '[network]\nconcurrency = "lots"\n')
    assert main(_placed(where, config, command)) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "'concurrency' must be int" in err


@pytest.fixture
def user_agents() -> Iterator[tuple[str, list[str]]]:
    """A feed server on the loopback interface that records each request's User-Agent."""
    seen: list[str] = []
    body = (FEEDS / "rdf.xml").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen.append(self.headers.get("User-Agent", ""))
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/feed", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("where", ["before", "after="])
def test_check_feed_fetches_with_the_named_files_network_settings(
    isolated: Path,
    where: str,
    user_agents: tuple[str, list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, seen = user_agents
    config = _settings(isolated, "agent.toml", '[network]\nuser_agent = "Checker/2.0"\n')
    assert main(_placed(where, config, ["check-feed", url])) == 0
    assert seen == ["Checker/2.0"]
    assert "kind: rdf" in capsys.readouterr().out


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_an_endless_settings_file_is_a_settings_error_not_a_long_read(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BRIEFING_CONFIG", "/dev/zero")
    assert main(["refresh"]) == 2
    assert "/dev/zero: not a regular file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("feed_deadline = nan", "feed_deadline"),
        ("concurrency = 100000000", "concurrency"),
        ('user_agent = "x\\r\\nX-Injected: 1"', "user_agent"),
    ],
)
def test_refresh_refuses_out_of_range_network_settings_with_exit_2(
    isolated: Path, setting: str, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _settings(isolated, "network.toml", f"[network]\n{setting}\n")
    assert main(["--config", config, "refresh"]) == 2
    err = capsys.readouterr().err
    assert "network.toml" in err and f"'{key}'" in err
