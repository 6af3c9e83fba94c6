"""Ground truth of synthetic pairs: which reverse pairs are eligible and how well they fit."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from recomentor import fields
from recomentor.synth.organisation import Organisation, PeopleArrays
from recomentor.synth.world import World

# Ground-truth compatibility of mentor m with mentee e, in [0, 1]:
#
#   topics    = (|S_m ∩ G_e| + [first goal of e ∈ S_m]) / (|G_e| + 1)
#               share of the mentee's goal topics the mentor can teach; the goal named first
#               counts double (0 when the mentee named no goal)
#   mutual    = the same with the mentee's skills S_e and the mentor's goals G_m
#   same_site = 1 when both work at the same location (meeting in person matters a lot)
#   gap_fit   = 1 for a seniority gap |y_e - y_m| between 10 and 25 years; 0.4 + 0.06 * gap
#               below 10; 1 - 0.07 * (gap - 25) above 25, never under 0.3
#   cross     = 1 when the departments differ (a fresh view of the company)
#
#   compatibility = common_language * clip(0.55 topics + 0.15 mutual + 0.12 same_site
#                                          + 0.13 gap_fit + 0.05 cross, 0, 1)
#
# common_language is 0 when the two share no language: such a pair cannot work at all.
# A world (synth/world.py) scales the mutual, same_site and cross weights (reciprocity,
# site_effect, department_effect); the default world keeps the weights above.
TOPICS_WEIGHT = 0.55
MUTUAL_WEIGHT = 0.15
SAME_SITE_WEIGHT = 0.12
GAP_FIT_WEIGHT = 0.13
CROSS_DEPARTMENT_WEIGHT = 0.05
COMPATIBILITY = "compatibility"
MIN_GAP = 5  # years a mentor must have fewer than the mentee in a reverse pair
_CHUNK_CELLS = 4_000_000  # mentor x mentee cells examined at once when enumerating pairs


def topic_coverage(
    teacher_skills: np.ndarray, learner_goals: np.ndarray, learner_first_goal: np.ndarray
) -> np.ndarray:
    """Share of the learner's goal topics the teacher can teach, the first goal counting double."""
    covered = np.bitwise_count(teacher_skills & learner_goals).astype(np.float64)
    covered += np.bitwise_count(teacher_skills & learner_first_goal)
    wanted = np.bitwise_count(learner_goals).astype(np.float64) + 1.0
    coverage: np.ndarray = np.where(wanted > 1.0, covered / wanted, 0.0)
    return coverage


def gap_fit(gap: np.ndarray) -> np.ndarray:
    """1 in the 10-25 years sweet spot, lower for close peers and for very distant generations."""
    gap = np.abs(gap)
    fit: np.ndarray = np.where(
        gap < 10, 0.4 + 0.06 * gap, np.where(gap <= 25, 1.0, np.maximum(0.3, 1 - 0.07 * (gap - 25)))
    )
    return fit


def mentee_goals_covered(
    people: PeopleArrays, mentors: np.ndarray, mentees: np.ndarray
) -> np.ndarray:
    """The `topics` term: how much of each mentee's goals the mentor can teach."""
    return topic_coverage(people.skills[mentors], people.goals[mentees], people.first_goal[mentees])


def compatibility_rows(
    people: PeopleArrays, mentors: np.ndarray, mentees: np.ndarray, world: World | None = None
) -> np.ndarray:
    """Ground-truth compatibility of pairs given by row numbers (see the formula above)."""
    world = world or World()
    topics = mentee_goals_covered(people, mentors, mentees)
    mutual = mentee_goals_covered(people, mentees, mentors)
    same_site = people.location[mentors] == people.location[mentees]
    cross = people.department[mentors] != people.department[mentees]
    score = (
        TOPICS_WEIGHT * topics
        + world.reciprocity * MUTUAL_WEIGHT * mutual
        + world.site_effect * SAME_SITE_WEIGHT * same_site
        + GAP_FIT_WEIGHT * gap_fit(people.years[mentees] - people.years[mentors])
        + world.department_effect * CROSS_DEPARTMENT_WEIGHT * cross
    )
    common_language = (people.languages[mentors] & people.languages[mentees]) != 0
    result: np.ndarray = np.where(common_language, np.clip(score, 0.0, 1.0), 0.0)
    return result


def compatibility(
    org: Organisation, mentor_ids: npt.ArrayLike, mentee_ids: npt.ArrayLike
) -> np.ndarray:
    """Ground-truth compatibility in [0, 1] of each (mentor, mentee) pair; shapes broadcast."""
    return compatibility_rows(
        org.arrays, *_rows_of_pairs(org, mentor_ids, mentee_ids), world=org.world
    )


