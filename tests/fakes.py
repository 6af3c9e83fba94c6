"""Test doubles: a deterministic encoder; texts sharing character trigrams get close vectors."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from recomentor import fields as F
from recomentor import text as T
from recomentor.attributes import AttributeDefinition
from recomentor.ranking.roster import Roster, load_roster
from recomentor.store import Store
from recomentor.store.attributes import save_definitions
from recomentor.store.participants import upsert_participants

_BUCKETS = 2_048


@functools.cache
def _projection(dim: int) -> np.ndarray:
    """The fixed random matrix, drawn once per size: hundreds of tests build an encoder."""
    matrix = np.random.default_rng(7).standard_normal((_BUCKETS, dim))
    matrix.flags.writeable = False  # shared by every encoder of this size
    return matrix


class FakeEncoder:
    """Hashed character-trigram bag projected to `dim` dims by a fixed random matrix."""

    def __init__(self, dim: int = 64, model_id: str = "fake/trigram-64") -> None:
        self.model_id = model_id
        self.dimension = dim
        self.calls: list[list[str]] = []
        self._projection = _projection(dim)

    @property
    def encoded_texts(self) -> list[str]:
        return [text for call in self.calls for text in call]

    def _bag(self, text: str) -> np.ndarray:
        padded = f"  {T.strip_accents(text).casefold()}  "
        bag = np.zeros(_BUCKETS)
        for start in range(len(padded) - 2):
            bag[zlib.crc32(padded[start : start + 3].encode()) % _BUCKETS] += 1.0
        return bag

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        assert all(t.strip() for t in texts), "empty texts must never reach the model"
        self.calls.append(list(texts))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = np.stack([self._bag(t) for t in texts]) @ self._projection
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors.astype(np.float32)


def person(
    pid: str,
    *,
    role: str = F.MENTOR,
    years: float = 2,
    department: str = "Marketing",
    skills: str | None = "Instagram, TikTok",
    goals: str | None = "Négociation",
    languages: str | None = "fr",
    location: str | None = "Paris",
    max_mentees: int = 1,
    manager_id: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A canonical participant record as the survey import stores it."""
    typed = {} if attributes is None else {F.ATTRIBUTES: attributes}
    return {
        **typed,
        F.ID: pid,
        F.NAME: None,
        F.EMAIL: None,
        F.DEPARTMENT: department,
        F.JOB_TITLE: None,
        F.YEARS_EXPERIENCE: float(years),
        F.ROLE: role,
        F.SKILLS: skills,
        F.GOALS: goals,
        F.LANGUAGES: languages,
        F.LOCATION: location,
        F.MAX_MENTEES: max_mentees,
        F.MANAGER_ID: manager_id,
        F.SUBMITTED_AT: None,
    }


def build_roster(
    store: Store,
    records: Sequence[dict[str, Any]],
    encoder: FakeEncoder | None = None,
    *,
    definitions: Sequence[AttributeDefinition] = (),
) -> Roster:
    """The roster of `records` (and of the attributes `definitions` declare) as stored."""
    with store.session() as session:
        save_definitions(session, definitions)
        upsert_participants(session, list(records))
    return load_roster(store, encoder or FakeEncoder())
