"""`briefing related ID|PATH`: the other reports of a story, from the command line.

Uses the bundled sample articles, which tell several stories through two or
three outlets each (the Norwegian budget three times; Bank of England rates,
EU air defence and NHS winter funding twice each).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main
from briefing.locations import database_path
from briefing.sources.seeds import load_seeds
from briefing.store import Store

SEEDS = Path(__file__).parents[1] / "seeds"
NORWAY = ("norway-budget-baltic-wire.txt", "norway-budget-harbour-post.md",
          "norway-budget-nordic-ledger.json")  # fmt: skip
PAIRS = (
    ("boe-rates-city-desk.html", "boe-rates-meridian-news.txt"),
    ("eu-air-defence-continental-times.json", "eu-air-defence-meridian-news.txt"),
    ("nhs-winter-meridian-news.json", "nhs-winter-westminster-brief.json"),
)


@pytest.fixture(autouse=True)
def private_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BRIEFING_CONFIG", str(tmp_path / "absent.toml"))


def import_all_seeds() -> dict[str, int]:
    """Store every bundled seed; return file name -> article id."""
    articles, problems = load_seeds([SEEDS])
    assert not problems
    with Store.open(database_path()) as store:
        store.import_seeds(articles)
        ids = {}
        for row in store.list_articles("all", limit=1000):
            article = store.article(row.id)
            assert article is not None and article.path
            ids[Path(article.path).name] = row.id
    return ids


def records(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["related", *args, "--json"]) == 0
    out = capsys.readouterr().out
    return [json.loads(line) for line in out.splitlines()]


def stored_count() -> int:
    with Store.open(database_path()) as store:
        return store.count_articles("all")


def test_a_file_lists_the_other_reports_of_its_story_first(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import_all_seeds()
    found = records(capsys, str(SEEDS / "norway-budget-harbour-post.md"))
    top = {Path(record["path"]).name for record in found[:2]}
    assert top == {"norway-budget-baltic-wire.txt", "norway-budget-nordic-ledger.json"}
    scores = [record["score"] for record in found]
    assert scores == sorted(scores, reverse=True)
    assert all(record["id"] for record in found)
    nordic = next(r for r in found if r["path"].endswith("nordic-ledger.json"))
    assert nordic["outlet"] == "Nordic Ledger"
    assert nordic["published"].startswith("2026-10-06")
    assert nordic["reason"]  # what the two reports share, for a person to judge


@pytest.mark.parametrize(("left", "right"), PAIRS)
def test_each_two_outlet_story_finds_its_other_report_first(
    capsys: pytest.CaptureFixture[str], left: str, right: str
) -> None:
    import_all_seeds()
    assert Path(records(capsys, str(SEEDS / left))[0]["path"]).name == right
    assert Path(records(capsys, str(SEEDS / right))[0]["path"]).name == left


def test_an_id_gives_the_same_list_as_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    ids = import_all_seeds()
    by_path = records(capsys, str(SEEDS / "norway-budget-nordic-ledger.json"))
    by_id = records(capsys, str(ids["norway-budget-nordic-ledger.json"]))
    assert by_id == by_path
    assert {r["id"] for r in by_id[:2]} == {
        ids["norway-budget-baltic-wire.txt"],
        ids["norway-budget-harbour-post.md"],
    }


def test_a_file_not_yet_stored_is_imported_first(capsys: pytest.CaptureFixture[str]) -> None:
    newcomer = SEEDS / "norway-budget-harbour-post.md"
    others = [p for p in sorted(SEEDS.iterdir()) if p.is_file() and p != newcomer]
    articles, problems = load_seeds(others)
    assert not problems
    with Store.open(database_path()) as store:
        store.import_seeds(articles)
    before = stored_count()
    found = records(capsys, str(newcomer))
    assert stored_count() == before + 1
    assert {Path(r["path"]).name for r in found[:2]} == set(NORWAY) - {newcomer.name}
    # Asking again about a file already stored adds nothing.
    assert records(capsys, str(newcomer)) == found
    assert stored_count() == before + 1


def test_text_output_shows_outlet_date_score_and_what_is_shared(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import_all_seeds()
    assert main(["related", str(SEEDS / "eu-air-defence-continental-times.json")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Continental Times" in lines[0]
    assert "EU governments back" in lines[0]
    assert "EU air defence fund leaves door open" in lines[1]
    score = float(lines[1].split()[0])
    assert 0 < score <= 1
    assert lines[2].strip().startswith("shares:")


def test_a_story_told_once_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    import_all_seeds()
    path = SEEDS / "germany-frigates-continental-times.json"
    found = records(capsys, str(path))
    assert all(not r["path"].endswith("continental-times.json") for r in found)
    assert main(["related", str(SEEDS / NORWAY[0]), "--limit", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) <= 3


def test_unknown_ids_and_missing_files_fail_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import_all_seeds()
    assert main(["related", "9999"]) == 2
    assert "9999" in capsys.readouterr().err
    assert main(["related", str(tmp_path / "nowhere.txt")]) == 2
    assert "nowhere.txt" in capsys.readouterr().err


def test_a_file_that_is_not_an_article_fails_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    odd = tmp_path / "notes.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    assert main(["related", str(odd)]) == 2
    assert "notes.csv" in capsys.readouterr().err
