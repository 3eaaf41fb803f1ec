"""Benchmark of related stories on synthetic stores of 10,000 and 100,000 articles.

Run by hand: `python bench/related.py [--sizes 10000 100000] [--seed 7]`. Prints a
table of timings and each one's ratio to its budget (ratio <= 1 is within budget):

- adding one article to a store of N articles (index_article, inside a transaction);
- the related list of one article (related());
- grouping 10,000 articles from scratch: as the store does while saving them one by one,
  in batches of one feed's size (`index_articles()`, what a refresh can call), as
  `rebuild()` does for an empty index (grouped in memory, written in bulk), and as
  `briefing analyse --related` does (in memory, then a refinement pass).

Wall-clock and CPU times are both printed: on a shared machine the CPU time is the fair one.

`--predict ARTICLE... [--orders 0 1 2] [--batch N] [--out DIR]` times nothing: it
saves real article files into a store index in each given order and writes the
store's stories and related lists as JSON lines, for a related-stories scorer.

Synthetic articles: stories of 1 to 20 articles over a year, each story with its own
names, places and figures, two stories per topic sharing topic words, and the rest
drawn from a Zipf-distributed background vocabulary, so term frequencies look like news.
The large store is loaded in bulk with the same features and postings the indexer
writes (indexing 100,000 articles one by one would only time the loading).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefing.analysis.related import (
    Features,
    StoryIndex,
    extract_features,
    idf,
    signature,
    vector_norm,
)
from briefing.models import Article
from briefing.store import related as store_related

ADD_BUDGET_MS = 50.0
RELATED_BUDGET_MS = 50.0
GROUP_BUDGET_S = 30.0
GROUP_SIZE = 10_000
SAMPLES = 50
# Articles per index_articles() call: about one feed's worth of new entries.
BATCH = 50

_SYLLABLE_TEXT = (
    "ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu"
)
_SYLLABLES = (_SYLLABLE_TEXT + " ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo").split()


@dataclass(frozen=True)
class SyntheticArticle:
    title: str
    body: str
    published: datetime
    source: str
    story: int


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add(_word(rng, rng.randint(2, 4)))
    return sorted(words)


def generate(count: int, seed: int) -> list[SyntheticArticle]:
    """`count` articles in arrival order, grouped in stories the generator knows."""
    rng = random.Random(seed)
    background = _vocabulary(rng, 20_000)
    zipf = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(background))))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    articles: list[SyntheticArticle] = []
    story = 0
    while len(articles) < count:
        topic = rng.sample(background[2000:], 12)
        for _ in range(2):  # two different events of the same kind
            names = [f"{_word(rng, 2).title()} {_word(rng, 3).title()}" for _ in range(4)]
            places = [_word(rng, 3).title() for _ in range(2)]
            figures = [str(rng.randint(2, 99_999)) for _ in range(3)]
            day = start + timedelta(days=rng.randint(0, 365))
            size = min(rng.choice((1, 1, 2, 3, 5, 8, 12, 20)), count - len(articles))
            for _ in range(size):
                own = rng.sample(names, 3) + rng.sample(places, 1) + rng.sample(figures, 2)
                filler = rng.choices(background, cum_weights=zipf, k=110)
                words = filler + rng.sample(topic, 8) + own * 2
                rng.shuffle(words)
                sentences = [" ".join(words[i : i + 15]) + "." for i in range(0, len(words), 15)]
                title = " ".join([own[0], *rng.sample(topic, 3), own[3]])
                articles.append(
                    SyntheticArticle(
                        title=title,
                        body="\n".join(s[0].upper() + s[1:] for s in sentences),
                        published=day + timedelta(hours=rng.randint(0, 96)),
                        source=f"outlet{rng.randint(1, 60)}.example",
                        story=story,
                    )
                )
            story += 1
            if len(articles) >= count:
                break
    articles.sort(key=lambda a: a.published)
    return articles


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS articles (id INTEGER PRIMARY KEY, title TEXT, "
        "source TEXT NOT NULL DEFAULT '', published REAL)"
    )
    store_related.ensure_schema(conn)
    return conn


def _features(article: SyntheticArticle) -> Features:
    return extract_features(article.title, article.body, article.published)


def bulk_load(conn: sqlite3.Connection, articles: list[SyntheticArticle]) -> None:
    """Write the index tables as the indexer would, with stories from the generator."""
    with ProcessPoolExecutor() as pool:
        features = list(pool.map(_features, articles, chunksize=500))
    df: Counter[str] = Counter()
    for f in features:
        df.update(f.terms)
    term_ids = {term: i for i, term in enumerate(sorted(df), start=1)}
    documents = len(articles)
    weights = {term: idf(count, documents) for term, count in df.items()}
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO related_terms (id, term, df) VALUES (?, ?, ?)",
        ((term_ids[t], t, c) for t, c in df.items()),
    )
    first_of_story: dict[int, int] = {}
    docs = []
    postings = []
    for article_id, (article, f) in enumerate(zip(articles, features, strict=True), start=1):
        story = first_of_story.setdefault(article.story, article_id)
        vector = {term_ids[t]: w for t, w in f.terms.items()}
        filed = [term_ids[t] for t in signature(f.terms, df, documents)]
        postings += [(t, article_id) for t in filed]
        docs.append(
            (
                article_id,
                story,
                f.day,
                vector_norm(f.terms, weights),
                documents,
                store_related._pack_terms(vector),
                store_related._pack_ints(filed),
                store_related._pack_ints(f.sketch),
                json.dumps(sorted(f.names)),
                json.dumps(sorted(f.figures)),
                None,
            )
        )
    conn.executemany(
        "INSERT INTO articles (id, title, source, published) VALUES (?, ?, ?, ?)",
        ((i, a.title, a.source, a.published.timestamp()) for i, a in enumerate(articles, start=1)),
    )
    conn.executemany("INSERT INTO related_docs VALUES (?,?,?,?,?,?,?,?,?,?,?)", docs)
    sizes = Counter(doc[1] for doc in docs)
    conn.executemany("INSERT INTO related_stories (story, size) VALUES (?, ?)", sizes.items())
    conn.executemany("INSERT INTO related_postings (term_id, article_id) VALUES (?, ?)", postings)
    conn.execute(
        "INSERT OR REPLACE INTO related_meta (name, value) VALUES ('documents', ?)", (documents,)
    )
    conn.execute("COMMIT")
    conn.execute("ANALYZE")


def _time_ms(action: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one call (CPU time is fair on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def measure_store(size: int, seed: int, directory: Path) -> dict[str, float]:
    articles = generate(size + SAMPLES, seed)
    stored, fresh = articles[:size], articles[size:]
    conn = _connect(directory / f"store-{size}.db")
    started = time.perf_counter()
    bulk_load(conn, stored)
    load_s = time.perf_counter() - started
    rng = random.Random(seed)
    store_related.related(conn, 1, 10)  # the first query after opening reads the schema
    related_times = [
        _time_ms(functools.partial(store_related.related, conn, article_id, 10))
        for article_id in rng.sample(range(1, size + 1), SAMPLES)
    ]
    add_times = []
    for offset, article in enumerate(fresh, start=size + 1):

        def add(article: SyntheticArticle = article, article_id: int = offset) -> None:
            conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO articles (id, title, source, published) VALUES (?, ?, ?, ?)",
                (article_id, article.title, article.source, article.published.timestamp()),
            )
            store_related.index_article(
                conn, article_id, article.title, article.body, article.published, article.source
            )
            conn.execute("COMMIT")

        add_times.append(_time_ms(add))
    conn.close()
    figures = {"load_s": load_s}
    for name, times in (("related", related_times), ("add", add_times)):
        wall = [w for w, _ in times]
        cpu = [c for _, c in times]
        figures[f"{name}_median_ms"] = statistics.median(wall)
        figures[f"{name}_p90_ms"] = _p90(wall)
        figures[f"{name}_max_ms"] = max(wall)
        figures[f"{name}_cpu_median_ms"] = statistics.median(cpu)
        figures[f"{name}_cpu_p90_ms"] = _p90(cpu)
    return figures


def _p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def _bcubed(truth: list[int], predicted: list[str]) -> float:
    by_truth: dict[int, set[int]] = {}
    by_pred: dict[str, set[int]] = {}
    for i, (t, p) in enumerate(zip(truth, predicted, strict=True)):
        by_truth.setdefault(t, set()).add(i)
        by_pred.setdefault(p, set()).add(i)
    precision = recall = 0.0
    for t, p in zip(truth, predicted, strict=True):
        shared = len(by_truth[t] & by_pred[p])
        precision += shared / len(by_pred[p])
        recall += shared / len(by_truth[t])
    precision /= len(truth)
    recall /= len(truth)
    return 2 * precision * recall / (precision + recall)


def measure_grouping(seed: int, directory: Path) -> dict[str, float]:
    articles = generate(GROUP_SIZE, seed + 1)
    truth = [a.story for a in articles]

    started, cpu = time.perf_counter(), time.process_time()
    index = StoryIndex()
    for i, a in enumerate(articles):
        index.add(str(i), a.title, a.body, a.published)
    incremental_s = time.perf_counter() - started
    incremental_cpu = time.process_time() - cpu
    incremental = [index.story_of(str(i)) for i in range(len(articles))]
    index.refine()
    memory_s = time.perf_counter() - started
    memory_cpu = time.process_time() - cpu
    refined = [index.story_of(str(i)) for i in range(len(articles))]

    conn = _connect(directory / "group.db")
    started, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN")
    for i, a in enumerate(articles, start=1):
        conn.execute(
            "INSERT INTO articles (id, title, source, published) VALUES (?, ?, ?, ?)",
            (i, a.title, a.source, a.published.timestamp()),
        )
        store_related.index_article(conn, i, a.title, a.body, a.published, a.source)
    conn.execute("COMMIT")
    store_s = time.perf_counter() - started
    store_cpu = time.process_time() - cpu
    stored = [store_related.story_of(conn, i) or "" for i in range(1, len(articles) + 1)]
    conn.close()

    conn = _connect(directory / "batch.db")
    started, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN")
    for first in range(1, len(articles) + 1, BATCH):
        batch = []
        for i in range(first, min(len(articles), first + BATCH - 1) + 1):
            a = articles[i - 1]
            conn.execute(
                "INSERT INTO articles (id, title, source, published) VALUES (?, ?, ?, ?)",
                (i, a.title, a.source, a.published.timestamp()),
            )
            batch.append((i, Article(a.title, a.body, published=a.published, source=a.source)))
        store_related.index_articles(conn, batch)
    conn.execute("COMMIT")
    batch_s = time.perf_counter() - started
    batch_cpu = time.process_time() - cpu
    batched = [store_related.story_of(conn, i) or "" for i in range(1, len(articles) + 1)]
    conn.close()

    conn = _connect(directory / "rebuild.db")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO articles (id, title, source, published) VALUES (?, ?, ?, ?)",
        [(i, a.title, a.source, a.published.timestamp()) for i, a in enumerate(articles, 1)],
    )
    conn.execute("COMMIT")
    saved = [
        Article(a.title, a.body, published=a.published, source=a.source, id=i)
        for i, a in enumerate(articles, 1)
    ]
    started, cpu = time.perf_counter(), time.process_time()
    conn.execute("BEGIN")
    store_related.rebuild(conn, saved)
    conn.execute("COMMIT")
    rebuild_s = time.perf_counter() - started
    rebuild_cpu = time.process_time() - cpu
    rebuilt = [store_related.story_of(conn, i) or "" for i in range(1, len(articles) + 1)]
    conn.close()
    return {
        "memory_incremental_s": incremental_s,
        "memory_incremental_cpu_s": incremental_cpu,
        "memory_refined_cpu_s": memory_cpu,
        "store_cpu_s": store_cpu,
        "batch_s": batch_s,
        "batch_cpu_s": batch_cpu,
        "bcubed_batch": _bcubed(truth, batched),
        "rebuild_s": rebuild_s,
        "rebuild_cpu_s": rebuild_cpu,
        "bcubed_rebuild": _bcubed(truth, rebuilt),
        "memory_refined_s": memory_s,
        "store_s": store_s,
        "bcubed_incremental": _bcubed(truth, incremental),
        "bcubed_refined": _bcubed(truth, refined),
        "bcubed_store": _bcubed(truth, stored),
    }


def store_predictions(paths: list[Path], order_seed: int, batch: int, out: Path) -> tuple[int, int]:
    """Save the articles into a fresh store index in one order; write its stories as JSON lines.

    Order 0 is arrival order (by date where known), any other number a shuffle
    with that seed; `batch` 0 saves one article at a time (the saving hook),
    otherwise `index_articles` takes that many at once. Each line holds the
    article's path, its story key and its related list (paths, best first), the
    prediction format of a related-stories scorer. Returns (articles, stories).
    """
    from briefing.analysis.related import arrival_order, arrival_stamp
    from briefing.errors import SeedError
    from briefing.sources.seeds import load_seed

    loaded: list[tuple[Path, Article]] = []
    for path in paths:
        try:
            loaded.append((path, load_seed(path)))
        except SeedError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
    if order_seed == 0:
        stamps = [
            arrival_stamp(a.published, extract_features(a.title, a.body, a.published))
            for _, a in loaded
        ]
        order = arrival_order(stamps)
    else:
        order = list(range(len(loaded)))
        random.Random(order_seed).shuffle(order)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, "
        "source TEXT NOT NULL DEFAULT '', published REAL)"
    )
    store_related.ensure_schema(conn)
    conn.execute("BEGIN")
    saved = [(article_id, loaded[p][1]) for article_id, p in enumerate(order, start=1)]
    for article_id, article in saved:
        conn.execute(
            "INSERT INTO articles (id, title, source) VALUES (?, ?, ?)",
            (article_id, article.title, article.source or ""),
        )
    step = batch if batch > 0 else 1
    for first in range(0, len(saved), step):
        chunk = saved[first : first + step]
        if batch > 0:
            store_related.index_articles(conn, chunk)
        else:
            for article_id, article in chunk:
                store_related.index_hook(conn, article_id, article)
    conn.execute("COMMIT")
    path_of = {article_id: loaded[p][0] for article_id, p in enumerate(order, start=1)}
    stories = set()
    with out.open("w", encoding="utf-8") as stream:
        for article_id, path in sorted(path_of.items(), key=lambda kv: str(kv[1])):
            story = store_related.story_of(conn, article_id)
            stories.add(story)
            rows = store_related.related(conn, article_id, 10)
            record = {
                "path": str(path),
                "story": story,
                "related": [str(path_of[row.id]) for row in rows],
            }
            stream.write(json.dumps(record) + "\n")
    conn.close()
    return len(path_of), len(stories)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-grouping", action="store_true")
    parser.add_argument(
        "--predict",
        type=Path,
        nargs="+",
        metavar="ARTICLE",
        help="instead of timing, save these article files into a store index and write its "
        "stories and related lists as JSON lines (one file per order, see --orders)",
    )
    parser.add_argument(
        "--orders",
        type=int,
        nargs="+",
        default=[0],
        help="with --predict: 0 = arrival order, another number = a shuffle with that seed",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=0,
        help="with --predict: articles per index_articles() call (0: one at a time)",
    )
    parser.add_argument("--out", type=Path, default=Path("."), help="with --predict: folder")
    args = parser.parse_args(argv)
    if args.predict:
        args.out.mkdir(parents=True, exist_ok=True)
        for order_seed in args.orders:
            out = args.out / f"store-order-{order_seed}.jsonl"
            count, stories = store_predictions(args.predict, order_seed, args.batch, out)
            print(f"{out}: {count} articles in {stories} stories")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        print(f"{'measure':<50} {'value':>10} {'budget':>9} {'ratio':>7}")
        for size in args.sizes:
            figures = measure_store(size, args.seed, directory)
            print(f"{f'store of {size:,}: bulk load (setup)':<50} {figures['load_s']:>9.1f}s")
            for name, budget in (("related", RELATED_BUDGET_MS), ("add", ADD_BUDGET_MS)):
                for stat in ("median", "p90", "max", "cpu_median", "cpu_p90"):
                    value = figures[f"{name}_{stat}_ms"]
                    label = f"store of {size:,}: {name} one article ({stat})"
                    print(f"{label:<50} {value:>8.1f}ms {budget:>7.0f}ms {value / budget:>7.2f}")
            sys.stdout.flush()
        if not args.skip_grouping:
            g = measure_grouping(args.seed, directory)
            rows = (
                ("group 10,000: in memory, incremental", g["memory_incremental_s"]),
                ("  (CPU)", g["memory_incremental_cpu_s"]),
                ("group 10,000: in memory, + refinement", g["memory_refined_s"]),
                ("  (CPU)", g["memory_refined_cpu_s"]),
                ("group 10,000: SQLite store, one by one", g["store_s"]),
                ("  (CPU)", g["store_cpu_s"]),
                (f"group 10,000: SQLite store, batches of {BATCH}", g["batch_s"]),
                ("  (CPU)", g["batch_cpu_s"]),
                ("group 10,000: SQLite store, rebuild()", g["rebuild_s"]),
                ("  (CPU)", g["rebuild_cpu_s"]),
            )
            for label, value in rows:
                ratio = value / GROUP_BUDGET_S
                print(f"{label:<50} {value:>9.1f}s {GROUP_BUDGET_S:>8.0f}s {ratio:>7.2f}")
            print(
                "B-cubed F1 on the synthetic stories: "
                f"incremental {g['bcubed_incremental']:.3f}, refined {g['bcubed_refined']:.3f}, "
                f"store {g['bcubed_store']:.3f}, batches {g['bcubed_batch']:.3f}, "
                f"rebuild {g['bcubed_rebuild']:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
