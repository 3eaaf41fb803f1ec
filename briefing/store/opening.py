"""Opening the database file safely: one writer, foreign or corrupt files moved aside.

A writer holds an advisory lock on `<db>.lock` for as long as it is open, so a
second Briefing process learns at once that another one is writing (and may
open read-only instead; a reader also works where nothing may be written, such
as a read-only mount). A file that is not a Briefing database is renamed,
never overwritten, and the new name is reported. This module opens
connections; it does not query articles or feeds.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from briefing.errors import StoreError, StoreLockedError
from briefing.store.schema import APPLICATION_ID, SCHEMA_VERSION, migrate, schema_version

__all__ = ["WriterLock", "check_file", "connect", "move_aside"]

_SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class WriterLock:
    """An exclusive advisory lock on `<db>.lock`, released by `release()` or process exit."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        try:
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot create the lock file ({exc.strerror or exc})"
            ) from exc
        try:
            _lock_file(handle)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            who = f" (pid {holder})" if holder.isdigit() else ""
            raise StoreLockedError(
                f"{self.path.with_name(self.path.name.removesuffix('.lock'))} is in use by "
                f"another Briefing process{who}; try again once it has finished"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the descriptor drops the lock
            self._handle = None


def _lock_file(handle: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # Windows has msvcrt locking instead of fcntl
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        return
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def move_aside(path: Path, reason: str) -> Path:
    """Rename `path` (and its -wal/-shm files) out of the way; return the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{reason}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{reason}-{stamp}-{counter}")
    try:
        path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
    except OSError as exc:
        raise StoreError(
            f"{path}: is not a usable Briefing database ({reason}) and could not be moved "
            f"aside ({exc.strerror or exc}); move it yourself"
        ) from exc
    return target


# SQLite's primary result codes that mean "this file's content is damaged or not a database".
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
# ... and the one that means "a file could not be opened", such as the WAL's -shm file.
_SQLITE_CANTOPEN = 14


def check_file(path: Path, *, writable: bool = True) -> str | None:
    """Why `path` cannot be used as our database ("foreign", "corrupt"), or None if it can.

    Only damage is reported as such: a file that is busy or cannot be opened raises
    `StoreError` instead, so a good database is never moved aside by mistake. With
    `writable` (the caller holds the writer lock) a journal left by a crash is recovered.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if size == 0:
        return None
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if header != _SQLITE_HEADER:
        return "foreign"
    try:
        if writable:
            conn = sqlite3.connect(_uri(path, "mode=rw"), uri=True)
        else:
            conn = _read_only_connection(path)
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if application_id != APPLICATION_ID and tables:
                return "foreign"
            # Reading the whole schema finds a damaged header or first page cheaply; a full
            # integrity_check would cost seconds on a big store at every start.
            conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            return "corrupt"
        raise StoreError(f"{path}: cannot be opened ({exc})") from exc
    return None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _uri(path: Path, options: str) -> str:
    """An SQLite `file:` URI for a path: `?`, `#` and `%` in a folder name are escaped, since
    SQLite would read them as the start of the options, the end of the URI, or an escape."""
    return f"file:{urllib.parse.quote(str(path.absolute()))}?{options}"


def _read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that never writes, which works in a read-only directory too.

    A reader of a WAL database needs the `-shm` file beside it, and creates it if it is
    missing. A writer that closed cleanly deletes `-wal` and `-shm`, so in a directory
    nobody may write to (a read-only mount) the plain read-only open fails. Then, and
    only when no `-wal` file holds changes, the database file holds every committed
    transaction: it is opened as immutable, which reads it without the shared memory
    and without locks. No writer can be at work there, since it could not create the
    shared memory either.
    """
    conn = sqlite3.connect(
        _uri(path, "mode=ro"), uri=True, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        conn.close()
        code = getattr(exc, "sqlite_errorcode", None)
        if code is None or code & 0xFF != _SQLITE_CANTOPEN:
            raise
        journal = path.with_name(path.name + "-wal")
        if _size(journal):
            raise StoreError(
                f"{path}: cannot be read here: its journal {journal.name} holds changes that "
                "need a writable directory to be read (open it once with write access)"
            ) from exc
    return sqlite3.connect(
        _uri(path, "mode=ro&immutable=1"),
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A configured connection: WAL, foreign keys, a busy timeout, rows by name, schema current."""
    try:
        if read_only:
            if not path.exists():
                raise StoreError(f"{path}: no database yet (run 'briefing refresh' or the reader)")
            conn = _read_only_connection(path)
        else:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{path}: cannot be opened ({exc})") from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if read_only:
            version = schema_version(conn)
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"{path}: schema version {version}, expected {SCHEMA_VERSION}; "
                    "open it once for writing to upgrade it"
                )
        else:
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a crashed process loses nothing committed; only power loss
            # can drop the last transactions, and the file stays consistent either way.
            conn.execute("PRAGMA synchronous = NORMAL")
            version = schema_version(conn)
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path}: written by a newer Briefing (schema {version}; this version "
                    f"knows up to {SCHEMA_VERSION}); upgrade Briefing to open it"
                )
            migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{path}: {exc}") from exc
    except StoreError:
        conn.close()
        raise
    return conn
