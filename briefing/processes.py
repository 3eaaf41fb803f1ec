"""Process pools that start the same way from the command line and from the reader.

Parsing and story filing use helper processes. Python starts a small
"resource tracker" process beside the first pool and hands it the file
descriptor of `sys.stderr`. Under the reader's screen `sys.stderr` is
Textual's capture object, whose descriptor is -1: starting the tracker then
fails ("bad value(s) in fds_to_keep") and the refresh with it. The tracker is
therefore started here with no stderr to hand over; it inherits the process's
real standard error anyway.

Helpers leave Ctrl-C to the process that started them (it stops its pool; a
helper interrupted mid-job would print a traceback and break the pool), and
end when that process is gone, even killed outright: otherwise they would wait
for work forever.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import io
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TextIO

__all__ = ["spawn_pool"]

_tracker_lock = threading.Lock()


def spawn_pool(
    workers: int, initializer: Callable[[], None] | None = None
) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of fresh interpreters ("spawn"), safe to start while threads run.

    Forking a process that runs threads (the reader, the store's writer) can
    deadlock, and unlike forkserver, spawn keeps no extra server in memory.
    Raises OSError when the machine refuses new processes.
    """
    _start_resource_tracker()
    return concurrent.futures.ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_helper_started,
        initargs=(initializer,),
    )


def _helper_started(initializer: Callable[[], None] | None) -> None:
    """Set up a helper process, then run the pool's own `initializer`."""
    # Ctrl-C reaches the whole foreground process group; the parent handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with, args=(parent,), name="briefing-parent-watch", daemon=True
        ).start()
    if initializer is not None:
        initializer()


def _exit_with(parent: Any) -> None:
    """End this helper once its parent process has ended (however it ended)."""
    parent.join()  # returns when the parent's end of the pipe to this helper closes
    os._exit(0)


def _start_resource_tracker() -> None:
    from multiprocessing import resource_tracker

    with _tracker_lock, _stderr_usable_by_children():
        resource_tracker.ensure_running()


@contextlib.contextmanager
def _stderr_usable_by_children() -> Iterator[None]:
    """Hide a `sys.stderr` whose descriptor is not real while a helper process starts."""
    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):  # no descriptor at all: Python skips it
        usable = True
    if usable:
        yield
        return
    captured = sys.stderr
    sys.stderr = _WithoutDescriptor(captured)
    try:
        yield
    finally:
        sys.stderr = captured


class _WithoutDescriptor:
    """A stream that writes where `stream` does but admits to having no descriptor."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
