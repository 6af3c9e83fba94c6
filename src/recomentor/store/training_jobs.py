"""Training job rows: claim the one running slot, move through stages, record the outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from recomentor.store.tables import TrainingJobRow

RUNNING: Final = "running"
FINISHED: Final = "finished"
FAILED: Final = "failed"
# Why a job failed (`failure`).
REFUSED: Final = "refused"  # the data cannot train a model; `detail` says why
CRASHED: Final = "crashed"  # anything else; what went wrong is in the server log, by type only
ABANDONED: Final = "abandoned"  # its worker stopped (restart, crash) while it ran
_HOLDS_SLOT: Final = 1


def abandon_stale(session: Session, *, heartbeat_before: datetime, now: datetime) -> int:
    """Fail running jobs whose heartbeat stopped before `heartbeat_before`; frees the slot."""
    result = session.execute(
        update(TrainingJobRow)
        .where(TrainingJobRow.state == RUNNING, TrainingJobRow.heartbeat_at < heartbeat_before)
        .values(state=FAILED, running_slot=None, failure=ABANDONED, finished_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def add_running_job(session: Session, *, started_by: str, now: datetime) -> TrainingJobRow:
    """A new running job holding the slot; IntegrityError at flush when another holds it."""
    row = TrainingJobRow(
        state=RUNNING,
        running_slot=_HOLDS_SLOT,
        stage=None,
        started_by=started_by,
        started_at=now,
        heartbeat_at=now,
    )
    session.add(row)
    session.flush()
    return row


def running_job(session: Session) -> TrainingJobRow | None:
    return session.scalars(select(TrainingJobRow).where(TrainingJobRow.state == RUNNING)).first()


def latest_job(session: Session) -> TrainingJobRow | None:
    return session.scalars(select(TrainingJobRow).order_by(TrainingJobRow.id.desc())).first()


def get_job(session: Session, job_id: int) -> TrainingJobRow | None:
    return session.get(TrainingJobRow, job_id)


def touch_job(session: Session, job_id: int, *, now: datetime, stage: str | None = None) -> bool:
    """Heartbeat (and stage, when given) of a job still running; False when it no longer runs
    (abandoned meanwhile as stale: its outcome must not overwrite that)."""
    values: dict[str, object] = {"heartbeat_at": now}
    if stage is not None:
        values["stage"] = stage
    result = session.execute(
        update(TrainingJobRow)
        .where(TrainingJobRow.id == job_id, TrainingJobRow.state == RUNNING)
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0))


def end_job(
    session: Session,
    job_id: int,
    *,
    now: datetime,
    version: str | None = None,
    promoted: bool = False,
    failure: str | None = None,
    detail: str | None = None,
) -> None:
    """Finished with a version, or failed with a reason; the slot is free again either way.

    An abandoned job that comes back records its outcome too: the version exists in MLflow."""
    session.execute(
        update(TrainingJobRow)
        .where(TrainingJobRow.id == job_id)
        .values(
            state=FAILED if failure else FINISHED,
            running_slot=None,
            finished_at=now,
            version=version,
            promoted=promoted,
            failure=failure,
            detail=detail,
        )
    )
