"""A trained additive ranker, with what it learned about phrases, behind the scorer contract."""

from __future__ import annotations

import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.ranking.candidates import check_mode
from recomentor.ranking.features import (
    FEATURE_NAMES,
    INTERACTION_FEATURES,
    PHRASE_ASSOCIATION,
    PairFeatures,
)
from recomentor.ranking.labels import LEARNED_THRESHOLDS, LabelThresholds
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.additive import BASELINE, AdditiveRanker
from recomentor.ranking.scorers.association import PhraseAssociation
from recomentor.ranking.scorers.base import LEARNED, REGISTERED_MODEL, Link
from recomentor.ranking.scorers.interaction import PhraseInteractions


class LearnedScorer:
    """A trained AdditiveRanker behind the Scorer interface; factors are baseline + features.

    With a phrase association, the ranker also reads the phrase_association feature; with
    phrase interactions, skill_goal_interaction and goal_skill_interaction; `complete` appends
    them to pair_features. It serves only the pairing mode it was trained in (`mode`, see
    scorer_for). `thresholds` are its match-label lines, calibrated on held-out feedback
    (labels.py).
    """

    kind = LEARNED

    def __init__(
        self,
        ranker: AdditiveRanker,
        *,
        version: str,
        embedding_model: str,
        mode: str,
        association: PhraseAssociation | None = None,
        interactions: PhraseInteractions | None = None,
        thresholds: LabelThresholds = LEARNED_THRESHOLDS,
        name: str = REGISTERED_MODEL,
        metrics: dict[str, float] | None = None,
        fit_details: dict[str, float] | None = None,
    ) -> None:
        known = {
            *FEATURE_NAMES,
            *((PHRASE_ASSOCIATION,) if association else ()),
            *(INTERACTION_FEATURES if interactions else ()),
        }
        unknown = set(ranker.feature_names_) - known
        if unknown:
            raise InvalidInputError(f"model uses unknown features: {', '.join(sorted(unknown))}")
        self.ranker = ranker
        self.mode: str | None = check_mode(mode)
        self.association = association
        self.interactions = interactions
        self.thresholds = thresholds
        self.name = name
        self.version = version
        self.embedding_model = embedding_model
        self.metrics = dict(metrics or {})
        # How training chose what it chose (e.g. the interactions' C), for the MLflow run.
        self.fit_details = dict(fit_details or {})
        self.feature_names: tuple[str, ...] = tuple(ranker.feature_names_)
        self.factor_names: tuple[str, ...] = (BASELINE, *self.feature_names)
        self.features_weighed = self.feature_names

    def complete(self, roster: Roster, base: PairFeatures, *, mode: str) -> PairFeatures:
        completed = base
        if self.association is not None:
            completed = self.association.complete(roster, completed, mode)
        if self.interactions is not None:
            completed = self.interactions.complete(roster, completed, mode)
        return completed

    def score(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            # scikit-learn refuses an empty matrix; no pair is a question with an answer.
            return np.zeros(0)
        scores: np.ndarray = self.ranker.predict_proba(features)[:, 1]
        return scores

    def contributions(self, features: np.ndarray) -> np.ndarray:
        if features.shape[0] == 0:
            return np.zeros((0, len(self.factor_names)))
        return self.ranker.contributions(features)

    def links(
        self, roster: Roster, features: PairFeatures, position: int, *, mode: str
    ) -> list[Link]:
        """The (skill phrase, goal phrase) links behind the interaction factors of the pair at
        `position` of `features` (completed by this scorer), each with its part of the score.

        A linear factor's contribution is scale x (value - training mean): the links share the
        scale x value part, and the rest, -scale x mean, is what an average pair gets (so the
        links and `average_pair_part` add up to the factors' contributions).
        """
        if self.interactions is None:
            return []
        scale = self._scales(features, position)
        return self.interactions.links(
            roster,
            int(features.mentor_idx[position]),
            int(features.mentee_idx[position]),
            mode,
            scale,
        )

    def average_pair_part(self, features: PairFeatures, position: int) -> float:
        """What the interaction factors give an average pair: their contributions minus the
        parts of the pair's own links."""
        if self.interactions is None:
            return 0.0
        scale = self._scales(features, position)
        means = self.ranker.feature_means_
        return -sum(
            scale[name] * float(means[self.feature_names.index(name)])
            for name in INTERACTION_FEATURES
        )

    def _scales(self, features: PairFeatures, position: int) -> dict[str, float]:
        row = features.rows(np.array([position])).select(self.feature_names)
        return {
            name: float(self.ranker.linear_scale(row, self.feature_names.index(name))[0])
            for name in INTERACTION_FEATURES
        }
