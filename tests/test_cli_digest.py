"""`briefing digest`: picked stories from the store, in three formats, moving the briefing mark.

Every test runs against a fresh data directory holding the bundled seeds, so
nothing here depends on the reader's own database or settings.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main
from briefing.digest_stories import LAST_BRIEFING, build_digest_stories, digest_article_ids
from briefing.sources.seeds import load_seeds
from briefing.store import Store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NORWAY = "Nordic Ledger"  # norway-budget-nordic-ledger.json, published 2026-10-06
EU = "Continental Times"  # eu-air-defence-continental-times.json, published 2026-11-17
EU_TITLE = "EU governments back €90bn air defence fund after late-night talks"
NORWAY_TITLE = "Norway lifts defence spending and oil fund draw in 2027 budget"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A data directory with every seed imported; no settings file is read."""
    data = tmp_path / "data"
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("BRIEFING_CONFIG", raising=False)
    articles, problems = load_seeds(sorted(SEEDS.iterdir()))
    assert not problems and articles
    with Store.open() as store:
        store.import_seeds(articles)
    yield data


def _id_of(store: Store, title: str) -> int:
    [row] = [row for row in store.list_articles(limit=1000) if row.title == title]
    return row.id


def _pick(*titles: str) -> list[int]:
    with Store.open() as store:
        ids = [_id_of(store, title) for title in titles]
        for article_id in ids:
            store.set_flag(article_id, "picked", True)
    return ids


