"""Pair features: the vectorised paths equal a naive per-pair computation."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.ranking import similarity
from recomentor.ranking.features import (
    BEST_ITEM_MATCH,
    COMMON_LANGUAGE,
    CROSS_DEPARTMENT,
    FEATURE_NAMES,
    FIRST_GOAL_MATCH,
    GOALS_TO_SKILLS,
    LEXICAL,
    SAME_LOCATION,
    SENIORITY_GAP,
    SKILLS_TO_GOALS,
    TEXT_FEATURES,
    pair_features,
)
from recomentor.ranking.phrases import top_item_matches
from recomentor.ranking.roster import Roster
from recomentor.store import Store
from tests.fakes import build_roster, person


@pytest.fixture
def roster(sqlite_store: Store) -> Roster:
    return build_roster(
        sqlite_store,
        [
            person("J1", skills="TikTok et Instagram, vidéos courtes; Canva", goals="Négociation"),
            person("J2", skills="Python, Power BI, SQL", goals="", department="Finance"),
            person("J3", role=F.BOTH, skills="", goals="Prise de parole", location=None),
            person("J4", skills="Impression 3D\n- jumeau numérique", goals="Lean", location="Lyon"),
            person(
                "S1",
                role=F.MENTEE,
                years=27,
                skills="Négociation bancaire, stratégie",
                goals="Comprendre TikTok et Instagram, marketing d'influence",
            ),
            person(
                "S2",
                role=F.BOTH,
                years=31,
                department="Finance",
                skills="Trésorerie",
                goals="Utiliser Python ou Power BI pour analyser les données",
                languages="en",
                location="Lyon",
            ),
        ],
    )


def _cos(u: np.ndarray, v: np.ndarray) -> float:
    return float(u.astype(np.float64) @ v.astype(np.float64))


def _naive(roster: Roster, mentor: int, mentee: int) -> dict[str, float]:
    """One pair, one direction, the slow obvious way."""
    skills = [roster.skill_items.vectors[r] for r in roster.skill_items.of(mentor)]
    goals = [roster.goal_items.vectors[r] for r in roster.goal_items.of(mentee)]
    best = max((_cos(s, g) for s in skills for g in goals), default=0.0)
    first = max((_cos(s, goals[0]) for s in skills), default=0.0) if goals else 0.0
    lexical = roster.lexical_skills[mentor].multiply(roster.lexical_goals[mentee]).sum()
    mentor_languages = int(roster.languages[mentor])
    mentee_languages = int(roster.languages[mentee])
    return {
        SKILLS_TO_GOALS: max(0.0, _cos(roster.skill_vectors[mentor], roster.goal_vectors[mentee])),
        BEST_ITEM_MATCH: max(0.0, best),
        GOALS_TO_SKILLS: max(0.0, _cos(roster.goal_vectors[mentor], roster.skill_vectors[mentee])),
        LEXICAL: float(lexical),
        SENIORITY_GAP: min(abs(roster.years[mentor] - roster.years[mentee]) / 30, 1.0),
        CROSS_DEPARTMENT: float(roster.department[mentor] != roster.department[mentee]),
        SAME_LOCATION: float(
            roster.location[mentor] == roster.location[mentee] and roster.location[mentor] >= 0
        ),
        COMMON_LANGUAGE: float(
            mentor_languages == 0
            or mentee_languages == 0
            or (mentor_languages & mentee_languages) != 0
        ),
        FIRST_GOAL_MATCH: max(0.0, first),
    }


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    mentor, mentee = np.meshgrid(np.arange(n), np.arange(n))
    return mentor.ravel(), mentee.ravel()


@pytest.mark.parametrize("gather", [False, True], ids=["full_product", "gathered_rows"])
@pytest.mark.parametrize("layout", ["all_pairs", "one_mentee", "one_mentor", "both_sides"])
def test_vectorised_features_equal_naive_per_pair(
    roster: Roster, layout: str, gather: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if gather:
        # Small rosters always take the one-product-over-everyone path; force the other.
        monkeypatch.setattr(similarity, "_FULL_PRODUCT_SHARE", 10.0)
    n = len(roster)
    s2, others = roster.index["S2"], np.arange(len(roster))
    if layout == "all_pairs":
        mentor, mentee = _all_pairs(n)
    elif layout == "one_mentee":
        mentor, mentee = others, np.full(n, s2)
    elif layout == "one_mentor":
        mentor, mentee = np.full(n, s2), others
    else:  # a `both` person mentor of some candidates and mentee of others
        mentor = np.where(others % 2 == 0, s2, others)
        mentee = np.where(others % 2 == 0, others, s2)
    features = pair_features(roster, mentor, mentee)
    assert features.names == FEATURE_NAMES
    assert features.matrix.shape == (mentor.size, len(FEATURE_NAMES))
    for row, (i, j) in enumerate(zip(mentor.tolist(), mentee.tolist(), strict=True)):
        expected = _naive(roster, i, j)
        got = dict(zip(FEATURE_NAMES, features.matrix[row], strict=True))
        assert got == pytest.approx(expected, abs=1e-6), (roster.ids[i], roster.ids[j])


def test_mutual_features_do_not_depend_on_orientation(roster: Roster) -> None:
    mentor, mentee = _all_pairs(len(roster))
    forward = pair_features(roster, mentor, mentee, mode=F.MUTUAL).matrix
    backward = pair_features(roster, mentee, mentor, mode=F.MUTUAL).matrix
    np.testing.assert_allclose(forward, backward, atol=1e-12)
    one_way = pair_features(roster, mentor, mentee).matrix
    other_way = pair_features(roster, mentee, mentor).matrix
    column = FEATURE_NAMES.index(SKILLS_TO_GOALS)
    expected_mean = (one_way[:, column] + other_way[:, column]) / 2
    np.testing.assert_allclose(forward[:, column], expected_mean, atol=1e-12)


def test_topical_match_beats_unrelated(roster: Roster) -> None:
    s1 = roster.index["S1"]
    mentors = np.array([roster.index["J1"], roster.index["J2"]])
    features = pair_features(roster, mentors, np.full(2, s1))
    for name in (SKILLS_TO_GOALS, BEST_ITEM_MATCH, LEXICAL):
        instagram, python = features.column(name)
        assert instagram > python, name


def test_lexical_similarity_ignores_accents_and_case(roster: Roster) -> None:
    j2, s2 = roster.index["J2"], roster.index["S2"]
    lexical = pair_features(roster, np.array([j2]), np.array([s2])).column(LEXICAL)
    assert lexical[0] > 0.2  # "Python, Power BI" within "Utiliser Python ou Power BI ..."


def test_empty_answers_give_zero_similarity(roster: Roster) -> None:
    j3, s1 = roster.index["J3"], roster.index["S1"]
    features = pair_features(roster, np.array([j3]), np.array([s1]))
    for name in TEXT_FEATURES[:2]:
        assert features.column(name)[0] == 0.0


def test_no_pairs_gives_an_empty_matrix(roster: Roster) -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert pair_features(roster, empty, empty).matrix.shape == (0, len(FEATURE_NAMES))


def test_top_item_matches_are_sorted_and_agree_with_the_feature(roster: Roster) -> None:
    j1, s1 = roster.index["J1"], roster.index["S1"]
    matches = top_item_matches(roster, j1, s1, k=3)
    assert 1 <= len(matches) <= 3
    assert [m.similarity for m in matches] == sorted((m.similarity for m in matches), reverse=True)
    assert matches[0].skill == "TikTok et Instagram"
    assert matches[0].goal == "Comprendre TikTok et Instagram"
    best = pair_features(roster, np.array([j1]), np.array([s1])).column(BEST_ITEM_MATCH)[0]
    assert matches[0].similarity == pytest.approx(best, abs=1e-6)


def test_items_split_on_line_breaks_and_bullets(roster: Roster) -> None:
    items = roster.skill_items
    texts = [items.texts[r] for r in items.of(roster.index["J4"])]
    assert texts == ["Impression 3D", "jumeau numérique"]
