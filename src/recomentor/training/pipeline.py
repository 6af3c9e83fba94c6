"""One training run end to end: dataset, grouped split, fit, compare, log and promote."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np

from recomentor.embeddings import TextEncoder
from recomentor.errors import TrainingRefusedError
from recomentor.ranking.features import (
    INTERACTION_FEATURES,
    PHRASE_ASSOCIATION,
    PairFeatures,
    pair_features,
)
from recomentor.ranking.labels import calibrate_thresholds
from recomentor.ranking.roster import Roster, load_roster
from recomentor.ranking.scorers import HeuristicScorer, Scorer
from recomentor.ranking.scorers.learned import LearnedScorer
from recomentor.settings import Settings
from recomentor.training.association import fit_phrase_association
from recomentor.training.champion import TRAINING_ACTOR, record_training_promotion
from recomentor.training.config import TrainingConfig
from recomentor.training.dataset import (
    SOFT,
    FeedbackDataset,
    build_dataset,
    refuse_uninformative,
)
from recomentor.training.evaluation import (
    Evaluation,
    ScoreFunction,
    candidate_pairs,
    grouped_split,
    margins_over,
    metrics_of,
    random_scores,
    score_all,
)
from recomentor.training.interaction import fit_phrase_interactions
from recomentor.training.models import AdditiveRanker, soft_label_rows
from recomentor.training.promotion import (
    CHAMPION,
    HEURISTIC,
    LEARNED,
    RANDOM,
    Promotion,
    decide_promotion,
)
from recomentor.training.registry import ChampionUnavailableError, load_champion
from recomentor.training.tracking import TrackedRun, log_training_run

if TYPE_CHECKING:
    from recomentor.store import Store

CANDIDATE_VERSION = "candidate"
# Penalties tried for the phrase interactions (grouped cross-validation).
INTERACTION_ALPHA_GRID: Final = (0.3, 1.0, 3.0, 10.0, 30.0)
# The stages a run goes through, in order, as `on_stage` hears them (the /model page shows them).
LOADING: Final = "loading"  # participants, their embeddings and the feedback
FEATURES: Final = "features"  # pair features of every rated pairing
FITTING: Final = "fitting"
EVALUATING: Final = "evaluating"  # every scorer on the held-out mentees
REGISTERING: Final = "registering"  # MLflow run, registry version, aliases
STAGES: Final = (LOADING, FEATURES, FITTING, EVALUATING, REGISTERING)
StageListener = Callable[[str], None]


@dataclass(frozen=True)
class TrainingReport:
    rows: int
    train_rows: int
    good_share: float
    evaluation: Evaluation
    promotion: Promotion
    run: TrackedRun
    previous_champion: str | None
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, for the benchmark


class _PhaseClock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.laps[phase] = now - self._last
        self._last = now


def fit_ranker(dataset: FeedbackDataset, rows: np.ndarray, config: TrainingConfig) -> LearnedScorer:
    """Fit on the given rows with the dataset's labels (soft relevance or rating >= good).

    With `phrase_association` and `interactions`, those are fitted first and the ranker reads
    their out-of-fold values on these rows as more features (linear ones for the
    interactions, so their parts split exactly into phrase links).
    """
    try:
        refuse_uninformative(
            dataset.ratings[rows],
            good_rating=dataset.good_rating,
            label_kind=dataset.label_kind,
            where=" in the training part of the split",
        )
    except TrainingRefusedError as error:
        raise TrainingRefusedError(f"{error}; add feedback or change the split seed") from None
    features, names = dataset.features[rows], dataset.feature_names
    association = None
    if config.phrase_association:
        association, out_of_fold = fit_phrase_association(
            dataset.roster,
            dataset.mentor_idx[rows],
            dataset.mentee_idx[rows],
            dataset.target[rows],
            dataset.groups[rows],
            mode=dataset.mode,
            clusters=config.association_clusters,
            alpha=config.association_alpha,
            seed=config.seed,
        )
        features, names = np.column_stack([features, out_of_fold]), (*names, PHRASE_ASSOCIATION)
    interactions, details = None, {}
    if config.interactions:
        fit = fit_phrase_interactions(
            dataset.roster,
            dataset.mentor_idx[rows],
            dataset.mentee_idx[rows],
            dataset.target[rows],
            dataset.groups[rows],
            dataset.features[rows],
            mode=dataset.mode,
            clusters=config.interaction_clusters,
            levels=config.interaction_levels,
            alpha_grid=INTERACTION_ALPHA_GRID,
        )
        interactions = fit.interactions
        details = {
            "interaction_alpha": fit.alpha,
            "interaction_clusters": interactions.cluster_count,
            **{f"interaction_cv_mse.alpha_{a}": v for a, v in fit.squared_error.items()},
        }
        features = np.column_stack([features, fit.out_of_fold])
        names = (*names, *INTERACTION_FEATURES)
    ranker = AdditiveRanker(
        names,
        n_knots=config.n_knots,
        degree=config.degree,
        C=config.C,
        linear_features=INTERACTION_FEATURES,
    )
    if dataset.label_kind == SOFT:
        expanded, labels, weights = soft_label_rows(features, dataset.relevance[rows])
        ranker.fit(expanded, labels, sample_weight=weights)
    else:
        ranker.fit(features, dataset.is_good[rows])
    return LearnedScorer(
        ranker,
        association=association,
        interactions=interactions,
        version=CANDIDATE_VERSION,
        embedding_model=dataset.roster.model_id,
        mode=dataset.mode,
        fit_details=details,
    )


def scored_by(scorer: Scorer, roster: Roster, mode: str) -> ScoreFunction:
    """Scores from pair_features, completed with what the scorer learned itself."""

    def score(features: PairFeatures) -> np.ndarray:
        completed = scorer.complete(roster, features, mode=mode)
        return scorer.score(completed.select(scorer.feature_names))

    return score


def _truth_scores(
    roster: Roster,
    mentees: np.ndarray,
    scorers: dict[str, ScoreFunction],
    settings: Settings,
    config: TrainingConfig,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Every scorer's scores of every eligible candidate of the mentees, their true relevance
    and the mentee of each pair."""
    from recomentor.synth import compatibility, load_organisation

    assert config.ground_truth is not None
    organisation = load_organisation(config.ground_truth)
    mentors, candidates_mentees = candidate_pairs(
        roster,
        mentees,
        mode=config.mode,
        min_gap=settings.min_gap,
        max_pairs=config.truth_max_pairs,
    )
    ids = np.asarray(roster.ids)
    relevance = compatibility(organisation, ids[mentors], ids[candidates_mentees])
    features = pair_features(roster, mentors, candidates_mentees, mode=config.mode)
    return score_all(scorers, features), relevance, candidates_mentees


