"""A refresh that leaves thousands of articles ungrouped says so; `digest`, `related` and
`refresh --group` group them first. The threshold is lowered so a few feeds stand for many."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from desk_feeds import BusyWriter, write_desks

import briefing.refresh as refresh_module
from briefing.cli import main
from briefing.store import Store


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "briefing.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(config))
    monkeypatch.setattr(refresh_module, "GROUP_AT_END_UP_TO", 5)
    monkeypatch.setattr(refresh_module, "_Writer", BusyWriter)
    for path in write_desks(tmp_path, 4):
        assert main(["add", str(path)]) == 0
    return tmp_path


def _unfiled() -> int:
    with Store.open() as store:
        return store.unfiled_count()


def test_refresh_says_what_it_left_ungrouped_and_group_waits_for_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    assert main(["refresh"]) == 0
    out = capsys.readouterr().out
    assert "4 feeds: 12 new" in out
    assert "12 articles are not grouped into stories yet" in out
    assert "briefing refresh --group" in out
    assert _unfiled() == 12
    assert main(["refresh", "--group"]) == 0
    captured = capsys.readouterr()
    assert "not grouped" not in captured.out
    assert "briefing refresh: grouping 12 articles into stories" in captured.err
    assert _unfiled() == 0


def test_refresh_group_groups_what_an_earlier_refresh_left(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["refresh"])
    assert _unfiled() == 12
    capsys.readouterr()
    assert main(["refresh", "--group"]) == 0  # nothing new this time
    captured = capsys.readouterr()
    assert "0 new" in captured.out and "not grouped" not in captured.out
    assert "grouping 12 articles into stories" in captured.err
    assert _unfiled() == 0


def test_related_groups_the_backlog_before_answering(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["refresh"])
    assert _unfiled() == 12
    with Store.open() as store:
        [ferry] = [row.id for row in store.list_articles() if row.title == "Ferry budget, desk 0"]
    capsys.readouterr()
    assert main(["related", str(ferry), "--json"]) == 0
    captured = capsys.readouterr()
    assert "grouping 12 articles into stories" in captured.err
    titles = sorted(json.loads(line)["title"] for line in captured.out.splitlines())
    assert titles == ["Ferry budget, desk 1", "Ferry budget, desk 2", "Ferry budget, desk 3"]
    assert _unfiled() == 0


def test_digest_groups_the_backlog_so_a_story_names_every_outlet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["refresh"])
    with Store.open() as store:
        for row in store.list_articles():
            if row.title == "Ferry budget, desk 0":
                store.set_flag(row.id, "picked", True)
    capsys.readouterr()
    assert main(["digest", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "grouping 12 articles into stories" in captured.err
    [story] = json.loads(captured.out)["stories"]
    assert len(story["outlets"]) == 4  # desk 0 and the three other desks
    assert _unfiled() == 0


def test_a_store_that_refuses_the_grouping_still_gets_its_digest(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.errors import StoreError

    main(["refresh"])
    with Store.open() as store:
        first = store.list_articles()[0].id
        store.set_flag(first, "picked", True)

    def full(self: Store, *args: object, **kwargs: object) -> int:
        raise StoreError("database or disk is full")

    monkeypatch.setattr(Store, "index_articles", full)
    capsys.readouterr()
    assert main(["digest", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "stories left as they are: database or disk is full" in captured.err
    assert len(json.loads(captured.out)["stories"]) == 1
    assert _unfiled() == 12  # nothing lost, still waiting for the next grouping


def test_related_and_digest_on_a_read_only_store_say_the_backlog_is_not_grouped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["refresh"])
    with Store.open() as store:  # another Briefing writes: these commands read read-only
        [ferry] = [row.id for row in store.list_articles() if row.title == "Ferry budget, desk 0"]
        store.set_flag(ferry, "picked", True)
        capsys.readouterr()
        assert main(["related", str(ferry)]) == 0
        related = capsys.readouterr()
        assert main(["digest", "--format", "json"]) == 0
        digest = capsys.readouterr()
    assert "not grouped into a story yet" in related.out
    assert "no other stored article reports this story" not in related.out
    for captured in (related, digest):
        assert "12 articles are not grouped into stories yet" in captured.err
        assert "stories may be incomplete" in captured.err
    assert _unfiled() == 12
