"""Loads the store, encoder and scorer once per worker into `app.state.runtime`, and watches
for a new champion while the worker runs (served_scorer.py)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from anyio import to_thread
from litestar import Litestar
from threadpoolctl import threadpool_limits

from recomentor.api.ratelimit import RateLimiter
from recomentor.api.runtime import Runtime
from recomentor.api.served_scorer import ServedScorer, watching
from recomentor.embeddings import SentenceEncoder, TextEncoder
from recomentor.ranking.scorers import Scorer
from recomentor.settings import Settings
from recomentor.store import Store, open_store
from recomentor.store.champion_changes import latest_champion_change
from recomentor.training.registry import load_champion_or_heuristic, load_scorer


def services(
    settings: Settings,
    *,
    store: Store | None = None,
    encoder: TextEncoder | None = None,
    scorer: Scorer | None = None,
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan that opens what was not injected and closes only what it opened."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # Requests already run in parallel (threads, workers); BLAS threads inside each one
        # oversubscribe the cores and slow every suggestion down.
        threadpool_limits(limits=1, user_api="blas")
        opened = store is None
        active: Store = (
            await to_thread.run_sync(open_store, settings.resolved_database_url)
            if store is None
            else store
        )
        try:

            def champion_change() -> int | None:
                with active.session() as session:
                    return latest_champion_change(session)

            # Read before loading: a move in between is then seen as new at the first check.
            seen = await to_thread.run_sync(champion_change)
            chosen: Scorer = (
                await to_thread.run_sync(load_scorer, settings) if scorer is None else scorer
            )
            served = ServedScorer(
                chosen,
                seen=seen,
                marker=champion_change,
                # Unlike at start, a champion that cannot load keeps the scorer in use.
                load=lambda: load_champion_or_heuristic(settings),
                check_every_s=settings.champion_check_seconds,
            )
            app.state.runtime = Runtime(
                settings=settings,
                store=active,
                # The model itself loads on the first text that is not cached yet.
                encoder=encoder or SentenceEncoder.from_settings(settings),
                served=served,
                rate_limiter=RateLimiter(settings.rate_limit_per_minute),
            )
            # What is loaded by now (modules, the app, the champion) lives as long as the
            # worker: ~400,000 objects that every full collection walked again, stalling the
            # request that set it off by a few hundred milliseconds (bench/web.py's p95).
            gc.freeze()
            with watching(served):
                yield
        finally:
            gc.unfreeze()
            if opened:
                active.dispose()

    return lifespan
