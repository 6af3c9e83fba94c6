"""The scorer one worker serves, swapped for the new champion when any process moves it.

Where the check runs: a watcher thread per worker, started and stopped by the lifespan, not a
check on the request path. Loading a model (MLflow unpickling it) takes long enough that no
request should wait for it, and an idle worker is up to date before its next request, so
`/ready` and `GET /api/v1/model` name the new champion on every worker within the interval
whether or not suggestions went there meanwhile. A thread rather than a task on the event loop:
both the check and the load block (database, MLflow), and a thread needs no task group held
open across the lifespan's yield.

What is checked: the id of the newest `champion_changes` row. Every move recomentor makes adds
one (promote, rollback, and training's own promotions), after the registry alias has moved and
in the same transaction, so a new id means the alias already names the new champion. An alias
moved from MLflow's own UI leaves no row: workers pick that up when they restart, as before.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

from recomentor.ranking.scorers import Scorer

# A champion that failed to load is tried again this much later at the soonest: loading is
# expensive, and each failure logs a warning.
RETRY_FAILED_LOAD_S: Final = 60.0
# How long a stopping server waits for a load in progress before leaving the thread behind.
_STOP_WAIT_S: Final = 10.0

log = logging.getLogger(__name__)

ChangeMarker = Callable[[], int | None]
ScorerLoader = Callable[[], Scorer]


class ServedScorer:
    """One worker's scorer and the champion change it reflects.

    A request reads `current` once and keeps what it got: a swap is one attribute assignment,
    so requests in flight finish with the scorer they began with. One lock serialises checks:
    a second caller during a load waits, then finds the change already seen and loads nothing.
    """

    def __init__(
        self,
        scorer: Scorer,
        *,
        seen: int | None,
        marker: ChangeMarker,
        load: ScorerLoader,
        check_every_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._current = scorer
        self._seen = seen
        self._marker = marker
        self._load = load
        self._every = check_every_s
        self._clock = clock
        self._next_check = clock() + check_every_s
        self._lock = threading.Lock()

    @property
    def current(self) -> Scorer:
        return self._current

    def seconds_until_due(self) -> float:
        return max(0.0, self._next_check - self._clock())

    def refresh_if_due(self) -> Scorer:
        """`refresh` once the interval since the last check has passed, else the current one."""
        if self._clock() < self._next_check:
            return self._current
        return self.refresh()

    def refresh(self) -> Scorer:
        """Check now; when the champion moved, load it and serve it from now on. A load that
        fails keeps the current scorer and is tried again later."""
        with self._lock:
            now = self._clock()
            self._next_check = now + self._every
            try:
                marker = self._marker()
            except Exception as error:
                # The message never carries the error's text: it may quote SQL parameters.
                log.warning(
                    "could not read the champion's changes (%s); still serving %s v%s",
                    type(error).__name__,
                    self._current.name,
                    self._current.version,
                )
                return self._current
            if marker == self._seen:
                return self._current
            try:
                scorer = self._load()
            except Exception as error:
                self._next_check = now + max(self._every, RETRY_FAILED_LOAD_S)
                log.warning(
                    "the champion moved (change %s) but could not be loaded (%s); "
                    "still serving %s v%s, next try in %.0f s",
                    marker,
                    type(error).__name__,
                    self._current.name,
                    self._current.version,
                    self._next_check - now,
                )
                return self._current
            self._current, self._seen = scorer, marker
            log.info(
                "worker %d now serves %s v%s (champion change %s)",
                os.getpid(),
                scorer.name,
                scorer.version,
                marker,
            )
            return scorer


@contextmanager
def watching(served: ServedScorer) -> Iterator[None]:
    """Check for a new champion in a background thread until the block ends."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(served.seconds_until_due()):
            served.refresh_if_due()

    thread = threading.Thread(target=watch, name="champion-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(_STOP_WAIT_S)
