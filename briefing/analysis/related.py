"""Related stories: which stored articles report the same event, found offline and incrementally.

An article becomes a sparse term vector in which the distinctive parts of a
news story weigh most: names, places, figures and dates (capitalised phrases
and numbers) count beside ordinary words, and the title counts twice. Terms
are weighted by inverse document frequency over the collection seen so far,
so a name that appears in two articles links them strongly while "police" or
"said" hardly does. Two stories of the same kind (two earthquakes, two
product launches) share their topic words but not their names and places.
While the collection is small, everyday English words are also weighed
against their frequency in ordinary English (`idf`), so that two articles
using "market" do not look as alike as two naming one central bank.

A new article is compared only with the articles that share its rarest terms
(an inverted index) and the other members of their stories, and joins the
story whose members it resembles most on average (average link, the best
batch method on the evaluation set) when that resemblance passes a threshold;
otherwise it starts a story of its own. Then the stories it touches (the one
it joined and up to two others it links to) are regrouped from their latest
members: average-link clustering, then each member settles in the group it
resembles most (`regroup`). That local repair undoes an early wrong join (the
first report of a second event of one kind joining the first event, before
its own event had other reports) and merges two stories a newcomer bridges,
at a cost bounded by those few members, never by the collection. The
dates matter: coverage of one event falls within days, so resemblance fades
between articles whose dates are months apart. Near-identical text (wire
copy) is flagged as a duplicate of the earliest such article.

`StoryIndex` keeps everything in memory and can `refine()` a finished
collection (weights recomputed, each article settled in its best story,
stories merged by average link), which `group_collection` does for
`briefing analyse --related`; `briefing.store.related` persists the
incremental method in SQLite. This module does no I/O beyond reading the word
frequency list that ships inside `wordfreq`, once, on first use, and keeps no
global state beyond that list and caches of word forms and shares.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import operator
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, TypeVar

from briefing.analysis.text import strip_dateline
from briefing.models import Article

if TYPE_CHECKING:
    import numpy
    from numpy.typing import NDArray

__all__ = [
    "CollectionStory",
    "arrival_order",
    "arrival_stamp",
    "group_collection",
    "DUPLICATE_SIMILARITY",
    "JOIN_THRESHOLD",
    "BACKGROUND_DOCUMENTS",
    "BACKGROUND_WORDS",
    "Features",
    "Match",
    "StoryIndex",
    "REGROUP_MEMBERS",
    "REGROUP_STORIES",
    "average_link_groups",
    "background_idf",
    "background_share",
    "average_links",
    "carry_over",
    "choose_story",
    "regroup",
    "regroup_due",
    "settle_groups",
    "shared_terms",
    "similarity_matrix",
    "cosine",
    "date_factor",
    "date_matrix",
    "dateline",
    "extract_features",
    "extract_many",
    "idf",
    "norm_is_stale",
    "query_terms",
    "is_duplicate",
    "sketch_similarity",
    "text_sketch",
    "vector_norm",
    "reason_for",
    "same_text",
    "signature",
    "story_ranking",
]

# A story's members must resemble a newcomer this much on average (cosine of
# TF-IDF vectors, date-adjusted) for it to join. Chosen in the middle of a
# plateau on the evaluation set: from 0.10 to 0.14 story grouping (B-cubed F1)
# stays between 0.91 and 0.93 (see the README).
JOIN_THRESHOLD = 0.12
# Wire copy printed by several outlets: nearly the same words in the same order. On the
# evaluation set, pairs of articles sharing 60% of their four-word runs (Jaccard) are always
# reprints of one text, while rewrites of the same story share under 45%.
DUPLICATE_SIMILARITY = 0.6
SKETCH_BUCKETS = 128
EMPTY_BUCKET = 0xFFFFFFFF
# How many of a newcomer's rarest terms are looked up in the inverted index, how many of
# an article's heaviest terms it is filed under, and how many of the articles found are
# scored exactly (their stories' other members are scored too, see STORIES_CHECKED).
QUERY_TERMS = 25
SIGNATURE_TERMS = 30
CANDIDATES = 30
# How many of the stories the candidates lead to are compared member by member, and how many
# of each story's latest members.
STORIES_CHECKED = 5
MEMBERS_CHECKED = 40
# A newcomer linking to another story at least this share of the threshold brings that story
# into the local repair (see REGROUP_MEMBERS).
MERGE_HINT = 0.5
# Local repair after a join: the stories a newcomer touches (the one it joined and up to
# REGROUP_STORIES - 1 others it links to at least MERGE_HINT of the threshold) are regrouped
# from their latest REGROUP_MEMBERS members each. An early article weighed with few documents
# seen may have joined the wrong event of a topic; once its own event has more reports, the
# regrouping separates them, and it joins stories that a bridging article shows to be one.
REGROUP_MEMBERS = 30
REGROUP_STORIES = 3
# A story that touches no other is regrouped at every join while it has at most REGROUP_ALWAYS
# members, then each time it has grown by REGROUP_GROWTH (see regroup_due).
REGROUP_ALWAYS = 8
REGROUP_GROWTH = 1.25
# Passes of moving each member to its best group (as in StoryIndex.refine).
SETTLE_ROUNDS = 3
# Only the latest articles filed under one term are looked at: news is recent.
POSTINGS_PER_TERM = 400
# Terms in more than this share of the collection are too common to find candidates by.
COMMON_SHARE = 0.05
# Everyday words are weighed against ordinary English (see `idf`): the background counts as
# much as BACKGROUND_DOCUMENTS articles, and a word's background rarity is the chance that
# BACKGROUND_WORDS words of ordinary English (about a day's news from one outlet) use it. On
# the evaluation set any value from 10 to 50 documents and 10,000 to 50,000 words leaves
# B-cubed F1 as it was; on the bundled seeds it keeps two rate decisions apart (README).
BACKGROUND_DOCUMENTS = 20
BACKGROUND_WORDS = 20_000
# Extra weight of the distinctive kinds of term.
NAME_WEIGHT = 1.5
NUMBER_WEIGHT = 1.0
TITLE_WEIGHT = 2.0
# Days within which two reports may well be about the same event (coverage runs for weeks:
# a verdict, then the sentence); past that a resemblance halves over DATE_HALF_LIFE days.
SAME_NEWS_DAYS = 45
DATE_HALF_LIFE = 90.0
DATE_FLOOR = 0.25

K = TypeVar("K")
S = TypeVar("S")
V = TypeVar("V")

# Words that say nothing about which event a story reports.
_STOPWORD_TEXT = """
    a about above after again against ago all almost also although always am among an and
    another any anyone anything are around as at away back be became because become been
    before being below between both but by came can cannot could did do does doing done down
    during each either else even ever every few first for from further get gets getting got
    had has have having he her here hers herself him himself his how however i if in into is
    it its itself just last least less let like made make many may me might more most much
    must my myself near never new next no nor not now of off often on once one only onto or
    other others our ours ourselves out over own per perhaps put rather said same say says
    see seen set several she should since so some something still such than that the their
    theirs them themselves then there these they this those though three through thus to
    today told too took two under until up upon us use used very via was way we well were
    what whatever when where whether which while who whom whose why will with within without
    would yesterday yet you your yours yourself monday tuesday wednesday thursday friday
    saturday sunday mr mrs ms dr according reported reports report news week weeks year
    years day days time times am pm s t
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
# A month alone is a date, not a name; in a longer name ("June Sarpong") it stays a part.
_MONTH_NAMES = frozenset(name for name in _MONTHS if len(name) > 3 and name != "sept")
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d\d)"
_DATE_PATTERNS = (
    (re.compile(rf"\b{_YEAR}\s*-\s*(\d\d)\s*-\s*(\d\d)\b"), ("y", "m", "d")),
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I), ("mon", "d", "y")),
    (re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I), ("d", "mon", "y")),
)
# A dateline sits in the first lines of a saved article, never deep in the text.
_DATELINE_CHARS = 40
DATELINE_LINES = 3

