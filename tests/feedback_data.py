"""A small program with pairings in force, and its feedback links as a mail merge gets them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from recomentor import fields as F
from recomentor.feedback import export_links, plan_requests
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.pairings import add_pairing, insert_pairings
from recomentor.store.participants import upsert_participants
from recomentor.store.tables import MatchingRow, PairingRow
from tests.fakes import person

SENT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PUBLIC_URL = "https://mentoring.example.com"
MATCHING = "m-autumn"
S1_GOALS = "Comprendre TikTok, IA générative (ChatGPT, Copilot) au quotidien; Animer une communauté"
S1_PHRASES = [
    "Comprendre TikTok",
    "IA générative (ChatGPT, Copilot) au quotidien",
    "Animer une communauté",
]


def _named(pid: str, name: str, language: str, **fields: object) -> dict[str, object]:
    record = person(pid, languages=language, **fields)
    record[F.NAME] = name
    record[F.EMAIL] = f"{pid.lower()}@example.com"
    return record


PEOPLE = [
    _named("J1", "Jeanne Martin", "fr", years=2),
    _named("S1", "Serge Dupont", "fr", role=F.MENTEE, years=28, goals=S1_GOALS),
    _named("J2", "Jack Brown", "en", years=1, skills="Python, SQL"),
    # Both languages stated: the program's default language is used.
    _named("S2", "Sarah O'Neil", "English; French", role=F.MENTEE, years=22, goals="Learn Python"),
    _named("J3", "Jo Mutual", "en", role=F.BOTH, years=5, goals="Public speaking"),
    _named("S3", "Sam Mutual", "en", role=F.BOTH, years=6, goals="Data literacy, SQL"),
    _named("J4", "Ended Junior", "en", years=3),
    _named("S4", "Ended Senior", "en", role=F.MENTEE, years=30),
]


@dataclass(frozen=True)
class Program:
    pairing_of: dict[str, int]  # person id -> their pairing's id


def seed_program(store: Store) -> Program:
    """J1-S1 and J2-S2 from an approved matching, J3-S3 mutual by hand, J4-S4 ended."""
    with store.session() as session:
        upsert_participants(session, PEOPLE)
        session.add(
            MatchingRow(
                id=MATCHING, status="approved", mode=F.REVERSE, objective="score", params={}
            )
        )
        session.flush()
        insert_pairings(session, [("J1", "S1"), ("J2", "S2")], mode=F.REVERSE, matching_id=MATCHING)
        add_pairing(session, "J3", "S3", mode=F.MUTUAL)
        ended = add_pairing(session, "J4", "S4", mode=F.REVERSE)
        ended.status, ended.ended_at, ended.end_reason = "ended", SENT, "completed"
        pairing_of = {}
        for row in session.scalars(select(PairingRow)):
            pairing_of[row.mentor_id] = pairing_of[row.mentee_id] = row.id
    return Program(pairing_of)


def link_settings(home: Path, **changes: object) -> Settings:
    return Settings(home=home, public_url=PUBLIC_URL, lang="en", **changes)


def read_links_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def token_of(link: str) -> str:
    assert link.startswith(f"{PUBLIC_URL}/feedback/"), link
    return link.rsplit("/", 1)[1]


def issue_links(
    store: Store,
    settings: Settings,
    folder: Path,
    *,
    checkin: str = "end",
    matching_id: str | None = None,
    reminder: bool = False,
    now: datetime = SENT,
) -> dict[str, str]:
    """`feedback send --dry-run` in the core: person id -> the token of their link."""
    plan = plan_requests(
        store, matching_id=matching_id, checkin=checkin, reminder=reminder, now=now
    )
    path = folder / f"links-{checkin}-{now:%Y%m%d%H%M%S}-{reminder}.csv"
    export_links(store, settings, plan, path, now)
    return {row["id"]: token_of(row["link"]) for row in read_links_csv(path)}
