"""All participants as aligned arrays, ready for vectorised candidate filtering and scoring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from recomentor import fields as F
from recomentor import text as T
from recomentor.attributes import CATEGORY, NUMBER
from recomentor.embeddings import TextEncoder, embed_texts
from recomentor.errors import NotFoundError
from recomentor.ranking.attributes import AttributeColumn, attribute_columns
from recomentor.store.attributes import read_definitions
from recomentor.store.tables import ParticipantRow

if TYPE_CHECKING:
    import scipy.sparse as sp

    from recomentor.store import Store

# Role codes; `both` people can take either side of a pair.
ROLE_CODES = {F.MENTOR: 0, F.MENTEE: 1, F.BOTH: 2}
# Built-in fields a program rule may test like attributes.
RULE_FIELDS = (F.DEPARTMENT, F.LOCATION, F.YEARS_EXPERIENCE, F.ROLE)
NO_INDEX = -1
# Bit 63 is shared by every language beyond the 63 most frequent: rare enough that a
# spurious "common language" there is better than refusing to build the roster.
_LANGUAGE_BITS = 64


@dataclass(frozen=True, eq=False)
class ItemSet:
    """The items (phrases) of one answer field for everyone, as a ragged array.

    Person p's items are `texts[refs[offsets[p]:offsets[p + 1]]]`; `vectors` holds one row per
    distinct item, so repeated phrases are compared once.
    """

    vectors: np.ndarray  # (distinct items, d) float32
    texts: list[str]
    refs: np.ndarray  # (all items,) int64 rows of `vectors`, person-major
    offsets: np.ndarray  # (people + 1,) int64

    def of(self, person: int) -> np.ndarray:
        return self.refs[self.offsets[person] : self.offsets[person + 1]]

    @cached_property
    def firsts(self) -> ItemSet:
        """The same items, keeping only the one each person wrote first (none if none)."""
        counts = np.diff(self.offsets)
        kept = np.minimum(counts, 1)
        # Only the distinct first items keep a vector: one-against-many products then cover
        # them alone, not every item anybody wrote.
        distinct, refs = np.unique(self.refs[self.offsets[:-1][counts > 0]], return_inverse=True)
        return ItemSet(
            vectors=self.vectors[distinct],
            texts=[self.texts[row] for row in distinct.tolist()],
            refs=refs.astype(np.int64),
            offsets=np.concatenate([[0], np.cumsum(kept)]).astype(np.int64),
        )

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)


@dataclass(frozen=True, eq=False)
class Roster:
    """Participants in id order; every array is indexed by the same position."""

    ids: list[str]
    index: dict[str, int]
    role: np.ndarray  # int8 ROLE_CODES
    years: np.ndarray  # float64
    department: np.ndarray  # int32 code
    location: np.ndarray  # int32 code, -1 when not given
    languages: np.ndarray  # uint64 bit per language, 0 = gave none
    manager: np.ndarray  # int64 index of the manager, -1 when none or not a participant
    max_mentees: np.ndarray  # int64
    skill_vectors: np.ndarray  # (n, d) float32 whole-answer embeddings, zero when empty
    goal_vectors: np.ndarray  # (n, d) float32
    # Skills and goals again, side by side (n, 2, d) and sorted by years of experience: a
    # person's candidates in reverse or classic mode are the juniors or the seniors, one
    # contiguous block that a single pass compares in both directions without gathering rows.
    answers_by_years: np.ndarray
    years_rank: np.ndarray  # int64 row of each person in answers_by_years
    skill_items: ItemSet
    goal_items: ItemSet
    # Whole answers, normalised: what the lexical matrices below are made of.
    skill_texts: list[str]
    goal_texts: list[str]
    model_id: str
    departments: list[str]
    locations: list[str]
    # Texts the model had to encode while loading: 0 when every answer was cached.
    encoded: int = 0
    # Typed answers to the survey's further questions, by attribute name.
    attributes: dict[str, AttributeColumn] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    # The lexical matrices are made on first use: a score that gives the text features no
    # weight (a program scored by its rules alone) never reads them, nor loads scipy.sparse.
    @cached_property
    def _lexical_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        return _lexical(self.skill_texts, self.goal_texts)

    @property
    def lexical_skills(self) -> sp.csr_matrix:
        """(n, vocabulary) L2-normalised character n-gram TF-IDF rows of the skills."""
        return self._lexical_matrices[0]

    @property
    def lexical_goals(self) -> sp.csr_matrix:
        return self._lexical_matrices[1]

    # The same matrices by n-gram: one person against everyone touches only their n-grams.
    @cached_property
    def lexical_skills_by_ngram(self) -> sp.csc_matrix:
        return self.lexical_skills.tocsc()

    @cached_property
    def lexical_goals_by_ngram(self) -> sp.csc_matrix:
        return self.lexical_goals.tocsc()

    def position(self, person_id: str) -> int:
        try:
            return self.index[person_id]
        except KeyError:
            raise NotFoundError("participant", person_id) from None

    @property
    def field_names(self) -> tuple[str, ...]:
        """What a program rule may test: the built-in rule fields, then the attributes."""
        return (*RULE_FIELDS, *sorted(self.attributes))

    def column(self, name: str) -> AttributeColumn | None:
        """A built-in rule field or an attribute as an AttributeColumn; None when unknown."""
        if name in self.attributes:
            return self.attributes[name]
        if name == F.DEPARTMENT:
            return AttributeColumn(name, CATEGORY, tuple(self.departments), codes=self.department)
        if name == F.LOCATION:
            return AttributeColumn(name, CATEGORY, tuple(self.locations), codes=self.location)
        if name == F.YEARS_EXPERIENCE:
            return AttributeColumn(name, NUMBER, (), numbers=self.years)
        if name == F.ROLE:
            return AttributeColumn(
                name, CATEGORY, tuple(ROLE_CODES), codes=self.role.astype(np.int32)
            )
        return None

    @property
    def can_mentor(self) -> np.ndarray:
        return self.role != ROLE_CODES[F.MENTEE]

    @property
    def can_be_mentee(self) -> np.ndarray:
        return self.role != ROLE_CODES[F.MENTOR]


def _codes(values: Sequence[str | None]) -> tuple[np.ndarray, list[str]]:
    """Integer codes for case- and space-insensitive categories; -1 for missing."""
    keys = [T.normalise(v).casefold() if v else "" for v in values]
    labels = sorted({k for k in keys if k})
    lookup = {label: code for code, label in enumerate(labels)}
    codes = np.array([lookup.get(k, NO_INDEX) for k in keys], dtype=np.int32)
    return codes, labels


def _language_masks(values: Sequence[str | None]) -> np.ndarray:
    per_person = [T.language_codes(v) for v in values]
    frequency: dict[str, int] = {}
    for codes in per_person:
        for code in codes:
            frequency[code] = frequency.get(code, 0) + 1
    ranked = sorted(frequency, key=lambda c: (-frequency[c], c))
    bit = {code: min(rank, _LANGUAGE_BITS - 1) for rank, code in enumerate(ranked)}
    masks = np.zeros(len(values), dtype=np.uint64)
    for position, codes in enumerate(per_person):
        mask = 0
        for code in codes:
            mask |= 1 << bit[code]
        masks[position] = np.uint64(mask)
    return masks


def _item_set(answers: Sequence[str | None], vector_of: dict[str, np.ndarray], dim: int) -> ItemSet:
    distinct: dict[str, int] = {}
    refs: list[int] = []
    offsets = [0]
    for answer in answers:
        for item in T.split_items(answer):
            refs.append(distinct.setdefault(item, len(distinct)))
        offsets.append(len(refs))
    texts = list(distinct)
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for row, item in enumerate(texts):
        vectors[row] = vector_of[item]
    return ItemSet(
        vectors=vectors,
        texts=texts,
        refs=np.asarray(refs, dtype=np.int64),
        offsets=np.asarray(offsets, dtype=np.int64),
    )


def _lexical(skills: Sequence[str], goals: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Character n-gram TF-IDF: matches 'données'/'donnees' and works whatever the language."""
    import scipy.sparse as sp

    from recomentor.ranking.lexical import char_ngram_tfidf

    distinct = sorted({t for t in (*skills, *goals) if t})
    n = len(skills)
    if not distinct:
        empty = sp.csr_matrix((n, 1), dtype=np.float64)
        return empty, empty.copy()
    # Weighted over distinct answers so a phrase many people copied does not look common.
    matrix = char_ngram_tfidf(distinct)
    row_of = {t: row for row, t in enumerate(distinct)}
    blank = matrix.shape[0]
    padded = sp.vstack([matrix, sp.csr_matrix((1, matrix.shape[1]))], format="csr")

    def rows(texts: Sequence[str]) -> sp.csr_matrix:
        return sp.csr_matrix(padded[[row_of.get(t, blank) for t in texts]])

    return rows(skills), rows(goals)