# Words and numbers, and the punctuation after which a capital letter says nothing.
_PIECE = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d,.]*\d|\d|[.!?:;\"]")
# The same, and line ends too: a body's lines joined by "\n" are read in one scan.
_PIECE_OR_LINE_END = re.compile(r"[^\W\d_][\w'’\-]*|\d[\d,.]*\d|\d|[.!?:;\"\n]")
# In ASCII text, Unicode's letters and digits are ASCII's, which are quicker to tell apart:
# this finds the same pieces there in three quarters of the time.
_ASCII_PIECE_OR_LINE_END = re.compile(_PIECE_OR_LINE_END.pattern, re.ASCII)
_BREAKS = frozenset('.!?:;"')
_SENTENCE_ENDS = _BREAKS | {"\n"}
_SHINGLE = 4
# Day numbers are proleptic Gregorian ordinals; timestamps count days from 1970-01-01.
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class Features:
    """What the related-stories method needs to know about one article."""

    terms: Mapping[str, float]
    names: frozenset[str]
    figures: frozenset[str]
    sketch: tuple[int, ...]
    day: int | None = None


@dataclass(frozen=True)
class Match:
    """Another article of the same story, how close it is, and what they share."""

    key: str
    score: float
    reason: str
    duplicate: bool


def dateline(text: str) -> date | None:
    """The date printed at the top of an article ("June 6, 2013", "2013-06-06"), if any.

    Only the start of the first few lines counts: a date deeper in the text is
    more often a birthday or an anniversary than the day of the report.
    """
    return _dateline_in(text.splitlines())


def _dateline_in(lines: list[str]) -> date | None:
    """`dateline` of a text split into lines."""
    for line in itertools.islice(filter(str.strip, lines), DATELINE_LINES):
        head = line[:_DATELINE_CHARS]
        # Every pattern needs a year of this century or the last: most lines are passed over.
        if "19" not in head and "20" not in head:
            continue
        best: tuple[int, date] | None = None
        for pattern, order in _DATE_PATTERNS:
            match = pattern.search(head)
            if match is None:
                continue
            parts = dict(zip(order, match.groups(), strict=True))
            month = int(parts["m"]) if "m" in parts else _MONTHS[parts["mon"].lower().rstrip(".")]
            try:
                found = date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
            if best is None or match.start() < best[0]:
                best = (match.start(), found)
        if best is not None:
            return best[1]
    return None


def _day_number(published: datetime | date | None, lines: list[str]) -> int | None:
    """The day of publication, else of the dateline (`lines`: the body's)."""
    if isinstance(published, datetime):
        published = published.astimezone(UTC).date() if published.tzinfo else published.date()
    if published is None:
        published = _dateline_in(lines)
    return published.toordinal() if published else None


def _normal_word(token: str) -> str:
    word = token.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _number(token: str) -> str:
    return token.replace(",", "").rstrip(".")


class _Memo(dict[str, V]):
    """A one-argument function's results by argument, filled on first use, emptied when full.

    `map(memo.__getitem__, tokens)` stays in C for every token met before, which
    is most of an article's: a hit costs a dict lookup, where even a cached
    function costs a call.
    """

    def __init__(self, compute: Callable[[str], V], limit: int = 65_536) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, key: str) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value


# What a token means to `extract_features`, its reading: a tuple (a NamedTuple costs more to
# make than the rest of reading a new token) whose fields map() fetches in C with these:
_TERM = operator.itemgetter(0)  # the term it counts towards: a word, "#" and a figure, or ""
_NAME_PART = operator.itemgetter(1)  # what it adds to a name, "" if it can't be part of one
_SKETCH_WORD = operator.itemgetter(2)  # lowercased UTF-8 for the text sketch, b"" if punctuation
_Reading = tuple[str, str, bytes]
_PUNCTUATION: _Reading = ("", "", b"")  # and line ends


