"""Benchmark: refresh N synthetic feeds served from loopback, cold and warm (all 304).

Run by hand:  python bench/refresh.py [--sizes 100 500 1000] [--latency 0.1]
                                     [--modes shipped group noindex]

A server process serves N feeds (RSS and Atom, 20-200 KB, 20-50 items each)
with a fixed per-request latency and ETags, spread over 64 loopback addresses
(127.0.0.1-64) so the per-host limit behaves as it does on the real web.
Each size is timed end to end with `briefing refresh` in a fresh data
directory (cold: every feed new; warm: every feed answers 304), plus the bare
fetch+parse layer (`fetch_all`) for reference. Peak memory is the largest sum
of resident memory over the refresh process and its children. When `newsboat`
is on PATH it is timed on the same farm (`-x reload`, default reload-threads
and 32) and the ratios are printed; otherwise the ratios are computed against
newsboat's figures quoted in the task (N = 1,000, 100 ms: 112 s cold with its
default single thread; 10 s cold and 17 s warm with 32 threads), labelled as
quoted, not measured.

Refresh saves each feed and files the saved articles into related stories
while the writer is idle; a backlog of more than 2,000 articles left at the
end (a cold run of many feeds) is left to the reader, which groups it in the
background. `--modes` picks what is timed, each in its own data directory:
`shipped` is `briefing refresh` as a user runs it, followed by grouping the
backlog it left the way the reader does (timed separately); `group` is
`briefing refresh --group`, which files every article before it returns;
`noindex` switches filing off altogether (storing and search only).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HOSTS = 64
# newsboat 2.x at N = 1,000 feeds and 100 ms latency, as quoted with the targets (not measured
# here): (cold, warm) seconds at its default reload-threads and at 32 threads.
QUOTED_NEWSBOAT = {"N": 1000, "default": (112.0, None), "32": (10.0, 17.0)}
# Run instead of `briefing refresh` to time it without related-story indexing: the time until
# every article is stored (the shipped refresh files them into stories after saving).
_NO_INDEX_HOOK = (
    "import sys, briefing.refresh as refresh; refresh.INDEX_RELATED = False; "
    "from briefing.cli import main; sys.exit(main(['refresh']))"
)
# Groups what a refresh left unfiled, as the reader does in the background.
_GROUP_AS_THE_READER_DOES = (
    "from briefing.grouping import group_backlog; from briefing.store import Store; "
    "from briefing.tui.library import GROUPING_BATCH; store = Store.open(); "
    "print(group_backlog(store, batch=GROUPING_BATCH)); store.close()"
)
# What each mode runs, and how its rows are labelled.
MODES = {
    "shipped": ("", "refresh"),
    "group": ("_group", "refresh --group"),
    "noindex": ("_nohook", "no filing at all"),
}
WORDS = tuple(
    [
        "council",
        "budget",
        "harbour",
        "ferry",
        "minister",
        "spending",
        "report",
        "analysts",
        "said",
        "tuesday",
        "policy",
        "reform",
        "billion",
        "million",
        "committee",
        "vote",
        "treasury",
        "plan",
        "regional",
        "transport",
        "health",
        "school",
        "energy",
        "grid",
        "tariff",
        "inflation",
        "growth",
        "forecast",
        "deficit",
        "pension",
        "union",
        "strike",
        "agreement",
        "parliament",
        "opposition",
        "leader",
        "statement",
        "official",
        "figures",
        "quarter",
        "annual",
        "review",
    ]
)


def feed_url(port: int, index: int) -> str:
    return f"http://127.0.0.{1 + index % HOSTS}:{port}/feed/{index}.xml"


def make_feed(index: int) -> bytes:
    """A deterministic RSS or Atom document of 20-200 KB with 20-50 items."""
    rng = random.Random(index)
    items = rng.randint(20, 50)
    target = rng.randint(20_000, 200_000)
    per_item = max(200, target // items)
    atom = index % 2 == 1
    parts: list[str] = []
    if atom:
        parts.append(
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>Bench feed {index}</title><link href="https://site{index}.example/"/>'
            f"<id>urn:bench:{index}</id><updated>2024-01-01T00:00:00Z</updated>\n"
        )
    else:
        parts.append(
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Bench feed {index}</title><link>https://site{index}.example/</link>"
            "<description>Synthetic feed</description>\n"
        )
    for item in range(items):
        words = []
        size = 0
        while size < per_item:
            sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
            words.append(f"<p>{sentence.capitalize()}.</p>")
            size += len(sentence) + 8
        body = "".join(words)
        title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize()
        day = 1 + item % 28
        if atom:
            parts.append(
                f"<entry><title>{title}</title>"
                f'<link href="https://site{index}.example/a/{item}"/>'
                f"<id>urn:bench:{index}:{item}</id>"
                f"<updated>2024-02-{day:02d}T10:00:00Z</updated>"
                f'<content type="html"><![CDATA[{body}]]></content></entry>\n'
            )
        else:
            parts.append(
                f"<item><title>{title}</title><link>https://site{index}.example/a/{item}</link>"
                f"<guid>urn:bench:{index}:{item}</guid>"
                f"<pubDate>Thu, {day:02d} Feb 2024 10:00:00 GMT</pubDate>"
                f"<description><![CDATA[{body}]]></description></item>\n"
            )
    parts.append("</feed>" if atom else "</channel></rss>")
    return "".join(parts).encode()


# --- the feed farm (runs in its own process) -------------------------------------------------


async def _serve(port: int, count: int, latency: float, ready: Path) -> None:
    bodies = {i: make_feed(i) for i in range(count)}
    etags = {i: '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for i, body in bodies.items()}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip().lower()] = value.strip()
                await asyncio.sleep(latency)
                try:
                    index = int(path.rsplit("/", 1)[-1].split(".")[0])
                    body = bodies[index]
                except (ValueError, KeyError):
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                if headers.get("if-none-match") == etags[index]:
                    writer.write(
                        b"HTTP/1.1 304 Not Modified\r\nETag: "
                        + etags[index].encode()
                        + b"\r\nContent-Length: 0\r\n\r\n"
                    )
                else:
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml; charset=utf-8\r\n"
                        + b"ETag: "
                        + etags[index].encode()
                        + f"\r\nContent-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    hosts = [f"127.0.0.{1 + i}" for i in range(HOSTS)]
    server = await asyncio.start_server(handle, hosts, port, backlog=2048)
    ready.write_text("ok")
    async with server:
        await server.serve_forever()


def serve_main(port: int, count: int, latency: float, ready: str) -> None:
    asyncio.run(_serve(port, count, latency, Path(ready)))


# --- measuring ---------------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants (Linux /proc)."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(child) for child in children.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """(seconds, peak tree memory in bytes, CPU seconds) of running `command`."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, errors = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    if process.returncode != 0:
        print(f"  ! {' '.join(command[:3])}... exited {process.returncode}: {errors[-500:]!r}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, peak, cpu


def _api_run(urls: list[str], concurrency: int, states: list | None) -> tuple[float, list]:
    from briefing.config import NetworkSettings
    from briefing.sources.fetch import FetchState, fetch_all

    settings = NetworkSettings(concurrency=concurrency)
    requests = [
        (u, s or FetchState()) for u, s in zip(urls, states or [None] * len(urls), strict=True)
    ]
    started = time.perf_counter()
    cpu = time.process_time()
    outcomes = asyncio.run(fetch_all(requests, settings, parse="process"))
    elapsed = time.perf_counter() - started
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  (fetch_all: {len(urls)} feeds, {elapsed:.2f} s wall, main process cpu "
        f"{time.process_time() - cpu:.2f} s, main process peak so far {peak:.0f} MB)"
    )
    failed = [o for o in outcomes if o.error]
    if failed:
        print(f"  ! api: {len(failed)} failed, e.g. {failed[0].error}")
    by_url = {o.request.url: o.fetch.state for o in outcomes}
    return elapsed, [by_url.get(u) for u in urls]


def newsboat_run(urls: list[str], threads: int | None, workdir: Path) -> tuple[float, float, int]:
    """(cold s, warm s, peak bytes) of `newsboat -x reload` on the farm."""
    urls_file = workdir / "urls"
    urls_file.write_text("\n".join(urls) + "\n")
    config = workdir / "config"
    config.write_text(f"reload-threads {threads}\n" if threads else "")
    cache = workdir / f"cache-{threads or 'default'}.db"
    command = [
        "newsboat",
        "-x",
        "reload",
        "-u",
        str(urls_file),
        "-c",
        str(cache),
        "-C",
        str(config),
    ]
    cold, peak_cold, _cpu = timed(command, dict(os.environ))
    warm, peak_warm, _cpu = timed(command, dict(os.environ))
    return cold, warm, max(peak_cold, peak_warm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000])
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per request")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--no-api", action="store_true", help="skip the fetch+parse-only run")
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=tuple(MODES),
        default=["shipped", "group"],
        help="what to time (default: shipped and group; see the module docstring)",
    )
    args = parser.parse_args()

    repo = Path(__file__).resolve().parents[1]
    briefing = shutil.which("briefing") or str(Path(sys.executable).with_name("briefing"))
    has_cli = (repo / "briefing" / "cli" / "refresh.py").is_file() and Path(briefing).exists()
    newsboat = shutil.which("newsboat")
    print(
        f"latency {args.latency * 1000:.0f} ms per request, concurrency {args.concurrency}, "
        f"{os.cpu_count()} CPUs"
    )
    if not has_cli:
        print("briefing refresh not found: timing fetch_all only")
    if newsboat is None:
        print("newsboat: not on PATH, comparison skipped")

    rows = []
    for count in args.sizes:
        port = args.port or _free_port()
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as temp:
            work = Path(temp)
            ready = work / "ready"
            server = subprocess.Popen(
                [
                    sys.executable,
                    __file__,
                    "--serve",
                    str(port),
                    str(count),
                    str(args.latency),
                    str(ready),
                ],
            )
            try:
                while not ready.exists():
                    if server.poll() is not None:
                        raise SystemExit("feed server failed to start")
                    time.sleep(0.05)
                urls = [feed_url(port, i) for i in range(count)]
                row: dict[str, object] = {"N": count}
                if has_cli:
                    config = work / "briefing.toml"
                    config.write_text(
                        f"[network]\nconcurrency = {args.concurrency}\n"
                        "[general]\nrefresh_on_start = false\n"
                    )
                    opml = work / "feeds.opml"
                    opml.write_text(_opml(urls))
                    for mode in args.modes:
                        suffix = MODES[mode][0]
                        env = dict(
                            os.environ,
                            BRIEFING_DATA_DIR=str(work / f"data{suffix}"),
                            BRIEFING_CONFIG=str(config),
                        )
                        subprocess.run(
                            [briefing, "import-opml", str(opml)],
                            env=env,
                            check=True,
                            stdout=subprocess.DEVNULL,
                        )
                        command = {
                            "shipped": [briefing, "refresh"],
                            "group": [briefing, "refresh", "--group"],
                            "noindex": [sys.executable, "-c", _NO_INDEX_HOOK],
                        }[mode]
                        for phase in ("cold", "warm"):
                            took, peak, cpu = timed(command, env)
                            row[phase + suffix] = took
                            row[f"{phase}{suffix}_mem"] = peak
                            row[f"{phase}{suffix}_cpu"] = cpu
                            if mode == "shipped" and phase == "cold":
                                grouping = [sys.executable, "-c", _GROUP_AS_THE_READER_DOES]
                                took, peak, cpu = timed(grouping, env)
                                row["grouping"] = took
                                row["grouping_cpu"] = cpu
                                row["grouping_mem"] = peak
                if not args.no_api:
                    row["api_cold"], states = _api_run(urls, args.concurrency, None)
                    row["api_warm"], _ = _api_run(urls, args.concurrency, states)
                if newsboat:
                    row["nb_cold"], row["nb_warm"], row["nb_mem"] = newsboat_run(urls, None, work)
                    row["nb32_cold"], row["nb32_warm"], row["nb32_mem"] = newsboat_run(
                        urls, 32, work
                    )
                rows.append(row)
                _print_row(row)
            finally:
                server.terminate()
                server.wait()
    return 0