def _read_participants(store: Store) -> list[Any]:
    columns = (
        ParticipantRow.id,
        ParticipantRow.role,
        ParticipantRow.years_experience,
        ParticipantRow.department,
        ParticipantRow.location,
        ParticipantRow.languages,
        ParticipantRow.manager_id,
        ParticipantRow.max_mentees,
        ParticipantRow.skills,
        ParticipantRow.goals,
        ParticipantRow.attributes,
    )
    with store.session() as session:
        return list(session.execute(select(*columns).order_by(ParticipantRow.id)).all())


def _read_attribute_columns(store: Store, rows: list[Any]) -> dict[str, AttributeColumn]:
    with store.session() as session:
        definitions = read_definitions(session)
    return attribute_columns(definitions, [row.attributes for row in rows])


def load_roster(store: Store, encoder: TextEncoder, *, progress: bool = False) -> Roster:
    """Read every participant and embed their answers (cached) into a Roster."""
    rows = _read_participants(store)
    ids = [row.id for row in rows]
    index = {pid: position for position, pid in enumerate(ids)}
    raw_skills = [row.skills for row in rows]
    raw_goals = [row.goals for row in rows]
    skills = [T.normalise(answer or "") for answer in raw_skills]
    goals = [T.normalise(answer or "") for answer in raw_goals]
    # Items are split from the raw answers: normalising first would erase line-break separators.
    items = {item for answer in (*raw_skills, *raw_goals) for item in T.split_items(answer)}
    wanted = sorted({*skills, *goals, *items} - {""})
    batch = embed_texts(store, encoder, wanted, progress=progress)
    dim = batch.dim if wanted else 0
    vector_of = dict(zip(wanted, batch.vectors, strict=True))
    zero = np.zeros(dim, dtype=np.float32)

    def whole(texts: list[str]) -> np.ndarray:
        matrix = np.zeros((len(texts), dim), dtype=np.float32)
        for position, value in enumerate(texts):
            matrix[position] = vector_of.get(value, zero)
        return matrix

    skill_vectors, goal_vectors = whole(skills), whole(goals)
    years = np.array([float(row.years_experience) for row in rows], dtype=np.float64)
    by_years = np.argsort(years, kind="stable")
    years_rank = np.empty(len(rows), dtype=np.int64)
    years_rank[by_years] = np.arange(len(rows))

    departments, department_labels = _codes([row.department for row in rows])
    locations, location_labels = _codes([row.location for row in rows])
    return Roster(
        ids=ids,
        index=index,
        role=np.array([ROLE_CODES.get(row.role, ROLE_CODES[F.BOTH]) for row in rows], np.int8),
        years=years,
        department=departments,
        location=locations,
        languages=_language_masks([row.languages for row in rows]),
        manager=np.array([index.get(row.manager_id or "", NO_INDEX) for row in rows], np.int64),
        max_mentees=np.array(
            [F.DEFAULT_MAX_MENTEES if row.max_mentees is None else row.max_mentees for row in rows],
            dtype=np.int64,
        ),
        skill_vectors=skill_vectors,
        goal_vectors=goal_vectors,
        answers_by_years=np.stack([skill_vectors[by_years], goal_vectors[by_years]], axis=1),
        years_rank=years_rank,
        skill_items=_item_set(raw_skills, vector_of, dim),
        goal_items=_item_set(raw_goals, vector_of, dim),
        skill_texts=skills,
        goal_texts=goals,
        model_id=encoder.model_id,
        departments=department_labels,
        locations=location_labels,
        encoded=batch.encoded,
        attributes=_read_attribute_columns(store, rows),
    )
