"""A small roster whose best pairs are known in every mode, and models fitted on that answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recomentor import fields as F
from recomentor.ranking.candidates import eligible_pairs
from recomentor.ranking.features import pair_features
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.learned import LearnedScorer
from recomentor.store import Store, open_store
from recomentor.training.config import TrainingConfig
from recomentor.training.dataset import GOOD_RATING, FeedbackDataset
from recomentor.training.pipeline import fit_ranker
from tests.fakes import build_roster, person

MIN_GAP = 5.0
TOPICS = ("Instagram, TikTok", "Power BI, Excel", "Python, pandas", "négociation commerciale")
PEOPLE = 24  # the first half juniors, the second half seniors
GOOD, BAD = 5, 1


def _skill(people: np.ndarray) -> np.ndarray:
    return people % len(TOPICS)


def _goal(people: np.ndarray) -> np.ndarray:
    return (people // 3) % len(TOPICS)


def records() -> list[dict[str, object]]:
    """Everyone can mentor and be mentored; each writes one topic as skill and one as goal,
    so that everyone has partners who fit in every mode (both ways in mutual mode)."""
    people = np.arange(PEOPLE)
    skills, goals = _skill(people).tolist(), _goal(people).tolist()
    return [
        person(
            f"P{i:02d}",
            role=F.BOTH,
            years=1 + i % 4 if i < PEOPLE // 2 else 20 + i % 8,
            department=("Marketing", "Finance", "IT")[i % 3],
            location=("Paris", "Lyon")[i % 2],
            skills=TOPICS[skills[i]],
            goals=TOPICS[goals[i]],
        )
        for i in range(PEOPLE)
    ]


def known_ratings(mentor: np.ndarray, mentee: np.ndarray, mode: str) -> np.ndarray:
    """The answer: a pairing goes well (5, else 1) when the mentor teaches what the mentee
    wants; in mutual mode each direction that fits adds 2 to a base of 1."""
    teaches = _skill(mentor) == _goal(mentee)
    if mode != F.MUTUAL:
        return np.where(teaches, GOOD, BAD)
    return BAD + 2 * teaches + 2 * (_skill(mentee) == _goal(mentor))


@dataclass
class KnownAnswer:
    """The roster (people P00..P23 at positions 0..23), its store, and models fitted on it."""

    store: Store
    roster: Roster
    _learned: dict[str, LearnedScorer] = field(default_factory=dict)

    def pairs(self, mode: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mentor_idx, mentee_idx, rating) of every eligible pair; mutual pairs once each."""
        mentor, mentee = (m.ravel() for m in np.indices((PEOPLE, PEOPLE)))
        keep = eligible_pairs(self.roster, mentor, mentee, mode, min_gap=MIN_GAP)
        if mode == F.MUTUAL:
            keep &= mentor < mentee
        mentor, mentee = mentor[keep], mentee[keep]
        return mentor, mentee, known_ratings(mentor, mentee, mode)

    def learned(self, mode: str) -> LearnedScorer:
        """Ranker and phrase association fitted by the training code on every pair of `mode`
        (once per KnownAnswer)."""
        if mode not in self._learned:
            mentor, mentee, ratings = self.pairs(mode)
            features = pair_features(self.roster, mentor, mentee, mode=mode)
            dataset = FeedbackDataset(
                features=features.matrix,
                feature_names=features.names,
                is_good=ratings >= GOOD_RATING,
                ratings=ratings,
                mentor_idx=mentor,
                mentee_idx=mentee,
                roster=self.roster,
                mode=mode,
            )
            config = TrainingConfig(mode=mode, association_clusters=len(TOPICS))
            self._learned[mode] = fit_ranker(dataset, np.arange(len(dataset)), config)
        return self._learned[mode]


@contextmanager
def known_answer(folder: Path) -> Iterator[KnownAnswer]:
    """The known-answer roster in a SQLite store under `folder`, closed afterwards."""
    store = open_store(f"sqlite:///{folder / 'known.db'}")
    try:
        yield KnownAnswer(store, build_roster(store, records()))
    finally:
        store.dispose()
