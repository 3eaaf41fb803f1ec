"""Filing a backlog of saved articles into related stories, in batches, with progress.

Filing costs a few milliseconds of CPU per article on real news text, so the
few hundred articles of a routine refresh are filed as they are saved, while
the tens of thousands a first refresh of many feeds brings would hold that
refresh for a minute. Such a backlog is filed here instead: by the reader in
the background (the list stays usable and regroups as batches land), by
`briefing digest` and `briefing related` before they read stories, and by
`briefing refresh --group`. A large backlog has its features extracted by
helper processes while this thread places the batches, so both cores share
the work; batches are filed oldest first, as a refresh would have filed them.
Articles another pass filed meanwhile are skipped, and stopping between
batches loses nothing: what is left is found again next time.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.analysis.related import Features
    from briefing.store import Store

__all__ = [
    "BATCH",
    "FILE_WITH_HELPERS_FROM",
    "group_backlog",
]

# Articles filed per transaction by default (the reader passes its own, smaller, so that its
# list's reads wait little); each batch shares its term counts and rows, so larger is faster.
BATCH = 200
# A backlog at least this large has its features extracted by helper processes.
FILE_WITH_HELPERS_FROM = 2_000
FILING_HELPERS = 2
# Articles whose features are being extracted ahead of the batch being filed.
FILING_AHEAD = 600

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def group_backlog(
    store: Store,
    article_ids: Sequence[int] | None = None,
    *,
    batch: int | None = None,
    on_progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
    refile: bool = False,
) -> int:
    """File these saved articles (all unfiled ones by default) into stories; return how many.

    `batch` articles are filed per transaction (BATCH by default);
    `on_progress(done, total)` follows each batch; `stop()` is asked between
    batches, and True ends the run early (the rest stays unfiled, nothing is lost).
    Articles filed meanwhile are skipped, unless `refile` (their text changed
    since they were filed). Raises StoreError when the store refuses a write.
    """
    ids = list(article_ids) if article_ids is not None else store.unindexed(limit=10_000_000)
    if not ids:
        return 0
    size = batch or BATCH
    batches = [ids[start : start + size] for start in range(0, len(ids), size)]
    # With one core, helpers would only take turns with this thread.
    if len(ids) >= FILE_WITH_HELPERS_FROM and (os.cpu_count() or 1) > 1:
        try:
            features = _extracted_by_helpers(store, batches)
            return _file(store, batches, features, on_progress, stop, refile)
        except (OSError, concurrent.futures.BrokenExecutor) as exc:
            # No helper processes here (a locked-down machine): file the rest alone.
            log.info("filing without helper processes: %s", exc)
    return _file(store, batches, itertools.repeat(None), on_progress, stop, refile)


def _file(
    store: Store,
    batches: list[list[int]],
    features: Iterator[dict[int, Features] | None],
    on_progress: Progress | None,
    stop: Callable[[], bool] | None,
    refile: bool,
) -> int:
    total = sum(map(len, batches))
    done = filed = 0
    try:
        for chunk, extracted in zip(batches, features, strict=False):
            if stop is not None and stop():
                break
            # Skips what another pass (a refresh, another caller) filed meanwhile.
            filed += store.index_articles(chunk, extracted, unfiled_only=not refile)
            done += len(chunk)
            if on_progress is not None:
                on_progress(done, total)
    finally:
        close = getattr(features, "close", None)
        if close is not None:  # ends the helpers' work early, when stopped
            close()
    return filed


def _extracted_by_helpers(
    store: Store, batches: list[list[int]]
) -> Iterator[dict[int, Features] | None]:
    """Each batch's features, extracted by helper processes a few batches ahead.

    Extracting an article's features is most of the CPU of filing it on short
    texts and needs nothing from the index, so helpers work out the next
    batches while the caller files the current one.
    """
    from briefing.analysis.related import extract_many
    from briefing.processes import spawn_pool
    from briefing.sources.parse import parser_process_started

    ahead: collections.deque[concurrent.futures.Future[list[tuple[int, Features]]]]
    ahead = collections.deque()
    jobs_ahead = max(2, FILING_AHEAD // max(1, len(batches[0])))
    with spawn_pool(FILING_HELPERS, initializer=parser_process_started) as helpers:
        try:
            for number in range(len(batches)):
                while len(ahead) < jobs_ahead and number + len(ahead) < len(batches):
                    texts = store.articles(batches[number + len(ahead)])
                    job = [(a.id or 0, a.title, a.body, a.published) for a in texts]
                    ahead.append(helpers.submit(extract_many, job))
                yield dict(ahead.popleft().result())
        finally:
            for future in ahead:
                future.cancel()
