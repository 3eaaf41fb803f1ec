"""`briefing refresh` killed with SIGKILL at random moments loses nothing it committed.

Each round adds items to a set of local feed files, starts a refresh in a child
process and kills it at a random moment. The killed children are forks of this
process running the command's `main(["refresh"])` (a fork needs no interpreter
start-up, which keeps 20+ rounds to a few seconds); the first and the last
refresh run as real `python -m briefing refresh` processes. Afterwards the
database must pass `PRAGMA integrity_check`, hold every article of every feed
the child reported as saved (it prints a line only after the feed's
transaction committed) and everything seen in earlier rounds; the last refresh
must then complete.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"), reason="needs fork and SIGKILL"
)

FEEDS = 10
ROUNDS = 22
ITEMS_PER_ROUND = 3
WINDOW = 8


def _write_feed(path: Path, index: int, rounds: int) -> list[str]:
    """Write the feed as of `rounds` with its latest items only, as real feeds do; return those."""
    guids = [f"feed{index}-item{n}" for n in range(rounds * ITEMS_PER_ROUND + 5)]
    items = "".join(
        f"<item><guid>{guid}</guid><title>Item {guid}</title>"
        f"<link>https://example.org/{guid}</link>"
        f"<description>{escape('Text of ' + guid + '. ' * 20)}</description></item>"
        for guid in guids[-WINDOW:]
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {index:02d}</title>'
        f"<link>https://example.org/</link>{items}</channel></rss>",
        encoding="utf-8",
    )
    return guids[-WINDOW:]


def _stored(db: Path) -> tuple[str, dict[str, set[str]]]:
    conn = sqlite3.connect(db)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        found: dict[str, set[str]] = {}
        for title, guid in conn.execute(
            "SELECT f.title, a.guid FROM articles a JOIN feeds f ON f.id = a.feed_id"
        ):
            found.setdefault(title, set()).add(guid)
    finally:
        conn.close()
    return check, found


def _run(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefing", "refresh"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


class _Forked:
    """`briefing refresh` in a forked child whose standard output comes back through a pipe."""

    def __init__(self, env: dict[str, str]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns into pytest
            code = 70
            try:
                os.close(read_end)
                # pytest may have replaced sys.stdout; the command must print into the pipe.
                sys.stdout = os.fdopen(write_end, "w", encoding="utf-8", buffering=1)
                sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (until _exit)
                os.environ.update(env)
                from briefing.cli import main

                code = main(["refresh"])
                sys.stdout.flush()
            finally:
                os._exit(code)
        os.close(write_end)
        self.output = os.fdopen(read_end, encoding="utf-8")

    def kill_after(self, lines: int, delay: float) -> str:
        """SIGKILL once the child has reported `lines` saved feeds and `delay` more seconds."""
        seen = [self.output.readline() for _ in range(lines)]
        time.sleep(delay)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        with self.output:
            return "".join(seen) + self.output.read()

    def wait(self) -> tuple[int, str]:
        with self.output:
            text = self.output.read()
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status), text


def test_refresh_killed_at_random_points_keeps_every_committed_article(tmp_path: Path) -> None:
    data = tmp_path / "data"
    config = tmp_path / "briefing.toml"
    config.write_text("", encoding="utf-8")
    env = dict(os.environ, BRIEFING_DATA_DIR=str(data), BRIEFING_CONFIG=str(config))
    paths = [tmp_path / f"feed{i}.xml" for i in range(FEEDS)]
    expected: dict[str, list[str]] = {}
    for index, path in enumerate(paths):
        expected[f"Feed {index:02d}"] = _write_feed(path, index, 0)
    from briefing.store import Store

    with Store.open(data / "briefing.db") as store:
        for path in paths:
            store.add_feed(str(path))

    # Loaded once here so each forked child starts refreshing at once.
    import briefing.cli.refresh
    import briefing.refresh
    import briefing.sources.fetch
    import briefing.sources.parse  # noqa: F401

    first = _run(env)
    first.communicate()
    assert first.returncode == 0
    db = data / "briefing.db"
    check, before = _stored(db)
    assert check == "ok"
    for index, path in enumerate(paths):
        expected[f"Feed {index:02d}"] = _write_feed(path, index, 1)
    started = time.monotonic()
    code, _ = _Forked(env).wait()
    per_feed = (time.monotonic() - started) / FEEDS  # only to place the kills within a feed
    assert code == 0

    chooser = random.Random(20261125)
    for round_number in range(2, ROUNDS + 2):
        for index, path in enumerate(paths):
            expected[f"Feed {index:02d}"] = _write_feed(path, index, round_number)
        # Kill while the child works on a random feed: parsing it, saving it or printing.
        child = _Forked(env)
        output = child.kill_after(chooser.randrange(FEEDS), chooser.uniform(0.0, 2 * per_feed))
        check, found = _stored(db)
        assert check == "ok", f"round {round_number}: {check}"
        for title, guids in before.items():
            assert guids <= found.get(title, set()), f"round {round_number}: lost from {title}"
        for line in output.splitlines():
            if line.startswith(("ok", "not modified")):
                title = line.removeprefix("not modified").removeprefix("ok").split(":")[0].strip()
                assert set(expected[title]) <= found.get(title, set()), (round_number, line)
        before = found

    last = _run(env)
    output, _ = last.communicate()
    assert last.returncode == 0, output
    check, found = _stored(db)
    assert check == "ok"
    for title, guids in before.items():
        assert guids <= found[title]
    for title, guids in expected.items():
        assert set(guids) <= found[title]
