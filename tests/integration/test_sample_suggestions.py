"""Acceptance on the sample French export with the real model (issue 3)."""

from __future__ import annotations

import numpy as np
import pytest

from recomentor import fields as F
from recomentor.embeddings import SentenceEncoder
from recomentor.ranking.labels import GOOD, MATCH_LABELS, STRONG
from recomentor.ranking.rank import SuggestionResult, rank_partners
from recomentor.ranking.roster import Roster, load_roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store

pytestmark = pytest.mark.integration


def _top(roster: Roster, person_id: str, k: int = 3) -> list[str]:
    result = rank_partners(roster, HeuristicScorer(), person_id, k=k)
    return [s.partner_id for s in result.suggestions]


def test_the_sample_imports_thirty_people(sample_roster: Roster) -> None:
    assert len(sample_roster) == 30
    assert sample_roster.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert sample_roster.skill_vectors.shape == (30, 384)


def test_marketing_director_gets_the_community_manager_not_his_reports(
    sample_roster: Roster,
) -> None:
    top = _top(sample_roster, "E1040")
    assert "E1011" in top
    assert not {"E1001", "E1014"} & set(top)


def test_cfo_gets_the_data_analyst_not_his_report(sample_roster: Roster) -> None:
    top = _top(sample_roster, "E1041")
    assert "E1005" in top
    assert "E1002" not in top


def test_plant_director_gets_the_3d_printing_technician(sample_roster: Roster) -> None:
    assert "E1010" in _top(sample_roster, "E1047")


@pytest.mark.parametrize("junior", ["E1003", "E1010"])
def test_juniors_have_nobody_to_mentor_them_in_reverse_mode(
    sample_roster: Roster, junior: str
) -> None:
    result = rank_partners(sample_roster, HeuristicScorer(), junior, role=F.MENTEE)
    assert result.suggestions == []
    assert result.excluded["wrong_direction"] > 0
    assert sum(result.excluded.values()) == len(sample_roster)


def _all_results(roster: Roster) -> list[SuggestionResult]:
    return [
        rank_partners(roster, HeuristicScorer(), person_id, k=10, mode=mode, lang=lang)
        for person_id in roster.ids
        for mode, lang in ((F.REVERSE, "en"), (F.CLASSIC, "fr"), (F.MUTUAL, "en"))
    ]


def test_contributions_sum_to_each_score(sample_roster: Roster) -> None:
    results = _all_results(sample_roster)
    checked = 0
    for result in results:
        for suggestion in result.suggestions:
            total = sum(f.contribution for f in suggestion.explanation.factors)
            assert abs(total - suggestion.score) <= 1e-6
            checked += 1
    assert checked > 50


def test_explanations_quote_real_phrases_and_no_names(sample_roster: Roster) -> None:
    result = rank_partners(sample_roster, HeuristicScorer(), "E1047", k=1)
    explanation = result.suggestions[0].explanation
    assert explanation.matches[0].skill in {"Impression 3D", "jumeau numérique"}
    assert explanation.summary.startswith("Strong match: E1010's skills cover E1047's goals")
    assert "Yanis" not in explanation.summary and "Morel" not in explanation.summary


def test_labels_on_the_sample_follow_the_scores(sample_roster: Roster) -> None:
    # The picks examples/README.md names, scored by the heuristic on the real model.
    by_partner = {
        s.partner_id: s
        for s in rank_partners(sample_roster, HeuristicScorer(), "E1040").suggestions
    }
    assert by_partner["E1011"].label == GOOD  # Instagram for TikTok and Instagram
    plant = rank_partners(sample_roster, HeuristicScorer(), "E1047", k=1).suggestions[0]
    assert (plant.partner_id, plant.label) == ("E1010", STRONG)  # digital twin for digital twin
    for result in _all_results(sample_roster):
        ranks = [MATCH_LABELS.index(s.label) for s in result.suggestions]
        assert ranks == sorted(ranks), result.person_id  # best score first, so best label first


def test_reloading_unchanged_data_encodes_nothing(
    sample_store: Store, sample_roster: Roster, real_encoder: SentenceEncoder
) -> None:
    again = load_roster(sample_store, real_encoder)
    assert again.encoded == 0
    np.testing.assert_array_equal(again.skill_vectors, sample_roster.skill_vectors)


def test_real_vectors_are_unit_length(sample_roster: Roster) -> None:
    norms = np.linalg.norm(sample_roster.skill_vectors, axis=1)
    np.testing.assert_allclose(norms[norms > 0], 1.0, rtol=1e-5)
