"""A trained additive ranker, with its phrase association, behind the scorer contract."""

from __future__ import annotations

import numpy as np

from recomentor.errors import InvalidInputError
from recomentor.ranking.candidates import check_mode
from recomentor.ranking.features import FEATURE_NAMES, PHRASE_ASSOCIATION, PairFeatures
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers.additive import BASELINE, AdditiveRanker
from recomentor.ranking.scorers.association import PhraseAssociation
from recomentor.ranking.scorers.base import LEARNED, REGISTERED_MODEL


class LearnedScorer:
    """A trained AdditiveRanker behind the Scorer interface; factors are baseline + features.

    With a phrase association, the ranker also reads the phrase_association feature, which
    `complete` appends to pair_features. It serves only the pairing mode it was trained in
    (`mode`, see scorer_for).
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
        name: str = REGISTERED_MODEL,
        metrics: dict[str, float] | None = None,
    ) -> None:
        known = {*FEATURE_NAMES, *((PHRASE_ASSOCIATION,) if association else ())}
        unknown = set(ranker.feature_names_) - known
        if unknown:
            raise InvalidInputError(f"model uses unknown features: {', '.join(sorted(unknown))}")
        self.ranker = ranker
        self.mode: str | None = check_mode(mode)
        self.association = association
        self.name = name
        self.version = version
        self.embedding_model = embedding_model
        self.metrics = dict(metrics or {})
        self.feature_names: tuple[str, ...] = tuple(ranker.feature_names_)
        self.factor_names: tuple[str, ...] = (BASELINE, *self.feature_names)

    def complete(self, roster: Roster, base: PairFeatures, *, mode: str) -> PairFeatures:
        if self.association is None:
            return base
        return self.association.complete(roster, base, mode)

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
