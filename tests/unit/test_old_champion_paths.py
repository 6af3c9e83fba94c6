"""Champions pickled before ranking/ existed still load (regression: the move of the scorers)."""

from pathlib import Path

import cloudpickle
import numpy as np

from recomentor.ranking.scorers.additive import AdditiveRanker
from recomentor.ranking.scorers.association import PhraseAssociation

# Saved by the code of before the move: it names recomentor.training.models.AdditiveRanker,
# recomentor.training.association.PhraseAssociation and recomentor.training.pyfunc.RankerModel.
OLD_CHAMPION = Path(__file__).parents[1] / "data" / "champion_old_paths.pkl"


def test_a_champion_pickled_under_the_old_module_paths_loads_and_scores_the_same() -> None:
    raw = OLD_CHAMPION.read_bytes()
    assert b"recomentor.training.models" in raw and b"recomentor.training.association" in raw
    saved = cloudpickle.loads(raw)
    model = saved["model"]
    assert isinstance(model.ranker, AdditiveRanker)
    assert isinstance(model.association, PhraseAssociation)
    scores = model.ranker.predict_proba(saved["probe"])[:, 1]
    np.testing.assert_allclose(scores, saved["scores"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.association.weights, [[1.0, -0.5], [0.25, 2.0]])
    np.testing.assert_allclose(model.predict(None, saved["probe"]), saved["scores"], atol=1e-12)
