"""The fitted ranker as an MLflow pyfunc model; imported only where MLflow is already loaded."""

from __future__ import annotations

import numpy as np
from mlflow.pyfunc import PythonModel

from recomentor.ranking.scorers.association import PhraseAssociation
from recomentor.ranking.scorers.interaction import PhraseInteractions
from recomentor.training.models import AdditiveRanker


class RankerModel(PythonModel):
    """Serves P(good pairing) from a frame of named pair features; the ranker (and the phrase
    association and interactions that compute its learned inputs) stay reachable through
    `unwrap_python_model()` for contributions."""

    def __init__(
        self,
        ranker: AdditiveRanker,
        association: PhraseAssociation | None = None,
        interactions: PhraseInteractions | None = None,
    ) -> None:
        self.ranker = ranker
        self.association = association
        self.interactions = interactions

    # Left unannotated on purpose: MLflow reads predict's type hints as an input schema and
    # warns on anything but list[...]; the logged signature describes the input instead.
    def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]
        del context, params
        names = list(self.ranker.feature_names_)
        if hasattr(model_input, "columns"):
            matrix = np.asarray(model_input[names], dtype=np.float64)
        else:
            matrix = np.asarray(model_input, dtype=np.float64)
        scores: np.ndarray = self.ranker.predict_proba(matrix)[:, 1]
        return scores