def _read(token: str) -> _Reading:
    """A token's term, name part and sketch word (see _TERM, _NAME_PART, _SKETCH_WORD)."""
    if token in _SENTENCE_ENDS:
        return _PUNCTUATION
    sketch_word = token.lower().encode("utf-8")
    if token[0].isdigit():
        number = _number(token)
        return ("#" + number if len(number) > 1 or number != "0" else "", "", sketch_word)
    word = _normal_word(token)
    term = word if word not in _STOPWORDS and len(word) > 1 else ""
    # A name part has a capital first letter, is not a lone capital letter ("A") and not a
    # stopword ("The"). Stripping quotes and dashes leaves at least that first letter.
    capitalised = token[0].isupper() and (len(token) > 1 or token.isupper())
    name_part = token.strip("'’-") if capitalised and word not in _STOPWORDS else ""
    return (term, name_part, sketch_word)


# The readings of up to 65,536 tokens are kept (see _Memo), so _normal_word needs no cache.
_READING_OF = _Memo(_read)


def _kind_weight(first: str) -> float:
    """The weight of one use of a term, by its first character: names and figures weigh more."""
    return NAME_WEIGHT if first == "@" else NUMBER_WEIGHT if first == "#" else 1.0


_KIND_WEIGHT_OF = _Memo(_kind_weight)


def _body_text(lines: list[str]) -> str:
    """A body's lines joined by line feeds, the first that has words without a wire dateline.

    A wire dateline names the place and the outlet, not the event: two stories
    from one agency's desk in one city must not look alike because of it.
    """
    for position, line in enumerate(lines):
        if line.strip():
            return "\n".join([strip_dateline(line), *lines[position + 1 :]])
    return ""


def _term_sequence(
    tokens: list[str], readings: list[_Reading], names: dict[str, bool]
) -> list[str]:
    """The terms of some tokens in the order they are met ("" for tokens that have none).

    A name (a run of name parts) is met where it ends: just after the term of
    the word that follows it, or before the number that follows it;
    punctuation in between changes nothing. `names` records each name and
    whether it was ever seen other than at the start of a sentence. Only name
    parts are visited here: the rest is done in C.
    """
    terms = list(map(_TERM, readings))
    part_positions = list(itertools.compress(itertools.count(), map(_NAME_PART, readings)))
    if not part_positions:
        return terms
    sequence: list[str] = []
    placed = 0  # terms[:placed] are in sequence
    end = len(tokens)
    first = last = part_positions[0]
    # Each run of consecutive name parts is one name; the sentinel -1 ends the last run.
    for position in [*part_positions[1:], -1]:
        if position == last + 1:
            last = position
            continue
        if first == last:
            name = _NAME_PART(readings[first])
            if name.lower() in _MONTH_NAMES:
                # "in December": a date, which two unrelated events share as often as not.
                first = last = position
                continue
        else:
            name = " ".join(map(_NAME_PART, readings[first : last + 1]))
        follower = last + 1
        while follower < end and tokens[follower] in _BREAKS:
            follower += 1
        met = last + 1 if follower < end and tokens[follower][0].isdigit() else follower + 1
        if first == 0 or tokens[first - 1] in _SENTENCE_ENDS:
            names.setdefault(name, False)
        else:
            names[name] = True
        sequence += terms[placed:met]
        sequence.append("@" + name.lower())
        placed = met
        first = last = position
    sequence += terms[placed:]
    return sequence


def extract_features(
    title: str | None, body: str, published: datetime | date | None = None
) -> Features:
    """Turn an article into weighted terms, names, figures, a text sketch and a day number.

    This runs for every article filed, so the work per token is done in C where
    it can be: one scan of the body, one memo lookup for what each token means,
    counting by `Counter`. Only name parts are visited in Python.
    """
    names: dict[str, bool] = {}  # name -> seen somewhere other than a sentence's first word
    # A title is one line, even one holding a line break.
    title_tokens = _PIECE.findall(title) if title else []
    lines = body.splitlines()
    text = _body_text(lines)
    pieces = _ASCII_PIECE_OR_LINE_END if text.isascii() else _PIECE_OR_LINE_END
    body_tokens = pieces.findall(text)
    title_readings = list(map(_READING_OF.__getitem__, title_tokens))
    body_readings = list(map(_READING_OF.__getitem__, body_tokens))
    in_title = Counter(_term_sequence(title_tokens, title_readings, names))
    in_title.pop("", None)
    counts = in_title.copy()  # the title's terms first: they are met first
    counts.update(_term_sequence(body_tokens, body_readings, names))
    counts.pop("", None)
    sketch_words = itertools.chain(
        map(_SKETCH_WORD, title_readings), map(_SKETCH_WORD, body_readings)
    )
    return Features(
        terms=_weights(counts, in_title),
        # A lone capitalised word seen only at the start of sentences is probably not a name.
        names=frozenset(name for name, inside in names.items() if inside or " " in name),
        figures=frozenset(term[1:] for term in counts if term[0] == "#"),
        sketch=_sketch(list(filter(None, sketch_words))),
        day=_day_number(published, lines),
    )


def _weights(counts: Mapping[str, int], in_title: Mapping[str, int]) -> dict[str, float]:
    """Each term's weight from its uses (`counts`, `in_title` of them in the title).

    A use counts TITLE_WEIGHT times in the title, and NAME_WEIGHT times for a
    name or NUMBER_WEIGHT times for a figure. The counts are whole and the
    weights exact binary fractions, so these products are bit for bit the sums
    of a weight per use. Repeating a word matters less than using it at all:
    the weight is 1 + the log of the weighted uses, all at least 1.
    """
    uses: dict[str, float] = dict(counts)
    for term, times in in_title.items():
        uses[term] += (TITLE_WEIGHT - 1.0) * times  # each counted once already
    kind_weights = map(_KIND_WEIGHT_OF.__getitem__, map(operator.itemgetter(0), uses))
    weighted = map(math.log, map(operator.mul, uses.values(), kind_weights))
    return dict(zip(uses, map(operator.add, itertools.repeat(1.0), weighted), strict=True))


