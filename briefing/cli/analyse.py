"""`briefing analyse`: summary, quotes and figures of saved articles, for people or scripts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.models import Analysis, Article, attribution
from briefing.safety import plain

if TYPE_CHECKING:
    from briefing.analysis.related import CollectionStory

__all__ = ["analysis_record", "register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "analyse",
        aliases=["analyze"],
        help="summarise articles and list their quotes and money figures",
        description="Analyse saved articles (.txt, .md, .html, .json) without the reader.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "--sentences",
        type=int,
        default=None,
        metavar="N",
        help="summary length in sentences (default: from the config, 3)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument(
        "--related",
        action="store_true",
        help="treat the articles as one collection: add the related ones and a story key to each",
    )
    parser.set_defaults(run=run)


def analysis_record(article: Article, analysis: Analysis, path: str) -> dict[str, Any]:
    """The JSON record every scorer and script reads (see the README)."""
    return {
        "path": path,
        "title": plain(article.title) or None,
        "source": plain(article.source),
        "url": plain(article.url) or None,
        "published": article.published.isoformat() if article.published else None,
        "sentences": list(analysis.sentences),
        "summary": [{"text": s.text, "sentence": s.sentence} for s in analysis.summary],
        "quotes": [
            {"text": q.text, "speaker": q.speaker, "role": q.role, "sentence": q.sentence}
            for q in analysis.quotes
        ],
        "figures": [
            {
                "text": f.text,
                "amount": f.amount,
                "currency": f.currency,
                "sentence": f.sentence,
                "context": f.context,
                "period": f.period,
                "equivalents": [
                    {"text": e.text, "amount": e.amount, "currency": e.currency}
                    for e in f.equivalents
                ],
            }
            for f in analysis.figures
        ],
    }


def _report(article: Article, analysis: Analysis, path: str) -> str:
    lines = [plain(article.title or path), f"  source: {plain(article.source)}"]
    lines.append("  summary:")
    lines += [f"    - {plain(s.text)}" for s in analysis.summary]
    lines.append(f"  quotes ({len(analysis.quotes)}):")
    for q in analysis.quotes:
        who = attribution(plain(q.speaker), plain(q.role))
        lines.append(f'    "{plain(q.text)}" - {who}')
    lines.append(f"  figures ({len(analysis.figures)}):")
    for f in analysis.figures:
        conv = "; ".join(plain(e.text) for e in f.equivalents)
        extra = f" ({conv})" if conv else ""
        ctx = f" - {plain(f.context)}" if f.context else ""
        lines.append(f"    {plain(f.text)}{extra} = {f.amount:,.2f} {f.currency}{ctx}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from briefing.analysis.pipeline import analyse
    from briefing.config import Settings, load_settings
    from briefing.errors import ConfigError, SeedError
    from briefing.sources.seeds import load_seed

    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"briefing analyse: {exc} (using the default settings)", file=sys.stderr)
        settings = Settings()
    sentences = (
        args.sentences if args.sentences is not None else settings.analysis.summary_sentences
    )
    method = settings.analysis.summary_method
    if sentences < 1:
        print("briefing analyse: --sentences must be at least 1", file=sys.stderr)
        return 2
    status = 0
    loaded: list[tuple[str, Article]] = []
    for raw in args.paths:
        try:
            loaded.append((raw, load_seed(Path(raw))))
        except SeedError as exc:
            print(f"briefing analyse: {exc}", file=sys.stderr)
            status = 2
    stories: dict[str, CollectionStory] = {}
    if args.related:
        from briefing.analysis.related import group_collection

        stories = group_collection(loaded)
    for raw, article in loaded:
        analysis = analyse(article, sentences, method)
        if args.json:
            record = analysis_record(article, analysis, raw)
            if raw in stories:
                record["related"] = list(stories[raw].related)
                record["story"] = stories[raw].story
            print(json.dumps(record, ensure_ascii=False))
        else:
            report = _report(article, analysis, raw)
            if raw in stories:
                report += "\n" + _related_report(stories[raw])
            print(report + "\n")
    return status


def _related_report(story: CollectionStory) -> str:
    lines = [f"  story: {plain(story.story)}", f"  related ({len(story.related)}):"]
    lines += [f"    - {plain(path)}" for path in story.related]
    return "\n".join(lines)
