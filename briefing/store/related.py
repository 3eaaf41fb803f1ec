"""Related stories kept in the article database, updated as each article is saved.

The method is the one `briefing.analysis.related` describes (TF-IDF with names
and figures weighed up, average link to a story's members, a date-aware
resemblance, wire copy flagged as duplicates); this module stores its index in
tables prefixed `related_` so that nothing is recomputed when the reader starts:

- `related_terms`: every term seen, with the number of articles using it (for IDF);
- `related_postings`: each article filed under its signature terms (inverted index);
- `related_docs`: per article its story, date, packed term vector, names, figures,
  text sketch and the article it duplicates, if any;
- `related_stories`: each story's number of articles.

Functions take a connection and leave transactions to the caller: `index_article`
runs inside the store's saving transaction. Nothing here fetches or draws.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from briefing.analysis.related import (
    CANDIDATES,
    JOIN_THRESHOLD,
    MEMBERS_CHECKED,
    MERGE_CHECKS,
    MERGE_HINT,
    MERGE_MEMBERS,
    POSTINGS_PER_TERM,
    STORIES_CHECKED,
    Features,
    StoryIndex,
    arrival_order,
    arrival_stamp,
    average_links,
    choose_story,
    cosine,
    date_factor,
    extract_features,
    idf,
    is_duplicate,
    norm_is_stale,
    query_terms,
    reason_for,
    same_text,
    signature,
    story_ranking,
    vector_norm,
)
from briefing.models import Article, RelatedRow
from briefing.store.rows import parameter_chunks

__all__ = [
    "StoryInfo",
    "duplicate_of",
    "ensure_schema",
    "forget_article",
    "index_article",
    "index_hook",
    "rebuild",
    "related",
    "story_info",
    "story_key",
    "story_members",
    "story_of",
    "unindexed",
]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS related_terms (
        id INTEGER PRIMARY KEY,
        term TEXT NOT NULL UNIQUE,
        df INTEGER NOT NULL DEFAULT 0
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

    def cosine_to(self, weighted_query: dict[int, float], query_norm: float) -> float:
        """Cosine with a query whose counts are already multiplied by IDF squared."""
        if self.norm <= 0 or query_norm <= 0:
            return 0.0
        terms = self.terms
        dot = 0.0
        for term_id in weighted_query.keys() & terms.keys():
            dot += weighted_query[term_id] * terms[term_id]
        return dot / (query_norm * self.norm)


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


def unindexed(conn: sqlite3.Connection, limit: int = 10_000) -> list[int]:
    """Stored articles not in the index yet (saved before indexing existed), oldest first."""
    rows = conn.execute(
        "SELECT a.id FROM articles a LEFT JOIN related_docs d ON d.article_id = a.id "
        "WHERE d.article_id IS NULL ORDER BY a.id LIMIT ?",
        (limit,),
    ).fetchall()
    return [int(row[0]) for row in rows]


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


def _refresh_norms(conn: sqlite3.Connection, docs: Iterable[_Doc], documents: int) -> None:
    """Recompute the vector lengths computed when the store was under half its size."""
    stale = [doc for doc in docs if norm_is_stale(doc.norm_documents, documents)]
    if not stale:
        return
    df = _frequencies(conn, list(set().union(*(doc.terms for doc in stale))))
    for doc in stale:
        weights = {term_id: idf(df.get(term_id, 0), documents) for term_id in doc.terms}
        doc.norm = vector_norm(doc.terms, weights)
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
        "INSERT INTO related_meta (name, value) VALUES (?, max(0, ?)) "
        "ON CONFLICT(name) DO UPDATE SET value = max(0, value + excluded.value)",
        (_DOCUMENTS, change),
    )


def _count_terms(conn: sqlite3.Connection, terms: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Add one to each term's document frequency; return term -> (id, new frequency)."""
    wanted = list(terms)
    result = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        rows = conn.execute(
            "INSERT INTO related_terms (term, df) VALUES "
            + ",".join("(?, 1)" * 1 for _ in chunk)
            + " ON CONFLICT(term) DO UPDATE SET df = df + 1 RETURNING term, id, df",
            chunk,
        ).fetchall()
        for term, term_id, df in rows:
            result[str(term)] = (int(term_id), int(df))
    return result


