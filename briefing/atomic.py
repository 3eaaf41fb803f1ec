"""Writing a file so that it is either fully replaced or left exactly as it was.

Exports are written to a temporary file beside the target, flushed to disk and
renamed over it, so a full disk or a crash midway never leaves half a briefing
where the last good one was. A device or a pipe (/dev/null, /dev/stdout) is
written to directly: it must never be renamed over. Nothing here decides what
to write.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["write_text_atomically"]

_ATTEMPTS = 20


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file in `path`'s directory (same disk, so the rename is atomic).

    Created with mode 0o666 so the umask decides its permissions, as for any new file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: could not pick a temporary file name")


def write_text_atomically(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace `path` with `text` in one step; on OSError the old file (if any) is untouched.

    An existing file keeps its permissions. A symbolic link is followed: the file it
    points at is replaced and the link stays. Something that is not a regular file
    (/dev/null, /dev/stdout, a named pipe) is written to as it is: renaming over it
    would put a plain file in its place.
    """
    path = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = path.stat()
    except OSError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, "w", encoding=encoding, newline="") as out:
            out.write(text)
        return
    mode = info.st_mode & 0o7777 if info is not None else None
    handle, temp = _create_beside(path)
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
