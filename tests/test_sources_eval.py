"""Every document of the shared feed evaluation set parses without an uncaught exception.

Runs only when the evaluation sets sit beside the checkout (../shared/eval/feeds).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.cli.check_feed import check_feed_record

EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "feeds"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not (EVAL / "expected.jsonl").is_file(), reason="evaluation set absent"),
]


def _expected() -> list[dict[str, object]]:
    lines = (EVAL / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_document_parses_and_broken_ones_are_flagged():
    unflagged = []
    for expected in _expected():
        doc = str(expected["doc"])
        path = EVAL / doc
        record = check_feed_record(doc, path.read_bytes(), str(path))
        assert record["doc"] == doc
        if expected["kind"] == "broken" and not record.get("error"):
            unflagged.append(doc)
        if expected["kind"] in ("rss", "atom", "jsonfeed"):
            assert not record.get("error"), (doc, record.get("error"))
    assert unflagged == []
