"""A deterministic synthetic company: participants' survey answers and the topics behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Final

import numpy as np
import polars as pl

from recomentor import fields
from recomentor.errors import InvalidInputError
from recomentor.synth.answers import (
    languages_as_written,
    pick_topics,
    topic_weights,
    write_answers,
)
from recomentor.synth.taxonomy import TOPIC_KEYS
from recomentor.synth.world import World
from recomentor.text import language_codes

# Languages of the written answers: the default is the French company the sample comes from;
# all-English answers show what the English-only default model gives on its own language.
MIXED_ANSWERS: Final = "mixed"
ENGLISH_ANSWERS: Final = "en"
ANSWER_LANGUAGES: Final = (MIXED_ANSWERS, ENGLISH_ANSWERS)

DEPARTMENTS = (
    "Marketing", "Finance", "DSI", "RH", "Commercial", "Production", "Juridique", "Achats",
    "RSE", "Communication",
)  # fmt: skip
_DEPARTMENT_WEIGHTS = (0.12, 0.11, 0.14, 0.08, 0.15, 0.16, 0.05, 0.06, 0.04, 0.09)
LOCATIONS = ("Paris", "Lyon", "Lille", "Bordeaux", "Nantes", "Toulouse", "Marseille")
_LOCATION_WEIGHTS = (0.38, 0.16, 0.1, 0.1, 0.09, 0.09, 0.08)
OUTSIDE_MANAGER = "E_CEO"  # the heads of departments report to someone who took no survey

# Cohorts: (years range inclusive, share); juniors mentor, seniors learn, mid-career do both.
_JUNIOR, _MID, _SENIOR = 0, 1, 2
_COHORT_SHARES = (0.45, 0.1, 0.45)
_COHORT_YEARS = ((0, 3), (5, 10), (12, 35))
# Probability of mentor / mentee / both per cohort.
_ROLE_SHARES = ((0.8, 0.0, 0.2), (0.3, 0.2, 0.5), (0.05, 0.75, 0.2))
_JOB_TITLES = (
    ("Alternant(e)", "Chargé(e) de mission", "Analyste junior", "Assistant(e)", "Stagiaire"),
    ("Chef de projet", "Responsable d'équipe", "Consultant(e) interne"),
    ("Directeur(rice)", "Responsable", "Expert(e) senior", "Manager"),
)

_TOPIC_COUNT_SHARES = (0.15, 0.4, 0.3, 0.15)  # 1 to 4 topics per answer
_SURVEY_OPENS = np.datetime64("2026-09-01T08:00:00")
_SURVEY_SECONDS = 21 * 24 * 3600
_SURVEY_OFFSET = "+02:00"  # Paris summer time, when the survey runs


@dataclass(frozen=True)
class PeopleArrays:
    """Per-participant numbers the ground truth is computed from (row order of the frame)."""

    ids: np.ndarray  # str
    years: np.ndarray  # float64
    can_mentor: np.ndarray  # bool
    can_be_mentee: np.ndarray  # bool
    department: np.ndarray  # int codes
    location: np.ndarray  # int codes
    languages: np.ndarray  # uint64 bit set of language codes
    manager: np.ndarray  # int64 row of the manager, -1 when outside the file
    skills: np.ndarray  # uint64 bit set of topics (bit = index in TOPICS)
    goals: np.ndarray  # uint64 bit set of topics
    first_goal: np.ndarray  # uint64 single bit: the goal the person named first

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        """Row index of each id; unknown ids are an error."""
        order = np.argsort(self.ids, kind="stable")
        sorted_ids = self.ids[order]
        wanted = np.asarray(ids, dtype=str)
        if wanted.size == 0:
            return np.zeros(wanted.shape, dtype=np.int64)
        positions = np.searchsorted(sorted_ids, wanted).clip(0, max(len(sorted_ids) - 1, 0))
        if len(sorted_ids) == 0 or not np.all(sorted_ids[positions] == wanted):
            missing = wanted[(sorted_ids[positions] != wanted)] if len(sorted_ids) else wanted
            raise InvalidInputError(f"unknown participant id {str(missing.flat[0])!r}")
        rows: np.ndarray = order[positions]
        return rows


@dataclass(frozen=True, eq=False)  # frames do not compare with ==; compare .participants
class Organisation:
    """Participants' survey answers plus the hidden truth: topics behind each skills/goals text."""

    participants: pl.DataFrame
    skill_topics: tuple[tuple[str, ...], ...]  # per row, in the order the person wrote them
    goal_topics: tuple[tuple[str, ...], ...]
    # What makes its pairings work and how its feedback was drawn (synth/world.py).
    world: World = field(default_factory=World)

    def participants_frame(self) -> pl.DataFrame:
        """The answers with exactly the canonical participant columns."""
        return self.participants.select(fields.PARTICIPANT_FIELDS)

    @cached_property
    def arrays(self) -> PeopleArrays:
        """Numeric view of the people, computed once, for vectorised truth and sampling."""
        frame = self.participants
        topic_bit = {key: np.uint64(1) << np.uint64(i) for i, key in enumerate(TOPIC_KEYS)}

        @cache
        def topic_set(keys: tuple[str, ...]) -> np.uint64:
            bits = np.uint64(0)
            for key in keys:
                if key not in topic_bit:
                    raise InvalidInputError(f"unknown topic {key!r}")
                bits |= topic_bit[key]
            return bits

        # Parse languages the way the import does, so the truth and the pipeline agree; few
        # distinct answers exist, so each is parsed once.
        raw_languages = frame[fields.LANGUAGES].fill_null("").to_list()
        parsed_once = {raw: language_codes(raw) for raw in set(raw_languages)}
        all_codes = sorted({c for codes in parsed_once.values() for c in codes})
        code_bit = {c: np.uint64(1) << np.uint64(i) for i, c in enumerate(all_codes)}
        language_bits = {
            raw: sum((code_bit[c] for c in codes), np.uint64(0))
            for raw, codes in parsed_once.items()
        }
        ids = np.asarray(frame[fields.ID].to_list(), dtype=str)
        manager_rows = dict(zip(ids.tolist(), range(len(ids)), strict=True))
        roles = frame[fields.ROLE].to_numpy()
        return PeopleArrays(
            ids=ids,
            years=frame[fields.YEARS_EXPERIENCE].cast(pl.Float64).to_numpy(),
            can_mentor=np.isin(roles, (fields.MENTOR, fields.BOTH)),
            can_be_mentee=np.isin(roles, (fields.MENTEE, fields.BOTH)),
            department=_codes(frame[fields.DEPARTMENT]),
            location=_codes(frame[fields.LOCATION]),
            languages=np.array([language_bits[raw] for raw in raw_languages], dtype=np.uint64),
            manager=np.array(
                [manager_rows.get(m, -1) for m in frame[fields.MANAGER_ID].fill_null("").to_list()],
                dtype=np.int64,
            ),
            skills=np.array([topic_set(t) for t in self.skill_topics], dtype=np.uint64),
            goals=np.array([topic_set(t) for t in self.goal_topics], dtype=np.uint64),
            first_goal=np.array([topic_set(t[:1]) for t in self.goal_topics], dtype=np.uint64),
        )


