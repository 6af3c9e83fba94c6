"""Synthetic past pairings that someone chose, rated from the ground truth plus noise."""

from __future__ import annotations

import numpy as np
import polars as pl

from recomentor import fields
from recomentor.errors import InvalidInputError
from recomentor.synth.organisation import Organisation, PeopleArrays, random_stream
from recomentor.synth.truth import (
    compatibility_rows,
    eligible_pair_count,
    eligible_pair_rows,
    eligible_rows_mask,
    mentee_goals_covered,
)
from recomentor.synth.world import AT_RANDOM, World

# Who picked past pairs looked at topics, imperfectly: a pair is chosen with a weight
#   choice_weight = 0.02 + 0.98 * clip(topics + N(0, 0.15), 0, 1)
# so plausible pairs are favoured but poor ones still occur (the spread a ranker learns from);
# a world with past_pairs = "random" (synth/world.py) gives every eligible pair the same weight.
# Each chosen pair is then rated
#   rating = clip(round(1 + 4 * compatibility + N(0, 0.6)), 1, 5)
# (the noise's deviation is the world's rating_noise, 0.6 by default) and its outcome is
# "ongoing" for 15 % of pairs (too recent to tell); otherwise "dropped" with a probability
# that falls with the rating (_DROP_CHANCE), else "completed".
_CHOICE_NOISE = 0.15
_ONGOING_SHARE = 0.15
_DROP_CHANCE = np.array([0.65, 0.4, 0.18, 0.07, 0.03])  # by rating 1..5
_FEEDBACK_STREAM = 1
_ENUMERATE_CELLS = 4_000_000  # below this many mentor x mentee cells, list every eligible pair
_PERIOD_START = np.datetime64("2025-10-01T00:00:00")
_PERIOD_SECONDS = 334 * 24 * 3600  # until the end of August 2026, before the new survey
_RECENT_SECONDS = 60 * 24 * 3600
_FEEDBACK_SCHEMA = {
    fields.MENTOR_ID: pl.String,
    fields.MENTEE_ID: pl.String,
    fields.RATING: pl.Int64,
    fields.OUTCOME: pl.String,
    fields.SUBMITTED_AT: pl.String,
}


def _choice_weight(
    rng: np.random.Generator,
    people: PeopleArrays,
    mentors: np.ndarray,
    mentees: np.ndarray,
    world: World,
) -> np.ndarray:
    if world.past_pairs == AT_RANDOM:
        return np.ones(len(mentors))
    noisy = mentee_goals_covered(people, mentors, mentees) + rng.normal(
        0.0, _CHOICE_NOISE, size=len(mentors)
    )
    weight: np.ndarray = 0.02 + 0.98 * np.clip(noisy, 0.0, 1.0)
    return weight


def _sample_listed(
    rng: np.random.Generator, org: Organisation, n_feedback: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted sampling without replacement among all eligible pairs (Efraimidis-Spirakis)."""
    mentors, mentees = eligible_pair_rows(org)
    weight = _choice_weight(rng, org.arrays, mentors, mentees, org.world)
    keys = np.log(rng.random(len(mentors))) / weight
    chosen = np.argpartition(-keys, n_feedback - 1)[:n_feedback]
    chosen = chosen[np.argsort(-keys[chosen], kind="stable")]
    return mentors[chosen], mentees[chosen]


def _sample_by_rejection(
    rng: np.random.Generator, org: Organisation, n_feedback: int
) -> tuple[np.ndarray, np.ndarray]:
    """Same distribution as _sample_listed without listing pairs: draw, keep with the weight."""
    people = org.arrays
    mentor_pool = np.flatnonzero(people.can_mentor)
    mentee_pool = np.flatnonzero(people.can_be_mentee)
    n_people = np.int64(len(people.ids))
    kept = np.zeros(0, dtype=np.int64)  # pair codes mentor * n + mentee, in order of choice
    while len(kept) < n_feedback:
        batch = max(8 * (n_feedback - len(kept)), 65_536)
        mentors = mentor_pool[rng.integers(0, len(mentor_pool), size=batch)]
        mentees = mentee_pool[rng.integers(0, len(mentee_pool), size=batch)]
        eligible = eligible_rows_mask(people, mentors, mentees)
        mentors, mentees = mentors[eligible], mentees[eligible]
        weight = _choice_weight(rng, people, mentors, mentees, org.world)
        accepted = rng.random(len(mentors)) < weight
        codes = np.concatenate([kept, mentors[accepted] * n_people + mentees[accepted]])
        # A pair already chosen is not chosen again: keep each code's first occurrence.
        _, first = np.unique(codes, return_index=True)
        kept = codes[np.sort(first)]
    kept = kept[:n_feedback]
    return kept // n_people, kept % n_people


def _timestamps(rng: np.random.Generator, ongoing: np.ndarray) -> np.ndarray:
    """Feedback dates over the past program year; ongoing pairings gave theirs recently."""
    offset = rng.integers(0, _PERIOD_SECONDS, size=len(ongoing))
    recent = _PERIOD_SECONDS - rng.integers(1, _RECENT_SECONDS, size=len(ongoing))
    moments = _PERIOD_START + np.where(ongoing, recent, offset).astype("timedelta64[s]")
    stamps: np.ndarray = np.char.add(np.datetime_as_string(moments, unit="s"), "+00:00")
    return stamps


def generate_feedback(org: Organisation, n_feedback: int, seed: int) -> pl.DataFrame:
    """`n_feedback` distinct eligible reverse pairs with a rating, outcome and date."""
    if n_feedback < 0:
        raise InvalidInputError(f"feedback must be zero or more, got {n_feedback}")
    rng = random_stream(seed, _FEEDBACK_STREAM)
    if n_feedback == 0:
        return pl.DataFrame(schema=_FEEDBACK_SCHEMA)
    available = eligible_pair_count(org)
    if n_feedback > available:
        raise InvalidInputError(
            f"feedback {n_feedback} is more than the {available} eligible reverse pairs "
            f"of {len(org.arrays.ids)} participants; ask for fewer or add participants"
        )
    people = org.arrays
    cells = int(people.can_mentor.sum()) * int(people.can_be_mentee.sum())
    # Rejection sampling needs most draws to be new pairs; when asking for a large share of
    # all pairs, or when there are few, listing them all is both faster and exact.
    if cells <= _ENUMERATE_CELLS or 4 * n_feedback > available:
        mentors, mentees = _sample_listed(rng, org, n_feedback)
    else:
        mentors, mentees = _sample_by_rejection(rng, org, n_feedback)

    truth = compatibility_rows(people, mentors, mentees, world=org.world)
    noise = rng.normal(0.0, org.world.rating_noise, size=n_feedback)
    rating = np.clip(np.rint(1 + 4 * truth + noise), 1, 5)
    rating = rating.astype(np.int64)
    ongoing = rng.random(n_feedback) < _ONGOING_SHARE
    dropped = rng.random(n_feedback) < _DROP_CHANCE[rating - 1]
    outcome = np.where(ongoing, "ongoing", np.where(dropped, "dropped", "completed"))
    return pl.DataFrame(
        {
            fields.MENTOR_ID: people.ids[mentors],
            fields.MENTEE_ID: people.ids[mentees],
            fields.RATING: rating,
            fields.OUTCOME: outcome,
            fields.SUBMITTED_AT: _timestamps(rng, ongoing),
        },
        schema=_FEEDBACK_SCHEMA,
    ).sort(fields.SUBMITTED_AT, maintain_order=True)