def extract_many(
    articles: Sequence[tuple[int, str | None, str, datetime | date | None]],
) -> list[tuple[int, Features]]:
    """`extract_features` for (id, title, body, published) tuples: one job for a worker process."""
    return [(key, extract_features(title, body, day)) for key, title, body, day in articles]


def idf(document_frequency: int, documents: int, share: float = 0.0) -> float:
    """Smoothed inverse document frequency; a term in every article weighs almost nothing.

    `share` is a word's `background_share`. In a small collection an everyday
    word ("path", "market", "decision") used by two articles looks as rare as a
    name used by two; so a word's weight is drawn towards its rarity in ordinary
    English (`background_idf`), never above its weight in the collection, by
    BACKGROUND_DOCUMENTS / (documents + BACKGROUND_DOCUMENTS): most of the way
    in fourteen articles, hardly at all in thousands. Names, figures and rare
    words (share 0) keep the collection's weight.
    """
    own = math.log((documents + 1) / (document_frequency + 0.5))
    if share <= 0.0:
        return own
    pull = BACKGROUND_DOCUMENTS / (documents + BACKGROUND_DOCUMENTS)
    return own - pull * max(0.0, own - background_idf(share))


def background_idf(share: float) -> float:
    """A word's inverse document frequency in ordinary English (infinite when unknown)."""
    return -math.log(share) if share > 0.0 else math.inf


def background_share(term: str) -> float:
    """How likely a span of BACKGROUND_WORDS ordinary English words is to use a word term.

    Read from the `wordfreq` package's small English list, which ships with
    the package (nothing is downloaded), loaded on first use. Names ("@..."),
    figures ("#...") and words the list lacks get 0: they tell one event from
    another.
    """
    if term[:1] in ("@", "#"):
        return 0.0
    return _background_share(term)


@functools.lru_cache(maxsize=262_144)
def _background_share(word: str) -> float:
    frequency = _english_frequencies().get(word, 0.0)
    return -math.expm1(-BACKGROUND_WORDS * frequency)


@functools.cache
def _english_frequencies() -> dict[str, float]:
    import wordfreq

    return wordfreq.get_frequency_dict("en", wordlist="small")


def cosine(
    left: Mapping[K, float],
    right: Mapping[K, float],
    weights: Mapping[K, float],
    left_norm: float,
    right_norm: float,
) -> float:
    """Cosine of two term-count vectors under the given term weights (IDF applied to both)."""
    if left_norm <= 0 or right_norm <= 0:
        return 0.0
    # The set intersection runs in C; only the few shared terms are visited in Python.
    dot = 0.0
    for term in left.keys() & right.keys():
        w = weights.get(term, 0.0)
        dot += left[term] * right[term] * w * w
    return dot / (left_norm * right_norm)


def vector_norm(terms: Mapping[K, float], weights: Mapping[K, float]) -> float:
    """Length of a term-count vector once weighted."""
    return math.sqrt(sum((value * weights.get(term, 0.0)) ** 2 for term, value in terms.items()))


def norm_is_stale(computed_at: int, documents: int) -> bool:
    """Whether a stored vector length was computed when the collection was under half its size.

    IDF, and so an article's vector length, drifts as the collection grows;
    refreshing a length each time the collection doubles keeps the drift small
    at a cost of a few refreshes in an article's life.
    """
    return computed_at * 2 < documents


def query_terms(terms: Iterable[K], df: Mapping[K, int], documents: int) -> list[K]:
    """The rarest terms worth looking up: shared with some article, but not common."""
    limit = max(50, int(COMMON_SHARE * documents))
    # A term only this article has (document frequency 1 once it is indexed) finds nothing.
    usable = [t for t in terms if 1 < df.get(t, 0) <= limit]
    usable.sort(key=lambda t: df[t])
    return usable[:QUERY_TERMS]


def date_factor(day: int | None, other: int | None) -> float:
    """How much of a resemblance survives the gap between two articles' dates.

    Unknown dates change nothing; within SAME_NEWS_DAYS nothing changes (a
    trial's verdict and sentence are weeks apart); beyond, the resemblance
    fades, to half three months later, never below DATE_FLOOR (dates in
    saved articles are sometimes an update's, not the event's).
    """
    if day is None or other is None:
        return 1.0
    gap = abs(day - other)
    if gap <= SAME_NEWS_DAYS:
        return 1.0
    return max(DATE_FLOOR, 1.0 / (1.0 + (gap - SAME_NEWS_DAYS) / DATE_HALF_LIFE))


def text_sketch(tokens: Sequence[str]) -> tuple[int, ...]:
    """A fixed-size fingerprint of the article's four-word runs (one-permutation MinHash).

    Each run hashes into one of SKETCH_BUCKETS buckets, which keeps its smallest
    value; two texts agree in a bucket about as often as their sets of runs
    overlap (Jaccard similarity), and the sketch costs the same for any length.
    A run is hashed as its words joined by spaces, in UTF-8.
    """
    return _sketch([token.encode("utf-8") for token in tokens])


def _sketch(words: Sequence[bytes]) -> tuple[int, ...]:
    """`text_sketch` of words already encoded (as `extract_features` keeps them)."""
    # A bucket's smallest hash has its smallest rest (hash // SKETCH_BUCKETS), so each bucket
    # keeps its smallest hash and the rests are taken once at the end; an empty bucket's
    # placeholder is above any CRC-32 and its rest is EMPTY_BUCKET.
    smallest = [EMPTY_BUCKET * SKETCH_BUCKETS] * SKETCH_BUCKETS
    # Each run's bytes are joined in C from a tuple that zip reuses.
    runs = map(b" ".join, zip(*(words[offset:] for offset in range(_SHINGLE)), strict=False))
    for value in map(zlib.crc32, runs):
        bucket = value % SKETCH_BUCKETS
        if value < smallest[bucket]:
            smallest[bucket] = value
    return tuple(map(operator.floordiv, smallest, itertools.repeat(SKETCH_BUCKETS)))


