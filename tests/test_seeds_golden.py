"""The bundled seed articles against quotes and figures annotated by hand.

tests/fixtures/seeds_expected.json was written by reading each article under
seeds/ and applying the quote and money annotation rules: a quote split by its
attribution is one quote, pronouns resolve to the full name, a conversion in
brackets is an equivalent of the figure before it, a range with one marker is
its lower bound. Matching here is one-to-one and order-free; quote text is
compared after collapsing whitespace (and a trailing comma), amounts within 0.5%.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from briefing.analysis.pipeline import analyse
from briefing.analysis.text import clean_text
from briefing.models import Analysis, Equivalent, Figure, Quote
from briefing.sources.seeds import load_seed

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EXPECTED_PATH = ROOT / "tests" / "fixtures" / "seeds_expected.json"
AMOUNT_TOLERANCE = 0.005


def expected() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXPECTED_PATH.read_text(encoding="utf-8"))
    return data


@cache
def analysed(name: str) -> Analysis:
    return analyse(load_seed(SEEDS / name))


def quote_text(text: str) -> str:
    return " ".join(text.split()).rstrip(",").rstrip()


def role_text(role: str | None) -> str | None:
    if role is None:
        return None
    folded = " ".join(role.split()).casefold()
    return re.sub(r"^(the|a|an)\s+", "", folded)


def quote_key(text: str, speaker: str | None, role: str | None) -> tuple[str, Any, Any]:
    return (quote_text(text), speaker, role_text(role))


def close(a: float, b: float) -> bool:
    return abs(a - b) <= AMOUNT_TOLERANCE * max(abs(a), abs(b))


def same_money(text: str, amount: float, currency: str, want: dict[str, Any]) -> bool:
    return (
        " ".join(text.split()) == " ".join(want["text"].split())
        and currency == want["currency"]
        and close(amount, float(want["amount"]))
    )


def same_figure(got: Figure, want: dict[str, Any]) -> bool:
    if not same_money(got.text, got.amount, got.currency, want):
        return False
    wanted: list[dict[str, Any]] = want["equivalents"]
    mine: tuple[Equivalent, ...] = got.equivalents
    return len(mine) == len(wanted) and all(
        same_money(e.text, e.amount, e.currency, w) for e, w in zip(mine, wanted, strict=True)
    )


def describe_quote(q: Quote) -> str:
    return f"{q.text!r} ({q.speaker}; {q.role})"


def describe_figure(f: Figure) -> str:
    conv = "; ".join(f"{e.text}={e.amount:g} {e.currency}" for e in f.equivalents)
    return f"{f.text}={f.amount:g} {f.currency}" + (f" ({conv})" if conv else "")


SEED_NAMES = sorted(expected())


def test_every_bundled_seed_has_expectations() -> None:
    on_disk = sorted(p.name for p in SEEDS.iterdir() if p.is_file())
    assert on_disk == SEED_NAMES


@pytest.mark.parametrize("name", SEED_NAMES)
def test_expectations_quote_the_article_itself(name: str) -> None:
    """Guards the fixture: an edited article must have its expectations edited too."""
    article = load_seed(SEEDS / name)
    body = " ".join(clean_text(article.body).split())
    words = " ".join(re.findall(r"[\w'£€$¥-]+", body.lower()))
    want = expected()[name]
    for quote in want["quotes"]:
        # A joined quote's parts are in the body; its words appear in order, gaps allowed.
        parts = re.findall(r"[\w'£€$¥-]+", quote["text"].lower())
        position = 0
        for part in parts:
            found = words.find(part, position)
            assert found >= 0, f"{name}: {quote['text']!r} is not in the article"
            position = found + len(part)
        if quote["speaker"] is not None:
            assert quote["speaker"] in body, f"{name}: {quote['speaker']} is never named"
    for figure in want["figures"]:
        assert figure["text"] in body, f"{name}: figure {figure['text']!r} not in the article"
        for equivalent in figure["equivalents"]:
            assert f"{figure['text']} (" in body or equivalent["text"] in body


@pytest.mark.parametrize("name", SEED_NAMES)
def test_quotes_match_the_hand_annotation(name: str) -> None:
    got = list(analysed(name).quotes)
    want = [quote_key(q["text"], q["speaker"], q["role"]) for q in expected()[name]["quotes"]]
    unmatched = list(got)
    missing = []
    for key in want:
        hit = next((q for q in unmatched if quote_key(q.text, q.speaker, q.role) == key), None)
        if hit is None:
            missing.append(key)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        f"{name}\n  missing: {missing}\n  unexpected: {[describe_quote(q) for q in unmatched]}"
    )


@pytest.mark.parametrize("name", SEED_NAMES)
def test_figures_match_the_hand_annotation(name: str) -> None:
    got = list(analysed(name).figures)
    unmatched = list(got)
    missing = []
    for want in expected()[name]["figures"]:
        hit = next((f for f in unmatched if same_figure(f, want)), None)
        if hit is None:
            missing.append(want)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        f"{name}\n  missing: {missing}\n  unexpected: {[describe_figure(f) for f in unmatched]}"
    )


@pytest.mark.parametrize("name", SEED_NAMES)
def test_quote_and_figure_sentences_point_into_the_article(name: str) -> None:
    analysis = analysed(name)
    count = len(analysis.sentences)
    indices = [q.sentence for q in analysis.quotes] + [f.sentence for f in analysis.figures]
    assert all(0 <= index < count for index in indices)
