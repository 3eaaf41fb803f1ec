"""Related stories kept in the article database, updated as each article is saved.

The method is the one `briefing.analysis.related` describes (TF-IDF with names
and figures weighed up, average link to a story's members, a date-aware
resemblance, wire copy flagged as duplicates); this module stores its index in
tables prefixed `related_` so that nothing is recomputed when the reader starts:

- `related_terms`: every term seen, with the number of articles using it and, for an
  everyday word, its `background_share` (for IDF);
- `related_postings`: each article filed under its signature terms (inverted index);
- `related_docs`: per article its story, date, packed term vector, names, figures,
  text sketch and the article it duplicates, if any;
- `related_stories`: each story's number of articles.

Functions take a connection and leave transactions to the caller: `index_article`
(or `index_hook`) runs inside the store's saving transaction for one article;
`index_articles` (or an `IndexBatch` collecting what a save reports) files many
saved articles in one call, sharing the term counts and the rows it reads.
Nothing here fetches or draws.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from briefing.analysis.related import (
    BACKGROUND_DOCUMENTS,
    CANDIDATES,
    DUPLICATE_SIMILARITY,
    EMPTY_BUCKET,
    JOIN_THRESHOLD,
    MEMBERS_CHECKED,
    MERGE_HINT,
    POSTINGS_PER_TERM,
    REGROUP_MEMBERS,
    REGROUP_STORIES,
    STORIES_CHECKED,
    Features,
    StoryIndex,
    arrival_order,
    arrival_stamp,
    average_links,
    background_share,
    carry_over,
    choose_story,
    cosine,
    date_factor,
    date_matrix,
    extract_features,
    idf,
    is_duplicate,
    norm_is_stale,
    query_terms,
    reason_for,
    regroup,
    regroup_due,
    same_text,
    signature,
    story_ranking,
    vector_norm,
)
from briefing.models import Article, RelatedRow
from briefing.store.rows import parameter_chunks

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "IndexBatch",
    "StoryInfo",
    "duplicate_of",
    "ensure_schema",
    "forget_article",
    "index_article",
    "index_articles",
    "index_hook",
    "rebuild",
    "related",
    "story_info",
    "story_key",
    "story_members",
    "story_of",
    "unfiled",
    "unindexed",
]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS related_terms (
        id INTEGER PRIMARY KEY,
        term TEXT NOT NULL UNIQUE,
        df INTEGER NOT NULL DEFAULT 0,
        share REAL NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE IF NOT EXISTS related_postings (
        term_id INTEGER NOT NULL,
        article_id INTEGER NOT NULL,
        PRIMARY KEY (term_id, article_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS related_docs (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        story INTEGER NOT NULL,
        day INTEGER,
        norm REAL NOT NULL,
        norm_documents INTEGER NOT NULL,
        terms BLOB NOT NULL,
        signature BLOB NOT NULL,
        sketch BLOB NOT NULL,
        names TEXT NOT NULL,
        figures TEXT NOT NULL,
        duplicate_of INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS related_docs_story ON related_docs(story, article_id)",
    # Story of an article without reading its row's feature blobs (the grouped list count).
    "CREATE INDEX IF NOT EXISTS related_docs_article_story ON related_docs(article_id, story)",
    "CREATE INDEX IF NOT EXISTS related_docs_duplicate ON related_docs(duplicate_of)"
    " WHERE duplicate_of IS NOT NULL",
    """CREATE TABLE IF NOT EXISTS related_stories (
        story INTEGER PRIMARY KEY,
        size INTEGER NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS related_meta (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    )""",
)
_DOCUMENTS = "documents"
_TABLES = (
    "related_terms",
    "related_postings",
    "related_docs",
    "related_stories",
    "related_meta",
)


@dataclass(frozen=True)
class StoryInfo:
    """What the story list shows for one article: its story, its size and its outlets."""

    story: str
    size: int
    outlets: int
    duplicate_of: int | None = None


@dataclass
class _Doc:
    """An indexed article as read back; its vector is unpacked only when needed."""

    article_id: int
    story: int
    day: int | None
    norm: float
    packed_terms: bytes
    packed_sketch: bytes
    duplicate_of: int | None
    norm_documents: int = 0
    _terms: dict[int, float] | None = None

    @property
    def terms(self) -> dict[int, float]:
        if self._terms is None:
            self._terms = _unpack_terms(self.packed_terms)
        return self._terms

    @property
    def sketch(self) -> tuple[int, ...]:
        return _unpack_ints(self.packed_sketch)


def _term_arrays(docs: Sequence[_Doc]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """All the docs' term ids and weights end to end, with the position of the doc of each.

    The packed halves are joined as bytes and read once: far cheaper than an
    array per doc when a newcomer is scored against dozens of stored articles.
    """
    import numpy as np

    halves = [len(doc.packed_terms) // 2 for doc in docs]
    ids = np.frombuffer(
        b"".join(doc.packed_terms[:half] for doc, half in zip(docs, halves, strict=True)),
        dtype=np.uint32,
    ).astype(np.int64)
    weights = np.frombuffer(
        b"".join(doc.packed_terms[half:] for doc, half in zip(docs, halves, strict=True)),
        dtype=np.float32,
    ).astype(np.float64)
    owner = np.repeat(np.arange(len(docs)), [half // 4 for half in halves])
    return ids, weights, owner


def _idf_array(counts: Sequence[tuple[int, float]], documents: int) -> NDArray[Any]:
    """`idf` of many (document frequency, background share) pairs at once."""
    import numpy as np

    pairs = np.asarray(counts, dtype=float).reshape(-1, 2)
    own = np.log((documents + 1) / (pairs[:, 0] + 0.5))
    shares = pairs[:, 1]
    known = shares > 0
    background = -np.log(np.where(known, shares, 1.0))
    pull = BACKGROUND_DOCUMENTS / (documents + BACKGROUND_DOCUMENTS)
    return np.where(known, own - pull * np.maximum(0.0, own - background), own)


def _cosines_to(
    docs: Sequence[_Doc], weighted_query: dict[int, float], query_norm: float
) -> list[float]:
    """Cosine of each doc with a query whose counts are already multiplied by IDF squared.

    Vectorised: one pass over all the docs' packed terms instead of a dict per doc.
    """
    import numpy as np

    if not docs or query_norm <= 0 or not weighted_query:
        return [0.0] * len(docs)
    ids, weights, owner = _term_arrays(docs)
    query_ids = np.fromiter(weighted_query.keys(), dtype=np.int64, count=len(weighted_query))
    query_weights = np.fromiter(
        weighted_query.values(), dtype=np.float64, count=len(weighted_query)
    )
    # A table indexed by term id up to the query's largest: one gather per stored term.
    table = np.zeros(int(query_ids.max()) + 2)
    table[query_ids] = query_weights
    dots = np.bincount(
        owner, weights=weights * table[np.minimum(ids, len(table) - 1)], minlength=len(docs)
    )
    norms = np.array([doc.norm for doc in docs])
    result = np.where(norms > 0, dots / (query_norm * np.where(norms > 0, norms, 1.0)), 0.0)
    return [float(value) for value in result]


def _doc_similarities(
    conn: sqlite3.Connection, docs: Sequence[_Doc], documents: int, cache: _Cache
) -> NDArray[Any]:
    """Date-adjusted cosines between every pair of docs under today's IDF (square matrix)."""
    import numpy as np

    ids, weights, owner = _term_arrays(docs)
    terms, column, users = np.unique(ids, return_inverse=True, return_counts=True)
    shared = users > 1
    wanted = [int(t) for t in terms[shared]]
    counts = cache.frequencies(conn, wanted)
    idf_of = _idf_array([counts.get(t, _UNSEEN) for t in wanted], documents)
    shared_column = np.cumsum(shared) - 1
    keep = shared[column]
    matrix = np.zeros((len(docs), max(1, int(shared.sum()))))
    where = shared_column[column[keep]]
    matrix[owner[keep], where] = weights[keep] * idf_of[where]
    norms = np.array([doc.norm for doc in docs])
    safe = np.where(norms > 0, norms, 1.0)
    sims = (matrix @ matrix.T) / np.outer(safe, safe)
    sims[norms <= 0, :] = 0.0
    sims[:, norms <= 0] = 0.0
    sims *= date_matrix([doc.day for doc in docs])
    np.fill_diagonal(sims, 0.0)
    return sims


def ensure_schema(conn: sqlite3.Connection) -> None:
    """Create the related-stories tables when missing; safe to call on every open.

    Tables from an older layout of this index are dropped and made afresh: the
    index is derived data, and `unindexed` + `rebuild` restore it from the articles.
    """
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(related_docs)")}
    if columns and "norm_documents" not in columns:
        for table in _TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _SCHEMA:
        conn.execute(statement)
    terms = {str(row[1]) for row in conn.execute("PRAGMA table_info(related_terms)")}
    if "share" not in terms:
        _add_background_shares(conn)


def _add_background_shares(conn: sqlite3.Connection) -> None:
    """Give an index made before words were weighed against ordinary English their shares.

    Cheaper than filing every article again; vector lengths stored before
    catch up as they are refreshed (`norm_is_stale`).
    """
    conn.execute("ALTER TABLE related_terms ADD COLUMN share REAL NOT NULL DEFAULT 0")
    updates = []
    for term_id, term in conn.execute("SELECT id, term FROM related_terms"):
        share = background_share(str(term))
        if share > 0:
            updates.append((share, int(term_id)))
    conn.executemany("UPDATE related_terms SET share = ? WHERE id = ?", updates)


def unindexed(conn: sqlite3.Connection, limit: int = 10_000) -> list[int]:
    """Stored articles not in the index yet (saved before indexing existed), oldest first."""
    rows = conn.execute(
        "SELECT a.id FROM articles a LEFT JOIN related_docs d ON d.article_id = a.id "
        "WHERE d.article_id IS NULL ORDER BY a.id LIMIT ?",
        (limit,),
    ).fetchall()
    return [int(row[0]) for row in rows]


def unfiled(conn: sqlite3.Connection, article_ids: Sequence[int]) -> list[int]:
    """Those of these articles not in the index, in the order given."""
    filed: set[int] = set()
    for chunk, marks in parameter_chunks(list(article_ids)):
        filed.update(
            int(row[0])
            for row in conn.execute(
                f"SELECT article_id FROM related_docs WHERE article_id IN ({marks})", chunk
            )
        )
    return [article_id for article_id in article_ids if article_id not in filed]


def story_key(story: int) -> str:
    """The key the UI and scripts see for a story (stable: its first article's id)."""
    return f"story-{story}"


# -- packing ------------------------------------------------------------------------------


def _pack_terms(terms: dict[int, float]) -> bytes:
    ids = array("I", terms.keys())
    weights = array("f", terms.values())
    return ids.tobytes() + weights.tobytes()


def _unpack_terms(blob: bytes) -> dict[int, float]:
    half = len(blob) // 2
    ids = array("I")
    ids.frombytes(blob[:half])
    weights = array("f")
    weights.frombytes(blob[half:])
    return dict(zip(ids, weights, strict=True))


def _pack_ints(values: Iterable[int]) -> bytes:
    return array("I", values).tobytes()


def _unpack_ints(blob: bytes) -> tuple[int, ...]:
    values = array("I")
    values.frombytes(blob)
    return tuple(values)


def _doc(row: sqlite3.Row | tuple[Any, ...]) -> _Doc:
    article_id, story, day, norm, norm_documents, terms, sketch, duplicate = tuple(row)[:8]
    return _Doc(
        article_id=int(article_id),
        story=int(story),
        day=None if day is None else int(day),
        norm=float(norm),
        norm_documents=int(norm_documents),
        packed_terms=bytes(terms),
        packed_sketch=bytes(sketch),
        duplicate_of=None if duplicate is None else int(duplicate),
    )


def _refresh_norms(
    conn: sqlite3.Connection, docs: Iterable[_Doc], documents: int, cache: _Cache | None = None
) -> None:
    """Recompute the vector lengths computed when the store was under half its size."""
    stale = [doc for doc in docs if norm_is_stale(doc.norm_documents, documents)]
    if not stale:
        return
    import numpy as np

    ids, weights, owner = _term_arrays(stale)
    terms, column = np.unique(ids, return_inverse=True)
    wanted = [int(t) for t in terms]
    counts = cache.frequencies(conn, wanted) if cache else _frequencies(conn, wanted)
    weighted = weights * _idf_array([counts.get(t, _UNSEEN) for t in wanted], documents)[column]
    norms = np.sqrt(np.bincount(owner, weights=weighted * weighted, minlength=len(stale)))
    for doc, norm in zip(stale, norms, strict=True):
        doc.norm = float(norm)
        doc.norm_documents = documents
    conn.executemany(
        "UPDATE related_docs SET norm = ?, norm_documents = ? WHERE article_id = ?",
        [(doc.norm, documents, doc.article_id) for doc in stale],
    )


_DOC_COLUMNS = "article_id, story, day, norm, norm_documents, terms, sketch, duplicate_of"


# -- counts -------------------------------------------------------------------------------


def _documents(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM related_meta WHERE name = ?", (_DOCUMENTS,)).fetchone()
    return int(row[0]) if row else 0


def _add_documents(conn: sqlite3.Connection, change: int) -> None:
    conn.execute(
        # excluded.value is already clamped at zero, so the change is passed again for the
        # update: taking an article out must lower the count.
        "INSERT INTO related_meta (name, value) VALUES (?, max(0, ?)) "
        "ON CONFLICT(name) DO UPDATE SET value = max(0, value + ?)",
        (_DOCUMENTS, change, change),
    )


def _count_terms(conn: sqlite3.Connection, terms: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Add each use of a term to its document frequency; return term -> (id, new frequency).

    A term listed n times (used by n articles of a batch) gains n.
    """
    return {term: (term_id, df) for term, (term_id, df, _share) in _counted(conn, terms).items()}


def _counted(conn: sqlite3.Connection, terms: Iterable[str]) -> dict[str, tuple[int, int, float]]:
    """`_count_terms` with each term's `background_share` as well: term -> (id, df, share)."""
    uses = Counter(list(terms))  # a mapping would count its values, not its keys
    wanted = [(term, count, background_share(term)) for term, count in uses.items()]
    shares = {term: share for term, _count, share in wanted}
    result = {}
    for start in range(0, len(wanted), 300):
        chunk = wanted[start : start + 300]
        rows = conn.execute(
            "INSERT INTO related_terms (term, df, share) VALUES "
            + ",".join("(?, ?, ?)" for _ in chunk)
            + " ON CONFLICT(term) DO UPDATE SET df = df + excluded.df RETURNING term, id, df",
            [value for pair in chunk for value in pair],
        ).fetchall()
        for term, term_id, df in rows:
            result[str(term)] = (int(term_id), int(df), shares[str(term)])
    return result


class _Terms:
    """The counted terms of a batch with each one's `idf`, worked out once per batch.

    Every article of a batch is weighed by the same counts (those after the
    batch), so a term's weight is the same for all of them: a batch of one
    feed's articles shares most of its words, and each is weighed only once.
    """

    def __init__(self, counted: Mapping[str, tuple[int, int, float]], documents: int) -> None:
        self.documents = documents
        self._counted = counted
        self._known: dict[str, tuple[int, int, float]] = {}

    def of(self, terms: Iterable[str]) -> list[tuple[int, int, float]]:
        """(id, document frequency, idf) of each term, in order."""
        known = self._known
        result = []
        for term in terms:
            row = known.get(term)
            if row is None:
                term_id, df, share = self._counted[term]
                row = known[term] = (term_id, df, idf(df, self.documents, share))
            result.append(row)
        return result


# A term id with no row: used by no article, and no everyday word.
_UNSEEN = (0, 0.0)


def _frequencies(conn: sqlite3.Connection, term_ids: Sequence[int]) -> dict[int, tuple[int, float]]:
    """Term id -> (document frequency, `background_share`) for the `idf` of stored terms."""
    result: dict[int, tuple[int, float]] = {}
    for chunk, marks in parameter_chunks(term_ids):
        for term_id, df, share in conn.execute(
            f"SELECT id, df, share FROM related_terms WHERE id IN ({marks})", chunk
        ):
            result[int(term_id)] = (int(df), float(share))
    return result


# -- loading ------------------------------------------------------------------------------


def _load_docs(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, _Doc]:
    result: dict[int, _Doc] = {}
    for chunk, marks in parameter_chunks(ids):
        for row in conn.execute(
            f"SELECT {_DOC_COLUMNS} FROM related_docs WHERE article_id IN ({marks})", chunk
        ):
            doc = _doc(row)
            result[doc.article_id] = doc
    return result


class _Cache:
    """Rows and term frequencies read while indexing, reused by later articles of a batch.

    Valid while nothing else writes the index: term frequencies are counted
    for the whole batch before its first article is placed, and every change
    of story made while placing goes through the cached rows.
    """

    def __init__(self) -> None:
        self.docs: dict[int, _Doc] = {}
        self.df: dict[int, tuple[int, float]] = {}

    def load(self, conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, _Doc]:
        wanted = list(ids)
        missing = [i for i in wanted if i not in self.docs]
        if missing:
            self.docs.update(_load_docs(conn, missing))
        return {i: self.docs[i] for i in wanted if i in self.docs}

    def frequencies(
        self, conn: sqlite3.Connection, term_ids: Iterable[int]
    ) -> dict[int, tuple[int, float]]:
        """Term id -> (document frequency, background share), as `_frequencies`."""
        wanted = list(term_ids)
        missing = [t for t in wanted if t not in self.df]
        if missing:
            found = _frequencies(conn, missing)
            self.df.update({t: found.get(t, _UNSEEN) for t in missing})
        return {t: self.df[t] for t in wanted}


def _members(conn: sqlite3.Connection, story: int, limit: int) -> list[int]:
    """A story's latest members (highest ids last, as they arrived)."""
    rows = conn.execute(
        "SELECT article_id FROM related_docs WHERE story = ? ORDER BY article_id DESC LIMIT ?",
        (story, limit),
    ).fetchall()
    return [int(row[0]) for row in reversed(rows)]


def _story_sizes(conn: sqlite3.Connection, stories: Iterable[int]) -> dict[int, int]:
    wanted = list(set(stories))
    result: dict[int, int] = {}
    for chunk, marks in parameter_chunks(wanted):
        for story, size in conn.execute(
            f"SELECT story, size FROM related_stories WHERE story IN ({marks})", chunk
        ):
            result[int(story)] = int(size)
    return result


def _grow_story(conn: sqlite3.Connection, story: int, change: int) -> None:
    conn.execute(
        "INSERT INTO related_stories (story, size) VALUES (?, ?) "
        "ON CONFLICT(story) DO UPDATE SET size = size + excluded.size",
        (story, change),
    )
    conn.execute("DELETE FROM related_stories WHERE story = ? AND size <= 0", (story,))


def _candidates(
    conn: sqlite3.Connection, query: Sequence[int], weights: dict[int, float], own: int
) -> list[int]:
    """Articles filed under the query terms, most (by the terms' weights) first."""
    if not query:
        return []
    # One statement for all the terms, each reading only its latest postings; SQLite adds
    # up the weights and keeps the best (rounded, so equal sums tie on the newer article).
    latest = (
        "SELECT * FROM (SELECT article_id, ? AS weight FROM related_postings WHERE term_id = ? "
        "ORDER BY article_id DESC LIMIT ?)"
    )
    parameters: list[float | int] = [
        value for term_id in query for value in (weights[term_id], term_id, POSTINGS_PER_TERM)
    ]
    sql = (
        f"SELECT article_id FROM ({' UNION ALL '.join([latest] * len(query))}) "
        "WHERE article_id != ? GROUP BY article_id "
        "ORDER BY round(sum(weight), 9) DESC, article_id DESC LIMIT ?"
    )
    return [row[0] for row in conn.execute(sql, [*parameters, own, CANDIDATES])]


# -- indexing -----------------------------------------------------------------------------


def _day_of(published: datetime | date | str | float | None) -> datetime | date | None:
    if published is None or isinstance(published, datetime | date):
        return published
    if isinstance(published, int | float):
        return datetime.fromtimestamp(published, UTC)
    try:
        stamp = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def index_article(
    conn: sqlite3.Connection,
    article_id: int,
    title: str | None,
    body: str,
    published: datetime | date | str | float | None = None,
    source: str = "",
    *,
    threshold: float = JOIN_THRESHOLD,
) -> str:
    """File one article and put it in a story (joining one or starting its own); return the key.

    An article indexed before (its text changed) is taken out first, so its
    story follows its new text. `source` is accepted for symmetry with the
    store's rows; outlets are read from the articles table when shown.
    """
    del source  # the outlet does not decide the story: every outlet may report any event
    if conn.execute("SELECT 1 FROM related_docs WHERE article_id = ?", (article_id,)).fetchone():
        forget_article(conn, article_id)
    features = extract_features(title, body, _day_of(published))
    return story_key(_index_features(conn, article_id, features, threshold))


def index_hook(conn: sqlite3.Connection, article_id: int, article: Article) -> None:
    """The store's saving hook: index an article added or changed, inside its transaction."""
    index_article(conn, article_id, article.title, article.body, article.published, article.source)


def index_articles(
    conn: sqlite3.Connection,
    articles: Sequence[tuple[int, Article]],
    *,
    threshold: float = JOIN_THRESHOLD,
    extracted: Mapping[int, Features] | None = None,
) -> dict[int, str]:
    """Index many saved articles in one call (e.g. one feed's new and changed entries).

    The same method as `index_article` one by one, in the order the articles
    would have arrived (by date when known), each seeing the ones before it;
    but the term counts of the whole batch are written in one pass and the
    document count read once, so every article is weighed by the counts after
    the batch, and rows read for one article are reused by the next. Articles
    indexed before (their text changed) are taken out first. Runs inside the
    caller's transaction. `extracted` may bring articles' features already extracted
    (elsewhere, in parallel: see `extract_many`). Returns id -> story key.
    """
    unique: dict[int, Article] = {}
    for article_id, article in articles:
        unique.setdefault(article_id, article)
    if not unique:
        return {}
    ids = list(unique)
    for chunk, marks in parameter_chunks(ids):
        for (indexed,) in conn.execute(
            f"SELECT article_id FROM related_docs WHERE article_id IN ({marks})", chunk
        ).fetchall():
            forget_article(conn, int(indexed))
    given = extracted or {}
    features = [
        given.get(article_id) or extract_features(a.title, a.body, _day_of(a.published))
        for article_id, a in unique.items()
    ]
    counted = _counted(conn, [t for f in features for t in f.terms])
    _add_documents(conn, len(ids))
    terms = _Terms(counted, _documents(conn))
    stamps = [
        arrival_stamp(_day_of(a.published), f)
        for a, f in zip(unique.values(), features, strict=True)
    ]
    result = {}
    cache = _Cache()
    for position in arrival_order(stamps):
        story = _place(conn, ids[position], features[position], terms, threshold, cache)
        result[ids[position]] = story_key(story)
    return {article_id: result[article_id] for article_id in ids}


class IndexBatch:
    """Collects the articles a save reports, to index them together afterwards.

    Pass `batch.hook` as the saving hook (`on_saved`), then call
    `batch.flush(conn)` in the same transaction once the entries are saved.
    """

    def __init__(self, *, threshold: float = JOIN_THRESHOLD) -> None:
        self.threshold = threshold
        self.pending: list[tuple[int, Article]] = []

    def hook(self, conn: sqlite3.Connection, article_id: int, article: Article) -> None:
        del conn  # indexing waits for flush()
        self.pending.append((article_id, article))

    def flush(self, conn: sqlite3.Connection) -> dict[int, str]:
        """Index what was collected; return id -> story key."""
        pending, self.pending = self.pending, []
        return index_articles(conn, pending, threshold=self.threshold)


def _index_features(
    conn: sqlite3.Connection, article_id: int, features: Features, threshold: float
) -> int:
    counted = _counted(conn, features.terms)
    _add_documents(conn, 1)
    terms = _Terms(counted, _documents(conn))
    return _place(conn, article_id, features, terms, threshold, _Cache())


def _place(
    conn: sqlite3.Connection,
    article_id: int,
    features: Features,
    terms: _Terms,
    threshold: float,
    cache: _Cache,
) -> int:
    """File an article whose terms are counted; put it in a story and repair around it."""
    documents = terms.documents
    names = list(features.terms)
    term_ids, frequencies, idfs = zip(*terms.of(names), strict=True) if names else ((), (), ())
    df_by_term = dict(zip(names, frequencies, strict=True))
    ids = dict(zip(names, term_ids, strict=True))
    vector = dict(zip(term_ids, features.terms.values(), strict=True))
    df = dict(zip(term_ids, frequencies, strict=True))
    by_term = dict(zip(names, idfs, strict=True))
    weights = dict(zip(term_ids, idfs, strict=True))
    norm = vector_norm(vector, weights)
    filed = [ids[term] for term in signature(features.terms, df_by_term, documents, by_term)]

    query = query_terms(vector, df, documents)
    candidates = _candidates(conn, query, weights, article_id)
    docs = cache.load(conn, candidates)
    story_of = {key: doc.story for key, doc in docs.items()}
    extra: list[int] = []
    latest: dict[int, list[int]] = {}
    for lead in story_ranking(candidates, story_of)[:STORIES_CHECKED]:
        latest[lead] = _members(conn, lead, MEMBERS_CHECKED)
        extra += [m for m in latest[lead] if m not in docs]
    docs.update(cache.load(conn, [m for m in extra if m != article_id]))
    story_of = {key: doc.story for key, doc in docs.items()}

    _refresh_norms(conn, docs.values(), documents, cache)
    weighted = {term_id: value * weights[term_id] ** 2 for term_id, value in vector.items()}
    scored = list(docs.values())
    similarities = {
        doc.article_id: cosine * date_factor(features.day, doc.day)
        for doc, cosine in zip(scored, _cosines_to(scored, weighted, norm), strict=True)
        if cosine > 0
    }

    sizes = _story_sizes(conn, {story_of[key] for key in similarities})
    links = average_links(similarities, story_of, sizes)
    duplicate = _duplicate_among(features, similarities, docs)
    if duplicate is not None:
        story: int | None = docs[duplicate].story
        duplicate = docs[duplicate].duplicate_of or duplicate
    else:
        story = choose_story(links, threshold)
    if story is None:
        story = article_id

    packed_terms = _pack_terms(vector)
    packed_sketch = _pack_ints(features.sketch)
    conn.execute(
        "INSERT INTO related_docs (article_id, story, day, norm, norm_documents, terms, "
        "signature, sketch, names, figures, duplicate_of) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            article_id,
            story,
            features.day,
            norm,
            documents,
            packed_terms,
            _pack_ints(filed),
            packed_sketch,
            json.dumps(sorted(features.names)),
            json.dumps(sorted(features.figures)),
            duplicate,
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO related_postings (term_id, article_id) VALUES (?, ?)",
        [(term_id, article_id) for term_id in filed],
    )
    _grow_story(conn, story, 1)
    docs[article_id] = _Doc(
        article_id=article_id,
        story=story,
        day=features.day,
        norm=norm,
        packed_terms=packed_terms,
        packed_sketch=packed_sketch,
        duplicate_of=duplicate,
        norm_documents=documents,
        _terms=vector,
    )
    cache.docs[article_id] = docs[article_id]
    if story in latest:
        latest[story] = [*latest[story], article_id]
    return _regroup_around(
        conn,
        article_id,
        story,
        links,
        sizes.get(story, 0) + 1,
        docs,
        latest,
        documents,
        threshold,
        cache,
    )


def _duplicate_among(
    features: Features, similarities: dict[int, float], docs: dict[int, _Doc]
) -> int | None:
    """The closest article whose text this one copies (most four-word runs shared), if any."""
    close = sorted(
        (key for key, value in similarities.items() if value >= 0.5),
        key=lambda k: (-similarities[k], k),
    )
    if not close:
        return None
    own = _pack_ints(features.sketch)
    if any(len(docs[key].packed_sketch) != len(own) for key in close):
        return next((k for k in close if is_duplicate(features.sketch, docs[k].sketch)), None)
    import numpy as np

    # All candidates at once: the share of non-empty buckets in which the sketches agree.
    left = np.frombuffer(own, dtype=np.uint32)
    right = np.frombuffer(b"".join(docs[key].packed_sketch for key in close), dtype=np.uint32)
    right = right.reshape(len(close), len(left))
    both_empty = (right == EMPTY_BUCKET) & (left == EMPTY_BUCKET)
    used = len(left) - both_empty.sum(axis=1)
    agree = ((right == left) & ~both_empty).sum(axis=1)
    for key, agreeing, counted in zip(close, agree.tolist(), used.tolist(), strict=True):
        if counted and agreeing / counted >= DUPLICATE_SIMILARITY:
            return key
    return None


def _regroup_around(
    conn: sqlite3.Connection,
    article_id: int,
    story: int,
    links: dict[int, float],
    size: int,
    docs: dict[int, _Doc],
    latest: dict[int, list[int]],
    documents: int,
    threshold: float,
    cache: _Cache,
) -> int:
    """Regroup the stories a newcomer touches; return the newcomer's story afterwards.

    The local repair `StoryIndex` makes (see `REGROUP_MEMBERS`): the story it
    joined and the others it links to are grouped afresh from their latest
    members by average link, so an early wrong join is undone once the other
    event has reports of its own, and two stories a newcomer bridges become
    one. The cost is bounded by those few windows, not by the store. `links` are
    the newcomer's average links to the stories it was compared with, `size`
    the size of its own story now.
    """
    hints = sorted(
        (link, other)
        for other, link in links.items()
        if other != story and link >= threshold * MERGE_HINT
    )
    touched = [story] + [other for _, other in reversed(hints[-(REGROUP_STORIES - 1) :])]
    if len(touched) == 1 and not regroup_due(size):
        return story
    window = sorted(
        {
            member
            for s in touched
            for member in (
                latest[s][-REGROUP_MEMBERS:] if s in latest else _members(conn, s, REGROUP_MEMBERS)
            )
        }
    )
    if len(window) < 3:
        return story
    missing = [m for m in window if m not in docs]
    if missing:
        loaded = cache.load(conn, missing)
        _refresh_norms(conn, loaded.values(), documents, cache)
        docs.update(loaded)
    members = [docs[m] for m in window if m in docs]
    sims = _doc_similarities(conn, members, documents, cache)
    labels = regroup(sims, threshold)
    continues = carry_over([doc.story for doc in members], labels)
    fresh: dict[int, int] = {}
    moves: list[tuple[int, int]] = []
    for doc, label in zip(members, labels, strict=True):
        target = continues[label]
        if target is None:
            target = fresh.get(label)
            if target is None:
                group = [d.article_id for d, g in zip(members, labels, strict=True) if g == label]
                target = fresh[label] = _unused_story(conn, group, touched)
        if target != doc.story:
            moves.append((target, doc.article_id))
    if not moves:
        return story
    changed = {doc.story for doc in members} | {target for target, _ in moves}
    conn.executemany("UPDATE related_docs SET story = ? WHERE article_id = ?", moves)
    for target, moved in moves:
        docs[moved].story = target
    for changed_story in changed:
        (size,) = conn.execute(
            "SELECT count(*) FROM related_docs WHERE story = ?", (changed_story,)
        ).fetchone()
        conn.execute("DELETE FROM related_stories WHERE story = ?", (changed_story,))
        if size:
            conn.execute(
                "INSERT INTO related_stories (story, size) VALUES (?, ?)", (changed_story, size)
            )
    return docs[article_id].story


def _unused_story(conn: sqlite3.Connection, group: Sequence[int], taken: Sequence[int]) -> int:
    """A key for a story split off another: its first member's id, unless a story has it."""
    for candidate in sorted(group):
        if candidate in taken:
            continue
        if not conn.execute(
            "SELECT 1 FROM related_stories WHERE story = ?", (candidate,)
        ).fetchone():
            return candidate
    # Every member's id names a live story (possible only after deletions): count past them.
    row = conn.execute("SELECT max(story) FROM related_stories").fetchone()
    return max(int(row[0] or 0), *group) + 1


def forget_article(conn: sqlite3.Connection, article_id: int) -> None:
    """Take an article out of the index (deleted, or about to be re-indexed)."""
    row = conn.execute(
        "SELECT terms, signature, story FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return
    terms = _unpack_terms(bytes(row[0]))
    filed = _unpack_ints(bytes(row[1]))
    conn.executemany(
        "DELETE FROM related_postings WHERE term_id = ? AND article_id = ?",
        [(term_id, article_id) for term_id in filed],
    )
    conn.executemany(
        "UPDATE related_terms SET df = max(0, df - 1) WHERE id = ?", [(t,) for t in terms]
    )
    conn.execute("DELETE FROM related_docs WHERE article_id = ?", (article_id,))
    _grow_story(conn, int(row[2]), -1)
    conn.execute(
        "UPDATE related_docs SET duplicate_of = NULL WHERE duplicate_of = ?", (article_id,)
    )
    _add_documents(conn, -1)


def rebuild(
    conn: sqlite3.Connection, articles: Sequence[Article], *, threshold: float = JOIN_THRESHOLD
) -> int:
    """Index stored articles that are not indexed yet (e.g. after an upgrade); return how many.

    Articles go in the order they would have arrived (by date when known), each
    `Article` carrying its store id; those already indexed are left as they are.
    Into an empty index they are grouped in memory by the same incremental method
    and written in bulk; into a filled one they go as one batch (`index_articles`).
    """
    pending = [a for a in articles if a.id is not None]
    if not conn.execute("SELECT 1 FROM related_docs LIMIT 1").fetchone():
        return _bulk_index(conn, pending, threshold)
    indexed: set[int] = set()
    wanted = [a.id for a in pending if a.id is not None]
    for chunk, marks in parameter_chunks(wanted):
        indexed.update(
            int(row[0])
            for row in conn.execute(
                f"SELECT article_id FROM related_docs WHERE article_id IN ({marks})", chunk
            )
        )
    fresh = [(a.id, a) for a in pending if a.id is not None and a.id not in indexed]
    return len(index_articles(conn, fresh, threshold=threshold))


def _bulk_index(conn: sqlite3.Connection, articles: Sequence[Article], threshold: float) -> int:
    unique = {a.id: a for a in articles if a.id is not None}
    ids = list(unique)
    features = [extract_features(a.title, a.body, a.published) for a in unique.values()]
    stamps = [arrival_stamp(a.published, f) for a, f in zip(unique.values(), features, strict=True)]
    index = StoryIndex(threshold=threshold)
    for position in arrival_order(stamps):
        index.add_features(str(ids[position]), features[position])
    for table in ("related_terms", "related_postings", "related_stories", "related_meta"):
        conn.execute(f"DELETE FROM {table}")  # leftovers of articles deleted since
    df = index.document_frequencies()
    documents = len(ids)
    term_ids = {term: number for number, term in enumerate(sorted(df), start=1)}
    shares = {term: background_share(term) for term in df}
    conn.executemany(
        "INSERT INTO related_terms (id, term, df, share) VALUES (?, ?, ?, ?)",
        [(term_ids[term], term, count, shares[term]) for term, count in df.items()],
    )
    weights = {term: idf(count, documents, shares[term]) for term, count in df.items()}
    story_ids = {story: int(members[0]) for story, members in index.stories().items() if members}
    docs = []
    postings = []
    for article_id, f in zip(ids, features, strict=True):
        key = str(article_id)
        filed = [term_ids[t] for t in signature(f.terms, df, documents)]
        postings += [(term_id, article_id) for term_id in filed]
        duplicate = index.duplicate_of(key)
        docs.append(
            (
                article_id,
                story_ids[index.story_of(key)],
                f.day,
                vector_norm(f.terms, weights),
                documents,
                _pack_terms({term_ids[t]: w for t, w in f.terms.items()}),
                _pack_ints(filed),
                _pack_ints(f.sketch),
                json.dumps(sorted(f.names)),
                json.dumps(sorted(f.figures)),
                None if duplicate is None else int(duplicate),
            )
        )
    conn.executemany(
        "INSERT INTO related_docs (article_id, story, day, norm, norm_documents, terms, "
        "signature, sketch, names, figures, duplicate_of) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        docs,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO related_postings (term_id, article_id) VALUES (?, ?)", postings
    )
    conn.executemany(
        "INSERT INTO related_stories (story, size) VALUES (?, ?)",
        [(story_ids[story], len(members)) for story, members in index.stories().items()],
    )
    _add_documents(conn, documents)
    return documents


# -- reading ------------------------------------------------------------------------------


def story_of(conn: sqlite3.Connection, article_id: int) -> str | None:
    """The story key of an indexed article, or None when it is not indexed."""
    row = conn.execute(
        "SELECT story FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    return None if row is None else story_key(int(row[0]))


def duplicate_of(conn: sqlite3.Connection, article_id: int) -> int | None:
    """The earlier article this one reprints, if it is near-identical wire copy."""
    row = conn.execute(
        "SELECT duplicate_of FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def story_members(conn: sqlite3.Connection, article_id: int) -> list[int]:
    """Every article of this article's story, oldest first (itself included)."""
    row = conn.execute(
        "SELECT story FROM related_docs WHERE article_id = ?", (article_id,)
    ).fetchone()
    if row is None:
        return []
    return [
        int(r[0])
        for r in conn.execute(
            "SELECT article_id FROM related_docs WHERE story = ? ORDER BY article_id", (row[0],)
        )
    ]


def story_info(conn: sqlite3.Connection, article_ids: Sequence[int]) -> dict[int, StoryInfo]:
    """Story key, size (duplicates not counted) and outlet count for each listed article."""
    result: dict[int, StoryInfo] = {}
    for chunk, marks in parameter_chunks(article_ids):
        rows = conn.execute(
            f"""
            SELECT d.article_id, d.story, d.duplicate_of,
                   (SELECT count(*) FROM related_docs m
                     WHERE m.story = d.story AND m.duplicate_of IS NULL),
                   (SELECT count(DISTINCT coalesce(nullif(a.source, ''), a.id))
                      FROM related_docs m JOIN articles a ON a.id = m.article_id
                     WHERE m.story = d.story AND m.duplicate_of IS NULL)
              FROM related_docs d WHERE d.article_id IN ({marks})
            """,
            chunk,
        ).fetchall()
        for article_id, story, duplicate, size, outlets in rows:
            result[int(article_id)] = StoryInfo(
                story=story_key(int(story)),
                size=max(1, int(size)),
                outlets=max(1, int(outlets)),
                duplicate_of=None if duplicate is None else int(duplicate),
            )
    return result


def _published(value: object) -> datetime | None:
    """The articles table keeps seconds since the epoch; an ISO string is read too."""
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        stamp = _day_of(value)
        return stamp if isinstance(stamp, datetime) else None
    return None


def related(conn: sqlite3.Connection, article_id: int, k: int = 10) -> list[RelatedRow]:
    """The other articles of this article's story, most similar first, with a reason each."""
    row = conn.execute(
        f"SELECT {_DOC_COLUMNS}, names, figures FROM related_docs WHERE article_id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        return []
    doc = _doc(row)
    members = [m for m in _members(conn, doc.story, max(MEMBERS_CHECKED, 4 * k)) if m != article_id]
    if not members:
        return []
    others = _load_docs(conn, members)
    documents = max(1, _documents(conn))
    # Norms stored at indexing time used the frequencies of that moment; scores shown to a
    # person are recomputed with today's, so they read as true cosines.
    every_term = set(doc.terms).union(*(other.terms for other in others.values()))
    counts = _frequencies(conn, list(every_term))
    weights = {}
    for term_id in every_term:
        df, share = counts.get(term_id, _UNSEEN)
        weights[term_id] = idf(df, documents, share)
    doc.norm = vector_norm(doc.terms, weights)
    for other in others.values():
        other.norm = vector_norm(other.terms, weights)
    scored = sorted(
        (
            (
                cosine(doc.terms, other.terms, weights, doc.norm, other.norm)
                * date_factor(doc.day, other.day),
                other.article_id,
            )
            for other in others.values()
        ),
        key=lambda pair: (-pair[0], -pair[1]),
    )[:k]
    chosen = [key for _, key in scored]
    marks = ",".join("?" * len(chosen))
    details = {
        int(r[0]): r
        for r in conn.execute(
            f"SELECT d.article_id, d.names, d.figures, a.title, a.source, a.published "
            f"FROM related_docs d LEFT JOIN articles a ON a.id = d.article_id "
            f"WHERE d.article_id IN ({marks})",
            chosen,
        )
    }
    mine = _shared_features(str(row[8]), str(row[9]))
    result = []
    for score, key in scored:
        detail = details[key]
        other = others[key]
        duplicate = same_text(article_id, doc.duplicate_of, key, other.duplicate_of)
        result.append(
            RelatedRow(
                id=key,
                title=str(detail[3] or ""),
                source=str(detail[4] or ""),
                published=_published(detail[5]),
                score=round(score, 4),
                reason=reason_for(mine, _shared_features(str(detail[1]), str(detail[2]))),
                duplicate=bool(duplicate),
            )
        )
    return result


def _shared_features(names: str, figures: str) -> Features:
    return Features(
        terms={},
        names=frozenset(json.loads(names)),
        figures=frozenset(json.loads(figures)),
        sketch=(),
    )
