"""Refreshing many web feeds from the reader, where parsing goes to helper processes.

Run in a fresh interpreter: the first process pool of a process starts Python's
resource tracker, which under the reader's captured stderr used to fail and
take the whole reader down ("bad value(s) in fds_to_keep").
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_READER_REFRESHING_MANY_FEEDS = textwrap.dedent(
    """
    import asyncio
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from pathlib import Path

    from briefing.config import GeneralSettings, Settings
    from briefing.refresh import PROCESS_POOL_FROM
    from briefing.store import Store
    from briefing.tui.app import BriefingApp
    from briefing.tui.library import Library

    FEED = (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Desk {n}</title>"
        "<item><title>Report {n}</title><link>http://example.org/{n}</link>"
        "<description>The council approved a budget of {n} million.</description></item>"
        "</channel></rss>"
    )


    class Feeds(BaseHTTPRequestHandler):
        def do_GET(self):
            body = FEED.format(n=self.path.strip("/")).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass


    async def main(data: Path) -> int:
        server = ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        feeds = PROCESS_POOL_FROM + 2
        with Store.open(data / "briefing.db") as store:
            for n in range(feeds):
                store.add_feed(f"http://127.0.0.1:{server.server_port}/{n}")
        settings = Settings(general=GeneralSettings(refresh_on_start=False, seeds=()))
        app = BriefingApp(Library(data / "briefing.db"), settings=settings)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("R")
            for _ in range(600):
                await app.workers.wait_for_complete()
                await pilot.pause(0.05)
                if not any(worker.is_running for worker in app.workers):
                    break
            alive = app.is_running
        server.shutdown()
        with Store.open(data / "briefing.db") as store:
            stored = store.count_articles()
        print(alive, stored, feeds)
        return 0


    if __name__ == "__main__":
        sys.exit(asyncio.run(main(Path(sys.argv[1]))))
    """
)


def test_the_reader_refreshes_enough_feeds_to_start_parser_processes(tmp_path: Path) -> None:
    script = tmp_path / "reader_refresh.py"
    script.write_text(_READER_REFRESHING_MANY_FEEDS)
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    alive, stored, feeds = done.stdout.split()[-3:]
    assert alive == "True"
    assert stored == feeds