def sketch_similarity(left: tuple[int, ...], right: tuple[int, ...]) -> float:
    """Estimated share of four-word runs two texts have in common (0 when either is empty)."""
    used = agree = 0
    for a, b in zip(left, right, strict=False):
        if a == EMPTY_BUCKET and b == EMPTY_BUCKET:
            continue
        used += 1
        agree += a == b
    return agree / used if used else 0.0


def is_duplicate(left: tuple[int, ...], right: tuple[int, ...]) -> bool:
    """Near-identical text (wire copy): most four-word runs are shared."""
    return sketch_similarity(left, right) >= DUPLICATE_SIMILARITY


def same_text(left: K, left_original: K | None, right: K, right_original: K | None) -> bool:
    """Whether two articles are copies of one text (directly or through the same original)."""
    return (left_original if left_original is not None else left) == (
        right_original if right_original is not None else right
    )


def reason_for(left: Features, right: Features, limit: int = 4) -> str:
    """The names and figures two articles share, for a person to judge the link by."""
    lowered = {name.lower(): name for name in right.names}
    shared = sorted(
        (lowered[name.lower()] for name in left.names if name.lower() in lowered),
        key=lambda name: (-len(name.split()), name),
    )
    kept: list[str] = []
    for name in shared:
        if not any(name.lower() in longer.lower() for longer in kept):
            kept.append(name)
        if len(kept) >= limit:
            break
    numbers = sorted(left.figures & right.figures, key=lambda n: (-len(n), n))[:2]
    parts = kept + numbers
    return ", ".join(parts)


def signature(
    terms: Mapping[str, float],
    df: Mapping[str, int],
    documents: int,
    weights: Mapping[str, float] | None = None,
) -> list[str]:
    """The terms under which an article is filed: its SIGNATURE_TERMS heaviest by TF-IDF.

    Another report of the same story shares some of these (names, places,
    figures weigh most), so filing only them keeps the index small without
    losing the neighbours that matter. `weights` (each term's `idf`) saves working
    them out again when the caller has them.
    """
    if weights is None:
        weights = {t: idf(df.get(t, 0), documents, background_share(t)) for t in terms}
    ranked = sorted(terms, key=lambda t: (-terms[t] * weights[t], t))
    return ranked[:SIGNATURE_TERMS]


def story_ranking(candidates: Iterable[K], story_of: Mapping[K, S]) -> list[S]:
    """Stories in the order their members first appear among ranked candidates."""
    ranked: dict[S, None] = {}
    for key in candidates:
        story = story_of.get(key)
        if story is not None:
            ranked.setdefault(story)
    return list(ranked)


def average_links(
    similarities: Mapping[K, float],
    story_of: Mapping[K, S],
    story_size: Mapping[S, int],
    exclude: K | None = None,
) -> dict[S, float]:
    """Mean resemblance to each story's members (members not listed count as zero).

    A long-running story is judged by its latest MEMBERS_CHECKED members: news
    moves on, and a newcomer should resemble what the story is now.
    """
    totals: dict[S, float] = defaultdict(float)
    for key, similarity in similarities.items():
        totals[story_of[key]] += similarity
    own = story_of.get(exclude) if exclude is not None else None
    result = {}
    for story, total in totals.items():
        size = min(
            story_size[story] - (1 if own is not None and own == story else 0), MEMBERS_CHECKED
        )
        if size > 0:
            result[story] = total / size
    return result


def choose_story(links: Mapping[S, float], threshold: float) -> S | None:
    """The story with the highest average link, if it reaches the threshold."""
    if not links:
        return None
    best = max(links.values())
    if best < threshold:
        return None
    return next(story for story, link in links.items() if link == best)


def shared_terms(vectors: Iterable[Mapping[K, float]]) -> list[K]:
    """Terms used by at least two of the vectors: the only ones a cosine between them sees."""
    users = Counter(term for vector in vectors for term in vector)
    return [term for term, count in users.items() if count > 1]


def similarity_matrix(
    vectors: Sequence[Mapping[K, float]],
    weights: Mapping[K, float],
    norms: Sequence[float],
    days: Sequence[int | None],
) -> NDArray[numpy.float64]:
    """Date-adjusted cosines between every pair of a few articles, as a square matrix.

    `weights` (IDF) need only cover the `shared_terms` of the vectors; the
    norms are the articles' full vector lengths. The diagonal is zero: an
    article is not its own neighbour.
    """
    import numpy as np

    count = len(vectors)
    column = {term: i for i, term in enumerate(weights)}
    matrix = np.zeros((count, max(1, len(column))))
    for row, vector in enumerate(vectors):
        for term, value in vector.items():
            place = column.get(term)
            if place is not None:
                matrix[row, place] = value * weights[term]
    lengths = np.asarray(norms, dtype=float)
    safe = np.where(lengths > 0, lengths, 1.0)
    sims = (matrix @ matrix.T) / np.outer(safe, safe)
    sims[lengths <= 0, :] = 0.0
    sims[:, lengths <= 0] = 0.0
    sims *= date_matrix(days)
    np.fill_diagonal(sims, 0.0)
    return sims


def date_matrix(days: Sequence[int | None]) -> NDArray[numpy.float64]:
    """`date_factor` between every pair of the given days, as a square matrix."""
    import numpy as np

    known = np.array([d is not None for d in days], dtype=bool)
    count = len(days)
    if known.sum() < 2:
        return np.ones((count, count))
    stamp = np.array([d if d is not None else 0 for d in days], dtype=float)
    gap = np.abs(stamp[:, None] - stamp[None, :])
    fade = np.maximum(DATE_FLOOR, 1.0 / (1.0 + (gap - SAME_NEWS_DAYS) / DATE_HALF_LIFE))
    return np.where((gap <= SAME_NEWS_DAYS) | ~np.outer(known, known), 1.0, fade)