def _frequencies(conn: sqlite3.Connection, term_ids: Sequence[int]) -> dict[int, int]:
    result: dict[int, int] = {}
    for chunk, marks in parameter_chunks(term_ids):
        for term_id, df in conn.execute(
            f"SELECT id, df FROM related_terms WHERE id IN ({marks})", chunk
        ):
            result[int(term_id)] = int(df)
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
    conn: sqlite3.Connection, query: Sequence[int], df: dict[int, int], documents: int, own: int
) -> list[int]:
    found: dict[int, float] = defaultdict(float)
    for term_id in query:
        weight = idf(df[term_id], documents)
        for (article_id,) in conn.execute(
            "SELECT article_id FROM related_postings WHERE term_id = ? "
            "ORDER BY article_id DESC LIMIT ?",
            (term_id, POSTINGS_PER_TERM),
        ):
            if article_id != own:
                found[int(article_id)] += weight
    return sorted(found, key=lambda key: (-found[key], -key))[:CANDIDATES]


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


def _index_features(
    conn: sqlite3.Connection, article_id: int, features: Features, threshold: float
) -> int:
    counted = _count_terms(conn, features.terms)
    _add_documents(conn, 1)
    documents = _documents(conn)
    df_by_term = {term: df for term, (_, df) in counted.items()}
    ids = {term: term_id for term, (term_id, _) in counted.items()}
    vector = {ids[term]: weight for term, weight in features.terms.items()}
    df = {ids[term]: df_by_term[term] for term in features.terms}
    weights = {term_id: idf(df[term_id], documents) for term_id in vector}
    norm = vector_norm(vector, weights)
    filed = [ids[term] for term in signature(features.terms, df_by_term, documents)]

    query = query_terms(vector, df, documents)
    candidates = _candidates(conn, query, df, documents, article_id)
    docs = _load_docs(conn, candidates)
    story_of = {key: doc.story for key, doc in docs.items()}
    extra: list[int] = []
    for lead in story_ranking(candidates, story_of)[:STORIES_CHECKED]:
        extra += [m for m in _members(conn, lead, MEMBERS_CHECKED) if m not in docs]
    docs.update(_load_docs(conn, [m for m in extra if m != article_id]))
    story_of = {key: doc.story for key, doc in docs.items()}

    _refresh_norms(conn, docs.values(), documents)
    weighted = {term_id: value * weights[term_id] ** 2 for term_id, value in vector.items()}
    similarities = {
        key: doc.cosine_to(weighted, norm) * date_factor(features.day, doc.day)
        for key, doc in docs.items()
    }
    similarities = {key: value for key, value in similarities.items() if value > 0}

    duplicate = _duplicate_among(features, similarities, docs)
    if duplicate is not None:
        story: int | None = docs[duplicate].story
        duplicate = docs[duplicate].duplicate_of or duplicate
    else:
        sizes = _story_sizes(conn, {story_of[key] for key in similarities})
        links = average_links(similarities, story_of, sizes)
        story = choose_story(links, threshold)
    if story is None:
        story = article_id

    conn.execute(
        "INSERT INTO related_docs (article_id, story, day, norm, norm_documents, terms, "
        "signature, sketch, names, figures, duplicate_of) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            article_id,
            story,
            features.day,
            norm,
            documents,
            _pack_terms(vector),
            _pack_ints(filed),
            _pack_ints(features.sketch),
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
    return _merge_around(conn, story, similarities, story_of, docs, weights, threshold)


def _duplicate_among(
    features: Features, similarities: dict[int, float], docs: dict[int, _Doc]
) -> int | None:
    for key in sorted(similarities, key=lambda k: (-similarities[k], k)):
        if similarities[key] < 0.5:
            break
        if is_duplicate(features.sketch, docs[key].sketch):
            return key
    return None


def _merge_around(
    conn: sqlite3.Connection,
    story: int,
    similarities: dict[int, float],
    story_of: dict[int, int],
    docs: dict[int, _Doc],
    weights: dict[int, float],
    threshold: float,
) -> int:
    """Join the newcomer's story with another it links to, when their members resemble.

    The same step as `StoryIndex`'s: a story reported in two waves may have
    started as two stories until an article bridging them arrived.
    """
    sizes = _story_sizes(conn, set(story_of.values()) | {story})
    links = average_links(similarities, story_of, sizes)
    hints = sorted(
        (link, other)
        for other, link in links.items()
        if other != story and link >= threshold * MERGE_HINT
    )
    for _, other in reversed(hints[-MERGE_CHECKS:]):
        left = _story_docs(conn, story, docs)
        right = _story_docs(conn, other, docs)
        if not left or not right:
            continue
        shared_terms = {t for a in left for t in a.terms} & {t for b in right for t in b.terms}
        missing = [t for t in shared_terms if t not in weights]
        if missing:
            documents = max(1, _documents(conn))
            known = _frequencies(conn, missing)
            weights.update({t: idf(known.get(t, 0), documents) for t in missing})
        total = 0.0
        for a in left:
            for b in right:
                total += cosine(a.terms, b.terms, weights, a.norm, b.norm) * date_factor(
                    a.day, b.day
                )
        if total / (len(left) * len(right)) < threshold:
            continue
        keep, gone = (
            (story, other) if sizes.get(story, 0) >= sizes.get(other, 0) else (other, story)
        )
        conn.execute("UPDATE related_docs SET story = ? WHERE story = ?", (keep, gone))
        moved = sizes.get(gone, 0)
        conn.execute("DELETE FROM related_stories WHERE story = ?", (gone,))
        _grow_story(conn, keep, moved)
        sizes[keep] = sizes.get(keep, 0) + sizes.pop(gone, 0)
        for doc in docs.values():
            if doc.story == gone:
                doc.story = keep
        story = keep
    return story


def _story_docs(conn: sqlite3.Connection, story: int, docs: dict[int, _Doc]) -> list[_Doc]:
    members = _members(conn, story, MERGE_MEMBERS)
    missing = [m for m in members if m not in docs]
    if missing:
        docs.update(_load_docs(conn, missing))
    return [docs[m] for m in members if m in docs]


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
    `Article` carrying its store id. Into an empty index they are grouped in
    memory by the same incremental method and written in bulk, which is several
    times faster than saving them one by one.
    """
    pending = [a for a in articles if a.id is not None]
    if not conn.execute("SELECT 1 FROM related_docs LIMIT 1").fetchone():
        return _bulk_index(conn, pending, threshold)
    features = [extract_features(a.title, a.body, a.published) for a in pending]
    done = 0
    stamps = [arrival_stamp(a.published, f) for a, f in zip(pending, features, strict=True)]
    for position in arrival_order(stamps):
        article = pending[position]
        assert article.id is not None
        if conn.execute(
            "SELECT 1 FROM related_docs WHERE article_id = ?", (article.id,)
        ).fetchone():
            continue
        _index_features(conn, article.id, features[position], threshold)
        done += 1
    return done


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
    conn.executemany(
        "INSERT INTO related_terms (id, term, df) VALUES (?, ?, ?)",
        [(term_ids[term], term, count) for term, count in df.items()],
    )
    weights = {term: idf(count, documents) for term, count in df.items()}
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
    df = _frequencies(conn, list(every_term))
    weights = {term_id: idf(df.get(term_id, 0), documents) for term_id in every_term}
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