def evaluate(
    dataset: FeedbackDataset,
    test: np.ndarray,
    scorers: dict[str, ScoreFunction],
    settings: Settings,
    config: TrainingConfig,
) -> Evaluation:
    """Every scorer on the held-out feedback, then on all candidates of held-out mentees; the
    learned model's margins over its rivals on the primary source, bootstrapped over mentees."""
    observed_scores = score_all(scorers, dataset.pair_features(test))
    relevance, groups = dataset.relevance[test], dataset.groups[test]
    observed = metrics_of(observed_scores, relevance, groups)
    mentees = np.unique(dataset.mentee_idx[test])
    truth, truth_pairs = None, 0
    primary = (observed_scores, relevance, groups)
    if config.ground_truth is not None:
        primary = _truth_scores(dataset.roster, mentees, scorers, settings, config)
        truth, truth_pairs = metrics_of(*primary), int(primary[1].size)
    margins = margins_over(LEARNED, (HEURISTIC, CHAMPION), *primary, seed=config.seed)
    return Evaluation(
        observed=observed,
        truth=truth,
        test_rows=int(test.size),
        test_mentees=int(mentees.size),
        truth_pairs=truth_pairs,
        margins=margins,
    )


def train_and_register(
    settings: Settings,
    store: Store,
    encoder: TextEncoder,
    config: TrainingConfig,
    *,
    force: bool = False,
    progress: bool = False,
    actor: str = TRAINING_ACTOR,
    on_stage: StageListener | None = None,
) -> TrainingReport:
    """Train on all feedback, compare on held-out mentees, log to MLflow, promote if better.

    A promotion is added to the champion's audit trail under `actor` (who started training).
    `on_stage` hears each of STAGES as it begins.
    """
    announce = on_stage or (lambda stage: None)
    clock = _PhaseClock()
    announce(LOADING)
    roster = load_roster(store, encoder, progress=progress)
    clock.lap("roster")
    announce(FEATURES)
    dataset = build_dataset(
        store,
        roster,
        min_feedback=settings.min_feedback,
        mode=config.mode,
        good_rating=config.good_rating,
        label_kind=config.label,
    )
    clock.lap("dataset")
    announce(FITTING)
    split = grouped_split(dataset.groups, test_size=config.test_size, seed=config.seed)
    learned = fit_ranker(dataset, split.train, config)
    clock.lap("fit")
    announce(EVALUATING)
    scorers = {
        LEARNED: scored_by(learned, roster, config.mode),
        HEURISTIC: scored_by(HeuristicScorer(), roster, config.mode),
        RANDOM: random_scores(config.seed),
    }
    notes = []
    previous: str | None = None
    try:
        champion = load_champion(settings)
    except ChampionUnavailableError as error:
        champion = None
        notes.append(f"current champion not compared: {error}")
    if champion is not None:
        previous = champion.version
        if champion.mode == config.mode:
            scorers[CHAMPION] = scored_by(champion, roster, config.mode)
        else:
            # It never serves this mode (the heuristic does, and is compared); promoting
            # this run still moves the one champion alias, from its mode to this one.
            notes.append(
                f"current champion v{champion.version} was trained in {champion.mode} mode: "
                f"not compared; promoting this {config.mode} model replaces it"
            )
    clock.lap("champion")
    evaluation = evaluate(dataset, split.test, scorers, settings, config)
    learned.thresholds = calibrate_thresholds(
        scorers[LEARNED](dataset.pair_features(split.test)), dataset.ratings[split.test]
    )
    promotion = decide_promotion(evaluation, min_improvement=config.min_improvement, force=force)
    clock.lap("evaluate")
    announce(REGISTERING)
    run = log_training_run(settings, config, dataset, learned, evaluation, promotion)
    if promotion.promote:
        record_training_promotion(
            store,
            from_version=previous,
            to_version=run.version,
            reason=promotion.reason,
            actor=actor,
        )
    clock.lap("log")
    return TrainingReport(
        rows=len(dataset),
        train_rows=int(split.train.size),
        good_share=float(dataset.is_good.mean()),
        evaluation=evaluation,
        promotion=promotion,
        run=run,
        previous_champion=previous,
        notes=notes,
        seconds=clock.laps,
    )
