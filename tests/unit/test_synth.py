"""Synthetic organisations: determinism, realistic answers, ground truth, feedback, files, CLI."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import typer
from scipy.stats import spearmanr
from typer.testing import CliRunner

from recomentor import fields as F
from recomentor.errors import InvalidInputError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.survey import import_participants
from recomentor.survey.importer import import_feedback
from recomentor.synth import (
    Organisation,
    compatibility,
    eligible_pair_count,
    generate_feedback,
    generate_organisation,
    ground_truth_pairs,
    load_organisation,
    write_synthetic,
)
from recomentor.synth import files as synth_files
from recomentor.synth.taxonomy import (
    JUNIOR,
    OFF_TOPIC_EN,
    OFF_TOPIC_FR,
    QUALIFIERS_EN,
    QUALIFIERS_FR,
    SENIOR,
    TOPICS,
)
from recomentor.text import language_codes


@pytest.fixture(scope="module")
def org() -> Organisation:
    return generate_organisation(500, seed=11)


@pytest.fixture(scope="module")
def feedback(org: Organisation) -> pl.DataFrame:
    return generate_feedback(org, 2000, seed=11)


def _tiny_org(people: list[dict[str, object]]) -> Organisation:
    """A hand-made organisation: each person gives overrides and their topic lists."""
    rows, skills, goals = [], [], []
    for i, person in enumerate(people):
        row: dict[str, object] = {name: None for name in F.PARTICIPANT_FIELDS}
        row |= {
            F.ID: f"T{i}",
            F.DEPARTMENT: "DSI",
            F.YEARS_EXPERIENCE: 0,
            F.ROLE: F.BOTH,
            F.SKILLS: "x",
            F.GOALS: "y",
            F.LANGUAGES: "Français",
            F.LOCATION: "Paris",
            F.MANAGER_ID: "E_CEO",
        }
        row |= {k: v for k, v in person.items() if k not in ("skill_topics", "goal_topics")}
        rows.append(row)
        skills.append(tuple(person.get("skill_topics", ())))
        goals.append(tuple(person.get("goal_topics", ())))
    frame = pl.DataFrame(rows, schema_overrides={F.MAX_MENTEES: pl.Int64})
    return Organisation(frame, tuple(skills), tuple(goals))


def _pair(mentor: dict[str, object], mentee: dict[str, object]) -> float:
    org = _tiny_org([mentor, mentee])
    return float(compatibility(org, "T0", "T1"))


MENTOR = {F.YEARS_EXPERIENCE: 2, F.DEPARTMENT: "DSI", "skill_topics": ["generative_ai"]}
MENTEE = {F.YEARS_EXPERIENCE: 17, F.DEPARTMENT: "Finance", "goal_topics": ["generative_ai"]}


# --- determinism -------------------------------------------------------------------------


def test_same_seed_gives_the_same_organisation_and_another_seed_does_not() -> None:
    first, again, other = (generate_organisation(300, s) for s in (5, 5, 6))
    assert first.participants.equals(again.participants)
    assert first.skill_topics == again.skill_topics and first.goal_topics == again.goal_topics
    assert not first.participants.equals(other.participants)
    assert first.participants[F.SKILLS].to_list() != other.participants[F.SKILLS].to_list()


def _french_only_phrases() -> set[str]:
    english = {p.lower() for t in TOPICS for p in (*t.skill_en, *t.goal_en)}
    french = {p.lower() for t in TOPICS for p in (*t.skill_fr, *t.goal_fr)}
    # Only phrases no English answer can contain ("power bi" is both a French phrase and part
    # of English ones).
    return {p for p in french if not any(p in other for other in english)}


def test_english_answers_keep_people_and_topics_and_drop_french_phrases() -> None:
    mixed = generate_organisation(400, seed=5)
    english = generate_organisation(400, seed=5, answers="en")
    assert english.skill_topics == mixed.skill_topics and english.goal_topics == mixed.goal_topics
    answers = (F.SKILLS, F.GOALS)
    assert english.participants.drop(answers).equals(mixed.participants.drop(answers))
    french = _french_only_phrases()

    def french_answers(org: Organisation) -> int:
        texts = org.participants[F.SKILLS].to_list() + org.participants[F.GOALS].to_list()
        return sum(any(phrase in text.lower() for phrase in french) for text in texts)

    assert french_answers(mixed) > 200
    assert french_answers(english) == 0


def test_unknown_answer_language_is_refused_before_any_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="answers must be one of mixed, en, got 'de'"):
        write_synthetic(tmp_path / "out", 50, 10, seed=1, answers="de")
    assert not (tmp_path / "out").exists()


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = write_synthetic(tmp_path / "a", 200, 300, seed=3, ground_truth=True)
    again = write_synthetic(tmp_path / "b", 200, 300, seed=3, ground_truth=True)
    other = write_synthetic(tmp_path / "c", 200, 300, seed=4)
    for name in first:
        assert first[name].read_bytes() == again[name].read_bytes(), name
    assert first["feedback"].read_bytes() != other["feedback"].read_bytes()


def test_feedback_is_deterministic_for_a_seed(org: Organisation) -> None:
    assert generate_feedback(org, 500, seed=2).equals(generate_feedback(org, 500, seed=2))
    assert not generate_feedback(org, 500, seed=2).equals(generate_feedback(org, 500, seed=3))


# --- participants ------------------------------------------------------------------------


def test_participants_csv_has_exactly_the_canonical_headers(tmp_path: Path) -> None:
    written = write_synthetic(tmp_path, 50, 10, seed=1)
    header = written["participants"].read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(F.PARTICIPANT_FIELDS)
    feedback_header = written["feedback"].read_text(encoding="utf-8").splitlines()[0]
    assert feedback_header == ",".join(F.FEEDBACK_FIELDS)


def test_participant_values_are_valid_survey_answers(org: Organisation) -> None:
    frame = org.participants_frame()
    assert frame.columns == list(F.PARTICIPANT_FIELDS)
    assert frame[F.ID].n_unique() == frame.height
    assert all(re.fullmatch(r"S\d{6}", i) for i in frame[F.ID])
    assert set(frame[F.ROLE]) == set(F.ROLES)
    assert frame[F.DEPARTMENT].n_unique() == 10 and frame[F.LOCATION].n_unique() >= 4
    assert all(re.fullmatch(r"Person \d+", n) for n in frame[F.NAME])
    assert all(e.endswith("@example.com") for e in frame[F.EMAIL])
    for stamp in frame[F.SUBMITTED_AT]:
        assert datetime.fromisoformat(stamp).utcoffset() is not None
    mentors = frame.filter(pl.col(F.ROLE) != F.MENTEE)
    assert mentors[F.MAX_MENTEES].is_between(1, 3).all()
    assert frame.filter(pl.col(F.ROLE) == F.MENTEE)[F.MAX_MENTEES].is_null().all()
    for raw in frame[F.LANGUAGES]:
        assert language_codes(raw), raw
        assert "," not in raw and (";" not in raw or "; " in raw)
    codes = [language_codes(raw) for raw in frame[F.LANGUAGES]]
    assert sum("fr" in c for c in codes) > 0.85 * len(codes)
    assert sum("en" in c for c in codes) > 0.4 * len(codes)
    assert sum(bool(set(c) - {"fr", "en"}) for c in codes) > 0.05 * len(codes)


def test_juniors_and_seniors_in_their_year_ranges_with_reverse_roles(org: Organisation) -> None:
    frame = org.participants
    years = frame[F.YEARS_EXPERIENCE]
    juniors = frame.filter(pl.col(F.YEARS_EXPERIENCE) <= 3)
    seniors = frame.filter(pl.col(F.YEARS_EXPERIENCE) >= 12)
    mid = frame.filter(pl.col(F.YEARS_EXPERIENCE).is_between(5, 10))
    assert 0.35 < juniors.height / frame.height < 0.55
    assert 0.35 < seniors.height / frame.height < 0.55
    assert mid.height > 0.05 * frame.height
    assert years.min() >= 0 and years.max() <= 35
    assert not years.is_in([4, 11]).any()  # the three cohorts do not overlap
    assert (juniors[F.ROLE] != F.MENTEE).all()
    assert (juniors[F.ROLE] == F.MENTOR).sum() > 0.6 * juniors.height
    assert (seniors[F.ROLE] == F.MENTEE).sum() > 0.6 * seniors.height


def test_managers_are_more_senior_seniors_of_the_same_department(org: Organisation) -> None:
    frame = org.participants
    by_id = {row[F.ID]: row for row in frame.iter_rows(named=True)}
    outside = 0
    for row in frame.iter_rows(named=True):
        boss = by_id.get(row[F.MANAGER_ID])
        if boss is None:
            assert row[F.MANAGER_ID] == "E_CEO"
            outside += 1
            continue
        assert boss[F.DEPARTMENT] == row[F.DEPARTMENT]
        assert boss[F.YEARS_EXPERIENCE] >= max(12, row[F.YEARS_EXPERIENCE])
    assert 0 < outside < 0.2 * frame.height


def test_skills_texts_are_varied(org: Organisation) -> None:
    counts = org.participants[F.SKILLS].value_counts(sort=True)
    assert counts.height > 0.8 * org.participants.height
    assert counts["count"].max() <= 4
    assert org.participants[F.GOALS].value_counts()["count"].max() <= 4


def test_the_same_topic_is_written_in_several_ways() -> None:
    big = generate_organisation(3000, seed=1)
    decorations = [q.casefold() for q in QUALIFIERS_FR + QUALIFIERS_EN]
    noise = [p.casefold() for p in OFF_TOPIC_FR + OFF_TOPIC_EN]
    wordings: dict[str, list[str]] = {}
    for text, keys in zip(big.participants[F.SKILLS], big.skill_topics, strict=True):
        plain = text.casefold().rstrip(".")
        if len(keys) != 1 or any(p in plain for p in noise):
            continue
        # Qualifiers and casing vary too; what is left is the paraphrase itself.
        for decoration in decorations:
            plain = plain.replace(decoration, "")
        wordings.setdefault(keys[0], []).append(plain)
    frequent = {key: set(texts) for key, texts in wordings.items() if len(texts) >= 8}
    assert len(frequent) >= 15
    assert all(len(distinct) >= 3 for distinct in frequent.values()), frequent


def test_answers_are_written_in_french_and_in_english(org: Organisation) -> None:
    def share(texts: list[str], phrases: set[str]) -> float:
        return sum(any(p in t.casefold() for p in phrases) for t in texts) / len(texts)

    skills = org.participants[F.SKILLS].to_list()
    goals = org.participants[F.GOALS].to_list()
    french_skills = {p.casefold() for t in TOPICS for p in t.skill_fr}
    english_skills = {p.casefold() for t in TOPICS for p in t.skill_en}
    french_goals = {p.casefold() for t in TOPICS for p in t.goal_fr}
    english_goals = {p.casefold() for t in TOPICS for p in t.goal_en}
    assert share(skills, french_skills) > 0.5 and share(skills, english_skills) > 0.1
    assert share(goals, french_goals) > 0.5 and share(goals, english_goals) > 0.1


def test_hidden_topics_are_the_ones_written_in_the_answers(org: Organisation) -> None:
    by_key = {t.key: t for t in TOPICS}
    for text, skill_keys, goal_keys in zip(
        org.participants[F.SKILLS], org.skill_topics, org.goal_topics, strict=True
    ):
        assert 1 <= len(skill_keys) <= 4 and 1 <= len(goal_keys) <= 4
        for key in skill_keys:
            topic = by_key[key]
            assert any(p.casefold() in text.casefold() for p in topic.skill_fr + topic.skill_en)
    for text, goal_keys in zip(org.participants[F.GOALS], org.goal_topics, strict=True):
        for key in goal_keys:
            topic = by_key[key]
            assert any(p.casefold() in text.casefold() for p in topic.goal_fr + topic.goal_en)


def test_juniors_teach_digital_topics_and_seniors_want_to_learn_them(org: Organisation) -> None:
    side = {t.key: t.side for t in TOPICS}
    years = org.participants[F.YEARS_EXPERIENCE].to_list()
    junior_skill = [
        side[k] for y, ks in zip(years, org.skill_topics, strict=True) if y <= 3 for k in ks
    ]
    senior_goal = [
        side[k] for y, ks in zip(years, org.goal_topics, strict=True) if y >= 12 for k in ks
    ]
    senior_skill = [
        side[k] for y, ks in zip(years, org.skill_topics, strict=True) if y >= 12 for k in ks
    ]
    assert set(junior_skill) == {JUNIOR} and set(senior_skill) == {SENIOR}
    assert senior_goal.count(JUNIOR) > 0.8 * len(senior_goal)
    assert len({t.key for t in TOPICS if t.side == JUNIOR}) >= 20


# --- ground truth ------------------------------------------------------------------------


def test_perfect_pair_scores_one_and_the_formula_weights_hold() -> None:
    assert _pair(MENTOR, MENTEE) == pytest.approx(0.55 + 0.12 + 0.13 + 0.05)
    mutual = {"goal_topics": ["strategy"]}, {"skill_topics": ["strategy"]}
    assert _pair(MENTOR | mutual[0], MENTEE | mutual[1]) == pytest.approx(1.0)
    elsewhere = MENTEE | {F.LOCATION: "Lyon"}
    assert _pair(MENTOR, MENTEE) - _pair(MENTOR, elsewhere) == pytest.approx(0.12)
    same_department = MENTEE | {F.DEPARTMENT: "DSI"}
    assert _pair(MENTOR, MENTEE) - _pair(MENTOR, same_department) == pytest.approx(0.05)


def test_first_goal_counts_double_in_topic_overlap() -> None:
    first = MENTEE | {"goal_topics": ["generative_ai", "sql"]}
    second = MENTEE | {"goal_topics": ["sql", "generative_ai"]}
    # Covering the first of two goals is worth 2/3 of the topic term, the second 1/3.
    assert _pair(MENTOR, first) - _pair(MENTOR, second) == pytest.approx(0.55 / 3)


def test_compatibility_is_zero_without_a_common_language(org: Organisation) -> None:
    english_only = MENTEE | {F.LANGUAGES: "English"}
    assert _pair(MENTOR, english_only) == 0.0
    assert _pair(MENTOR, MENTEE | {F.LANGUAGES: "French; English"}) > 0.5
    codes = [set(language_codes(raw)) for raw in org.participants[F.LANGUAGES]]
    ids = org.participants[F.ID].to_list()
    disjoint = [
        (a, b) for i, a in enumerate(ids) for j, b in enumerate(ids) if not codes[i] & codes[j]
    ]
    assert disjoint  # the organisation has people who share no language
    mentors, mentees = zip(*disjoint, strict=True)
    assert (compatibility(org, list(mentors), list(mentees)) == 0.0).all()


def test_seniority_gap_has_a_sweet_spot() -> None:
    def with_years(years: int) -> float:
        return _pair(MENTOR, MENTEE | {F.YEARS_EXPERIENCE: years})

    assert with_years(17) == with_years(27) > with_years(8) > with_years(2)
    assert with_years(17) > with_years(32) > with_years(35)


def test_compatibility_broadcasts_and_stays_in_unit_interval(org: Organisation) -> None:
    ids = org.participants[F.ID].to_numpy()
    grid = compatibility(org, ids[:40, None], ids[None, 40:100])
    assert grid.shape == (40, 60)
    assert grid.min() >= 0.0 and grid.max() <= 1.0 and grid.std() > 0.05
    frame = ground_truth_pairs(org, ids[:40, None], ids[None, 40:100])
    assert frame.columns == [F.MENTOR_ID, F.MENTEE_ID, "compatibility"]
    assert np.allclose(frame["compatibility"].to_numpy(), grid.ravel())
    with pytest.raises(InvalidInputError, match="NOPE"):
        compatibility(org, ["NOPE"], [ids[0]])


# --- feedback ----------------------------------------------------------------------------


def test_ratings_follow_ground_truth(org: Organisation, feedback: pl.DataFrame) -> None:
    truth = compatibility(org, feedback[F.MENTOR_ID].to_numpy(), feedback[F.MENTEE_ID].to_numpy())
    assert spearmanr(truth, feedback[F.RATING]).statistic > 0.5
    assert set(feedback[F.RATING]) == {1, 2, 3, 4, 5}
    assert np.percentile(truth, 90) - np.percentile(truth, 10) > 0.3  # a spread of quality


def test_outcomes_follow_ratings(feedback: pl.DataFrame) -> None:
    assert set(feedback[F.OUTCOME]) == {"completed", "ongoing", "dropped"}
    mean = feedback.group_by(F.OUTCOME).agg(pl.col(F.RATING).mean()).rows()
    by_outcome = dict(mean)
    assert by_outcome["completed"] > by_outcome["dropped"] + 0.5
    for stamp in feedback[F.SUBMITTED_AT]:
        assert datetime.fromisoformat(stamp).utcoffset() is not None


def _assert_unique_and_reverse(org: Organisation, feedback: pl.DataFrame) -> None:
    assert feedback.select(F.MENTOR_ID, F.MENTEE_ID).is_unique().all()
    people = org.participants.select(F.ID, F.YEARS_EXPERIENCE, F.ROLE, F.LANGUAGES, F.MANAGER_ID)
    pairs = feedback.join(people, left_on=F.MENTOR_ID, right_on=F.ID).join(
        people, left_on=F.MENTEE_ID, right_on=F.ID, suffix="_mentee"
    )
    assert pairs.height == feedback.height
    gap = pairs[f"{F.YEARS_EXPERIENCE}_mentee"] - pairs[F.YEARS_EXPERIENCE]
    assert (gap >= 5).all()
    assert pairs[F.ROLE].is_in([F.MENTOR, F.BOTH]).all()
    assert pairs[f"{F.ROLE}_mentee"].is_in([F.MENTEE, F.BOTH]).all()
    assert (pairs[F.MANAGER_ID] != pairs[F.MENTEE_ID]).all()
    assert (pairs[f"{F.MANAGER_ID}_mentee"] != pairs[F.MENTOR_ID]).all()
    for mentor_langs, mentee_langs in pairs.select(F.LANGUAGES, f"{F.LANGUAGES}_mentee").rows():
        assert set(language_codes(mentor_langs)) & set(language_codes(mentee_langs))


def test_feedback_pairs_are_unique_and_reverse(org: Organisation, feedback: pl.DataFrame) -> None:
    _assert_unique_and_reverse(org, feedback)


def test_feedback_sampled_without_listing_pairs_is_unique_and_reverse() -> None:
    big = generate_organisation(8000, seed=2)  # too many pairs to list: rejection sampling
    feedback = generate_feedback(big, 20_000, seed=2)
    assert feedback.height == 20_000
    _assert_unique_and_reverse(big, feedback)


def test_feedback_can_take_every_eligible_pair() -> None:
    small = generate_organisation(40, seed=9)
    available = eligible_pair_count(small)
    feedback = generate_feedback(small, available, seed=9)
    assert feedback.height == available
    _assert_unique_and_reverse(small, feedback)


def test_eligible_pair_count_matches_a_brute_force_count() -> None:
    small = generate_organisation(150, seed=4)
    rows = small.participants.select(
        F.ID, F.YEARS_EXPERIENCE, F.ROLE, F.LANGUAGES, F.MANAGER_ID
    ).rows()
    expected = 0
    for mentor, years_m, role_m, langs_m, boss_m in rows:
        for mentee, years_e, role_e, langs_e, boss_e in rows:
            expected += (
                role_m != F.MENTEE
                and role_e != F.MENTOR
                and years_e - years_m >= 5
                and bool(set(language_codes(langs_m)) & set(language_codes(langs_e)))
                and boss_m != mentee
                and boss_e != mentor
            )
    assert eligible_pair_count(small) == expected > 0


# --- files -------------------------------------------------------------------------------


def test_files_rebuild_the_same_organisation(tmp_path: Path) -> None:
    written = write_synthetic(tmp_path, 200, 300, seed=8, ground_truth=True)
    original = generate_organisation(200, seed=8)
    loaded = load_organisation(tmp_path)
    assert loaded.participants.equals(original.participants)
    assert loaded.skill_topics == original.skill_topics
    assert loaded.goal_topics == original.goal_topics
    truth = pl.read_csv(written["ground_truth"])
    assert truth.height == eligible_pair_count(original)
    recomputed = compatibility(loaded, truth[F.MENTOR_ID].to_numpy(), truth[F.MENTEE_ID].to_numpy())
    assert np.allclose(recomputed, truth["compatibility"].to_numpy(), atol=1e-6)
    topics = pl.read_csv(written["topics"])
    assert topics.columns == ["id", "skill_topics", "goal_topics"]


def test_written_files_import_through_the_canonical_import(
    tmp_path: Path, sqlite_store: Store, settings: Settings
) -> None:
    written = write_synthetic(tmp_path, 120, 80, seed=5)
    people = import_participants(
        sqlite_store, written["participants"].read_bytes(), source="p.csv", settings=settings
    )
    # Synthetic feedback rates pairings from before recomentor: none was paired here.
    rated = import_feedback(
        sqlite_store,
        written["feedback"].read_bytes(),
        source="f.csv",
        settings=settings,
        allow_unpaired=True,
    )
    assert (people.inserted, people.rejected) == (120, [])
    assert (rated.inserted, rated.rejected) == (80, [])


def test_load_organisation_refuses_a_folder_without_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"participants\.csv"):
        load_organisation(tmp_path)


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("participants", "feedback", "seed", "message"),
    [
        (-1, 0, 0, "participants must be at least 1"),
        (0, 0, 0, "participants must be at least 1"),
        (50, -5, 0, "feedback must be zero or more"),
        (30, 100_000, 0, "more than the .* eligible reverse pairs"),
        (50, 10, -1, "seed must be a non-negative"),
    ],
)
def test_invalid_arguments_are_refused_before_writing(
    tmp_path: Path, participants: int, feedback: int, seed: int, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        write_synthetic(tmp_path / "out", participants, feedback, seed)
    assert not (tmp_path / "out").exists()


def test_too_large_ground_truth_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth_files, "MAX_GROUND_TRUTH_PAIRS", 1000)
    with pytest.raises(InvalidInputError, match="ground truth would hold"):
        write_synthetic(tmp_path / "out", 300, 10, seed=1, ground_truth=True)
    assert not (tmp_path / "out").exists()
    assert "ground_truth" not in write_synthetic(tmp_path / "out", 300, 10, seed=1)


# --- command line ------------------------------------------------------------------------


def _cli() -> typer.Typer:
    from recomentor.cli.synth import synth

    app = typer.Typer()
    app.command()(synth)
    return app


def test_cli_writes_the_files_and_summarises(tmp_path: Path) -> None:
    args = ["--participants", "60", "--feedback", "25", "--out", str(tmp_path), "--seed", "2"]
    result = CliRunner().invoke(_cli(), [*args, "--ground-truth"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {
        "participants.csv", "feedback.csv", "topics.csv", "ground_truth.csv",
    }  # fmt: skip
    assert "participants" in result.output and "60" in result.output and "25" in result.output
    assert pl.read_csv(tmp_path / "feedback.csv").height == 25


def test_cli_raises_invalid_input_for_impossible_feedback(tmp_path: Path) -> None:
    args = ["--participants", "20", "--feedback", "99999", "--out", str(tmp_path)]
    result = CliRunner().invoke(_cli(), args)
    assert isinstance(result.exception, InvalidInputError)
    assert not (tmp_path / "participants.csv").exists()


def test_cli_answers_option_writes_english_answers_or_refuses(tmp_path: Path) -> None:
    args = ["--participants", "80", "--feedback", "0", "--seed", "4"]
    result = CliRunner().invoke(_cli(), [*args, "--out", str(tmp_path / "en"), "--answers", "en"])
    assert result.exit_code == 0, result.output
    answers = pl.read_csv(tmp_path / "en" / "participants.csv")[F.GOALS].to_list()
    assert not any(p in a.lower() for a in answers for p in _french_only_phrases())
    refused = CliRunner().invoke(_cli(), [*args, "--out", str(tmp_path / "de"), "--answers", "de"])
    assert isinstance(refused.exception, InvalidInputError)
    assert not (tmp_path / "de").exists()
