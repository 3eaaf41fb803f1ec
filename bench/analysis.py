"""How long analysing an article takes, stage by stage, against sumy's LexRank alone.

Run by hand from the repository root:

    .venv/bin/python bench/analysis.py [PATH ...] [--repeat N] [--sentences N]

PATH defaults to the `seeds/` folder and, when it sits beside the checkout, the
summary evaluation articles. Prints milliseconds per article for cleaning and
splitting, the summary, quotes and figures, the whole pipeline, and the ratio of
the whole pipeline to a plain sumy LexRank summary of the same articles. Each
figure is the fastest of N passes, so a busy machine inflates it less.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from briefing.analysis.document import Document
from briefing.analysis.money import extract_figures
from briefing.analysis.pipeline import analyse
from briefing.analysis.quotes import extract_quotes
from briefing.analysis.summary import summarise
from briefing.analysis.text import OfflineTokenizer, make_document
from briefing.models import Article
from briefing.sources.seeds import load_seeds

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = (
    REPOSITORY / "seeds",
    REPOSITORY.parent / "shared" / "eval" / "summaries" / "articles",
)


def _best_of(repeat: int, run: Callable[[], object]) -> float:
    """Fastest wall-clock time of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _lexrank_alone(articles: Sequence[Article], sentences: int) -> Callable[[], object]:
    """sumy as a user would call it: parse the body, rank with LexRank."""
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = OfflineTokenizer()

    def run() -> object:
        return [
            summarizer(PlaintextParser.from_string(a.body, tokenizer).document, sentences)
            for a in articles
        ]

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    parser.add_argument("--repeat", type=int, default=3, help="passes per stage (default 3)")
    parser.add_argument("--sentences", type=int, default=3, help="summary length (default 3)")
    args = parser.parse_args(argv)

    paths = args.paths or [p for p in DEFAULT_PATHS if p.exists()]
    articles, problems = load_seeds(paths)
    for problem in problems:
        print(f"skipped {problem}")
    if not articles:
        print("no articles to analyse")
        return 1
    count = len(articles)
    repeat = max(1, args.repeat)
    sentences = args.sentences

    documents: list[Document] = [make_document(a.title, a.body) for a in articles]
    quotes = [extract_quotes(d) for d in documents]
    figures = [extract_figures(d) for d in documents]
    summarise(documents[0], sentences)  # loads sumy and the stemmer outside the timings

    stages: dict[str, Callable[[], object]] = {
        "cleaning + sentences": lambda: [make_document(a.title, a.body) for a in articles],
        "summary": lambda: [
            summarise(d, sentences, quotes=q, figures=f)
            for d, q, f in zip(documents, quotes, figures, strict=True)
        ],
        "quotes": lambda: [extract_quotes(d) for d in documents],
        "figures": lambda: [extract_figures(d) for d in documents],
        "whole analysis": lambda: [analyse(a, sentences) for a in articles],
    }
    lexrank = _lexrank_alone(articles, sentences)
    lexrank()
    timings = {name: _best_of(repeat, run) for name, run in stages.items()}
    baseline = _best_of(repeat, lexrank)

    print(f"{count} articles, best of {repeat} passes, {sentences}-sentence summaries")
    for name, seconds in timings.items():
        print(f"  {name:<22} {1000 * seconds / count:8.2f} ms/article")
    print(f"  {'sumy LexRank alone':<22} {1000 * baseline / count:8.2f} ms/article")
    print(f"whole analysis / LexRank alone = {timings['whole analysis'] / baseline:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