def average_link_groups(sims: NDArray[numpy.float64], threshold: float) -> list[int]:
    """Agglomerative clustering by average link: a group label for each row of `sims`.

    The two groups whose members resemble each other most on average are
    joined while that average reaches the threshold. Cubic in the number of
    articles, so it is only run on a story's neighbourhood, never a whole store.
    """
    import numpy as np

    count = len(sims)
    labels = list(range(count))
    if count < 2:
        return labels
    totals = np.array(sims, dtype=float)
    sizes = np.ones(count)
    alive = np.ones(count, dtype=bool)
    while True:
        average = totals / np.outer(sizes, sizes)
        average[~alive, :] = -1.0
        average[:, ~alive] = -1.0
        np.fill_diagonal(average, -1.0)
        keep, gone = divmod(int(np.argmax(average)), count)
        if average[keep, gone] < threshold:
            break
        totals[keep, :] += totals[gone, :]
        totals[:, keep] += totals[:, gone]
        totals[gone, :] = 0.0
        totals[:, gone] = 0.0
        sizes[keep] += sizes[gone]
        alive[gone] = False
        labels = [keep if label == gone else label for label in labels]
    return labels


def settle_groups(
    sims: NDArray[numpy.float64], labels: Sequence[int], threshold: float
) -> list[int]:
    """Move each article (in order) to the group it resembles most on average.

    An article that resembles its own group less than the threshold leaves it
    for a group of its own; a few rounds, as in `StoryIndex.refine`.
    """
    import numpy as np

    result = np.array(labels, dtype=int)
    count = len(result)
    spare = int(result.max()) + 1 if count else 0
    for _ in range(SETTLE_ROUNDS):
        moved = 0
        for i in range(count):
            current = int(result[i])
            sizes = np.bincount(result, minlength=spare + 1).astype(float)
            totals = np.bincount(result, weights=sims[i], minlength=spare + 1)
            sizes[current] -= 1
            links = np.divide(totals, sizes, out=np.zeros_like(totals), where=sizes > 0)
            stay = float(links[current])
            links[current] = -1.0
            best = int(np.argmax(links))
            target = current
            if links[best] > stay and links[best] >= threshold:
                target = best
            elif stay < threshold and sizes[current] > 0:
                target = spare
                spare += 1
            if target != current:
                result[i] = target
                moved += 1
        if not moved:
            break
    return [int(label) for label in result]


def regroup_due(size: int) -> bool:
    """Whether a story that grew to `size` (touching no other) is regrouped now.

    A split shows only once the second event has several reports, so a story
    touching no other is regrouped while small and then each time it has grown
    by about a quarter: the total cost per story stays near linear in its size.
    """
    if size <= REGROUP_ALWAYS:
        return True
    step = math.log(REGROUP_GROWTH)
    return int(math.log(size) / step) != int(math.log(size - 1) / step)


def regroup(sims: NDArray[numpy.float64], threshold: float) -> list[int]:
    """Group a neighbourhood afresh: average link, then each article settles where it fits best."""
    return settle_groups(sims, average_link_groups(sims, threshold), threshold)


def carry_over(old: Sequence[S], labels: Sequence[int]) -> dict[int, S | None]:
    """Which existing story each new group continues (None: a new story).

    The group sharing most members with a story keeps that story's key, so
    keys stay stable and members outside the regrouped window stay with it.
    """
    overlap = Counter(zip(labels, old, strict=True))
    first = {pair: i for i, pair in reversed(list(enumerate(zip(labels, old, strict=True))))}
    result: dict[int, S | None] = {}
    used: set[S] = set()
    for (label, story), _ in sorted(overlap.items(), key=lambda kv: (-kv[1], first[kv[0]])):
        if label not in result and story not in used:
            result[label] = story
            used.add(story)
    for label in labels:
        result.setdefault(label, None)
    return result


@dataclass
class _Entry:
    key: str
    features: Features
    order: int
    norm: float = 0.0
    norm_documents: int = 0
    neighbours: dict[str, float] = field(default_factory=dict)
    duplicate_of: str | None = None