def _codes(column: pl.Series) -> np.ndarray:
    codes: np.ndarray = column.fill_null("").cast(pl.Categorical).to_physical().to_numpy()
    return codes.astype(np.int64)


def _managers(
    rng: np.random.Generator, cohort: np.ndarray, department: np.ndarray, years: np.ndarray
) -> np.ndarray:
    """Manager row per person: a more senior senior of the same department, -1 for the heads."""
    n = len(cohort)
    manager = np.full(n, -1, dtype=np.int64)
    for dept in range(len(DEPARTMENTS)):
        seniors = np.flatnonzero((department == dept) & (cohort == _SENIOR))
        if len(seniors) == 0:
            continue
        # Most experienced first: a senior's manager is drawn among those ranked above them.
        seniors = seniors[np.argsort(-years[seniors], kind="stable")]
        others = np.flatnonzero((department == dept) & (cohort != _SENIOR))
        manager[others] = seniors[rng.integers(0, len(seniors), size=len(others))]
        ranks = np.arange(1, len(seniors))
        # A few heads per department: about one in eight seniors reports outside the file.
        heads = max(1, len(seniors) // 8)
        above = (rng.random(len(ranks)) * np.minimum(ranks, heads * 4)).astype(np.int64)
        manager[seniors[1:]] = np.where(ranks < heads, -1, seniors[above])
    return manager


def random_stream(seed: int, purpose: int) -> np.random.Generator:
    """An independent random stream per purpose, so adding feedback never changes the people."""
    if seed < 0:
        raise InvalidInputError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng([seed, purpose])


# Random streams of the world parameters, apart from the company's own (stream 0), so a
# default world draws exactly what it always drew.
_LANGUAGE_STREAM = 2
_TYPO_STREAM = 3


def generate_organisation(
    n_participants: int, seed: int, *, answers: str = MIXED_ANSWERS, world: World | None = None
) -> Organisation:
    """A plausible company of `n_participants` people, always the same for a given seed.

    `answers` is the language people answer in: `mixed` (a French company, about a quarter
    answering in English) or `en` (everyone in English; the same people, topics and truth).
    `world` changes the kind of company (synth/world.py); `world.french_share` overrides the
    mixed share of French answers.
    """
    world = world or World()
    if answers == ENGLISH_ANSWERS and world.french_share not in (None, 0.0):
        raise InvalidInputError("answers in English leave no share of French answers to set")
    if n_participants < 1:
        raise InvalidInputError(f"participants must be at least 1, got {n_participants}")
    if answers not in ANSWER_LANGUAGES:
        raise InvalidInputError(
            f"answers must be one of {', '.join(ANSWER_LANGUAGES)}, got {answers!r}"
        )
    rng = random_stream(seed, 0)
    n = n_participants
    cohort = rng.choice(3, size=n, p=_COHORT_SHARES)
    low = np.array([lo for lo, _ in _COHORT_YEARS])[cohort]
    high = np.array([hi for _, hi in _COHORT_YEARS])[cohort]
    years = rng.integers(low, high + 1)
    role_cumulative = np.cumsum(np.array(_ROLE_SHARES)[cohort], axis=1)
    role_index = (rng.random(n)[:, None] > role_cumulative).sum(axis=1)
    roles = np.array(fields.ROLES)[np.minimum(role_index, 2)]
    department = rng.choice(len(DEPARTMENTS), size=n, p=_DEPARTMENT_WEIGHTS)
    location = rng.choice(len(LOCATIONS), size=n, p=_LOCATION_WEIGHTS)
    manager = _managers(rng, cohort, department, years)
    capacity = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])
    title_pick = rng.integers(0, 1 << 30, size=n)
    submitted = _SURVEY_OPENS + rng.integers(0, _SURVEY_SECONDS, size=n).astype("timedelta64[s]")
    submitted_text = np.char.add(np.datetime_as_string(submitted, unit="s"), _SURVEY_OFFSET)

    languages, english = languages_as_written(rng, n)
    if answers == ENGLISH_ANSWERS:
        # Overridden after the draw, so the random stream and everything else stay the same.
        english = np.ones(n, dtype=bool)
    elif world.french_share is not None:
        english = random_stream(seed, _LANGUAGE_STREAM).random(n) >= world.french_share
    skill_counts = rng.choice(4, size=n, p=_TOPIC_COUNT_SHARES) + 1
    goal_counts = rng.choice(4, size=n, p=_TOPIC_COUNT_SHARES) + 1
    skill_topics = pick_topics(rng, topic_weights(cohort, for_goals=False), skill_counts)
    goal_topics = pick_topics(rng, topic_weights(cohort, for_goals=True), goal_counts)
    typos = (random_stream(seed, _TYPO_STREAM), world.typo_rate) if world.typo_rate else None
    skills = write_answers(
        rng, skill_topics, english, goals=False, paraphrases=world.paraphrases, typos=typos
    )
    goals = write_answers(
        rng, goal_topics, english, goals=True, paraphrases=world.paraphrases, typos=typos
    )

    width = max(6, len(str(n)))
    ids = np.array([f"S{i + 1:0{width}d}" for i in range(n)])
    numbers = np.arange(1, n + 1).astype(str)
    titles = [
        f"{_JOB_TITLES[c][t % len(_JOB_TITLES[c])]} {DEPARTMENTS[d]}"
        for c, t, d in zip(cohort.tolist(), title_pick.tolist(), department.tolist(), strict=True)
    ]
    is_mentor = np.isin(roles, (fields.MENTOR, fields.BOTH))
    frame = pl.DataFrame(
        {
            fields.ID: ids,
            fields.NAME: np.char.add("Person ", numbers),
            fields.EMAIL: np.char.add(np.char.add("p", numbers), "@example.com"),
            fields.DEPARTMENT: np.array(DEPARTMENTS)[department],
            fields.JOB_TITLE: titles,
            fields.YEARS_EXPERIENCE: years.astype(np.int64),
            fields.ROLE: roles,
            fields.SKILLS: skills,
            fields.GOALS: goals,
            fields.LANGUAGES: languages,
            fields.LOCATION: np.array(LOCATIONS)[location],
            fields.MAX_MENTEES: pl.Series(np.where(is_mentor, capacity, 0)).cast(pl.Int64),
            fields.MANAGER_ID: np.where(manager >= 0, ids[manager.clip(0)], OUTSIDE_MANAGER),
            fields.SUBMITTED_AT: submitted_text,
        }
    ).with_columns(
        # Pure mentees leave the capacity question blank.
        pl.when(pl.Series(is_mentor))
        .then(pl.col(fields.MAX_MENTEES))
        .otherwise(None)
        .alias(fields.MAX_MENTEES)
    )
    return Organisation(
        participants=frame,
        skill_topics=tuple(tuple(TOPIC_KEYS[t] for t in row) for row in skill_topics),
        goal_topics=tuple(tuple(TOPIC_KEYS[t] for t in row) for row in goal_topics),
        world=world,
    )
