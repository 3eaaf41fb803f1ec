"""The analysis cache: an `Analysis` stored as JSON under the article's content hash.

Identical text is analysed once, however many feeds carry it. A record in an
older format, made by another version of the analyser, or one that no longer
decodes reads as a miss, so the caller simply analyses again.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from briefing.analysis.version import analyser_version
from briefing.models import Analysis, Equivalent, Figure, Quote, SummaryLine
from briefing.store.rows import to_epoch

__all__ = ["ANALYSIS_FORMAT", "cached_analysis", "decode", "encode", "save_analysis"]

# Raise when the JSON layout below changes; older records are then ignored.
ANALYSIS_FORMAT = 1


def _stamp() -> int:
    """What a record is stored with: the layout above and the analyser that filled it."""
    return (ANALYSIS_FORMAT << 56) | analyser_version()


def encode(analysis: Analysis) -> str:
    data = {
        "sentences": list(analysis.sentences),
        "summary": [[s.text, s.sentence] for s in analysis.summary],
        "quotes": [[q.text, q.speaker, q.role, q.sentence] for q in analysis.quotes],
        "figures": [
            {
                "text": f.text,
                "amount": f.amount,
                "currency": f.currency,
                "sentence": f.sentence,
                "context": f.context,
                "period": f.period,
                "equivalents": [[e.text, e.amount, e.currency] for e in f.equivalents],
            }
            for f in analysis.figures
        ],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Analysis:
    data: dict[str, Any] = json.loads(text)
    return Analysis(
        sentences=tuple(data["sentences"]),
        summary=tuple(SummaryLine(text, sentence) for text, sentence in data["summary"]),
        quotes=tuple(Quote(*quote) for quote in data["quotes"]),
        figures=tuple(
            Figure(
                text=f["text"],
                amount=f["amount"],
                currency=f["currency"],
                sentence=f["sentence"],
                context=f["context"],
                period=f["period"],
                equivalents=tuple(Equivalent(*e) for e in f["equivalents"]),
            )
            for f in data["figures"]
        ),
    )


def cached_analysis(conn: sqlite3.Connection, content_hash: str) -> Analysis | None:
    row = conn.execute(
        "SELECT format, data FROM analyses WHERE content_hash = ?", (content_hash,)
    ).fetchone()
    if row is None or row["format"] != _stamp():
        return None
    try:
        return decode(row["data"])
    except (ValueError, KeyError, TypeError):
        return None


def save_analysis(
    conn: sqlite3.Connection, content_hash: str, analysis: Analysis, now: datetime
) -> None:
    conn.execute(
        "INSERT INTO analyses (content_hash, format, data, saved) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(content_hash) DO UPDATE SET format = excluded.format, "
        "data = excluded.data, saved = excluded.saved",
        (content_hash, _stamp(), encode(analysis), to_epoch(now)),
    )
