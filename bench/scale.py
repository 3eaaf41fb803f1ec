"""Benchmark: a year of news from 300 feeds (10,000 and 100,000 articles), still instant.

Run by hand:  python bench/scale.py [--sizes 10000,100000] [--quick] [--profile]
              [--profile-open] [--keep DIR [--reuse]]   (keep the built stores; measure
              them again)

For each size a synthetic store is built in a temporary directory, then the
figures a reader feels are measured and set against their budgets:

- start-up to the first painted story list (headless Textual `run_test`, in a
  fresh process), as a ratio to the start-up of the same app on an empty store;
- opening a story with its three panes when its analysis is cached, timed as
  the user waits for it: from the key reaching the app (posted by the driver,
  as a terminal's keys are) to the end of the first frame the app paints that
  shows the new story's title and summary in the reader and all three panes
  filled. Each frame is turned into terminal output as a real terminal
  session would (headless Textual skips that), and its characters are kept in
  a grid that the check reads; the time spent keeping and checking the grid
  is taken out. Once the app settles, the frame that stopped the clock must
  read as the settled screen in the reader and the panes, or the run fails.
  Timed for "j" (the next story, which the reader readies while the user
  looks at the current one) and for "pagedown" (a story a page away, which
  nobody readied); the old figure, "j" through Pilot's press and pause
  (whose waits for idle add tens of milliseconds), is printed beside them;
- full-text search; the related stories of one article;
- ingest and analyse throughput (save through the store, related indexing,
  analysis and caching), articles per second on one core;
- peak memory (max RSS) of the app process after start-up, opening stories,
  jumping to the end of the list and searching.

Synthetic articles: 300 outlets; stories of 1 to 12 reports spread over a
year, each with its own people, places, organisations, quotes and sums of
money; bodies of 150 to 2,000 words (median about 550) drawn from a
Zipf-weighted vocabulary, so the text, the search index and the related index
look like news. Nothing here is imported by the application or the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.geometry import Region
    from textual.pilot import Pilot
    from textual.strip import Strip

    from briefing.models import Article
    from briefing.tui.screens.main import MainScreen

FEEDS = 300
YEAR_END = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
STARTUP_RATIO_BUDGET = 1.5
OPEN_BUDGET_MS = 50.0
SEARCH_BUDGET_MS = 100.0
RELATED_BUDGET_MS = 50.0
INGEST_BUDGET_PER_S = 100.0
MEMORY_BUDGET_MB = 250.0
INGEST_BATCH = 20

_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "an",
    "en",
    "in",
    "on",
    "ar",
    "er",
    "or",
    "el",
    "al",
]
_COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "was",
    "with",
    "as",
    "by",
    "it",
    "at",
    "from",
    "his",
    "her",
    "be",
    "has",
    "have",
    "are",
    "not",
    "this",
    "but",
    "had",
    "were",
    "been",
    "an",
    "which",
    "their",
    "will",
    "would",
    "more",
    "its",
    "after",
    "about",
    "also",
    "new",
    "than",
    "who",
    "over",
    "could",
    "into",
    "two",
    "some",
    "last",
    "when",
    "year",
    "said",
    "people",
    "government",
    "minister",
    "plan",
    "budget",
    "report",
    "state",
    "public",
    "money",
    "council",
    "week",
    "month",
    "policy",
    "officials",
    "spending",
]
_KINDS = [
    "Herald",
    "Times",
    "Post",
    "Wire",
    "Ledger",
    "Gazette",
    "Courier",
    "Chronicle",
    "Review",
    "Bulletin",
    "Monitor",
    "Desk",
    "Journal",
    "Observer",
    "Tribune",
    "Record",
    "Dispatch",
    "Standard",
    "Mail",
    "Express",
]
_ROLES = (
    "finance minister",
    "chief executive",
    "spokesperson",
    "economist",
    "head of policy",
    "opposition leader",
    "mayor",
    "union leader",
    "chair",
    "director",
)
_CURRENCIES = (("£", "GBP"), ("$", "USD"), ("€", "EUR"))


@dataclass(frozen=True)
class SyntheticArticle:
    """One generated report; `story` is the generator's own grouping."""

    title: str
    body: str
    feed: int
    published: datetime
    story: int
    guid: str


