"""The subscription and listing commands, run as a user would from a shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.cli import main


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "briefing.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    return tmp_path


def _feed_file(path: Path, title: str, items: list[tuple[str, str, str, str]]) -> Path:
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{name}</title><link>https://example.org/{guid}</link>"
        f"<pubDate>{date}</pubDate><description>{body}</description></item>"
        for guid, name, date, body in items
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://example.org/</link>{entries}</channel></rss>",
        encoding="utf-8",
    )
    return path


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def test_add_refresh_list_and_search_a_local_feed(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _feed_file(
        isolated / "council.xml",
        "Council [bold]News[/bold]",
        [
            ("1", "Roads budget agreed", "Mon, 02 Mar 2026 09:00:00 GMT", "Money for potholes."),
            ("2", "Library hours", "Tue, 03 Mar 2026 09:00:00 GMT", "Longer opening times."),
        ],
    )
    assert main(["add", str(feed), "--folder", "Local/Council"]) == 0
    assert main(["refresh"]) == 0
    out = _out(capsys)
    assert "2 new" in out and "0 failed" in out
    assert main(["list", "--json"]) == 0
    records = [json.loads(line) for line in _out(capsys).splitlines()]
    assert [r["title"] for r in records] == ["Library hours", "Roads budget agreed"]
    assert records[1]["published"] == "2026-03-02T09:00:00+00:00"
    assert records[1]["feed"] == "Council [bold]News[/bold]" and records[1]["read"] is False
    assert main(["list", "--since", "2026-03-03", "--json"]) == 0
    assert [json.loads(line)["title"] for line in _out(capsys).splitlines()] == ["Library hours"]
    assert main(["list", "--feed", "council [bold]news[/bold]"]) == 0
    assert "Roads budget agreed" in _out(capsys)
    assert main(["search", "--json", "potholes"]) == 0
    [hit] = [json.loads(line) for line in _out(capsys).splitlines()]
    assert hit["title"] == "Roads budget agreed" and "potholes" in hit["snippet"]
    assert main(["feeds"]) == 0
    table = _out(capsys)
    assert "Council [bold]News[/bold]" in table and "Local/Council" in table
    assert main(["vacuum"]) == 0


def test_add_rejects_what_is_neither_a_link_nor_a_file(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "javascript:alert(1)"]) == 2
    assert "neither an http(s) link nor an existing feed file" in capsys.readouterr().err
    assert main(["add", str(isolated)]) == 2
    assert main(["add", "http://127.0.0.1:99999/feed"]) == 2
    assert "not a usable web address: it has no valid port" in capsys.readouterr().err
    assert main(["check-feed", "http://127.0.0.1:99999/feed"]) == 1
    assert "has no valid port" in capsys.readouterr().out


def test_opml_round_trip_keeps_folders(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    opml = isolated / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>'
        '<outline text="News"><outline text="World">'
        '<outline type="rss" text="Wire" xmlUrl="https://wire.example/rss"/></outline>'
        '<outline type="rss" text="Daily" xmlUrl="https://daily.example/feed"/></outline>'
        '<outline type="rss" text="Loose" xmlUrl="https://loose.example/atom"/>'
        '<outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert main(["import-opml", str(opml)]) == 0
    assert "3 feeds added" in _out(capsys)
    assert main(["feeds", "--json"]) == 0
    folders = {
        record["url"]: record["folder"] for record in map(json.loads, _out(capsys).splitlines())
    }
    assert folders == {
        "https://wire.example/rss": "News/World",
        "https://daily.example/feed": "News",
        "https://loose.example/atom": None,
    }
    exported = isolated / "out.opml"
    assert main(["export-opml", "-o", str(exported)]) == 0
    from briefing.sources.opml import parse_opml

    document = parse_opml(exported.read_bytes())
    assert {(f.url, f.folder, f.title) for f in document.feeds} == {
        ("https://wire.example/rss", ("News", "World"), "Wire"),
        ("https://daily.example/feed", ("News",), "Daily"),
        ("https://loose.example/atom", (), "Loose"),
    }
    assert main(["import-opml", str(exported)]) == 0
    assert "0 feeds added, 3 already subscribed" in _out(capsys)


def test_import_of_absurdly_nested_folders_merges_them_instead_of_crashing(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.sources.opml import MAX_FOLDER_DEPTH

    depth = 5_000
    opml = isolated / "deep.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>o</title></head><body>'
        + "".join(f'<outline text="f{n}">' for n in range(depth))
        + '<outline text="deep" xmlUrl="https://deep.example/rss"/>'
        + "</outline>" * depth
        + "</body></opml>",
        encoding="utf-8",
    )
    assert main(["import-opml", str(opml)]) == 0
    captured = capsys.readouterr()
    assert "1 feeds added" in captured.out
    assert "merged into the level-16 folder" in captured.err and "Traceback" not in captured.err
    assert main(["feeds", "--json"]) == 0
    [record] = [json.loads(line) for line in _out(capsys).splitlines()]
    assert record["folder"] == "/".join(f"f{n}" for n in range(MAX_FOLDER_DEPTH))
    assert main(["check-feed", "--json", str(opml)]) == 0
    checked = json.loads(_out(capsys))
    assert checked["outlines"] == 1 and len(checked["folders"]) == MAX_FOLDER_DEPTH


def test_import_takes_only_web_feeds_and_names_each_skipped_entry(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    local = _feed_file(isolated / "local.xml", "Local", [("1", "One", "", "Text.")])
    monkeypatch.chdir(isolated)
    opml = isolated / "mixed.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>o</title></head><body>'
        f'<outline text="uri" xmlUrl="file://{local}"/>'
        '<outline text="relative" xmlUrl="local.xml"/>'
        '<outline text="passwd" xmlUrl="/etc/passwd"/>'
        '<outline text="js" xmlUrl="javascript:alert(1)"/>'
        '<outline text="web" xmlUrl="https://web.example/rss"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert main(["import-opml", str(opml)]) == 0
    captured = capsys.readouterr()
    assert "1 feeds added, 0 already subscribed, 4 skipped" in captured.out
    skipped = [line for line in captured.err.splitlines() if "skipped:" in line]
    assert len(skipped) == 4
    assert sum("is a local file" in line and "briefing add PATH" in line for line in skipped) == 3
    assert "'javascript:alert(1)' is not an http(s) address" in captured.err
    assert main(["feeds", "--json"]) == 0
    assert [json.loads(line)["url"] for line in _out(capsys).splitlines()] == [
        "https://web.example/rss"
    ]
    assert main(["check-feed", "--json", str(opml)]) == 0
    problems = json.loads(_out(capsys))["problems"]
    assert sum("import-opml skips it" in problem for problem in problems) == 4


def test_export_leaves_local_files_out_so_it_imports_back_whole(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    local = _feed_file(isolated / "local.xml", "Local", [("1", "One", "", "Text.")])
    assert main(["add", str(local), "--folder", "Mine"]) == 0
    assert main(["add", "https://web.example/rss", "--folder", "News", "--title", "Web"]) == 0
    exported = isolated / "out.opml"
    capsys.readouterr()
    assert main(["export-opml", "-o", str(exported)]) == 0
    err = capsys.readouterr().err
    assert f"left out {local}" in err and "wrote 1 feeds" in err
    assert str(local) not in exported.read_text(encoding="utf-8")
    assert main(["export-opml"]) == 0
    assert str(local) not in capsys.readouterr().out
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(isolated / "elsewhere"))
    assert main(["import-opml", str(exported)]) == 0
    assert "1 feeds added, 0 already subscribed, 0 skipped" in _out(capsys)
    assert main(["feeds", "--json"]) == 0
    [record] = [json.loads(line) for line in _out(capsys).splitlines()]
    assert (record["url"], record["title"], record["folder"]) == (
        "https://web.example/rss",
        "Web",
        "News",
    )


def test_remove_by_title_deletes_the_feed(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _feed_file(isolated / "a.xml", "Alpha", [("1", "One", "", "Text.")])
    main(["add", str(feed), "--title", "My Alpha"])
    main(["refresh"])
    _out(capsys)
    assert main(["remove", "my alpha"]) == 0
    assert "and its 1 articles" in _out(capsys)
    assert main(["remove", "my alpha"]) == 2
    assert "no subscription matches 'my alpha'" in capsys.readouterr().err
    assert main(["list", "--json"]) == 0 and _out(capsys) == ""


def test_export_to_a_place_that_cannot_be_written_is_a_file_error(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "https://example.org/one.xml"]) == 0
    assert main(["export-opml", "-o", str(isolated / "no-such-dir" / "out.opml")]) == 2
    assert capsys.readouterr().err.startswith("briefing export-opml: ")


def test_refresh_reports_failed_feeds_and_still_exits_zero(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _feed_file(isolated / "good.xml", "Good", [("1", "Fine", "", "Text.")])
    broken = isolated / "broken.xml"
    broken.write_text("<html><body>not a feed</body></html>", encoding="utf-8")
    main(["add", str(good)])
    main(["add", str(broken)])
    assert main(["refresh"]) == 0
    out = _out(capsys)
    assert "1 failed" in out and "failed: " in out and "HTML page" in out
    assert main(["refresh", "--feed", "nothing-called-this"]) == 2


@pytest.mark.parametrize("days", ["-1", "36501", "99999999999"])
def test_vacuum_refuses_retention_beyond_what_dates_can_express(
    days: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["vacuum", "--days", days]) == 2
    assert "--days must be 0 (keep everything) to 36,500" in capsys.readouterr().err


def test_bad_config_is_a_usage_error(isolated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated / "briefing.toml").write_text("[general]\nretention_days = 'soon'\n")
    assert main(["refresh"]) == 2
    assert "retention_days" in capsys.readouterr().err


def test_refresh_while_another_briefing_holds_the_store(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.store import Store

    with Store.open(isolated / "data" / "briefing.db"):
        assert main(["refresh"]) == 1
        assert "in use by another Briefing process" in capsys.readouterr().err
        assert main(["list"]) == 0  # reading still works, read-only


FEEDS = Path(__file__).parent / "fixtures" / "feeds"


@pytest.mark.parametrize(
    "command",
    [
        ["add", str(FEEDS / "rdf.xml")],
        ["remove", "https://example.org/held.xml"],
        ["import-opml", str(FEEDS / "folders.opml")],
        ["vacuum"],
        ["refresh"],
    ],
    ids=["add", "remove", "import-opml", "vacuum", "refresh"],
)
def test_a_writing_command_exits_1_naming_itself_while_another_briefing_writes(
    isolated: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.store import Store

    assert main(["add", "https://example.org/held.xml"]) == 0
    capsys.readouterr()
    with Store.open(isolated / "data" / "briefing.db") as other:
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"briefing {command[0]}: ")
        assert "is in use by another Briefing process" in err
        assert [feed.url for feed in other.feeds()] == ["https://example.org/held.xml"]


@pytest.mark.parametrize(
    "command",
    [["feeds"], ["list"], ["search", "anything"], ["export-opml"], ["digest", "--all"]],
    ids=["feeds", "list", "search", "export-opml", "digest"],
)
def test_a_reading_command_reads_while_another_briefing_writes(
    isolated: Path, command: list[str]
) -> None:
    from briefing.store import Store

    assert main(["add", "https://example.org/held.xml"]) == 0
    with Store.open(isolated / "data" / "briefing.db"):
        assert main(command) == 0


def test_errors_name_the_command_they_come_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["related", "999"]) == 2
    assert capsys.readouterr().err.startswith("briefing related: ")


def test_an_argument_that_is_not_utf8_is_a_usage_error_not_a_traceback(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _feed_file(isolated / "feed.xml", "Feed", [])
    # How Python hands over the bytes b"Bad\xff" from a UTF-8 command line.
    not_utf8 = "Bad\udcff"
    assert main(["add", str(feed), "--title", not_utf8]) == 2
    assert "briefing add: 'Bad\\xff' is not UTF-8 text" in capsys.readouterr().err
    assert main(["add", str(feed)]) == 0
    for command in (["remove", not_utf8], ["list", "--feed", not_utf8]):
        assert main(command) == 2
        assert "is not UTF-8 text" in capsys.readouterr().err
    assert main(["feeds", "--json"]) == 0
    assert [json.loads(line)["title"] for line in _out(capsys).splitlines()] == [str(feed)]


def test_a_title_or_folder_given_to_add_is_stored_as_one_printable_line(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    named = _feed_file(isolated / "named.xml", "Named", [])
    blank = _feed_file(isolated / "blank.xml", "Own Title", [])
    escaped = _feed_file(isolated / "escaped.xml", "Escaped", [])
    given = 'Q "quoted" & <b>\nsecond\tline'
    assert main(["add", str(named), "--title", given, "--folder", " News /\x1b[1mWorld\n/"]) == 0
    assert main(["add", str(blank), "--title", "   "]) == 0
    assert main(["add", str(escaped), "--title", "\x1b[31m\x07"]) == 0
    assert main(["refresh"]) == 0
    capsys.readouterr()
    assert main(["feeds", "--json"]) == 0
    records = {Path(r["url"]).name: r for r in map(json.loads, _out(capsys).splitlines())}
    assert records["named.xml"]["title"] == 'Q "quoted" & <b> second line'
    assert records["named.xml"]["folder"] == "News/World"
    # A name with nothing printable in it leaves the feed its own title.
    assert records["blank.xml"]["title"] == "Own Title"
    assert records["escaped.xml"]["title"] == "Escaped"


def test_list_since_an_age_older_than_the_calendar_lists_everything(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed = _feed_file(
        isolated / "old.xml",
        "Old",
        [("1", "Ancient", "Mon, 02 Mar 1970 09:00:00 GMT", "Long ago.")],
    )
    assert main(["add", str(feed)]) == 0
    assert main(["refresh"]) == 0
    capsys.readouterr()
    for age in ("99999999999d", "9999999999h", "3000000w"):
        assert main(["list", "--since", age, "--json"]) == 0
        assert [json.loads(line)["title"] for line in _out(capsys).splitlines()] == ["Ancient"]


def test_entries_repeating_an_id_are_saved_once_and_not_updated_on_every_refresh(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = [("g1", "Vote", "Mon, 02 Mar 2026 09:00:00 GMT", f"Version {n}.") for n in (1, 2, 3)]
    feed = _feed_file(isolated / "repeats.xml", "Repeats", versions)
    assert main(["add", str(feed)]) == 0
    assert main(["refresh"]) == 0
    assert "1 new, 0 updated" in _out(capsys)
    feed.write_text(feed.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # read it again
    assert main(["refresh"]) == 0
    assert "0 new, 0 updated" in _out(capsys)
    assert main(["check-feed", "--json", str(feed)]) == 0
    [checked] = [json.loads(line) for line in _out(capsys).splitlines()]
    assert len(checked["items"]) == 3  # check-feed lists the document as it is
    assert any("2 entries repeat an earlier entry's id or link" in p for p in checked["problems"])


def test_import_reads_no_more_of_an_endless_input_than_the_size_limit(
    isolated: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import threading

    import briefing.sources.opml

    monkeypatch.setattr(briefing.sources.opml, "MAX_OPML_BYTES", 100_000)
    pipe = isolated / "endless.opml"
    os.mkfifo(pipe)
    offered = 10_000_000
    written = 0

    def write() -> None:
        nonlocal written
        chunk = b"<opml>" + b" " * 65_530
        try:
            with open(pipe, "wb") as sink:
                while written < offered:
                    written += sink.write(chunk)
        except BrokenPipeError:
            pass  # the reader had enough

    writer = threading.Thread(target=write)
    writer.start()
    assert main(["import-opml", str(pipe)]) == 2
    writer.join()
    assert "larger than 100,000 bytes" in capsys.readouterr().err
    assert written < offered
