"""Grouped splits and ranking metrics that compare every scorer on the same held-out mentees."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from sklearn.metrics import log_loss as _sk_log_loss
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit

from recomentor.ranking.candidates import eligible_pairs
from recomentor.ranking.features import PairFeatures
from recomentor.ranking.roster import Roster

# Relevance is on a 0-1 scale: (rating - 1) / 4 for feedback, the generator's compatibility for
# synthetic truth. A pair counts as good at 0.625 and above: its expected rating 1 + 4r is then
# at least 3.5, which rounds to 4 -- the same line the training label draws at rating >= 4.
GOOD_RELEVANCE: Final = 0.625
K: Final = 5
NDCG: Final = "ndcg_at_5"
PRECISION: Final = "precision_at_5"
ROC_AUC: Final = "roc_auc"
LOG_LOSS: Final = "log_loss"
METRIC_LABELS: Final = {
    NDCG: "NDCG@5",
    PRECISION: "precision@5",
    ROC_AUC: "ROC AUC",
    LOG_LOSS: "log loss",
}
# Metrics where lower is better; every other one is higher-is-better.
LOWER_IS_BETTER: Final = frozenset({LOG_LOSS})
_PROBABILITY_FLOOR = 1e-6

# Every metric: (relevance, scores, groups, k) -> float, NaN when undefined on these rows.
Metric = Callable[[np.ndarray, np.ndarray, np.ndarray, int], float]
# A scorer seen by the evaluation: pair_features of some pairs -> one score per pair.
ScoreFunction = Callable[[PairFeatures], np.ndarray]


@dataclass(frozen=True)
class Split:
    """Row positions of the training and held-out parts; no mentee is in both."""

    train: np.ndarray
    test: np.ndarray


def grouped_split(groups: np.ndarray, *, test_size: float, seed: int) -> Split:
    splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    train, test = next(splitter.split(np.zeros(len(groups)), groups=groups))
    return Split(train=np.sort(train), test=np.sort(test))


def _ranks_within_groups(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order rows by group then value descending; return that order and each row's rank in it."""
    order = np.lexsort((-values, groups))
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    sizes = np.diff(np.r_[starts, sorted_groups.size])
    ranks = np.arange(sorted_groups.size) - np.repeat(starts, sizes)
    return order, ranks


