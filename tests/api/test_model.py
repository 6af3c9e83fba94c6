"""The model route describes the scorer that serves suggestions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from litestar.testing import TestClient

from recomentor import fields as F
from recomentor.api.app import create_app
from recomentor.ranking.scorers import HEURISTIC_WEIGHTS, HeuristicScorer
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.apikeys import create_key
from tests.api.conftest import headers
from tests.fakes import FakeEncoder
from tests.known_answer import known_answer


def test_heuristic_is_described(client: TestClient, keys: dict[str, str]) -> None:
    body = client.get("/api/v1/model", headers=headers(keys["read"])).json()
    assert body["kind"] == "heuristic"
    assert body["modes"] == ["reverse", "classic", "mutual"]
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


def test_a_model_trained_in_reverse_mode_answers_reverse_requests_only(
    settings: Settings, tmp_path: Path
) -> None:
    with known_answer(tmp_path) as known:
        model = known.learned(F.REVERSE)
        key = create_key(known.store, "reader", "read").key
        app = create_app(settings, store=known.store, encoder=FakeEncoder(), scorer=model)
        with TestClient(app) as client:
            described = client.get("/api/v1/model", headers=headers(key)).json()
            served = {
                mode: client.get(
                    "/api/v1/participants/P13/suggestions",
                    params={"mode": mode},
                    headers=headers(key),
                ).json()["model"]
                for mode in F.MODES
            }
    assert (described["kind"], described["modes"]) == ("learned", ["reverse"])
    assert served[F.REVERSE] == {"kind": "learned", "name": model.name, "version": model.version}
    assert (
        served[F.CLASSIC]
        == served[F.MUTUAL]
        == {
            "kind": "heuristic",
            "name": "heuristic",
            "version": "2",
        }
    )
