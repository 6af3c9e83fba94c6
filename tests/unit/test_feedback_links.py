"""Feedback links (issue 14): a token opens its own request only, answers are validated field
by field, revised per check-in, closed on time, and reach training like imported feedback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recomentor import fields as F
from recomentor.erasure import erase_participant
from recomentor.feedback import (
    ClosedLinkError,
    ExpiredLinkError,
    FeedbackAnswer,
    InvalidAnswerError,
    LinkRules,
    UnknownLinkError,
    open_request,
    submit_answer,
)
from recomentor.feedback.tokens import new_token
from recomentor.matching.pairings import end_pairing
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.tables import (
    FeedbackAnswerRow,
    FeedbackRequestRow,
    FeedbackRow,
    FeedbackTokenRow,
    PairingRow,
)
from recomentor.suppression import ErasureKey
from recomentor.training.dataset import _latest_ratings
from tests.feedback_data import (
    S1_PHRASES,
    SENT,
    Program,
    issue_links,
    link_settings,
    seed_program,
)

LATER = SENT + timedelta(days=3)
GOOD = {"rating": 5, "outcome": "ongoing", "meetings": 3}


@pytest.fixture
def program(store: Store) -> Program:
    return seed_program(store)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return link_settings(tmp_path / "home")


@pytest.fixture
def tokens(store: Store, settings: Settings, program: Program, tmp_path: Path) -> dict[str, str]:
    return issue_links(store, settings, tmp_path)


def _count(store: Store, table: type) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_each_link_opens_its_own_persons_request(store: Store, tokens: dict[str, str]) -> None:
    # Active pairings only: the ended J4-S4 gets no link.
    assert sorted(tokens) == ["J1", "J2", "J3", "S1", "S2", "S3"]
    learner = open_request(store, tokens["S1"], LATER)
    assert (learner.role, learner.learner, learner.checkin) == (F.MENTEE, True, "end")
    assert learner.partner_name == "Jeanne Martin"
    # Split as ranking splits goals: the parenthesis keeps its comma.
    assert learner.goals == S1_PHRASES
    assert learner.language == "fr"
    assert learner.answer is None and learner.answered_at is None
    assert learner.open_until == SENT + timedelta(days=30)

    mentor = open_request(store, tokens["J1"], LATER)
    assert (mentor.role, mentor.learner, mentor.goals) == (F.MENTOR, False, [])
    assert mentor.partner_name == "Serge Dupont"
    # S2 states English and French: the program's default language.
    assert (
        open_request(store, tokens["S2"], LATER, LinkRules(default_language="fr")).language == "fr"
    )
    # In mutual mode both people learn.
    both = [open_request(store, tokens[p], LATER) for p in ("J3", "S3")]
    assert [(f.learner, f.goals) for f in both] == [
        (True, ["Public speaking"]),
        (True, ["Data literacy", "SQL"]),
    ]


def test_made_up_malformed_and_unknown_tokens_get_one_and_the_same_error(
    store: Store, tokens: dict[str, str]
) -> None:
    real = tokens["S1"]
    for token in (new_token(), real[:-1] + ("A" if real[-1] != "A" else "B"), "", "x" * 5000,
                  "../../etc/passwd", real + "=", "\x00" * 43):  # fmt: skip
        with pytest.raises(UnknownLinkError) as refused:
            open_request(store, token, LATER)
        assert str(refused.value) == "this feedback link is not valid"
        with pytest.raises(UnknownLinkError):
            submit_answer(store, token, GOOD, LATER)
    assert _count(store, FeedbackAnswerRow) == 0


def test_a_link_expires_and_a_reminder_brings_a_working_one(
    store: Store, settings: Settings, tokens: dict[str, str], tmp_path: Path
) -> None:
    expiry = SENT + timedelta(days=30)
    with pytest.raises(ExpiredLinkError) as expired:
        open_request(store, tokens["S1"], expiry)
    assert expired.value.expired_at == expiry
    with pytest.raises(ExpiredLinkError):
        submit_answer(store, tokens["S1"], GOOD, expiry + timedelta(seconds=1))
    assert _count(store, FeedbackAnswerRow) == 0
    reminded = issue_links(store, settings, tmp_path, reminder=True, now=expiry)
    assert open_request(store, reminded["S1"], expiry).goals == S1_PHRASES


def test_answers_close_a_grace_period_after_the_pairing_ended(
    store: Store, program: Program, tokens: dict[str, str]
) -> None:
    end_pairing(store, program.pairing_of["S1"], "completed")
    ended_at = SENT + timedelta(days=5)
    with store.session() as session:
        # Ended on a known day rather than today.
        session.get(PairingRow, program.pairing_of["S1"]).ended_at = ended_at
    inside = ended_at + timedelta(days=14) - timedelta(seconds=1)
    rules = LinkRules()
    form = submit_answer(store, tokens["S1"], {**GOOD, "outcome": "completed"}, inside, rules)
    assert form.open_until == ended_at + timedelta(days=14)
    with pytest.raises(ClosedLinkError):
        open_request(store, tokens["S1"], inside + timedelta(seconds=1), rules)
    with pytest.raises(ClosedLinkError):
        submit_answer(store, tokens["S1"], GOOD, inside + timedelta(seconds=1), rules)
    assert open_request(store, tokens["S1"], inside, rules).answer.outcome == "completed"


def test_an_answer_is_stored_revised_and_shown_back(store: Store, tokens: dict[str, str]) -> None:
    first = submit_answer(
        store,
        tokens["S1"],
        # As a form posts it: numbers as text, one ticked box as a plain string, extra keys.
        {"rating": "4", "outcome": "Ongoing ", "meetings": "2",
         "goals_progressed": "Comprendre TikTok", "comment": " Très bien \r\n ", "csrf": "x"},
        LATER,
    )  # fmt: skip
    assert first.answer == FeedbackAnswer(
        rating=4,
        outcome="ongoing",
        meetings=2,
        goals_progressed=["Comprendre TikTok"],
        comment="Très bien",
    )
    revised = submit_answer(
        store,
        tokens["S1"],
        FeedbackAnswer(
            rating=2,
            outcome="dropped",
            meetings=5,
            # Stored in the order of the person's goals, whatever order they came in.
            goals_progressed=[S1_PHRASES[2], S1_PHRASES[0]],
        ),
        LATER + timedelta(days=1),
    )
    assert revised.answer is not None and revised.answer.rating == 2
    assert revised.answer.goals_progressed == [S1_PHRASES[0], S1_PHRASES[2]]
    assert revised.answer.comment is None
    assert revised.answered_at == LATER + timedelta(days=1)
    assert open_request(store, tokens["S1"], LATER).answer == revised.answer
    with store.session() as session:
        (row,) = session.scalars(select(FeedbackAnswerRow))
        assert (row.first_answered_at, row.goals_offered) == (LATER, 3)
    # The partner's request is untouched.
    assert open_request(store, tokens["J1"], LATER).answer is None


def test_every_refused_field_is_named_and_nothing_is_written(
    store: Store, tokens: dict[str, str]
) -> None:
    bad = {
        "rating": "6",
        "outcome": "great",
        "meetings": -1,
        "goals_progressed": ["Comprendre TikTok", "Someone else's goal"],
        "comment": "x" * 2001,
    }
    with pytest.raises(InvalidAnswerError) as refused:
        submit_answer(store, tokens["S1"], bad, LATER)
    problems = {p.field: p.reason for p in refused.value.problems}
    assert problems == {
        "rating": "must be a whole number from 1 to 5",
        "outcome": "must be one of completed, ongoing, dropped",
        "meetings": "must be a whole number from 0 to 365",
        "goals_progressed": "1 of the phrases sent are not among your goals",
        "comment": "must be at most 2000 characters",
    }
    # No answer text in the message: the goal phrase is the person's own.
    assert "Someone" not in str(refused.value)
    not_a_list = "must be a list of your goal phrases"
    cases = [
        ({}, {"rating": "is required", "outcome": "is required", "meetings": "is required"}),
        ({**GOOD, "rating": True}, {"rating": "must be a whole number from 1 to 5"}),
        ({**GOOD, "rating": 4.5}, {"rating": "must be a whole number from 1 to 5"}),
        ({**GOOD, "meetings": "366"}, {"meetings": "must be a whole number from 0 to 365"}),
        ({**GOOD, "goals_progressed": [1]}, {"goals_progressed": not_a_list}),
        ({**GOOD, "comment": "a\x00b"}, {"comment": "must not contain control characters"}),
        ({**GOOD, "comment": 3}, {"comment": "must be text"}),
    ]  # fmt: skip
    for answer, expected in cases:
        with pytest.raises(InvalidAnswerError) as refused:
            submit_answer(store, tokens["S1"], answer, LATER)
        assert {p.field: p.reason for p in refused.value.problems} == expected
    # The mentor side reports no goals.
    with pytest.raises(InvalidAnswerError) as refused:
        submit_answer(store, tokens["J1"], {**GOOD, "goals_progressed": [S1_PHRASES[0]]}, LATER)
    assert [p.field for p in refused.value.problems] == ["goals_progressed"]
    assert _count(store, FeedbackAnswerRow) == 0
    assert _count(store, FeedbackRow) == 0


def test_the_pairings_latest_answer_is_its_training_row(
    store: Store, settings: Settings, tokens: dict[str, str], tmp_path: Path
) -> None:
    submit_answer(store, tokens["S1"], {**GOOD, "rating": 4, "comment": "private"}, LATER)
    assert _latest_ratings(store) == {("J1", "S1"): 4}
    # The mentor answers later: one training row for the pair, the latest rating.
    submit_answer(
        store, tokens["J1"], {**GOOD, "rating": 2, "outcome": "dropped"}, LATER + timedelta(hours=1)
    )
    # Another check-in's answer, later still, counts the same way.
    week = issue_links(store, settings, tmp_path, checkin="week-4", now=LATER)
    submit_answer(store, week["S1"], {**GOOD, "rating": 5}, LATER + timedelta(hours=2))
    with store.session() as session:
        rows = [
            (r.mentor_id, r.mentee_id, r.rating, r.outcome)
            for r in session.scalars(select(FeedbackRow))
        ]
    assert rows == [("J1", "S1", 5, "ongoing")]
    # Revising the earlier check-in makes it the latest again.
    submit_answer(
        store, tokens["S1"], {**GOOD, "rating": 1, "outcome": "dropped"}, LATER + timedelta(hours=3)
    )
    assert _latest_ratings(store) == {("J1", "S1"): 1}
    assert _count(store, FeedbackRow) == 1
    # Other pairings train on their own answers only.
    submit_answer(store, tokens["S3"], {**GOOD, "rating": 3}, LATER)
    assert _latest_ratings(store) == {("J1", "S1"): 1, ("J3", "S3"): 3}  # fmt: skip


def test_erasure_takes_the_requests_links_and_answers_of_the_persons_pairings(
    store: Store, tokens: dict[str, str], erasure_key: ErasureKey
) -> None:
    submit_answer(store, tokens["S1"], {**GOOD, "comment": "Serge is great"}, LATER)
    submit_answer(store, tokens["J1"], {**GOOD, "comment": "about Serge"}, LATER)
    submit_answer(store, tokens["S2"], {**GOOD, "comment": "kept"}, LATER)

    report = erase_participant(store, "S1", erasure_key)

    assert report.feedback_answers == 2
    # The partner's answer is about the erased person: it goes too.
    for token in (tokens["S1"], tokens["J1"]):
        with pytest.raises(UnknownLinkError):
            open_request(store, token, LATER)
    with store.session() as session:
        comments = list(session.scalars(select(FeedbackAnswerRow.comment)))
        requests = set(session.scalars(select(FeedbackRequestRow.participant_id)))
    assert comments == ["kept"]
    assert requests == {"J2", "S2", "J3", "S3"}
    assert _count(store, FeedbackTokenRow) == 4
    assert open_request(store, tokens["S2"], LATER).answer.comment == "kept"