class StoryIndex:
    """An in-memory, incremental story index: add articles one by one, ask for related ones."""

    def __init__(self, threshold: float = JOIN_THRESHOLD) -> None:
        self.threshold = threshold
        self._entries: dict[str, _Entry] = {}
        self._postings: dict[str, list[str]] = defaultdict(list)
        self._df: Counter[str] = Counter()
        self._story_of: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._next_story = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def _weights(self, terms: Iterable[str]) -> dict[str, float]:
        n = len(self._entries)
        return {t: idf(self._df.get(t, 0), n, background_share(t)) for t in terms}

    def _norm(self, features: Features) -> float:
        return vector_norm(features.terms, self._weights(features.terms))

    def _fresh(self, entry: _Entry) -> _Entry:
        """Recompute an article's norm once the collection has grown past twice its size then."""
        if norm_is_stale(entry.norm_documents, len(self._entries)):
            entry.norm = self._norm(entry.features)
            entry.norm_documents = len(self._entries)
        return entry

    def _candidates(self, features: Features, own: str | None) -> list[str]:
        n = max(1, len(self._entries))
        found: dict[str, float] = defaultdict(float)
        for term in query_terms(features.terms, self._df, n):
            weight = idf(self._df[term], n, background_share(term))
            for key in self._postings[term][-POSTINGS_PER_TERM:]:
                if key != own:
                    found[key] += weight
        return [key for key, _ in heapq.nlargest(CANDIDATES, found.items(), key=itemgetter(1))]

    def similarities(self, key: str) -> dict[str, float]:
        """Date-adjusted resemblance of a stored article to its candidate neighbours."""
        entry = self._entries[key]
        return self._score(entry.features, entry.norm, key)

    def _with_story_members(self, candidates: list[str], own: str | None) -> list[str]:
        """Candidates plus the other members of the stories they lead to.

        Average link needs the resemblance to every member of a story; a member
        the inverted index did not return would otherwise count as zero.
        """
        stories = story_ranking(candidates, self._story_of)[:STORIES_CHECKED]
        seen = set(candidates)
        result = list(candidates)
        for story in stories:
            for key in self._members[story][-MEMBERS_CHECKED:]:
                if key not in seen and key != own:
                    seen.add(key)
                    result.append(key)
        return result

    def _score(
        self,
        features: Features,
        norm: float,
        own: str | None,
        known: Mapping[str, dict[str, float]] | None = None,
    ) -> dict[str, float]:
        """Resemblance to candidates; `known` holds pairs already scored in this pass."""
        if norm <= 0:
            return {}
        candidates = self._candidates(features, own)
        weights = self._weights(features.terms)
        query = {t: v * weights[t] ** 2 for t, v in features.terms.items()}
        result = {}
        for other_key in self._with_story_members(candidates, own):
            if known is not None and own is not None:
                earlier = known.get(other_key, {}).get(own)
                if earlier is not None:
                    result[other_key] = earlier
                    continue
            other = self._fresh(self._entries[other_key])
            if other.norm <= 0:
                continue
            terms = other.features.terms
            dot = sum(query[t] * terms[t] for t in query.keys() & terms.keys())
            similarity = dot / (norm * other.norm) * date_factor(features.day, other.features.day)
            if similarity > 0:
                result[other_key] = similarity
        return result

    def add(
        self,
        key: str,
        title: str | None,
        body: str,
        published: datetime | date | None = None,
    ) -> str:
        """Index one article; return the key of the story it joins or starts."""
        if key in self._entries:
            return self._story_of[key]
        features = extract_features(title, body, published)
        return self.add_features(key, features)

    def add_features(self, key: str, features: Features) -> str:
        """Index an article whose features are already extracted."""
        entry = _Entry(key, features, len(self._entries))
        for term in features.terms:
            self._df[term] += 1
        self._entries[key] = entry
        for term in signature(features.terms, self._df, len(self._entries)):
            self._postings[term].append(key)
        entry.norm = self._norm(features)
        entry.norm_documents = len(self._entries)
        entry.neighbours = self._score(features, entry.norm, key)
        for other_key, similarity in entry.neighbours.items():
            self._entries[other_key].neighbours[key] = similarity
        entry.duplicate_of = self._duplicate_of(entry)
        story = self._best_story(key)
        if story is None:
            story = f"s{self._next_story}"
            self._next_story += 1
            self._members[story] = []
        self._story_of[key] = story
        self._members[story].append(key)
        self._regroup_around(key)
        return self._story_of[key]

    def _duplicate_of(self, entry: _Entry) -> str | None:
        for other_key, similarity in sorted(entry.neighbours.items(), key=lambda kv: -kv[1]):
            if similarity < 0.5:
                break
            other = self._entries[other_key]
            if other.order < entry.order and is_duplicate(
                entry.features.sketch, other.features.sketch
            ):
                return other.duplicate_of or other_key
        return None

    def _links(self, key: str) -> dict[str, float]:
        entry = self._entries[key]
        known = {k: s for k, s in entry.neighbours.items() if k in self._story_of}
        sizes = {
            story: len(self._members[story])
            for story in map(self._story_of.get, known)
            if story is not None
        }
        return average_links(known, self._story_of, sizes, exclude=key)

    def _best_story(self, key: str) -> str | None:
        entry = self._entries[key]
        if entry.duplicate_of is not None and entry.duplicate_of in self._story_of:
            return self._story_of[entry.duplicate_of]
        return choose_story(self._links(key), self.threshold)

    def _regroup_around(self, key: str) -> None:
        """Regroup the stories the newcomer touches (see REGROUP_MEMBERS): the local repair.

        Costs a few of those stories' latest members squared, whatever the
        size of the collection.
        """
        story = self._story_of[key]
        hints = sorted(
            (link, other)
            for other, link in self._links(key).items()
            if other != story and link >= self.threshold * MERGE_HINT
        )
        touched = [story] + [other for _, other in reversed(hints[-(REGROUP_STORIES - 1) :])]
        if len(touched) == 1 and not regroup_due(len(self._members[story])):
            return
        window = sorted(
            {member for s in touched for member in self._members[s][-REGROUP_MEMBERS:]},
            key=lambda k: self._entries[k].order,
        )
        if len(window) < 3:
            return
        entries = [self._fresh(self._entries[k]) for k in window]
        vectors = [entry.features.terms for entry in entries]
        sims = similarity_matrix(
            vectors,
            self._weights(shared_terms(vectors)),
            [entry.norm for entry in entries],
            [entry.features.day for entry in entries],
        )
        labels = regroup(sims, self.threshold)
        continues = carry_over([self._story_of[k] for k in window], labels)
        fresh: dict[int, str] = {}
        changed: set[str] = set()
        for member, label in zip(window, labels, strict=True):
            target = continues[label]
            if target is None:
                if label not in fresh:
                    fresh[label] = f"s{self._next_story}"
                    self._next_story += 1
                    self._members[fresh[label]] = []
                target = fresh[label]
            current = self._story_of[member]
            if target == current:
                continue
            self._members[current].remove(member)
            self._members[target].append(member)
            self._story_of[member] = target
            changed.update((current, target))
        for changed_story in changed:
            if not self._members[changed_story]:
                del self._members[changed_story]
            else:
                self._members[changed_story].sort(key=lambda k: self._entries[k].order)

    def refine(self, rounds: int = 3) -> int:
        """Recompute weights with the whole collection and settle each article in its best story.

        Early articles were weighed with few documents seen and joined before
        their later neighbours existed; this pass moves each article to the
        story it resembles most now, and returns how many moved.
        """
        documents = len(self._entries)
        self._postings.clear()
        for entry in self._entries.values():
            entry.norm = self._norm(entry.features)
            entry.norm_documents = documents
            for term in signature(entry.features.terms, self._df, documents):
                self._postings[term].append(entry.key)
        # Each pair is scored once: the second article of a pair reuses the first's result.
        rescored: dict[str, dict[str, float]] = {}
        for entry in self._entries.values():
            rescored[entry.key] = self._score(entry.features, entry.norm, entry.key, rescored)
        for entry in self._entries.values():
            entry.neighbours = rescored[entry.key]
        for entry in self._entries.values():
            for other_key, similarity in entry.neighbours.items():
                self._entries[other_key].neighbours.setdefault(entry.key, similarity)
        moved_total = self._settle(rounds)
        self._merge_stories()
        return moved_total + self._settle(rounds)

    def _merge_stories(self) -> None:
        """Join stories whose members resemble each other on average (average link)."""
        while True:
            cross: dict[tuple[str, str], float] = defaultdict(float)
            for entry in self._entries.values():
                own = self._story_of[entry.key]
                for other_key, similarity in entry.neighbours.items():
                    other = self._story_of[other_key]
                    if own < other:
                        cross[(own, other)] += similarity
            # Each link was seen from both ends only when both ends list each other.
            links = sorted(
                (
                    (total / (len(self._members[a]) * len(self._members[b])), a, b)
                    for (a, b), total in cross.items()
                ),
                reverse=True,
            )
            merged: set[str] = set()
            for link, a, b in links:
                if link < self.threshold:
                    break
                if a in merged or b in merged:
                    continue
                merged.update((a, b))
                for key in self._members[b]:
                    self._story_of[key] = a
                self._members[a].extend(self._members.pop(b))
            if not merged:
                return

    def _settle(self, rounds: int) -> int:
        moved_total = 0
        for _ in range(rounds):
            moved = 0
            for entry in sorted(self._entries.values(), key=lambda e: e.order):
                current = self._story_of[entry.key]
                links = self._links(entry.key)
                stay = links.get(current, 0.0)
                best, best_link = max(
                    links.items(), key=lambda kv: (kv[1], kv[0]), default=(current, 0.0)
                )
                target: str | None = current
                if best != current and best_link > stay and best_link >= self.threshold:
                    target = best
                elif stay < self.threshold and len(self._members[current]) > 1:
                    target = None
                if target == current:
                    continue
                self._members[current].remove(entry.key)
                if not self._members[current]:
                    del self._members[current]
                if target is None:
                    target = f"s{self._next_story}"
                    self._next_story += 1
                    self._members[target] = []
                self._members[target].append(entry.key)
                self._story_of[entry.key] = target
                moved += 1
            moved_total += moved
            if not moved:
                break
        return moved_total

    def features_of(self, key: str) -> Features:
        return self._entries[key].features

    def document_frequencies(self) -> Mapping[str, int]:
        """How many indexed articles use each term (the basis of IDF)."""
        return self._df

    def story_of(self, key: str) -> str:
        return self._story_of[key]

    def members(self, story: str) -> list[str]:
        return list(self._members.get(story, ()))

    def stories(self) -> dict[str, list[str]]:
        return {story: list(members) for story, members in self._members.items()}

    def duplicate_of(self, key: str) -> str | None:
        return self._entries[key].duplicate_of

    def related(self, key: str, k: int = 10) -> list[Match]:
        """The other articles of this article's story, most similar first."""
        entry = self._entries[key]
        story = self._story_of[key]
        others = [m for m in self._members[story] if m != key]
        if not others:
            return []
        weights = self._weights(entry.features.terms)
        scored = []
        for other_key in others:
            other = self._entries[other_key]
            similarity = entry.neighbours.get(other_key)
            if similarity is None:
                similarity = cosine(
                    entry.features.terms, other.features.terms, weights, entry.norm, other.norm
                ) * date_factor(entry.features.day, other.features.day)
            scored.append((similarity, -other.order, other_key))
        scored.sort(reverse=True)
        result = []
        for similarity, _, other_key in scored[:k]:
            other = self._entries[other_key]
            duplicate = same_text(key, entry.duplicate_of, other_key, other.duplicate_of)
            result.append(
                Match(
                    key=other_key,
                    score=round(similarity, 4),
                    reason=reason_for(entry.features, other.features),
                    duplicate=duplicate,
                )
            )
        return result


