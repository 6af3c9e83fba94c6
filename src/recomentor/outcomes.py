"""What the program achieved, from feedback answers: response rates, ratings, completion and
drop-out, meetings, learners' goals progressed, participation by department, cross-department
pairs; overall and per matching, department, check-in and month.

Any group of fewer than MIN_GROUP people is not shown on its own (`small_group`): small groups
are merged into one "other" row; answer figures (ratings, outcomes, meetings, goals) are shown
only for groups with MIN_GROUP respondents. The whole program's figures minus the rows shown
would give what is held back, so a second round holds back the next-smallest group too when
what is held back is under MIN_GROUP (complementary disclosure).
Aggregation is vectorised in polars over two queries (requests with answers, pairings).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any, Final, Literal

import msgspec
import polars as pl
from sqlalchemy import BigInteger, Connection, cast, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from recomentor.matching.export import escape_cell
from recomentor.store import Store
from recomentor.store.tables import (
    FeedbackAnswerRow,
    FeedbackRequestRow,
    PairingRow,
    ParticipantRow,
)

# Fewer people than this in a group, and its figures could point at a person.
MIN_GROUP: Final = 5
RATINGS: Final = (1, 2, 3, 4, 5)
SECTIONS: Final = ("matching", "department", "checkin", "month")
GroupKind = Literal["all", "group", "by_hand", "other"]
_OTHER: Final = "\x00other"  # a group label no survey answer or id can be
_BY_HAND: Final = "\x00by_hand"
_ALL: Final = "\x00all"


def small_group(people: int) -> bool:
    """The one rule: a group of fewer than MIN_GROUP people is not shown on its own."""
    return people < MIN_GROUP


class GroupOutcomes(msgspec.Struct, kw_only=True):
    """One row: a group's participation and, with enough respondents, its answers."""

    kind: GroupKind
    group: str  # the matching id, department, check-in or month ("" for all, other, by hand)
    people: int
    asked: int  # requests delivered (e-mailed or listed in a links CSV)
    answers: int
    respondents: int
    response_rate: float | None
    # None below, when fewer than MIN_GROUP people answered.
    mean_rating: float | None = None
    ratings: list[int] | None = None  # how many gave 1..5 (each person's latest answer)
    pairings_answered: int | None = None
    completed: float | None = None  # shares of the answered pairings, by their latest answer
    ongoing: float | None = None
    dropped: float | None = None
    mean_meetings: float | None = None  # per pairing, the most meetings reported
    goals_progressed: float | None = None  # share of learners' goals ticked as progressed
    pairings: int | None = None  # pairings of the group (matchings only)
    cross_department: float | None = None  # share of them across departments

    @property
    def answers_shown(self) -> bool:
        return self.mean_rating is not None


class Breakdown(msgspec.Struct, kw_only=True):
    section: str
    rows: list[GroupOutcomes]
    hidden_people: int  # in small groups left out, "other" included when small


class ProgramOutcomes(msgspec.Struct, kw_only=True):
    matching_id: str | None
    checkin: str | None
    overall: GroupOutcomes
    breakdowns: list[Breakdown]
    checkins: list[str]  # every check-in asked, for the filter
    matchings: list[str]  # every matching that formed pairings, for the filter


_REQUESTS_SCHEMA = pl.Schema(
    {
        "pairing_id": pl.Int64(),
        "participant_id": pl.Utf8(),
        "checkin": pl.Utf8(),
        "delivered": pl.Boolean(),
        "rating": pl.Int64(),
        "outcome": pl.Utf8(),
        "meetings": pl.Int64(),
        "goals_offered": pl.Int64(),
        "goals_done": pl.Int64(),
        "answered_at": pl.Int64(),  # seconds since 1970, UTC
        "answer_id": pl.Int64(),
    }
)
_PAIRINGS_SCHEMA = pl.Schema(
    {
        "pairing_id": pl.Int64(),
        "matching": pl.Utf8(),
        "mentor_id": pl.Utf8(),
        "mentee_id": pl.Utf8(),
        "mentor_department": pl.Utf8(),
        "mentee_department": pl.Utf8(),
    }
)