def _rows_of_pairs(
    org: Organisation, mentor_ids: npt.ArrayLike, mentee_ids: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of the mentors and mentees, ids broadcast against each other."""
    mentor_array, mentee_array = np.broadcast_arrays(
        np.asarray(mentor_ids, dtype=str), np.asarray(mentee_ids, dtype=str)
    )
    people = org.arrays
    mentors = people.rows_of(mentor_array.ravel()).reshape(mentor_array.shape)
    mentees = people.rows_of(mentee_array.ravel()).reshape(mentee_array.shape)
    return mentors, mentees


def eligible_rows_mask(
    people: PeopleArrays, mentors: np.ndarray, mentees: np.ndarray
) -> np.ndarray:
    """Whether each (mentor row, mentee row) is an allowed reverse pair."""
    mask: np.ndarray = (
        people.can_mentor[mentors]
        & people.can_be_mentee[mentees]
        & (people.years[mentees] - people.years[mentors] >= MIN_GAP)
        & ((people.languages[mentors] & people.languages[mentees]) != 0)
        & (people.manager[mentors] != mentees)
        & (people.manager[mentees] != mentors)
    )
    return mask


def eligible_pair_count(org: Organisation) -> int:
    """Number of eligible reverse pairs, counted without listing them."""
    people = org.arrays
    mentors = np.flatnonzero(people.can_mentor)
    mentees = np.flatnonzero(people.can_be_mentee)
    # Count per (language set, years) cell instead of per pair: a mentor reaches every mentee
    # whose language set shares a language and who has at least MIN_GAP more years.
    mentor_sets, mentor_set = np.unique(people.languages[mentors], return_inverse=True)
    mentee_sets, mentee_set = np.unique(people.languages[mentees], return_inverse=True)
    year_values, mentee_year = np.unique(people.years[mentees], return_inverse=True)
    mentees_per_cell = np.zeros((len(mentee_sets), len(year_values) + 1), dtype=np.int64)
    np.add.at(mentees_per_cell, (mentee_set, mentee_year), 1)
    # at_least[s, k]: mentees of language set s with year_values[k] years or more.
    at_least = mentees_per_cell[:, ::-1].cumsum(axis=1)[:, ::-1]
    shares_language = ((mentor_sets[:, None] & mentee_sets[None, :]) != 0).astype(np.int64)
    reachable = shares_language @ at_least
    first_allowed = np.searchsorted(year_values, people.years[mentors] + MIN_GAP, side="left")
    total = int(reachable[mentor_set, first_allowed].sum())
    # Then remove the manager pairs that the count above included.
    reports = np.flatnonzero(people.manager >= 0)
    managers = people.manager[reports]
    pairs = np.unique(
        np.concatenate(
            [
                np.stack([reports, managers], axis=1),
                np.stack([managers, reports], axis=1),
            ]
        ),
        axis=0,
    )
    mentor_rows, mentee_rows = pairs[:, 0], pairs[:, 1]
    ok = (
        people.can_mentor[mentor_rows]
        & people.can_be_mentee[mentee_rows]
        & (people.years[mentee_rows] - people.years[mentor_rows] >= MIN_GAP)
        & ((people.languages[mentor_rows] & people.languages[mentee_rows]) != 0)
    )
    return total - int(ok.sum())


def eligible_pair_rows(org: Organisation) -> tuple[np.ndarray, np.ndarray]:
    """Row numbers of every eligible reverse pair, mentor-major order."""
    people = org.arrays
    mentors = np.flatnonzero(people.can_mentor)
    mentees = np.flatnonzero(people.can_be_mentee)
    chunk = max(1, _CHUNK_CELLS // max(1, len(mentees)))
    found_mentors: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    found_mentees: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for start in range(0, len(mentors), chunk):
        block = mentors[start : start + chunk]
        grid_mentors, grid_mentees = np.meshgrid(block, mentees, indexing="ij")
        where = np.nonzero(eligible_rows_mask(people, grid_mentors, grid_mentees))
        found_mentors.append(grid_mentors[where])
        found_mentees.append(grid_mentees[where])
    return np.concatenate(found_mentors), np.concatenate(found_mentees)


def _pairs_frame(org: Organisation, mentors: np.ndarray, mentees: np.ndarray) -> pl.DataFrame:
    ids = org.arrays.ids
    return pl.DataFrame(
        {
            fields.MENTOR_ID: ids[mentors],
            fields.MENTEE_ID: ids[mentees],
            COMPATIBILITY: compatibility_rows(org.arrays, mentors, mentees, world=org.world),
        },
        schema={
            fields.MENTOR_ID: pl.String,
            fields.MENTEE_ID: pl.String,
            COMPATIBILITY: pl.Float64,
        },
    )


def ground_truth_pairs(
    org: Organisation, mentor_ids: npt.ArrayLike, mentee_ids: npt.ArrayLike
) -> pl.DataFrame:
    """The pairs (flattened) with their ground-truth compatibility, for evaluation."""
    mentors, mentees = _rows_of_pairs(org, mentor_ids, mentee_ids)
    return _pairs_frame(org, mentors.ravel(), mentees.ravel())


def eligible_pairs(org: Organisation) -> pl.DataFrame:
    """Every eligible reverse pair with its ground-truth compatibility."""
    return _pairs_frame(org, *eligible_pair_rows(org))
