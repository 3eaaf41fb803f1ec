"""`briefing analyse --related`: the collection's stories and related lists in the JSON records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "related"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    paths = [str(p) for p in sorted(FIXTURES.iterdir())]
    assert main(["analyse", *args, *paths]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def test_analyse_related_adds_story_and_related_paths(capsys: pytest.CaptureFixture[str]) -> None:
    records = {Path(str(r["path"])).stem: r for r in _run(capsys, "--related", "--json")}
    assert len(records) == 10
    courier = records["harlow-bridge-courier"]
    related = courier["related"]
    assert isinstance(related, list)
    assert set(related) == {
        str(FIXTURES / "harlow-bridge-metro.json"),
        str(FIXTURES / "harlow-bridge-inquiry.json"),
    }
    assert courier["story"] == records["harlow-bridge-inquiry"]["story"]
    assert courier["story"] != records["port-meridan-footbridge"]["story"]
    assert records["kestrel-chess-open"]["related"] == []
    assert courier["sentences"]  # the rest of the record is still there


def test_analyse_without_related_keeps_the_record_unchanged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = _run(capsys, "--json")
    assert records and all("related" not in r and "story" not in r for r in records)


def test_analyse_related_as_text_lists_the_story(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [
        str(FIXTURES / "valdoria-rates-wire.json"),
        str(FIXTURES / "valdoria-rates-reprint.json"),
    ]
    assert main(["analyse", "--related", *paths]) == 0
    out = capsys.readouterr().out
    assert "story: story-1" in out
    assert "related (1):" in out
