"""What the service loads once (store, encoder), the scorer it serves (swapped when the champion
moves) and the roster, rebuilt after writes."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from sqlalchemy import func, select

from recomentor.api.ratelimit import RateLimiter
from recomentor.api.served_scorer import ServedScorer
from recomentor.embeddings import TextEncoder
from recomentor.ranking.roster import Roster, load_roster
from recomentor.ranking.scorers import Scorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.tables import ParticipantRow

# How often a worker checks whether another worker changed the participants.
_FINGERPRINT_EVERY_S = 1.0


def participants_fingerprint(store: Store) -> tuple[int, datetime | None]:
    """Changes whenever a participant is added, updated or erased, by any process."""
    query = select(func.count(), func.max(ParticipantRow.updated_at))
    with store.session() as session:
        count, latest = session.execute(query).one()
    return int(count), latest


class Runtime:
    """Shared by every request of one worker; the roster is immutable once built.

    A plain class, not a dataclass: Litestar would try to validate a dataclass dependency.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        encoder: TextEncoder,
        served: ServedScorer,
        rate_limiter: RateLimiter,
    ) -> None:
        self.settings = settings
        self.store = store
        self.encoder = encoder
        self.served = served
        self.rate_limiter = rate_limiter
        # Keyed by client address: counted before any key is known. Failed web sign-ins count
        # here too, so guessing keys and guessing passwords share one allowance per address.
        self.auth_failures = RateLimiter(settings.auth_failures_per_minute)
        # Failed web sign-ins per account (keyed by a hash of the address, not the address).
        self.sign_in_failures = RateLimiter(settings.sign_in_failures_per_minute)
        self._roster: Roster | None = None
        self._roster_fingerprint: tuple[int, datetime | None] | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    @property
    def scorer(self) -> Scorer:
        """The scorer in use, as of this worker's latest check for a new champion. Read it once
        per request: what follows in that request is then scored by one model."""
        return self.served.current

    def scorer_now(self) -> Scorer:
        """The scorer after checking for a new champion now (one query). Drafts use it: they
        refuse edits when the scorer changed since they were made, and a worker whose next
        check is not due yet must not refuse an edit of a draft made by the new champion."""
        return self.served.refresh()

    def invalidate(self) -> None:
        """Participants changed here: the next suggestion rebuilds the roster."""
        with self._lock:
            self._roster = None

    def _roster_to_check(self) -> Roster | None:
        """The roster whose fingerprint is due for a check, claimed by the calling thread."""
        with self._lock:
            now = time.monotonic()
            if self._roster is None or now - self._checked_at < _FINGERPRINT_EVERY_S:
                return None
            self._checked_at = now
            return self._roster

    def roster(self) -> Roster:
        """The current roster, rebuilt lazily (one thread builds, the others wait for it).

        Whether another worker changed the participants is checked at most once a second, by
        one thread and outside the lock: the others keep answering from the current roster
        meanwhile instead of queueing behind a count over the whole table.
        """
        checked = self._roster_to_check()
        if checked is not None:
            fingerprint = participants_fingerprint(self.store)
            with self._lock:
                # Only the roster that was checked is dropped, not one rebuilt meanwhile.
                if self._roster is checked and fingerprint != self._roster_fingerprint:
                    self._roster = None
        with self._lock:
            if self._roster is None:
                fingerprint = participants_fingerprint(self.store)
                self._roster = load_roster(self.store, self.encoder)
                self._roster_fingerprint = fingerprint
                self._checked_at = time.monotonic()
            return self._roster