def _group_sums(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys, inverse = np.unique(groups, return_inverse=True)
    return keys, np.bincount(inverse, weights=values, minlength=keys.size)


def _dcg(relevance: np.ndarray, by: np.ndarray, groups: np.ndarray, k: int) -> np.ndarray:
    order, ranks = _ranks_within_groups(by, groups)
    gains = np.where(ranks < k, relevance[order] / np.log2(ranks + 2.0), 0.0)
    return _group_sums(gains, groups[order])[1]


def ndcg_per_group(
    relevance: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int = 5
) -> np.ndarray:
    """DCG@k / ideal DCG@k of each group with some gain, in sorted group order."""
    if relevance.size == 0:
        return np.zeros(0)
    ideal = _dcg(relevance, relevance, groups, k)
    actual = _dcg(relevance, scores, groups, k)
    scored = ideal > 0
    per_group: np.ndarray = actual[scored] / ideal[scored]
    return per_group


def ndcg_at_k(relevance: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Mean over groups of DCG@k / ideal DCG@k with linear gains; groups with no gain skipped."""
    per_group = ndcg_per_group(relevance, scores, groups, k)
    return float(per_group.mean()) if per_group.size else float("nan")


def precision_at_k(relevance: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Mean over groups of the good share among the top min(k, group size) rows."""
    if relevance.size == 0:
        return float("nan")
    order, ranks = _ranks_within_groups(scores, groups)
    in_top = ranks < k
    sorted_groups = groups[order]
    _, hits = _group_sums(
        (in_top & (relevance[order] >= GOOD_RELEVANCE)).astype(float), sorted_groups
    )
    _, shown = _group_sums(in_top.astype(float), sorted_groups)
    return float(np.mean(hits / shown))


def roc_auc(relevance: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Pooled over all rows: does a good pair score above a poor one, whoever the mentee."""
    del groups, k
    good = relevance >= GOOD_RELEVANCE
    if good.all() or not good.any():
        return float("nan")
    return float(roc_auc_score(good, scores))


def log_loss(relevance: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int) -> float:
    """Scores read as P(good); only a calibrated model does well here, a ranking heuristic not."""
    del groups, k
    if relevance.size == 0:
        return float("nan")
    probability = np.clip(scores, _PROBABILITY_FLOOR, 1 - _PROBABILITY_FLOOR)
    return float(_sk_log_loss(relevance >= GOOD_RELEVANCE, probability, labels=[False, True]))


METRICS: Final[Mapping[str, Metric]] = {
    NDCG: ndcg_at_k,
    PRECISION: precision_at_k,
    ROC_AUC: roc_auc,
    LOG_LOSS: log_loss,
}


def score_metrics(
    relevance: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int = K
) -> dict[str, float]:
    return {name: metric(relevance, scores, groups, k) for name, metric in METRICS.items()}


def random_scores(seed: int) -> ScoreFunction:
    """The floor every ranker must clear: uniform scores, reproducible for a seed."""

    def score(features: PairFeatures) -> np.ndarray:
        return np.random.default_rng(seed).random(size=(features.matrix.shape[0],))

    return score


# The bootstrap behind the promotion gate: resampled sets of held-out mentees, and the share of
# the resampled margins the interval leaves out (two-sided 95 %).
BOOTSTRAP_SAMPLES: Final = 2_000
BOOTSTRAP_ALPHA: Final = 0.05


@dataclass(frozen=True)
class Margin:
    """NDCG@5 of the new model minus a rival's on the same mentees, with the 95 % bootstrap
    interval of that mean over mentees: how much the split's own noise moves it."""

    rival: str
    mean: float
    low: float
    high: float
    mentees: int

    def describe(self) -> str:
        return (
            f"{self.rival} {self.mean:+.4f} (95% interval over {self.mentees} mentees "
            f"{self.low:+.4f} to {self.high:+.4f})"
        )


def bootstrap_margin(
    rival: str, new: np.ndarray, old: np.ndarray, *, seed: int, samples: int = BOOTSTRAP_SAMPLES
) -> Margin:
    """Mean of `new - old` (per-mentee values, aligned) and its percentile bootstrap interval,
    mentees drawn with replacement."""
    difference = np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
    if difference.size == 0 or not np.isfinite(difference).all():
        nan = float("nan")
        return Margin(rival, nan, nan, nan, int(difference.size))
    draws = np.random.default_rng(seed).integers(0, difference.size, (samples, difference.size))
    means = difference[draws].mean(axis=1)
    low, high = np.quantile(means, [BOOTSTRAP_ALPHA / 2, 1 - BOOTSTRAP_ALPHA / 2])
    return Margin(rival, float(difference.mean()), float(low), float(high), difference.size)


@dataclass(frozen=True)
class Evaluation:
    """Metrics per scorer on the held-out feedback, and against synthetic truth when known."""

    observed: dict[str, dict[str, float]]
    truth: dict[str, dict[str, float]] | None = None
    test_rows: int = 0
    test_mentees: int = 0
    truth_pairs: int = 0
    notes: list[str] = field(default_factory=list)
    # The new model's NDCG@5 margin over each rival on the primary source, with its noise.
    margins: dict[str, Margin] = field(default_factory=dict)

    @property
    def primary_source(self) -> str:
        """Ground truth when there is one: observed pairs only cover pairs someone chose."""
        return "truth" if self.truth is not None else "observed"

    def primary(self, scorer: str, metric: str = NDCG) -> float:
        table = self.truth if self.truth is not None else self.observed
        return table[scorer][metric]


def score_all(
    scorers: Mapping[str, ScoreFunction], features: PairFeatures
) -> dict[str, np.ndarray]:
    """Every scorer's scores of the same rows."""
    return {name: score(features) for name, score in scorers.items()}


def metrics_of(
    scores: Mapping[str, np.ndarray], relevance: np.ndarray, groups: np.ndarray, k: int = K
) -> dict[str, dict[str, float]]:
    """The same rows, the same metrics, for every scorer's scores."""
    return {name: score_metrics(relevance, values, groups, k) for name, values in scores.items()}


def compare_scorers(
    scorers: Mapping[str, ScoreFunction],
    features: PairFeatures,
    relevance: np.ndarray,
    groups: np.ndarray,
    k: int = K,
) -> dict[str, dict[str, float]]:
    """The same rows, the same metrics, for every scorer."""
    return metrics_of(score_all(scorers, features), relevance, groups, k)


def margins_over(
    new: str,
    rivals: tuple[str, ...],
    scores: Mapping[str, np.ndarray],
    relevance: np.ndarray,
    groups: np.ndarray,
    *,
    seed: int,
) -> dict[str, Margin]:
    """NDCG@5 margin of `new` over each rival present, per mentee, bootstrapped."""
    mine = ndcg_per_group(relevance, scores[new], groups, K)
    return {
        rival: bootstrap_margin(
            rival, mine, ndcg_per_group(relevance, scores[rival], groups, K), seed=seed
        )
        for rival in rivals
        if rival in scores
    }


def candidate_pairs(
    roster: Roster, mentees: np.ndarray, *, mode: str, min_gap: float, max_pairs: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every eligible (mentor, mentee) pair of `mentees`: all a suggestion would have ranked."""
    mentors = np.flatnonzero(roster.can_mentor)
    found_mentors: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    found_mentees: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    total = 0
    for mentee in np.asarray(mentees, dtype=np.int64).tolist():
        if total >= max_pairs:
            break
        same_mentee = np.full(mentors.size, mentee, dtype=np.int64)
        keep = eligible_pairs(roster, mentors, same_mentee, mode, min_gap=min_gap)
        found_mentors.append(mentors[keep])
        found_mentees.append(same_mentee[keep])
        total += int(keep.sum())
    return np.concatenate(found_mentors), np.concatenate(found_mentees)