def _fetch_tuples(connection: Connection, query: ClauseElement) -> list[tuple[Any, ...]]:
    """The driver's own tuples: wrapping 50,000 rows as SQLAlchemy rows costs more than
    reading them. The query's columns are plain numbers and texts; its parameters ids."""
    compiled = query.compile(dialect=connection.dialect)
    assert isinstance(compiled, SQLCompiler)  # a select compiles to SQL
    params = compiled.params
    arguments = [params[n] for n in compiled.positiontup or ()] if compiled.positional else params
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), arguments)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _load(
    store: Store, matching_id: str | None, checkin: str | None
) -> tuple[pl.DataFrame, pl.DataFrame, list[str], list[str]]:
    request, answer, pairing = FeedbackRequestRow, FeedbackAnswerRow, PairingRow
    requests = (
        select(
            request.pairing_id,
            request.participant_id,
            request.checkin,
            (request.sent_at.is_not(None) | request.exported_at.is_not(None)),
            answer.rating,
            answer.outcome,
            answer.meetings,
            answer.goals_offered,
            func.json_array_length(answer.goals_progressed),
            # Seconds, not datetimes: 50,000 of them would cost more to convert than all else.
            cast(func.extract("epoch", answer.answered_at), BigInteger),
            answer.id,
        )
        .join(pairing, pairing.id == request.pairing_id)
        .outerjoin(answer, answer.request_id == request.id)
    )
    mentor, mentee = aliased(ParticipantRow), aliased(ParticipantRow)
    pairings = (
        select(
            pairing.id,
            pairing.matching_id,
            pairing.mentor_id,
            pairing.mentee_id,
            mentor.department,
            mentee.department,
        )
        .join(mentor, mentor.id == pairing.mentor_id)
        .join(mentee, mentee.id == pairing.mentee_id)
    )
    if matching_id is not None:
        requests = requests.where(pairing.matching_id == matching_id)
        pairings = pairings.where(pairing.matching_id == matching_id)
    checkins_query = select(request.checkin).distinct().order_by(request.checkin)
    matchings_query = (
        select(pairing.matching_id)
        .where(pairing.matching_id.is_not(None))
        .distinct()
        .order_by(pairing.matching_id)
    )
    if checkin is not None:
        requests = requests.where(request.checkin == checkin)
    with store.session() as session:
        connection = session.connection()
        request_rows = _fetch_tuples(connection, requests)
        pairing_rows = _fetch_tuples(connection, pairings)
        checkins = list(session.scalars(checkins_query))
        matchings = [str(m) for m in session.scalars(matchings_query)]
    frame = pl.DataFrame(request_rows, schema=_REQUESTS_SCHEMA, orient="row")
    frame = frame.with_columns(
        answered=pl.col("rating").is_not_null(),
        month=pl.from_epoch("answered_at", time_unit="s").dt.strftime("%Y-%m"),
        goals_done=pl.col("goals_done").fill_null(0),
    )
    pairing_frame = pl.DataFrame(pairing_rows, schema=_PAIRINGS_SCHEMA, orient="row")
    pairing_frame = pairing_frame.with_columns(pl.col("matching").fill_null(_BY_HAND))
    # Each request's matching and person's department, from the pairings already read.
    frame = frame.join(
        _people_of_pairings(pairing_frame), on=["pairing_id", "participant_id"], how="left"
    )
    return frame, pairing_frame, checkins, matchings


def _people_of_pairings(pairings: pl.DataFrame) -> pl.DataFrame:
    """One row per person and pairing: (pairing_id, participant_id, department, matching)."""
    mentors = pairings.select(
        "pairing_id",
        participant_id="mentor_id",
        department="mentor_department",
        matching="matching",
    )
    mentees = pairings.select(
        "pairing_id",
        participant_id="mentee_id",
        department="mentee_department",
        matching="matching",
    )
    return pl.concat([mentors, mentees])


def _ratio(part: float | None, whole: float | None) -> float | None:
    return None if not whole or part is None else float(part) / float(whole)


_LATEST_PERSON = pl.col("latest_person")
_LATEST_PAIRING = pl.col("latest_pairing")


