"""The program at a glance: who takes part, pairings in force, drafts waiting for approval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from recomentor.matching.service import MatchingSummary, list_matchings
from recomentor.store import Store
from recomentor.store.import_runs import ImportRun, recent_import_runs
from recomentor.store.matchings import DRAFT
from recomentor.store.pairings import ACTIVE
from recomentor.store.tables import PairingRow, ParticipantRow


@dataclass(frozen=True)
class ProgramOverview:
    participants: int
    by_role: dict[str, int]
    # Largest department first (ties by name).
    by_department: list[tuple[str, int]]
    active_pairings: int
    # The latest change to any participant (an import, a PATCH, an erasure).
    last_update: datetime | None
    # The latest import of a survey export, from any page, the CLI or the API.
    last_import: ImportRun | None
    drafts: list[MatchingSummary]


def program_overview(store: Store) -> ProgramOverview:
    with store.session() as session:
        by_role = dict(
            session.execute(
                select(ParticipantRow.role, func.count()).group_by(ParticipantRow.role)
            ).all()
        )
        departments = session.execute(
            select(ParticipantRow.department, func.count().label("n"))
            .group_by(ParticipantRow.department)
            .order_by(func.count().desc(), ParticipantRow.department)
        ).all()
        active = session.scalar(
            select(func.count()).select_from(PairingRow).where(PairingRow.status == ACTIVE)
        )
        last_update = session.scalar(select(func.max(ParticipantRow.updated_at)))
        last_import = next(iter(recent_import_runs(session, limit=1)), None)
    return ProgramOverview(
        participants=sum(by_role.values()),
        by_role={str(role): int(n) for role, n in by_role.items()},
        by_department=[(str(name), int(n)) for name, n in departments],
        active_pairings=int(active or 0),
        last_update=last_update,
        last_import=last_import,
        drafts=list_matchings(store, status=DRAFT),
    )
