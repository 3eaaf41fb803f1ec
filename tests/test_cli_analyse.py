"""`briefing analyse --json`: the record every scorer reads, and how bad paths are reported."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def run_json(capsys: pytest.CaptureFixture[str], *paths: str) -> tuple[int, list[Any], str]:
    code = main(["analyse", "--sentences", "3", "--json", *paths])
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, records, captured.err


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def check_money(item: dict[str, Any]) -> None:
    assert isinstance(item["text"], str) and item["text"]
    assert is_number(item["amount"]) and item["amount"] >= 0
    assert isinstance(item["currency"], str) and re.fullmatch(r"[A-Z]{3}", item["currency"])


def check_record(record: dict[str, Any], path: str) -> None:
    """Every key and type the analysis record promises (see the schema document)."""
    expected_keys = {
        "path",
        "title",
        "source",
        "url",
        "published",
        "sentences",
        "summary",
        "quotes",
        "figures",
    }
    assert expected_keys <= set(record)
    assert record["path"] == path
    assert optional_str(record["title"])
    assert isinstance(record["source"], str) and record["source"]
    assert optional_str(record["url"])
    assert optional_str(record["published"])
    if record["published"] is not None:
        datetime.fromisoformat(record["published"])
    sentences = record["sentences"]
    assert isinstance(sentences, list) and sentences
    assert all(isinstance(s, str) and s.strip() for s in sentences)
    count = len(sentences)

    assert isinstance(record["summary"], list)
    for line in record["summary"]:
        assert set(line) >= {"text", "sentence"}
        assert isinstance(line["sentence"], int) and 0 <= line["sentence"] < count
        assert line["text"] == sentences[line["sentence"]]

    assert isinstance(record["quotes"], list)
    for quote in record["quotes"]:
        assert set(quote) >= {"text", "speaker", "role", "sentence"}
        assert isinstance(quote["text"], str) and quote["text"]
        assert optional_str(quote["speaker"]) and optional_str(quote["role"])
        assert isinstance(quote["sentence"], int) and 0 <= quote["sentence"] < count

    assert isinstance(record["figures"], list)
    for figure in record["figures"]:
        assert set(figure) >= {"text", "amount", "currency", "sentence", "context", "equivalents"}
        check_money(figure)
        assert isinstance(figure["sentence"], int) and 0 <= figure["sentence"] < count
        assert isinstance(figure["context"], str)
        assert optional_str(figure.get("period"))
        assert isinstance(figure["equivalents"], list)
        for equivalent in figure["equivalents"]:
            assert set(equivalent) >= {"text", "amount", "currency"}
            check_money(equivalent)


def seed_paths() -> list[str]:
    return [str(p) for p in sorted(SEEDS.iterdir()) if p.is_file()]


def test_every_seed_gives_one_record_with_the_documented_keys_and_types(
    capsys: pytest.CaptureFixture[str],
) -> None:
    paths = seed_paths()
    code, records, err = run_json(capsys, *paths)
    assert code == 0, err
    assert len(records) == len(paths)
    for record, path in zip(records, paths, strict=True):
        check_record(record, path)


def test_summary_length_follows_the_sentences_option(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(SEEDS / "canada-health-maple-desk.txt")
    assert main(["analyse", "--sentences", "2", "--json", path]) == 0
    record = json.loads(capsys.readouterr().out)
    assert len(record["summary"]) == 2


def test_json_seed_metadata_reaches_the_record(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(SEEDS / "eu-air-defence-continental-times.json")
    _, (record,), _ = run_json(capsys, path)
    assert record["source"] == "Continental Times"
    assert record["url"] == "https://example.com/continental-times/2026/11/17/eu-air-defence-fund"
    assert datetime.fromisoformat(record["published"]) == datetime.fromisoformat(
        "2026-11-17T06:15:00+01:00"
    )


def test_a_missing_path_is_one_line_naming_it_and_the_rest_are_analysed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = str(SEEDS / "boe-rates-meridian-news.txt")
    missing = str(tmp_path / "not-there.txt")
    last = str(SEEDS / "rba-holds-meridian-news.txt")
    code, records, err = run_json(capsys, first, missing, last)
    assert code == 2
    assert [r["path"] for r in records] == [first, last]
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert missing in lines[0]
    assert "Traceback" not in err


def test_a_broken_file_is_reported_like_a_missing_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    good = str(SEEDS / "nhs-winter-westminster-brief.json")
    code, records, err = run_json(capsys, str(broken), good)
    assert code == 2
    assert [r["path"] for r in records] == [good]
    assert len(err.strip().splitlines()) == 1 and "broken.json" in err


def test_plain_report_names_each_article(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(SEEDS / "norway-budget-baltic-wire.txt")
    assert main(["analyse", "--sentences", "2", path]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Oslo bets on defence as budget taps record share of oil wealth")
    assert "summary:" in out and "quotes (" in out and "figures (" in out