def _figures(requests: pl.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    """Per value of `key`, in one pass each: requests asked and answered, respondents, and the
    answer figures (each person's latest answer per pairing, each pairing's latest answer,
    within the group)."""
    asked = requests.group_by(key).agg(asked=pl.col("delivered").sum())
    answered = requests.filter(pl.col("answered")).sort("answered_at", "answer_id")
    answered = answered.with_columns(
        latest_person=pl.struct(key, "pairing_id", "participant_id").is_last_distinct(),
        latest_pairing=pl.struct(key, "pairing_id").is_last_distinct(),
    )
    rating = pl.col("rating").filter(_LATEST_PERSON)
    outcome = pl.col("outcome").filter(_LATEST_PAIRING)
    figures = answered.group_by(key).agg(
        answers=pl.len(),
        respondents=pl.col("participant_id").n_unique(),
        mean_rating=rating.mean(),
        ratings=pl.concat_list([(rating == r).sum() for r in RATINGS]),
        pairings_answered=_LATEST_PAIRING.sum(),
        **{name: (outcome == name).mean() for name in ("completed", "ongoing", "dropped")},
        goals_done=pl.col("goals_done").filter(_LATEST_PERSON).sum(),
        goals_offered=pl.col("goals_offered").filter(_LATEST_PERSON).sum(),
    )
    meetings = (
        answered.group_by(key, "pairing_id")
        .agg(pl.col("meetings").max())
        .group_by(key)
        .agg(mean_meetings=pl.col("meetings").mean())
    )
    joined = asked.join(figures, on=key, how="left").join(meetings, on=key, how="left")
    return {row[key]: row for row in joined.iter_rows(named=True)}


def _cross(pairings: pl.DataFrame, key: str) -> dict[str, tuple[int, float]]:
    """Per value of `key`: the pairings, and the share across departments."""
    cross = pl.col("mentor_department") != pl.col("mentee_department")
    table = pairings.group_by(key).agg(pairings=pl.len(), cross=cross.mean())
    return {row[0]: (row[1], row[2]) for row in table.iter_rows()}


def _row(kind: GroupKind, label: str, people: int, found: dict[str, Any] | None) -> GroupOutcomes:
    found = found or {}
    answers, asked = found.get("answers") or 0, found.get("asked") or 0
    respondents = found.get("respondents") or 0
    row = GroupOutcomes(
        kind=kind,
        group=label,
        people=people,
        asked=asked,
        answers=answers,
        respondents=respondents,
        response_rate=_ratio(answers, asked),
    )
    if not small_group(respondents):
        row.mean_rating = found["mean_rating"]
        row.ratings = list(found["ratings"])
        row.pairings_answered = found["pairings_answered"]
        row.completed, row.ongoing = found["completed"], found["ongoing"]
        row.dropped, row.mean_meetings = found["dropped"], found["mean_meetings"]
        row.goals_progressed = _ratio(found["goals_done"], found["goals_offered"])
    return row


def _kind(label: str) -> GroupKind:
    return {_OTHER: "other", _BY_HAND: "by_hand", _ALL: "all"}.get(label, "group")  # type: ignore[return-value]


_ANSWER_FIGURES: Final = (
    "mean_rating", "ratings", "pairings_answered", "completed", "ongoing", "dropped",
    "mean_meetings", "goals_progressed",
)  # fmt: skip


def _merged_away(sizes: dict[str, int], people: pl.DataFrame, section: str) -> list[str]:
    """The groups merged into "other": the small ones and, when those hold fewer than MIN_GROUP
    people together, the next-smallest group as well, or the program's total minus the rows
    shown would give the small ones' figures."""
    small = [label for label, size in sizes.items() if small_group(size)]
    together = people.filter(pl.col(section).is_in(small))["participant_id"].n_unique()
    rest = sorted((size, label) for label, size in sizes.items() if label not in small)
    if together and small_group(together) and rest:
        small.append(rest[0][1])
    return small


def _withhold_complement(rows: list[GroupOutcomes], answered: pl.DataFrame, section: str) -> None:
    """The answer figures' second round: when the respondents of the rows without answer figures
    are fewer than MIN_GROUP, the next-smallest row with answers loses them too (the whole
    program's answers minus the rows shown would give theirs)."""
    withheld = [row for row in rows if not row.answers_shown and row.respondents]
    shown = [row for row in rows if row.answers_shown]
    if not withheld or not shown:
        return
    labels = [_label_of(row) for row in withheld]
    respondents = answered.filter(pl.col(section).is_in(labels))["participant_id"].n_unique()
    if small_group(respondents):
        smallest = min(shown, key=lambda row: (row.respondents, row.kind, row.group))
        for name in _ANSWER_FIGURES:
            setattr(smallest, name, None)


def _label_of(row: GroupOutcomes) -> str:
    return {"other": _OTHER, "by_hand": _BY_HAND, "all": _ALL}.get(row.kind, row.group)


def _breakdown(
    section: str,
    requests: pl.DataFrame,
    people: pl.DataFrame,
    pairings: pl.DataFrame | None,
) -> Breakdown:
    """Rows by `section`'s column; `people` says who belongs to which group (participant_id,
    section). Small groups become one "other" row (with the next-smallest group when needed),
    dropped only when every group together is small."""
    sizes = dict(people.group_by(section).agg(pl.col("participant_id").n_unique()).iter_rows())
    small = _merged_away(sizes, people, section)
    relabel = pl.when(pl.col(section).is_in(small)).then(pl.lit(_OTHER)).otherwise(pl.col(section))
    if small:
        requests = requests.with_columns(relabel.alias(section))
        people = people.with_columns(relabel.alias(section))
        pairings = None if pairings is None else pairings.with_columns(relabel.alias(section))
    merged = dict(people.group_by(section).agg(pl.col("participant_id").n_unique()).iter_rows())
    figures = _figures(requests, section)
    cross = _cross(pairings, section) if pairings is not None else {}
    rows, hidden = [], 0
    for label in sorted(merged, key=lambda g: (g == _OTHER, g == _BY_HAND, g)):
        size = merged[label]
        if small_group(size):
            hidden += size
            continue
        shown = "" if label in (_OTHER, _BY_HAND) else label
        row = _row(_kind(label), shown, size, figures.get(label))
        if label in cross:
            row.pairings, row.cross_department = cross[label]
        rows.append(row)
    _withhold_complement(rows, requests.filter(pl.col("answered")), section)
    return Breakdown(section=section, rows=rows, hidden_people=hidden)


def program_outcomes(
    store: Store, *, matching_id: str | None = None, checkin: str | None = None
) -> ProgramOutcomes:
    """The outcomes of every pairing, or of one matching's, at every check-in or one."""
    requests, pairings, checkins, matchings = _load(store, matching_id, checkin)
    people = _people_of_pairings(pairings)
    everyone = people["participant_id"].n_unique()
    whole = pl.lit(_ALL).alias("all")
    overall = _row("all", "", everyone, _figures(requests.with_columns(whole), "all").get(_ALL))
    overall.pairings, overall.cross_department = (
        pairings.height,
        _cross(pairings.with_columns(whole), "all").get(_ALL, (0, None))[1],
    )
    asked = requests.filter(pl.col("delivered"))
    answered = requests.filter(pl.col("answered"))
    breakdowns = [
        _breakdown("matching", requests, people.select("participant_id", "matching"), pairings),
        _breakdown("department", requests, people.select("participant_id", "department"), None),
        _breakdown("checkin", requests, asked.select("participant_id", "checkin"), None),
        _breakdown("month", answered, answered.select("participant_id", "month"), None),
    ]
    return ProgramOutcomes(
        matching_id=matching_id,
        checkin=checkin,
        overall=overall,
        breakdowns=breakdowns,
        checkins=checkins,
        matchings=matchings,
    )


CSV_COLUMNS: Final = (
    "section", "group", "people", "asked", "answers", "respondents", "response_rate",
    "mean_rating", *(f"rating_{r}" for r in RATINGS), "pairings_answered", "completed",
    "ongoing", "dropped", "mean_meetings", "goals_progressed", "pairings", "cross_department",
)  # fmt: skip
_CSV_LABELS: Final = {"all": "all", "other": "other", "by_hand": "by hand"}


def _cell(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.4f}"


def _csv_row(section: str, row: GroupOutcomes) -> list[str]:
    ratings: Sequence[int | None] = row.ratings or [None] * len(RATINGS)
    label = row.group if row.kind == "group" else _CSV_LABELS[row.kind]
    figures = [
        row.people, row.asked, row.answers, row.respondents, row.response_rate, row.mean_rating,
        *ratings, row.pairings_answered, row.completed, row.ongoing, row.dropped,
        row.mean_meetings, row.goals_progressed, row.pairings, row.cross_department,
    ]  # fmt: skip
    return [section, escape_cell(label), *(_cell(v) for v in figures)]


def outcomes_csv(outcomes: ProgramOutcomes) -> bytes:
    """The aggregates as a `;`-separated UTF-8 CSV with BOM: a row per group, small groups
    left out as on the page, empty cells where answers are too few to show."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(_csv_row("overall", outcomes.overall))
    for breakdown in outcomes.breakdowns:
        writer.writerows(_csv_row(breakdown.section, row) for row in breakdown.rows)
    return buffer.getvalue().encode("utf-8-sig")
