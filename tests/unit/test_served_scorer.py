"""A worker's scorer follows champion moves: checked after the interval, not before; loaded
once however many threads ask; a load that fails keeps the scorer in use."""

from __future__ import annotations

import logging
import threading

import pytest

from recomentor.api.served_scorer import RETRY_FAILED_LOAD_S, ServedScorer
from recomentor.errors import InvalidInputError
from recomentor.ranking.scorers import HeuristicScorer, Scorer
from recomentor.settings import Settings
from recomentor.training.registry import ChampionUnavailableError

EVERY_S = 5.0


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Registry:
    """The change marker and the loader, as the lifespan passes them, over a fake trail."""

    def __init__(self) -> None:
        self.change: int | None = 1
        self.champion: Scorer = HeuristicScorer(version="champion-1")
        self.loads = 0
        self.failure: Exception | None = None

    def marker(self) -> int | None:
        return self.change

    def load(self) -> Scorer:
        self.loads += 1
        if self.failure is not None:
            raise self.failure
        return self.champion

    def move(self, version: str) -> Scorer:
        self.change = (self.change or 0) + 1
        self.champion = HeuristicScorer(version=version)
        return self.champion


def _served(registry: _Registry, clock: _Clock) -> tuple[ServedScorer, Scorer]:
    first = HeuristicScorer(version="champion-1")
    served = ServedScorer(
        first,
        seen=registry.change,
        marker=registry.marker,
        load=registry.load,
        check_every_s=EVERY_S,
        clock=clock,
    )
    return served, first


def test_a_move_is_served_after_the_interval_not_before() -> None:
    registry, clock = _Registry(), _Clock()
    served, first = _served(registry, clock)
    second = registry.move("champion-2")
    clock.now += EVERY_S - 0.1
    assert served.refresh_if_due() is first and served.current is first
    assert registry.loads == 0
    clock.now += 0.1
    assert served.refresh_if_due() is second and served.current is second
    assert registry.loads == 1
    # Nothing moved since: later checks load nothing.
    clock.now += 10 * EVERY_S
    assert served.refresh_if_due() is second and registry.loads == 1


def test_an_unchanged_marker_loads_nothing_and_a_check_now_ignores_the_interval() -> None:
    registry, clock = _Registry(), _Clock()
    served, first = _served(registry, clock)
    assert served.refresh() is first and registry.loads == 0
    second = registry.move("champion-2")
    assert served.refresh() is second  # no time passed: drafts and the model page ask now
    assert registry.loads == 1


def test_a_check_now_postpones_the_next_timed_check() -> None:
    registry, clock = _Registry(), _Clock()
    served, first = _served(registry, clock)
    clock.now += EVERY_S - 1
    served.refresh()
    assert served.seconds_until_due() == EVERY_S
    registry.move("champion-2")
    clock.now += 1
    assert served.refresh_if_due() is first and registry.loads == 0


def test_a_failed_load_keeps_the_scorer_and_warns_without_the_errors_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry, clock = _Registry(), _Clock()
    served, first = _served(registry, clock)
    registry.move("champion-2")
    registry.failure = ChampionUnavailableError("chloe.girard@exemple.fr in row 12")
    clock.now += EVERY_S
    with caplog.at_level(logging.WARNING, logger="recomentor.api.served_scorer"):
        assert served.refresh_if_due() is first
    assert served.current is first
    assert "could not be loaded (ChampionUnavailableError)" in caplog.text
    assert "still serving heuristic vchampion-1" in caplog.text
    assert "chloe" not in caplog.text and "row 12" not in caplog.text
    # Not tried again at every check: loading is expensive and each failure warns.
    clock.now += EVERY_S
    assert served.refresh_if_due() is first and registry.loads == 1
    registry.failure = None
    clock.now += RETRY_FAILED_LOAD_S
    assert served.refresh_if_due() is registry.champion and registry.loads == 2


def test_an_unreadable_marker_keeps_the_scorer_and_warns_with_the_type_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = _Registry()
    first = HeuristicScorer(version="champion-1")

    def broken() -> int | None:
        raise OSError("disk full at /home/chloe")

    served = ServedScorer(first, seen=1, marker=broken, load=registry.load, check_every_s=EVERY_S)
    with caplog.at_level(logging.WARNING, logger="recomentor.api.served_scorer"):
        assert served.refresh() is first
    assert "(OSError)" in caplog.text and "chloe" not in caplog.text
    assert registry.loads == 0


def test_concurrent_checks_load_the_new_champion_once() -> None:
    registry = _Registry()
    loading, release = threading.Event(), threading.Event()

    def slow_load() -> Scorer:
        # The first caller holds the load until the others have queued behind it.
        loading.set()
        assert release.wait(30)
        return registry.load()

    served = ServedScorer(
        HeuristicScorer(version="champion-1"),
        seen=registry.change,
        marker=registry.marker,
        load=slow_load,
        check_every_s=EVERY_S,
    )
    second = registry.move("champion-2")
    got: list[Scorer] = []
    threads = [threading.Thread(target=lambda: got.append(served.refresh())) for _ in range(4)]
    threads[0].start()
    assert loading.wait(30)
    for thread in threads[1:]:
        thread.start()
    # The others are blocked behind the first's load; without the lock they would each load.
    for thread in threads[1:]:
        thread.join(0.2)
    release.set()
    for thread in threads:
        thread.join(30)
    assert registry.loads == 1
    assert got == [second] * 4


def test_the_interval_comes_from_the_environment_and_must_be_positive() -> None:
    assert Settings.from_env({}).champion_check_seconds == 5.0
    quick = Settings.from_env({"RECOMENTOR_CHAMPION_CHECK_SECONDS": "0.5"})
    assert quick.champion_check_seconds == 0.5
    for wrong in ("0", "-1", "nan", "inf"):
        with pytest.raises(InvalidInputError, match="RECOMENTOR_CHAMPION_CHECK_SECONDS must be"):
            Settings.from_env({"RECOMENTOR_CHAMPION_CHECK_SECONDS": wrong})