def _print_row(row: dict[str, object]) -> None:
    def seconds(key: str) -> str:
        value = row.get(key)
        return f"{value:6.2f} s" if isinstance(value, float) else "   -   "

    def megabytes(key: str) -> str:
        value = row.get(key)
        return f"{value / 1e6:5.0f} MB" if isinstance(value, int) and value else "   -  "

    print(f"N={row['N']}")
    for suffix, label in MODES.values():
        if "cold" + suffix in row:
            cold = f"cold {seconds('cold' + suffix)} (cpu {seconds(f'cold{suffix}_cpu')}, "
            cold += f"peak {megabytes(f'cold{suffix}_mem')})"
            warm = f"warm {seconds('warm' + suffix)} (cpu {seconds(f'warm{suffix}_cpu')}, "
            warm += f"peak {megabytes(f'warm{suffix}_mem')})"
            print(f"  {label:<18} {cold}  {warm}")
            if suffix == "" and "grouping" in row:
                print(
                    f"    then the backlog grouped as the reader does: {seconds('grouping')} "
                    f"(cpu {seconds('grouping_cpu')}, peak {megabytes('grouping_mem')})"
                )
    if "api_cold" in row:
        print(f"  fetch_all only     cold {seconds('api_cold')}  warm {seconds('api_warm')}")
    if "nb32_cold" in row:
        print(
            f"  newsboat default   cold {seconds('nb_cold')}  warm {seconds('nb_warm')}  "
            f"(peak {megabytes('nb_mem')})"
        )
        print(
            f"  newsboat 32        cold {seconds('nb32_cold')}  warm {seconds('nb32_warm')}  "
            f"(peak {megabytes('nb32_mem')})"
        )
        reference, source = (float(row["nb32_cold"]), float(row["nb32_warm"])), "measured"  # type: ignore[arg-type]
    elif row["N"] == QUOTED_NEWSBOAT["N"]:
        reference, source = QUOTED_NEWSBOAT["32"], "QUOTED figures, not measured"  # type: ignore[assignment]
        print(
            "  newsboat           not on PATH; quoted figures for N=1000 at 100 ms: default "
            "threads 112 s cold; 32 threads 10 s cold, 17 s warm"
        )
    else:
        print("  newsboat           skipped (not on PATH; quoted figures exist for N=1000 only)")
        sys.stdout.flush()
        return
    cold_ref, warm_ref = reference
    for suffix, label in MODES.values():
        if "cold" + suffix in row:
            cold = float(row["cold" + suffix]) / cold_ref  # type: ignore[arg-type]
            warm = float(row["warm" + suffix]) / warm_ref  # type: ignore[arg-type]
            memory = int(row[f"cold{suffix}_mem"]) / 1e6  # type: ignore[call-overload]
            print(
                f"  {label:<18} vs newsboat 32 ({source}): cold {cold:.2f} (target <= 0.50), "
                f"warm {warm:.2f} (target <= 0.25), peak {memory:.0f} MB (target <= 200)"
            )
    sys.stdout.flush()


def _opml(urls: list[str]) -> str:
    from briefing.sources.opml import OpmlFeed, write_opml

    return write_opml([OpmlFeed(url, f"Bench {i}") for i, url in enumerate(urls)], "bench")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve_main(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(main())
