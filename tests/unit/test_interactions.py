"""Phrase interactions: clusters, the known answer, exact links, and the fallback for phrases
never seen in training."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.ranking.features import INTERACTION_FEATURES, SKILL_GOAL_INTERACTION
from recomentor.ranking.scorers import scorer_features
from recomentor.ranking.scorers.interaction import PhraseClusters
from recomentor.store import open_store
from recomentor.training import interaction as interaction_module
from recomentor.training.config import TrainingConfig
from recomentor.training.dataset import FeedbackDataset
from recomentor.training.interaction import cluster_phrases
from recomentor.training.pipeline import fit_ranker
from tests.fakes import build_roster, person
from tests.known_answer import BAD, GOOD, TOPICS, KnownAnswer, known_answer


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnownAnswer]:
    with known_answer(tmp_path_factory.mktemp("interactions")) as answer:
        yield answer


def test_the_same_phrase_is_one_cluster_and_clusters_are_named_by_their_phrases(
    known: KnownAnswer,
) -> None:
    (level,) = cluster_phrases(known.roster, clusters=3)
    assert level.size == 3
    phrases = set(known.roster.skill_items.texts) | set(known.roster.goal_items.texts)
    assert set(level.names) <= phrases
    # A skill and a goal written alike ("Instagram" is both) share one cluster.
    skills = dict(
        zip(known.roster.skill_items.texts, known.roster.skill_items.vectors, strict=True)
    )
    goals = dict(zip(known.roster.goal_items.texts, known.roster.goal_items.vectors, strict=True))
    both = sorted(set(skills) & set(goals))
    assert both
    for text in both:
        assert level.assign(skills[text][None])[0] == level.assign(goals[text][None])[0] >= 0


def _interaction_only(known: KnownAnswer, mode: str) -> FeedbackDataset:
    """The known answer's pairs with every pair feature zeroed: only the phrases' clusters
    can tell the good pairs from the bad ones."""
    mentor, mentee, ratings = known.pairs(mode)
    from recomentor.ranking.features import pair_features

    features = pair_features(known.roster, mentor, mentee, mode=mode)
    return FeedbackDataset(
        features=np.zeros_like(features.matrix),
        feature_names=features.names,
        is_good=ratings >= 4,
        ratings=ratings,
        mentor_idx=mentor,
        mentee_idx=mentee,
        roster=known.roster,
        mode=mode,
    )


@pytest.mark.parametrize("mode", [F.REVERSE, F.MUTUAL])
@pytest.mark.parametrize("fitted_by", ["logistic", "ridge"])
def test_interactions_alone_learn_the_known_answer(
    known: KnownAnswer, mode: str, fitted_by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fitted_by == "ridge":  # as with more feedback than logistic regression fits quickly
        monkeypatch.setattr(interaction_module, "LOGISTIC_MAX_ROWS", 0)
    dataset = _interaction_only(known, mode)
    scorer = fit_ranker(dataset, np.arange(len(dataset)), TrainingConfig(mode=mode))
    assert scorer.interactions is not None
    values = scorer.interactions.values(known.roster, dataset.mentor_idx, dataset.mentee_idx, mode)
    learned = values.sum(axis=1)
    # Each phrase its own cluster here: the weights say which skill served which goal.
    good, bad = dataset.ratings == dataset.ratings.max(), dataset.ratings == BAD
    assert learned[good].min() > learned[bad].max()


def test_links_name_the_pairs_own_phrases_and_add_up_to_the_factors(known: KnownAnswer) -> None:
    scorer = known.learned(F.REVERSE)
    mentor, mentee, ratings = known.pairs(F.REVERSE)
    features = scorer_features(scorer, known.roster, mentor, mentee, mode=F.REVERSE)
    contributions = scorer.contributions(features.select(scorer.feature_names))
    columns = [scorer.factor_names.index(name) for name in INTERACTION_FEATURES]
    for position in np.flatnonzero(ratings == GOOD)[:5].tolist():
        links = scorer.links(known.roster, features, position, mode=F.REVERSE)
        total = sum(link.contribution for link in links)
        total += scorer.average_pair_part(features, position)
        assert total == pytest.approx(contributions[position, columns].sum(), abs=1e-12)
        teacher, learner = int(mentor[position]), int(mentee[position])
        skills = {known.roster.skill_items.texts[r] for r in known.roster.skill_items.of(teacher)}
        goals = {known.roster.goal_items.texts[r] for r in known.roster.goal_items.of(learner)}
        forward = [link for link in links if link.direction == SKILL_GOAL_INTERACTION]
        assert forward and all(link.skill in skills and link.goal in goals for link in forward)
        # The strongest link of a known-good pair joins phrases of the same topic.
        best = max(forward, key=lambda link: link.contribution)
        assert best.contribution > 0
        assert any(best.skill in topic and best.goal in topic for topic in TOPICS)


def test_a_phrase_far_from_every_cluster_belongs_to_none() -> None:
    centres = np.eye(3, dtype=np.float32)
    level = PhraseClusters(centres, np.array([0.9, 0.9, 1.0]), ("a", "b", "c"))
    near_a = np.array([[0.95, 0.31, 0.0]], dtype=np.float32)
    between = np.array([[0.7, 0.7, 0.14]], dtype=np.float32)
    assert level.assign(near_a).tolist() == [0]
    assert level.assign(between).tolist() == [-1]
    assert level.assign(centres[2:]).tolist() == [2]


def test_a_newcomer_with_unseen_phrases_is_scored_by_similarity_alone(
    known: KnownAnswer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Interactions fitted on the known answer score a roster with newcomers: a phrase close
    to a known one takes its cluster, one unlike any adds no interaction, and the pair is
    still scored (and ranked) by its similarity features."""
    scorer = known.learned(F.REVERSE)
    assert scorer.interactions is not None
    from tests.known_answer import records

    folder = tmp_path_factory.mktemp("newcomers")
    store = open_store(f"sqlite:///{folder / 'new.db'}")
    people = [
        *records(),
        person("N00", role=F.MENTEE, years=30, goals="Instagram, TikTok"),
        person("N01", role=F.MENTEE, years=30, goals="astrophysique des trous noirs"),
        person("N02", role=F.MENTOR, years=1, skills="astrophysique des trous noirs"),
    ]
    roster = build_roster(store, people)
    newcomer_known, newcomer_unseen, expert = (roster.position(p) for p in ("N00", "N01", "N02"))
    instagram_mentor = next(
        i
        for i, p in enumerate(records())
        if p[F.SKILLS] == TOPICS[0] and p[F.YEARS_EXPERIENCE] < 10
    )
    values = scorer.interactions.values(
        roster,
        np.array([instagram_mentor, instagram_mentor, expert]),
        np.array([newcomer_known, newcomer_unseen, newcomer_unseen]),
        F.REVERSE,
    )
    assert values[0, 0] > 0  # known phrases: the learned weight of Instagram for Instagram
    assert values[1, 0] == 0 and values[2, 0] == 0  # unseen phrases: no cluster, no weight
    features = scorer_features(
        scorer,
        roster,
        np.array([expert, instagram_mentor]),
        np.array([newcomer_unseen, newcomer_unseen]),
        mode=F.REVERSE,
    )
    scores = scorer.score(features.select(scorer.feature_names))
    # Same wording on both sides: the similarity features rank the expert first.
    assert scores[0] > scores[1]
    store.dispose()


def test_more_cluster_levels_add_coarser_cuts_of_the_same_tree(known: KnownAnswer) -> None:
    levels = cluster_phrases(known.roster, clusters=20, levels=3)
    # Seven distinct phrases: at most seven clusters, then about half, then half again.
    assert [level.size for level in levels] == [7, 3, 2]
    scorer = fit_ranker(
        _interaction_only(known, F.REVERSE),
        np.arange(len(known.pairs(F.REVERSE)[0])),
        replace(TrainingConfig(), interaction_clusters=8, interaction_levels=3),
    )
    assert scorer.interactions is not None and len(scorer.interactions.levels) == 3