class Corpus:
    """Deterministic news-like text: a vocabulary, filler sentences and stories."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < 30_000:
            words.add("".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 4))))
        self.vocabulary = sorted(words)
        self.rng.shuffle(self.vocabulary)
        ranks = [1.0 / (rank + 1) ** 1.05 for rank in range(len(self.vocabulary))]
        self.cumulative = [0.0] * len(ranks)
        total = 0.0
        for i, weight in enumerate(ranks):
            total += weight
            self.cumulative[i] = total
        self.filler = [self._sentence() for _ in range(40_000)]
        outlets: set[str] = set()
        while len(outlets) < FEEDS:
            place = self._word(3).title()
            outlets.add(f"{place} {self.rng.choice(_KINDS)}")
        self.outlets = sorted(outlets)

    def _word(self, syllables: int) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(syllables))

    def _words(self, count: int) -> list[str]:
        rng = self.rng
        picked = rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count)
        for i in range(0, count, 3):
            picked[i] = rng.choice(_COMMON)
        return picked

    def _sentence(self) -> str:
        words = self._words(self.rng.randint(12, 28))
        return " ".join(words).capitalize() + "."

    def stories(self, count: int) -> Iterator[SyntheticArticle]:
        """`count` articles in arrival order (by publication time within each story)."""
        rng = self.rng
        made = 0
        story = 0
        days = 365
        while made < count:
            size = min(rng.choice((1, 1, 1, 1, 2, 2, 3, 3, 4, 5, 7, 12)), count - made)
            people = [f"{self._word(2).title()} {self._word(3).title()}" for _ in range(3)]
            places = [self._word(3).title() for _ in range(2)]
            organisation = f"{self._word(3).title()} {rng.choice(('Council', 'Bank', 'Ministry'))}"
            topic = rng.sample(self.vocabulary[300:6000], 10)
            symbol, _ = rng.choice(_CURRENCIES)
            sums = [f"{symbol}{rng.randint(2, 950)}{rng.choice(('m', 'bn'))}" for _ in range(3)]
            when = YEAR_END - timedelta(days=rng.uniform(0, days))
            outlets = rng.sample(range(FEEDS), size)
            for report, feed in enumerate(outlets):
                published = when + timedelta(hours=rng.uniform(0, 60) if report else 0)
                yield self._article(
                    story, report, feed, published, people, places, organisation, topic, sums
                )
            made += size
            story += 1

    def _article(
        self,
        story: int,
        report: int,
        feed: int,
        published: datetime,
        people: list[str],
        places: list[str],
        organisation: str,
        topic: list[str],
        sums: list[str],
    ) -> SyntheticArticle:
        rng = self.rng
        words = int(min(2000, max(150, rng.lognormvariate(math.log(550), 0.5))))
        person, role = rng.choice(people), rng.choice(_ROLES)
        place = places[0]
        lead = (
            f"{organisation} in {place} agreed a {rng.choice(topic)} {rng.choice(topic)} plan "
            f"worth {sums[0]} on {published:%A}, {person} said."
        )
        specific = [
            lead,
            f'"The {rng.choice(topic)} cannot wait," said {person}, the {role} of {organisation}.',
            f"The package includes {sums[1]} for {rng.choice(topic)} and {sums[2]} over five "
            f"years in {places[1]}.",
            f"{rng.choice(people)} told reporters in {place} that the {rng.choice(topic)} "
            f"{rng.choice(topic)} would be reviewed.",
            f'"We will {rng.choice(topic)} the {rng.choice(topic)} first," '
            f"{rng.choice(people)} said.",
        ]
        sentences = [specific[0]]
        size = len(lead.split())
        extra = specific[1:]
        while size < words:
            if extra and rng.random() < 0.2:
                sentence = extra.pop(0)
            else:
                sentence = rng.choice(self.filler)
                if rng.random() < 0.3:
                    sentence = sentence[:-1] + f" {rng.choice(topic)} {rng.choice(topic)}."
            sentences.append(sentence)
            size += sentence.count(" ") + 1
        sentences.extend(extra)
        paragraphs = []
        index = 0
        while index < len(sentences):
            step = rng.randint(1, 3)
            paragraphs.append(" ".join(sentences[index : index + step]))
            index += step
        title = (
            f"{place} {rng.choice(topic)} {rng.choice(topic)}: {person.split()[1]} backs "
            f"{sums[0]} {rng.choice(topic)} plan"
        )
        return SyntheticArticle(
            title=title,
            body="\n\n".join(paragraphs),
            feed=feed,
            published=published,
            story=story,
            guid=f"urn:bench:{story}:{report}",
        )


# -- building a store ------------------------------------------------------------------------


def _features(item: tuple[str, str, datetime]) -> tuple[str, bytes, str, str, bytes, int | None]:
    """Related-story features of one article, packed small to travel between processes."""
    from array import array

    from briefing.analysis.related import extract_features
    from briefing.store import related as stored

    title, body, published = item
    found = extract_features(title, body, published)
    return (
        "\x00".join(found.terms),
        array("f", found.terms.values()).tobytes(),
        json.dumps(sorted(found.names)),
        json.dumps(sorted(found.figures)),
        stored._pack_ints(found.sketch),
        found.day,
    )


def _to_article(item: SyntheticArticle, outlets: Sequence[str]) -> Article:
    from briefing.models import Article

    return Article(
        title=item.title,
        body=item.body,
        url=f"https://news{item.feed}.example/" + item.guid.split(":", 2)[2].replace(":", "-"),
        published=item.published,
        source=outlets[item.feed],
        guid=item.guid,
    )


# Columns of related_docs this benchmark knows how to fill (see briefing.store.related).
_KNOWN_DOC_COLUMNS = [
    "article_id",
    "story",
    "day",
    "norm",
    "norm_documents",
    "terms",
    "signature",
    "sketch",
    "names",
    "figures",
    "duplicate_of",
]


def build_store(path: Path, size: int, corpus: Corpus, workers: int) -> dict[str, float]:
    """A store of `size` articles from 300 feeds, its search and related indexes complete.

    The store has no batch path that skips per-article related indexing (every
    save runs `briefing.store.related.index_hook`, tens of milliseconds per
    article at this size), so articles are saved with the store's own
    `save_entries` query in one transaction per batch, without the hook, while
    worker processes compute related-story features; the related tables are
    then filled in bulk with the vectors and postings the indexer would write,
    grouped as the generator grouped the stories.
    """
    import multiprocessing
    from array import array

    from briefing.analysis.related import idf, signature, vector_norm
    from briefing.store import Store
    from briefing.store import articles as article_queries
    from briefing.store import related as stored

    timings: dict[str, float] = {}
    started = time.perf_counter()
    items = list(corpus.stories(size))
    timings["generate_s"] = time.perf_counter() - started

    started = time.perf_counter()
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    pool = context.Pool(max(1, workers))
    try:
        work = [(item.title, item.body, item.published) for item in items]
        pending = pool.imap(_features, work, chunksize=200)
        store = Store.open(path)
        feeds = [
            store.add_feed(f"https://news{i}.example/feed.xml", name).id
            for i, name in enumerate(corpus.outlets)
        ]
        ids: list[int] = []
        now = datetime.now(UTC)
        for start in range(0, len(items), 2000):
            with store.transaction() as conn:
                for item in items[start : start + 2000]:
                    saved = article_queries.save_entries(
                        conn, feeds[item.feed], [_to_article(item, corpus.outlets)], now
                    )
                    ids.extend(saved.ids)
        timings["articles_s"] = time.perf_counter() - started

        started = time.perf_counter()
        terms: dict[str, int] = {}
        df: dict[int, int] = {}
        vectors: list[bytes] = []
        rest: list[tuple[str, str, bytes, int | None]] = []
        for names_of_terms, weights_blob, names, figures, sketch, day in pending:
            vector_ids = array("I")
            for term in names_of_terms.split("\x00") if names_of_terms else ():
                term_id = terms.setdefault(term, len(terms) + 1)
                vector_ids.append(term_id)
                df[term_id] = df.get(term_id, 0) + 1
            vectors.append(vector_ids.tobytes() + weights_blob)
            rest.append((names, figures, sketch, day))
    finally:
        pool.terminate()
    documents = len(items)
    weights = {term_id: idf(count, documents) for term_id, count in df.items()}
    first_of_story: dict[int, int] = {}
    story_sizes: dict[int, int] = {}
    with store.transaction() as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(related_docs)")]
        required = {
            row[1]
            for row in conn.execute("PRAGMA table_info(related_docs)")
            if row[3] and row[4] is None
        }
        unknown = required - set(_KNOWN_DOC_COLUMNS)
        if unknown:
            raise SystemExit(
                f"related_docs has new required columns {sorted(unknown)}: teach "
                "bench/scale.py build_store to fill them"
            )
        chosen = [c for c in _KNOWN_DOC_COLUMNS if c in columns]
        insert = (
            f"INSERT INTO related_docs ({', '.join(chosen)}) "
            f"VALUES ({', '.join('?' * len(chosen))})"
        )
        conn.executemany(
            "INSERT INTO related_terms (id, term, df) VALUES (?, ?, ?)",
            ((term_id, term, df[term_id]) for term, term_id in terms.items()),
        )
        for article_id, item, blob, (names, figures, sketch, day) in zip(
            ids, items, vectors, rest, strict=True
        ):
            story = first_of_story.setdefault(item.story, article_id)
            story_sizes[story] = story_sizes.get(story, 0) + 1
            vector = stored._unpack_terms(blob)
            filed = signature(vector, df, documents)  # type: ignore[arg-type]
            values = {
                "article_id": article_id,
                "story": story,
                "day": day,
                "norm": vector_norm(vector, weights),
                "norm_documents": documents,
                "terms": blob,
                "signature": stored._pack_ints(filed),  # type: ignore[arg-type]
                "sketch": sketch,
                "names": names,
                "figures": figures,
                "duplicate_of": None,
            }
            conn.execute(insert, [values[c] for c in chosen])
            conn.executemany(
                "INSERT OR IGNORE INTO related_postings (term_id, article_id) VALUES (?, ?)",
                [(term_id, article_id) for term_id in filed],
            )
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if "related_stories" in tables:
            conn.executemany(
                "INSERT INTO related_stories (story, size) VALUES (?, ?)", story_sizes.items()
            )
        conn.execute(
            "INSERT INTO related_meta (name, value) VALUES ('documents', ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (documents,),
        )
    timings["related_s"] = time.perf_counter() - started
    vectors.clear()
    started = time.perf_counter()
    store.close()  # runs PRAGMA optimize, as every reader session does when it quits
    timings["close_s"] = time.perf_counter() - started
    return timings


# -- the app, measured in a fresh process ----------------------------------------------------

PAINT_TIMEOUT_S = 120
APP_SIZE = (120, 40)
JUMPS = 5  # stories opened a page away (pagedown), none of them read ahead
READING_PAUSE_S = 0.3  # a quick glance at a story before the next key


class Frames:
    """What a terminal would show, rebuilt as text from the frames the app paints.

    Every frame goes through `App._display`. Headless, Textual stops there and
    never turns the frame into terminal output, so the hook does that too (the
    work a real terminal session pays for), notes the time the frame was done,
    and then copies the frame's characters into a grid. Between `arm` and the
    first frame for which `check` holds, the hook's own bookkeeping (the grid
    and the check) is added up so it can be taken out of the timing.
    """

    def __init__(self, app: App[int], width: int, height: int) -> None:
        self.grid = [[" "] * width for _ in range(height)]
        self.width = width
        self.check: Callable[[], bool] | None = None
        self.began = 0.0
        self.bookkeeping = 0.0
        self.elapsed_s = 0.0
        self.cpu_s = 0.0
        self.shown = asyncio.Event()
        self._cpu_began = 0.0
        original = app._display
        console = app.console

        def display(screen: object, update: object) -> None:
            from textual._compositor import CompositorUpdate

            original(screen, update)  # type: ignore[arg-type]
            if isinstance(update, CompositorUpdate):
                update.render_segments(console)  # what a terminal would be sent
            done, done_cpu = time.perf_counter(), time.process_time()
            self._apply(update)
            if self.check is not None and self.check():
                self.elapsed_s = done - self.began - self.bookkeeping
                self.cpu_s = done_cpu - self._cpu_began - self.bookkeeping
                self.check = None
                self.shown.set()
            self.bookkeeping += time.perf_counter() - done

        app._display = display  # type: ignore[method-assign, assignment]

    def arm(self, check: Callable[[], bool]) -> None:
        """Start the clock; it stops at the first frame after which `check()` is true."""
        self.shown.clear()
        self.bookkeeping = 0.0
        self._cpu_began = time.process_time()
        self.began = time.perf_counter()
        self.check = check

    def text(self, region: Region) -> str:
        """The characters shown in `region`, its lines joined, runs of spaces made one."""
        rows = self.grid[region.y : region.y + region.height]
        lines = ["".join(row[region.x : region.x + region.width]) for row in rows]
        return " ".join(" ".join(lines).split())

    def _apply(self, update: object) -> None:
        from textual._compositor import ChopsUpdate, LayoutUpdate

        if isinstance(update, LayoutUpdate):
            for y, line in enumerate(update.strips, update.region.y):
                x = update.region.x
                for strip in line:
                    x = self._put(y, x, strip)
        elif isinstance(update, ChopsUpdate):
            # The same cropping as ChopsUpdate.render_segments.
            for y, x1, x2 in update.spans:
                for end, (x, chop) in zip(
                    update.chop_ends[y], update.chops[y].items(), strict=True
                ):
                    if chop is None or x > x2 or end <= x1:
                        continue
                    inside = x2 > x >= x1 and end <= x2
                    self._put(y, x, chop if inside else chop.crop(0, min(end, x2) - x))

    def _put(self, y: int, x: int, strip: Strip) -> int:
        from rich.cells import cell_len

        if not 0 <= y < len(self.grid):
            return x
        row = self.grid[y]
        for segment in strip:
            if segment.control:
                continue
            for character in segment.text:
                if 0 <= x < self.width:
                    row[x] = character
                x += cell_len(character)
        return x


async def _settle(app: App[int], pilot: Pilot[int]) -> None:
    """Wait until no worker runs and the screen has painted what they left."""
    for _ in range(20):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            return


async def _time_opens(
    app: App[int],
    pilot: Pilot[int],
    screen: MainScreen,
    frames: Frames,
    opens: int,
    profile: bool = False,
    key: str = "j",
) -> dict[str, float]:
    """Press `key` `opens` times: from the key reaching the app to the frame showing the story.

    The key goes in the way a terminal's keys do (the driver posts it to the
    app). The clock stops when a painted frame shows the new story's title and
    its summary in the reader and every pane past its "Analysing" line; once
    the app has settled, that frame must read exactly as the settled one in
    the reader and the three panes, or the run fails. Before each press the
    app is left alone for `READING_PAUSE_S` and then until it is idle, as
    while someone glances at a story: the reader uses that time to ready the
    stories next to the open one, so "j" finds the next one ready, while
    "pagedown" lands on a story nobody readied.
    """
    import cProfile
    import pstats

    from textual import events

    from briefing.tui.formatting import safe
    from briefing.tui.widgets.story_list import ROW_HEIGHT

    driver = app._driver
    assert driver is not None
    profiler = cProfile.Profile() if profile else None
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(opens):
        await asyncio.sleep(READING_PAUSE_S)  # someone looks at the story before moving on
        await _settle(app, pilot)
        stories = screen.stories
        step = 1
        if key == "pagedown":
            step = max(1, stories.scrollable_content_region.height // ROW_HEIGHT)
        target = await stories.load_row(min(stories.cursor + step, stories.total - 1))
        if target is None or target.id == getattr(stories.current, "id", None):
            break
        regions = [screen.reader.scrollable_content_region]
        regions += [pane.scrollable_content_region for pane in screen.panes]
        title = " ".join(safe(target.title).split())

        def shows_story(regions: list[Region] = regions, title: str = title) -> bool:
            reader, *panes = (frames.text(region) for region in regions)
            return (
                title in reader
                and ("Summary" in reader or "No summary" in reader)
                and "Summarising" not in reader
                and all(text and "Analysing" not in text for text in panes)
            )

        if profiler is not None:
            profiler.enable()
        frames.arm(shows_story)
        driver.send_message(events.Key(key, key if len(key) == 1 else None))
        await asyncio.wait_for(frames.shown.wait(), PAINT_TIMEOUT_S)
        if profiler is not None:
            profiler.disable()
        wall.append(frames.elapsed_s * 1000)
        cpu.append(frames.cpu_s * 1000)
        first = [frames.text(region) for region in regions]
        await _settle(app, pilot)
        reading = screen.reading
        if reading is None or reading.article.id != target.id:
            raise RuntimeError(f"the reader did not settle on article {target.id}")
        settled = [frames.text(region) for region in regions]
        for name, shown, final in zip(
            ("reader", "quotes", "figures", "related"), first, settled, strict=True
        ):
            if shown != final:
                raise RuntimeError(
                    f"the frame that stopped the clock shows a different {name} from the "
                    f"settled screen:\n  {shown[:300]}\n  {final[:300]}"
                )
    if profiler is not None:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    if not wall:
        raise RuntimeError("no story after the first to open")
    return {
        "open_median_ms": statistics.median(wall),
        "open_max_ms": max(wall),
        "open_cpu_median_ms": statistics.median(cpu),
    }


async def _app_session(
    database: Path, opens: int, full: bool, profile: bool = False
) -> dict[str, float]:
    """Start the reader headless on `database`; time the first list, story opening, search."""
    started = time.perf_counter()
    from briefing.config import Settings
    from briefing.tui.app import BriefingApp
    from briefing.tui.library import Library, ListQuery
    from briefing.tui.screens.main import MainScreen
    from briefing.tui.widgets.story_list import ROW_HEIGHT, StoryList

    imported = time.perf_counter()
    app = BriefingApp(Library(database), settings=Settings(), seed_paths=[], offline=True)
    figures: dict[str, float] = {"import_s": imported - started}
    painted: list[float] = []
    loading: dict[int, str] = {}  # the list's text while the store opens
    original = StoryList.render_line

    def render_line(self: StoryList, y: int) -> Strip:
        """The list's own drawing, noting when it first draws stories (or says there are none)."""
        strip = original(self, y)
        if not painted:
            loading.setdefault(id(self), self.empty_text)
            index = (self.scroll_offset.y + y) // ROW_HEIGHT
            known = self.empty_text != loading[id(self)]  # no longer the placeholder
            shown = self.row_at(index) is not None if self.total else known
            if shown:
                painted.append(time.perf_counter())
        return strip

    StoryList.render_line = render_line  # type: ignore[method-assign]
    frames = Frames(app, *APP_SIZE)
    async with app.run_test(size=APP_SIZE) as pilot:

        def main() -> MainScreen | None:
            screen = app.screen
            return screen if isinstance(screen, MainScreen) else None

        while not painted:
            if time.perf_counter() - started > PAINT_TIMEOUT_S:
                raise RuntimeError(f"no story list painted within {PAINT_TIMEOUT_S} s")
            await asyncio.sleep(0.001)
        figures["first_list_s"] = painted[0] - started
        figures["first_list_wall"] = time.time() - (time.perf_counter() - painted[0])
        screen = main()
        assert screen is not None
        figures["rows"] = float(screen.stories.total)
        if not full or not screen.stories.total:
            await _stop_workers(app)
            return figures

        # Let the start-up worker (first story, warming the first stories) finish first.
        await _settle(app, pilot)
        figures.update(await _time_opens(app, pilot, screen, frames, opens, profile))
        jumps = await _time_opens(app, pilot, screen, frames, JUMPS, key="pagedown")
        figures.update({f"jump_{name}": value for name, value in jumps.items()})
        pilot_timings = []
        for _ in range(max(3, opens // 3)):
            began = time.perf_counter()
            await pilot.press("j")
            while True:
                current = screen.stories.current
                reading = screen.reading
                if current is not None and reading is not None and reading.article.id == current.id:
                    break
                await asyncio.sleep(0.0005)
            await pilot.pause()
            pilot_timings.append((time.perf_counter() - began) * 1000)
        figures["open_pilot_median_ms"] = statistics.median(pilot_timings)

        began = time.perf_counter()
        await pilot.press("G")
        last = screen.stories.total - 1
        while screen.stories.row_at(last) is None:
            await asyncio.sleep(0.001)
        figures["jump_to_end_ms"] = (time.perf_counter() - began) * 1000

        began = time.perf_counter()
        screen.set_query(ListQuery(search="government plan"))
        while not (screen.query_state.search and screen.stories.row_at(0) is not None):
            await asyncio.sleep(0.001)
        await pilot.pause()
        figures["search_in_app_ms"] = (time.perf_counter() - began) * 1000
        await _stop_workers(app)
    figures["max_rss_mb"] = peak_memory_mb()
    return figures


def peak_memory_mb() -> float:
    """This process's peak resident memory.

    Linux keeps `ru_maxrss` across exec, so a child started by a big parent
    reports the parent's peak; the kernel's per-image high-water mark
    (VmHWM) starts afresh at exec and is read instead where it exists.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError as exc:
        print(f"no /proc/self/status ({exc}); using getrusage", file=sys.stderr)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _stop_workers(app: App[int]) -> None:
    """Let no worker touch the screen while the test harness takes it down."""
    workers = list(app.workers)
    app.workers.cancel_all()
    # A cancelled worker's wait() raises WorkerCancelled: expected here, so gathered, not raised.
    await asyncio.gather(*(worker.wait() for worker in workers), return_exceptions=True)


def run_child(database: Path, opens: int, full: bool, profile: bool) -> None:
    figures = asyncio.run(_app_session(database, opens, full, profile))
    print(json.dumps(figures))


def app_figures(
    database: Path, *, opens: int = 0, full: bool = False, profile: bool = False
) -> dict[str, float]:
    """Run `_app_session` in a new interpreter and return its figures plus launch-to-list time."""
    command = [sys.executable, __file__, "--child", str(database), "--opens", str(opens)]
    if full:
        command.append("--full")
    if profile:
        command.append("--profile-open")
    launched = time.time()
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    if done.returncode != 0:
        # Textual's tracebacks are drawn in boxes: keep the lines that say something.
        said = [line for line in done.stderr.splitlines() if any(c.isalnum() for c in line)]
        raise RuntimeError("the app run failed:\n" + "\n".join(said[-60:]))
    if profile:
        print(done.stderr, file=sys.stderr)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["launch_to_list_s"] = figures["first_list_wall"] - launched
    return figures


# -- the store, measured in this process -----------------------------------------------------

SEARCHES = ("government plan", "budget", "minister said", "spend*", "{name}", "{rare}")


def _ms(action: object, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def cache_first_stories(database: Path, count: int) -> None:
    """Analyse the first stories of the list and cache them, as the reader's warming does."""
    from briefing.analysis.pipeline import analyse
    from briefing.store import Store

    with Store.open(database) as store:
        for row in store.list_articles("all", limit=count):
            article = store.article(row.id)
            assert article is not None
            if store.cached_analysis(article.analysis_key(3)) is None:
                store.save_analysis(article.analysis_key(3), analyse(article, 3))


def store_figures(database: Path, corpus: Corpus, samples: int, ingest: int) -> dict[str, float]:
    """Search, related, opening (the data path) and ingest timings on an open store."""
    from briefing.analysis.pipeline import analyse
    from briefing.analysis.text import make_document
    from briefing.store import Store

    figures: dict[str, float] = {}
    rng = random.Random(11)
    with Store.open(database) as store:
        total = store.count_articles("all")
        sample_ids = [
            row.id for row in store.list_articles("all", limit=samples, offset=total // 3)
        ]
        some = store.article(sample_ids[0])
        assert some is not None
        name = (some.title or "").split(":")[0]
        words = [w for w in some.body.split() if w.isalpha() and len(w) > 7]
        worst = 0.0
        for query in SEARCHES:
            text = query.format(name=name, rare=rng.choice(words) if words else "zzz")
            store.search(text, 200)  # first run warms the page cache
            median = statistics.median(_ms(lambda t=text: store.search(t, 200), 5))
            figures[f"search {text!r} ms"] = median
            worst = max(worst, median)
        figures["search_worst_median_ms"] = worst

        related = [_ms(lambda i=i: store.related(i, 10), 1)[0] for i in sample_ids]
        figures["related_median_ms"] = statistics.median(related)
        figures["related_max_ms"] = max(related)

        for article_id in sample_ids[:3]:
            article = store.article(article_id)
            assert article is not None
            store.save_analysis(article.analysis_key(3), analyse(article, 3))

        def open_story(article_id: int) -> None:
            article = store.article(article_id)
            assert article is not None
            assert store.cached_analysis(article.analysis_key(3)) is not None
            make_document(article.title, article.body)
            store.related(article_id, 8)

        opening = [_ms(lambda i=i: open_story(i), 1)[0] for i in sample_ids[:3] * 3]
        figures["open_data_median_ms"] = statistics.median(opening)

        # As a refresh delivers them: each feed's new entries saved together (about 20 a feed).
        fresh = [_to_article(item, corpus.outlets) for item in corpus.stories(ingest)]
        feeds = sorted(f.id for f in store.feeds() if f.url.startswith("https://news"))
        batches = [fresh[i : i + INGEST_BATCH] for i in range(0, len(fresh), INGEST_BATCH)]
        save_s = analyse_s = 0.0
        for number, batch in enumerate(batches):
            began = time.perf_counter()
            store.save_entries(feeds[number * 7 % len(feeds)], batch)
            middle = time.perf_counter()
            for article in batch:
                store.save_analysis(article.analysis_key(3), analyse(article, 3))
            ended = time.perf_counter()
            save_s += middle - began
            analyse_s += ended - middle
        figures["ingest_save_ms_each"] = save_s / len(fresh) * 1000
        figures["ingest_analyse_ms_each"] = analyse_s / len(fresh) * 1000
        figures["ingest_per_s"] = len(fresh) / (save_s + analyse_s)
    return figures


def profile_ingest(database: Path, corpus: Corpus, count: int) -> None:
    """Print where ingest time goes (save with related indexing, then analysis)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    store_figures(database, corpus, samples=10, ingest=count)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


# -- the report ------------------------------------------------------------------------------


def _row(label: str, value: str, budget: str = "", verdict: str = "") -> None:
    print(f"  {label:<46} {value:>12} {budget:>10} {verdict:>6}", flush=True)


def measure(size: int, directory: Path, args: argparse.Namespace) -> dict[str, float]:
    corpus = Corpus(args.seed)
    database = directory / f"store-{size}.db"
    print(f"\n== {size:,} articles, {FEEDS} feeds, a year of dates ==", flush=True)
    if args.reuse and database.exists():
        _row("build: reusing the kept store", database.name)
        for _ in corpus.stories(size):  # the same generator state as after building
            pass
    else:
        for old in directory.glob(f"store-{size}.db*"):
            old.unlink()  # a store kept by an earlier --keep run
        build = build_store(database, size, corpus, args.workers)
        for name, value in build.items():
            _row(f"build: {name.removesuffix('_s')}", f"{value:.1f} s")
    _row("database size", f"{database.stat().st_size / 1e6:.0f} MB")
    opens = 5 if args.quick else 15
    # Every story the app session opens: j presses, page jumps, then the Pilot presses.
    cache_first_stories(database, opens + JUMPS * 20 + 40)
    runs = 1 if args.quick else 5
    empty = directory / "empty.db"
    empty_runs = [app_figures(empty) for _ in range(runs)]
    full_runs = [app_figures(database) for _ in range(runs)]
    session = app_figures(database, opens=opens, full=True, profile=args.profile_open)
    # Best of N: on a shared machine the other processes only ever add time.
    empty_launch = min(r["launch_to_list_s"] for r in empty_runs)
    full_launch = min(r["launch_to_list_s"] for r in full_runs)
    empty_app = min(r["first_list_s"] for r in empty_runs)
    full_app = min(r["first_list_s"] for r in full_runs)
    ratio = full_launch / empty_launch
    results = {
        "startup_ratio": ratio,
        "open_ms": session["open_median_ms"],
        "open_page_ms": session["jump_open_median_ms"],
        "related_ms": 0.0,
        "max_rss_mb": session["max_rss_mb"],
    }
    _row(f"start-up, empty store: launch to list (best of {runs})", f"{empty_launch * 1000:.0f} ms")
    _row("  of which in the app (after Python starts)", f"{empty_app * 1000:.0f} ms")
    _row(f"start-up, {size:,}: launch to list (best of {runs})", f"{full_launch * 1000:.0f} ms")
    _row("  of which in the app (after Python starts)", f"{full_app * 1000:.0f} ms")
    _row(
        "start-up ratio (launch to list)",
        f"{ratio:.2f}x",
        f"{STARTUP_RATIO_BUDGET}x",
        _verdict(ratio <= STARTUP_RATIO_BUDGET),
    )
    _row(
        "open a story: key to painted story + panes (median)",
        f"{session['open_median_ms']:.1f} ms",
        f"{OPEN_BUDGET_MS:.0f} ms",
        _verdict(session["open_median_ms"] <= OPEN_BUDGET_MS),
    )
    _row("  slowest", f"{session['open_max_ms']:.1f} ms")
    _row("  CPU time of the app process (median)", f"{session['open_cpu_median_ms']:.1f} ms")
    _row(
        "  through Pilot: press, story set, pause (median)",
        f"{session['open_pilot_median_ms']:.1f} ms",
    )
    _row(
        "open a story a page away (pagedown; median)",
        f"{session['jump_open_median_ms']:.1f} ms",
        f"{OPEN_BUDGET_MS:.0f} ms",
        _verdict(session["jump_open_median_ms"] <= OPEN_BUDGET_MS),
    )
    _row("  slowest", f"{session['jump_open_max_ms']:.1f} ms")
    _row("  CPU time of the app process (median)", f"{session['jump_open_cpu_median_ms']:.1f} ms")
    _row("jump to the end of the list (G): rows loaded", f"{session['jump_to_end_ms']:.1f} ms")
    _row("search in the reader (list shown)", f"{session['search_in_app_ms']:.1f} ms")
    _row(
        "peak memory of the app (max RSS)",
        f"{session['max_rss_mb']:.0f} MB",
        f"{MEMORY_BUDGET_MB:.0f} MB",
        _verdict(session["max_rss_mb"] <= MEMORY_BUDGET_MB),
    )
    samples = 10 if args.quick else 30
    ingest = 20 if args.quick else 100
    store = store_figures(database, corpus, samples, ingest)
    for key, value in store.items():
        if key.startswith("search '"):
            _row(key.removesuffix(" ms"), f"{value:.1f} ms")
    _row(
        "full-text search, worst query (median of 5)",
        f"{store['search_worst_median_ms']:.1f} ms",
        f"{SEARCH_BUDGET_MS:.0f} ms",
        _verdict(store["search_worst_median_ms"] <= SEARCH_BUDGET_MS),
    )
    _row(
        "related stories of one article (median)",
        f"{store['related_median_ms']:.1f} ms",
        f"{RELATED_BUDGET_MS:.0f} ms",
        _verdict(store["related_median_ms"] <= RELATED_BUDGET_MS),
    )
    _row("  slowest", f"{store['related_max_ms']:.1f} ms")
    _row("open a story, data path only (median)", f"{store['open_data_median_ms']:.1f} ms")
    _row(
        f"ingest: save ({INGEST_BATCH} a feed) + related index, each",
        f"{store['ingest_save_ms_each']:.1f} ms",
    )
    _row("ingest: analysis + caching, each", f"{store['ingest_analyse_ms_each']:.1f} ms")
    _row(
        "ingest and analyse throughput",
        f"{store['ingest_per_s']:.1f}/s",
        f"{INGEST_BUDGET_PER_S:.0f}/s",
        _verdict(store["ingest_per_s"] >= INGEST_BUDGET_PER_S),
    )
    results.update(
        search_ms=store["search_worst_median_ms"],
        related_ms=store["related_median_ms"],
        ingest_per_s=store["ingest_per_s"],
    )
    if args.profile:
        profile_ingest(database, Corpus(args.seed + 1), 20)
    if not args.keep:
        database.unlink()
    return results


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default=None, help="comma-separated store sizes (10000,100000)")
    parser.add_argument("--quick", action="store_true", help="fewer runs; 10,000 unless --sizes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="processes computing features")
    parser.add_argument("--profile", action="store_true", help="profile ingest at each size")
    parser.add_argument(
        "--profile-open", action="store_true", help="profile opening stories in the app (stderr)"
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build in DIR and keep the stores")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure kept stores")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--opens", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--full", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        run_child(args.child, args.opens, args.full, args.profile_open)
        return 0
    default = "10000" if args.quick else "10000,100000"
    sizes = [int(s.replace("_", "")) for s in (args.sizes or default).split(",") if s.strip()]
    print(f"bench/scale.py --sizes {','.join(map(str, sizes))}{' --quick' if args.quick else ''}")
    summary = []
    with tempfile.TemporaryDirectory(prefix="briefing-scale-") as tmp:
        directory = Path(tmp)
        if args.keep:
            directory = args.keep
            directory.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            r = measure(size, directory, args)
            summary.append(
                f"{size:,}: start-up {r['startup_ratio']:.2f}x, open {r['open_ms']:.0f} ms "
                f"(a page away {r['open_page_ms']:.0f} ms), "
                f"search {r['search_ms']:.0f} ms, related {r['related_ms']:.0f} ms, "
                f"ingest {r['ingest_per_s']:.0f}/s, RSS {r['max_rss_mb']:.0f} MB"
            )
    print("\nSUMMARY " + " | ".join(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