def _digest(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["digest", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json_digest(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = _digest(capsys, "--format", "json", *args)
    assert code == 0, err
    record: dict[str, Any] = json.loads(out)
    return record


def _mark() -> datetime | None:
    with Store.open() as store:
        return store.get_mark(LAST_BRIEFING)


def test_markdown_digest_of_two_picked_stories(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(NORWAY_TITLE, EU_TITLE)
    code, out, err = _digest(capsys, "--format", "md", "--title", "Morning [brief]")
    assert code == 0, err
    assert out.startswith("# Morning \\[brief\\]\n")
    assert f"## 1. {EU_TITLE}" in out  # newest first
    assert f"## 2. {NORWAY_TITLE}" in out
    assert "### Summary" in out and "### Key quotes" in out and "### Figures" in out
    assert "(https://example.com/nordic-ledger/2026/10/06/norway-budget-defence-oil-fund)" in out
    assert "\\[S1\\]" in out and "\\[S2\\]" in out
    assert out.count("\n## ") == 3  # two stories and the sources


def test_json_digest_lists_other_outlets_from_the_store(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    norway, eu = _pick(NORWAY_TITLE, EU_TITLE)
    record = _json_digest(capsys)
    assert record["schema"] == "briefing-digest/1"
    assert [story["title"] for story in record["stories"]] == [EU_TITLE, NORWAY_TITLE]
    assert [source["source"] for source in record["sources"]] == [EU, NORWAY]
    with Store.open() as store:
        for story, article_id in zip(record["stories"], (eu, norway), strict=True):
            related = store.related(article_id, 50)
            own = story["outlets"][0]
            assert own["name"] == record["sources"][story["number"] - 1]["source"]
            expected: list[str] = []
            for row in related:
                if row.source and row.source not in {own["name"], *expected}:
                    expected.append(row.source)
            assert [o["name"] for o in story["outlets"][1:]] == expected
            assert story["related_reports"] == len(store.story_members(article_id)) - 1
            for outlet in story["outlets"][1:]:
                [row] = [r for r in related if r.source == outlet["name"]][:1]
                other = store.article(row.id)
                assert other is not None and outlet["url"] == other.url
            assert story["summary"] and all(s["cite"] == story["cite"] for s in story["summary"])
    norway_story = record["stories"][1]
    assert norway_story["related_reports"] >= 1 and len(norway_story["outlets"]) >= 2
    assert any(o["url"] and o["published"] for o in norway_story["outlets"][1:])
    assert any(f["currency"] == "NOK" for f in norway_story["figures"])


def test_html_digest_is_one_escaped_page(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(NORWAY_TITLE, EU_TITLE)
    target = tmp_path / "out" / "briefing.html"
    target.parent.mkdir()
    code, out, err = _digest(capsys, "--format", "html", "-o", str(target), "--title", "<b>x</b>")
    assert code == 0, err
    assert out == ""
    assert "wrote 2 stories" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in page
    assert page.count("<article ") == 2
    assert "air defence fund" in page and "Halvorsen" in page
    assert "<script" not in page.lower()
    assert [p.name for p in target.parent.iterdir()] == ["briefing.html"]  # no temp file left


def test_digest_caches_the_analyses_it_computes(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _pick(NORWAY_TITLE)
    with Store.open() as store:
        article = store.article(ids[0])
        assert article is not None
        assert store.cached_analysis(article.analysis_key(3)) is None
    first = _json_digest(capsys)
    with Store.open() as store:
        cached = store.cached_analysis(article.analysis_key(3))
    assert cached is not None
    assert [s["text"] for s in first["stories"][0]["summary"]] == [s.text for s in cached.summary]


def test_writing_a_digest_sets_the_last_briefing_mark(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(EU_TITLE)
    assert _mark() is None
    before = datetime.now(UTC)
    _json_digest(capsys)
    after = datetime.now(UTC)
    mark = _mark()
    assert mark is not None and before <= mark <= after


def test_since_last_keeps_only_articles_received_after_the_last_digest(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(NORWAY_TITLE, EU_TITLE)
    assert len(_json_digest(capsys, "--since", "last")["stories"]) == 2  # no mark yet: all
    assert _json_digest(capsys, "--since", "last")["stories"] == []
    late = tmp_path / "late" / "late-news.json"
    late.parent.mkdir()
    late.write_text(
        json.dumps(
            {
                "title": "Harbour authority approves new ferry terminal",
                "source": "Coastal Courier",
                "published": "2026-09-01T08:00:00+00:00",  # older than both, yet new to us
                "body": "The harbour authority approved a ferry terminal on Monday. "
                "It will cost €40m, the authority's chair Ines Varga said.",
            }
        ),
        encoding="utf-8",
    )
    with Store.open() as store:
        store.import_seeds(load_seeds([late])[0])
        store.set_flag(
            _id_of(store, "Harbour authority approves new ferry terminal"), "picked", True
        )
    record = _json_digest(capsys, "--since", "last")
    assert [s["title"] for s in record["stories"]] == [
        "Harbour authority approves new ferry terminal"
    ]
    assert len(_json_digest(capsys)["stories"]) == 3  # without --since: every picked story


def test_since_date_and_other_selections(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(NORWAY_TITLE, EU_TITLE)
    record = _json_digest(capsys, "--since", "2026-11-01")
    assert [s["title"] for s in record["stories"]] == [EU_TITLE]
    assert _json_digest(capsys, "--starred")["stories"] == []
    with Store.open() as store:
        store.set_flag(_id_of(store, NORWAY_TITLE), "starred", True)
        total = store.count_articles("all")
    assert [s["title"] for s in _json_digest(capsys, "--starred")["stories"]] == [NORWAY_TITLE]
    assert len(_json_digest(capsys, "--all")["stories"]) == total


def test_no_picked_stories_still_writes_an_empty_digest(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _digest(capsys)
    assert code == 0
    assert "No stories were picked" in out
    assert "no picked stories" in err


@pytest.mark.parametrize("where", ["missing-dir/digest.md", "a-file/digest.md"])
def test_unwritable_output_exits_2_with_one_line_and_keeps_the_mark(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    _pick(EU_TITLE)
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    code, out, err = _digest(capsys, "-o", str(tmp_path / where))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("briefing digest: cannot write ")
    assert _mark() is None


def test_full_disk_keeps_the_old_digest_and_leaves_no_temp_file(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pick(EU_TITLE)
    target = tmp_path / "briefing.md"
    target.write_text("yesterday's briefing\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("briefing.atomic.os.fsync", full)
    code, out, err = _digest(capsys, "-o", str(target))
    assert code == 2
    assert err == f"briefing digest: cannot write {target}: No space left on device; " + (
        "nothing was changed\n"
    )
    assert target.read_text(encoding="utf-8") == "yesterday's briefing\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert _mark() is None


def test_output_to_a_directory_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _digest(capsys, "-o", str(tmp_path))
    assert code == 2 and "is a directory" in err


def test_build_digest_stories_reports_missing_articles_and_keeps_order(data_dir: Path) -> None:
    problems: list[tuple[int, str]] = []
    with Store.open() as store:
        eu, norway = _id_of(store, EU_TITLE), _id_of(store, NORWAY_TITLE)
        stories = build_digest_stories(
            store,
            [norway, 10_000, eu],
            sentences=2,
            on_problem=lambda i, m: problems.append((i, m)),
        )
    assert [s.article.title for s in stories] == [NORWAY_TITLE, EU_TITLE]
    assert all(len(s.analysis.summary) == 2 for s in stories)
    assert problems == [(10_000, "no longer stored; left out")]


def test_build_digest_stories_survives_an_analyser_failure(data_dir: Path) -> None:
    def broken(article: object, sentences: int) -> Any:
        raise IndexError("sentence 7 out of range")

    problems: list[str] = []
    with Store.open() as store:
        ids = [_id_of(store, EU_TITLE)]
        [story] = build_digest_stories(
            store, ids, analyser=broken, on_problem=lambda i, m: problems.append(m)
        )
    assert story.article.title == EU_TITLE and story.analysis.summary == ()
    assert problems == ["could not be analysed (IndexError: sentence 7 out of range)"]


def test_digest_article_ids_rejects_unknown_views(data_dir: Path) -> None:
    with Store.open() as store, pytest.raises(ValueError, match="unknown digest view"):
        digest_article_ids(store, "dismissed")


def test_while_another_briefing_writes_the_digest_is_written_but_the_mark_stays(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(EU_TITLE)
    with Store.open() as writer:
        code, out, err = _digest(capsys, "--format", "json")
        assert writer.get_mark(LAST_BRIEFING) is None
    assert code == 0
    assert [s["title"] for s in json.loads(out)["stories"]] == [EU_TITLE]
    assert "mark was not moved" in err


def test_dash_means_standard_output_and_a_replaced_file_keeps_its_mode(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(EU_TITLE)
    code, out, _ = _digest(capsys, "-o", "-")
    assert code == 0 and out.startswith("# Briefing\n") and EU_TITLE in out
    target = tmp_path / "shared.md"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    code, out, _ = _digest(capsys, "-o", str(target))
    assert code == 0 and out == ""
    assert EU_TITLE in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_mark_that_cannot_be_saved_is_reported_after_the_digest_is_written(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from briefing.errors import StoreError

    _pick(EU_TITLE)

    def full(self: Store, name: str, when: datetime) -> None:
        raise StoreError(f"{self.path}: database or disk is full (free some disk space)")

    monkeypatch.setattr(Store, "set_mark", full)
    target = tmp_path / "digest.md"
    code, _, err = _digest(capsys, "-o", str(target))
    assert code == 2
    assert EU_TITLE in target.read_text(encoding="utf-8")
    assert err.count("\n") == 1 and "digest was written" in err and "disk is full" in err


def test_a_pipe_or_a_link_given_as_output_is_written_through_not_replaced(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o /dev/null`, `-o /dev/stdout` or a named pipe must stay what they are."""
    import stat

    _pick(EU_TITLE)
    pipe = tmp_path / "digest.pipe"
    os.mkfifo(pipe)
    # The reading end is open first, so writing into the pipe never waits for a reader.
    reading = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, _ = _digest(capsys, "-o", str(pipe))
        received = os.read(reading, 1 << 16).decode("utf-8")
    finally:
        os.close(reading)
    assert code == 0
    assert stat.S_ISFIFO(pipe.lstat().st_mode)
    assert EU_TITLE in received

    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "briefing.md"
    real.write_text("yesterday\n", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    code, _, _ = _digest(capsys, "-o", str(link))
    assert code == 0
    assert link.is_symlink()
    assert EU_TITLE in real.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "start"),
    [("briefing.html", "<!DOCTYPE html>"), ("briefing.JSON", "{"), ("briefing.md", "# Briefing")],
)
def test_the_output_name_chooses_the_format_when_none_is_given(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, start: str
) -> None:
    _pick(EU_TITLE)
    code, _out, err = _digest(capsys, "-o", str(tmp_path / name))
    assert code == 0, err
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


def test_a_given_format_wins_over_the_output_name(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(EU_TITLE)
    code, _out, err = _digest(capsys, "--format", "md", "-o", str(tmp_path / "notes.html"))
    assert code == 0, err
    assert (tmp_path / "notes.html").read_text(encoding="utf-8").startswith("# Briefing")


def test_an_output_name_whose_ending_names_no_format_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pick(EU_TITLE)
    code, out, err = _digest(capsys, "-o", str(tmp_path / "briefing.pdf"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and ".md, .html or .json" in err
    assert not (tmp_path / "briefing.pdf").exists()
    assert _mark() is None


def test_an_empty_store_says_there_are_no_stories(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "empty"))
    Store.open().close()
    code, _out, err = _digest(capsys, "--all")
    assert code == 0
    assert "no stories to include" in err