@dataclass(frozen=True)
class CollectionStory:
    """One article's place in a collection: its story key and related articles, best first."""

    story: str
    related: tuple[str, ...]
    duplicate_of: str | None = None


def arrival_order(stamps: Sequence[float | None]) -> list[int]:
    """Positions in the order articles would have arrived: dated ones by date, in their slots.

    Articles with a time are put in time order among the places dated articles
    occupy; undated ones keep their place, since nothing says when they came.
    """
    slots = [i for i, stamp in enumerate(stamps) if stamp is not None]
    by_date = sorted(slots, key=lambda i: (stamps[i], i))
    order = list(range(len(stamps)))
    for slot, position in zip(slots, by_date, strict=True):
        order[slot] = position
    return order


def arrival_stamp(published: datetime | date | None, features: Features) -> float | None:
    """When an article appeared, in days: its publication time, else its dateline's day."""
    if isinstance(published, datetime):
        stamp = published if published.tzinfo else published.replace(tzinfo=UTC)
        return stamp.timestamp() / 86400.0
    return None if features.day is None else float(features.day) - _EPOCH_ORDINAL


def group_collection(
    items: Sequence[tuple[str, Article]], threshold: float = JOIN_THRESHOLD, k: int = 10
) -> dict[str, CollectionStory]:
    """Group a fixed collection into stories, as a store would while saving it, then settle.

    Keys are the caller's names for the articles (file paths); repeated keys count once.
    """
    index = StoryIndex(threshold=threshold)
    unique: dict[str, Article] = {}
    for key, article in items:
        unique.setdefault(key, article)
    keys = list(unique)
    features = [
        extract_features(unique[key].title, unique[key].body, unique[key].published) for key in keys
    ]
    stamps = [
        arrival_stamp(unique[key].published, f) for key, f in zip(keys, features, strict=True)
    ]
    for position in arrival_order(stamps):
        index.add_features(keys[position], features[position])
    index.refine()
    names: dict[str, str] = {}
    result = {}
    for key in keys:
        story = index.story_of(key)
        # Name a story after its first member in the input, so keys read the same across runs.
        label = names.setdefault(story, f"story-{len(names) + 1}")
        result[key] = CollectionStory(
            story=label,
            related=tuple(match.key for match in index.related(key, k)),
            duplicate_of=index.duplicate_of(key),
        )
    return result
