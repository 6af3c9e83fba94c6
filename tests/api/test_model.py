"""The model route describes the scorer that serves suggestions."""

from __future__ import annotations

import numpy as np
from litestar.testing import TestClient

from recomentor.api import create_app
from recomentor.ranking.scorers import HEURISTIC_WEIGHTS, HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from tests.api.conftest import headers
from tests.fakes import FakeEncoder


def test_heuristic_is_described(client: TestClient, keys: dict[str, str]) -> None:
    body = client.get("/api/v1/model", headers=headers(keys["read"])).json()
    assert body["kind"] == "heuristic"
    assert set(body["feature_names"]) == set(HEURISTIC_WEIGHTS)
    assert body["metrics"] == {}


class _PromotedScorer(HeuristicScorer):
    kind = "learned"

    def __init__(self) -> None:
        super().__init__(version="7")
        self.name = "recomentor-ranker"
        self.metrics = {"ndcg_at_5": 0.81, "roc_auc": np.float64(0.77)}


def test_injected_scorer_and_its_metrics_are_described(
    settings: Settings, sqlite_store: Store
) -> None:
    key = create_key(sqlite_store, "reader", "read").key
    app = create_app(settings, store=sqlite_store, encoder=FakeEncoder(), scorer=_PromotedScorer())
    with TestClient(app) as client:
        body = client.get("/api/v1/model", headers=headers(key)).json()
        ready = client.get("/ready").json()
    assert (body["kind"], body["name"], body["version"]) == ("learned", "recomentor-ranker", "7")
    assert body["metrics"] == {"ndcg_at_5": 0.81, "roc_auc": 0.77}
    assert ready["scorer"] == {"kind": "learned", "name": "recomentor-ranker", "version": "7"}
