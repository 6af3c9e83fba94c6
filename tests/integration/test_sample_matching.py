"""Acceptance of cohort matching on the sample French export with the real model (issue 6)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from recomentor.matching.cohort import NO_ELIGIBLE_MENTOR
from recomentor.matching.export import matching_csv, matching_xlsx, people_in
from recomentor.matching.rules import load_rules
from recomentor.matching.service import Matching, create_matching
from recomentor.matching.solver import PARTICIPATION, SCORE
from recomentor.ranking.explain import label_words
from recomentor.ranking.roster import Roster
from recomentor.ranking.scorers import HeuristicScorer
from recomentor.store import Store
from recomentor.store.participants import read_contacts
from recomentor.store.tables import ParticipantRow
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.integration


def _people(store: Store) -> dict[str, ParticipantRow]:
    with store.session() as session:
        return {row.id: row for row in session.scalars(select(ParticipantRow))}


@pytest.fixture(scope="module", params=[PARTICIPATION, SCORE])
def matching(
    request: pytest.FixtureRequest, sample_store: Store, sample_roster: Roster
) -> Matching:
    return create_matching(sample_store, sample_roster, HeuristicScorer(), objective=request.param)


def test_no_mentor_above_capacity(matching: Matching, sample_store: Store) -> None:
    people = _people(sample_store)
    load: dict[str, int] = {}
    for pair in matching.pairs:
        load[pair.mentor_id] = load.get(pair.mentor_id, 0) + 1
    assert load and all(count <= (people[m].max_mentees or 1) for m, count in load.items())
    reported = {entry.mentor_id: entry.assigned for entry in matching.mentor_load}
    assert {m: c for m, c in reported.items() if c} == load


def test_nobody_is_paired_with_their_manager(matching: Matching, sample_store: Store) -> None:
    people = _people(sample_store)
    for pair in matching.pairs:
        assert people[pair.mentor_id].manager_id != pair.mentee_id
        assert people[pair.mentee_id].manager_id != pair.mentor_id


def test_every_senior_is_paired(matching: Matching, sample_store: Store) -> None:
    # The sample's seniors have 18-31 years of experience; some signed up as `both`.
    seniors = {pid for pid, row in _people(sample_store).items() if row.years_experience >= 18}
    assert len(seniors) == 15
    assert seniors <= {pair.mentee_id for pair in matching.pairs}


@pytest.mark.parametrize("junior", ["E1003", "E1010"])
def test_both_role_juniors_stay_unpaired_as_mentees_with_a_reason(
    matching: Matching, junior: str
) -> None:
    unpaired = {entry.mentee_id: entry for entry in matching.unpaired}
    assert unpaired[junior].reason == NO_ELIGIBLE_MENTOR
    assert "wrong direction" in unpaired[junior].detail


def test_the_acceptance_picks_of_the_sample_hold_in_the_cohort(matching: Matching) -> None:
    pairs = {pair.mentee_id: pair.mentor_id for pair in matching.pairs}
    # E1040's and E1041's best topical matches report to them: never picked.
    assert pairs["E1040"] not in {"E1001", "E1014"}
    assert pairs["E1041"] != "E1002"
    for pair in matching.pairs:
        contributions = sum(f.contribution for f in pair.explanation.factors)
        assert contributions == pytest.approx(pair.score, abs=1e-9)


def test_the_example_rules_apply_to_the_sample(sample_store: Store, sample_roster: Roster) -> None:
    rules = load_rules(EXAMPLES / "program_rules.toml")
    matching = create_matching(sample_store, sample_roster, HeuristicScorer(), rules=rules)
    people = _people(sample_store)
    assert matching.pairs
    for pair in matching.pairs:
        assert people[pair.mentor_id].department != people[pair.mentee_id].department
        assert (pair.mentor_id, pair.mentee_id) != ("E1001", "E1042")
        names = {f.name for f in pair.explanation.factors}
        assert {"rule:same_location", "rule:seniority_gap"} <= names


def test_exports_name_everyone_with_their_accents(matching: Matching, sample_store: Store) -> None:
    with sample_store.session() as session:
        people = read_contacts(session, people_in(matching))
    data = matching_csv(matching, people, lang="fr")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    pairs, _, unpaired = text.partition("\r\n\r\n")
    rows = list(csv.reader(io.StringIO(pairs), delimiter=";"))[1:]
    assert len(rows) == len(matching.pairs)
    for row, pair in zip(rows, matching.pairs, strict=True):
        assert (row[0], row[4]) == (pair.mentor_id, pair.mentee_id)
        assert (row[1], row[5]) == (people[pair.mentor_id].name, people[pair.mentee_id].name)
        assert row[9] == label_words(pair.label, "fr")
    # E1003 and E1010 stay unpaired (examples/README.md); the file names them, accents kept.
    assert "E1003;Inès Benali;ines.benali@exemple.fr;DSI;no_eligible_mentor;" in unpaired
    workbook = matching_xlsx(matching, people, lang="fr")
    assert workbook.startswith(b"PK") and len(workbook) > 1_000
