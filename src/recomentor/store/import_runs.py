"""The log of participant imports: when each ran, who ran it, what it counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from recomentor.store.db import Store
from recomentor.store.tables import ImportRunRow


@dataclass(frozen=True)
class ImportRun:
    finished_at: datetime
    user_id: int | None
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected_rows: int


def record_import_run(session: Session, run: ImportRun) -> None:
    session.add(
        ImportRunRow(
            finished_at=run.finished_at,
            user_id=run.user_id,
            rows_read=run.rows_read,
            inserted=run.inserted,
            updated=run.updated,
            unchanged=run.unchanged,
            rejected_rows=run.rejected_rows,
        )
    )


def recent_import_runs(session: Session, limit: int = 5) -> list[ImportRun]:
    """The latest runs first."""
    rows = session.scalars(
        select(ImportRunRow)
        .order_by(ImportRunRow.finished_at.desc(), ImportRunRow.id.desc())
        .limit(limit)
    )
    return [
        ImportRun(
            row.finished_at,
            row.user_id,
            row.rows_read,
            row.inserted,
            row.updated,
            row.unchanged,
            row.rejected_rows,
        )
        for row in rows
    ]


def latest_imports(store: Store, limit: int = 5) -> list[ImportRun]:
    with store.session() as session:
        return recent_import_runs(session, limit)
