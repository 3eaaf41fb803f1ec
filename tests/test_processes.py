"""Helper process pools start under the reader's screen as well as on the command line."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

# Textual replaces sys.stderr with a capture object whose fileno() is -1. In a fresh
# process (no resource tracker running yet), a plain spawn pool then fails to start.
_UNDER_A_CAPTURED_STDERR = textwrap.dedent(
    """
    import sys

    class Capture:
        def write(self, text): return len(text)
        def flush(self): pass
        def fileno(self): return -1

    if __name__ == "__main__":
        captured = sys.stderr = Capture()
        from briefing.processes import spawn_pool
        with spawn_pool(1) as pool:
            print(pool.submit(pow, 2, 10).result())
        print(sys.stderr is captured)
    """
)


def test_a_pool_starts_in_a_fresh_process_whose_stderr_has_no_descriptor(tmp_path):
    script = tmp_path / "start_pool.py"
    script.write_text(_UNDER_A_CAPTURED_STDERR)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == ["1024", "True"]


def test_a_pool_starts_with_an_ordinary_stderr():
    from briefing.processes import spawn_pool

    with spawn_pool(1) as pool:
        assert pool.submit(pow, 3, 3).result(timeout=60) == 27


def test_a_helper_leaves_ctrl_c_to_the_process_that_started_it():
    # Ctrl-C reaches every process of the terminal's foreground group: an interrupted
    # helper printed a traceback over the progress bar and broke its pool.
    from briefing.processes import spawn_pool

    with spawn_pool(1) as pool:
        handler = pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60)
    assert handler == signal.SIG_IGN


_KILLED_WITH_A_POOL = textwrap.dedent(
    """
    import os, signal

    if __name__ == "__main__":
        from briefing.processes import spawn_pool

        pool = spawn_pool(1)
        print(pool.submit(os.getpid).result(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # no shutdown, no exit handlers
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here")
def test_helpers_end_when_the_process_that_started_them_is_killed(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_WITH_A_POOL)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    helper = int(parent.stdout.readline())
    assert parent.wait(timeout=120) == -signal.SIGKILL
    # The helper shares the pipe: it reaches its end once the helper (and the resource
    # tracker, which ends with the helpers) have ended too.
    ended = threading.Event()
    reader = threading.Thread(target=lambda: (parent.stdout.read(), ended.set()), daemon=True)
    reader.start()
    try:
        assert ended.wait(120), "the helper outlived the process that started it"
    finally:
        if not ended.is_set():
            with contextlib.suppress(OSError):
                os.kill(helper, signal.SIGKILL)


def test_parsing_moves_to_threads_when_no_parser_process_can_start(monkeypatch):
    import asyncio
    import concurrent.futures

    import httpx

    from briefing.config import NetworkSettings
    from briefing.sources import fetch

    class NoProcesses(concurrent.futures.ProcessPoolExecutor):
        def submit(self, *args, **kwargs):  # what a process limit looks like at submit
            raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(fetch, "spawn_pool", lambda count, initializer=None: NoProcesses(1))
    rss = (
        b"<rss version='2.0'><channel><title>T</title><item><title>A</title></item></channel></rss>"
    )

    def handler(request: httpx.Request) -> httpx.Response:
        # Streamed like a real response (mock responses are otherwise pre-read).
        return httpx.Response(200, stream=httpx.ByteStream(rss))

    async def run() -> list[fetch.FeedOutcome]:
        settings = NetworkSettings()
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            requests = [(f"https://example.test/{i}", fetch.FetchState()) for i in range(5)]
            return await fetch.fetch_all(requests, settings, client=client, parse="process")

    outcomes = asyncio.run(run())
    assert len(outcomes) == 5
    assert all(o.error is None and o.parsed is not None for o in outcomes)
    assert all([e.title for e in o.parsed.entries] == ["A"] for o in outcomes if o.parsed)


def test_the_captured_stream_is_put_back(monkeypatch):
    from briefing import processes

    class Capture:
        def write(self, text: str) -> int:
            return len(text)

        def fileno(self) -> int:
            return -1

    capture = Capture()
    monkeypatch.setattr(sys, "stderr", capture)
    with processes._stderr_usable_by_children():
        with pytest.raises(OSError):
            sys.stderr.fileno()
        assert sys.stderr.write("still written") == len("still written")
    assert sys.stderr is capture
