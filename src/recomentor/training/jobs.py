"""Training as a background job: one at a time across workers, its stage and outcome kept in
the database, so a page reload, another worker or a restarted server sees them.

The job's row is the lock (store/training_jobs.py): a second start fails in the database. A
worker that dies mid-run leaves its row running with a heartbeat that stops; after STALE_AFTER
the next start or read marks it abandoned and frees the slot.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

import msgspec
from sqlalchemy.exc import IntegrityError

from recomentor.errors import ConflictError, RecomentorError
from recomentor.store import Store
from recomentor.store.tables import TrainingJobRow, utcnow
from recomentor.store.training_jobs import (
    CRASHED,
    REFUSED,
    abandon_stale,
    add_running_job,
    end_job,
    get_job,
    latest_job,
    running_job,
    touch_job,
)
from recomentor.training.pipeline import StageListener, TrainingReport

HEARTBEAT_EVERY_S: Final = 10.0
# Many missed heartbeats: a busy worker still beats (its own thread), a dead one does not.
STALE_AFTER: Final = timedelta(minutes=2)
MAX_DETAIL_CHARS: Final = 500

log = logging.getLogger(__name__)

# Runs one training with a stage listener; the web page builds it from train_and_register.
Training = Callable[[StageListener], TrainingReport]


class TrainingJob(msgspec.Struct, kw_only=True):
    """One training job as the /model page shows it."""

    id: int
    state: str  # running, finished or failed
    stage: str | None  # one of pipeline.STAGES while running
    started_by: str
    started_at: datetime
    finished_at: datetime | None
    version: str | None  # the registry version it created
    promoted: bool
    failure: str | None  # refused, crashed or abandoned
    detail: str | None  # a refusal's message


class TrainingRunningError(ConflictError):
    """A training job is running already (here or in another worker)."""

    def __init__(self, job_id: int | None) -> None:
        super().__init__("a training job is running already; wait for it to end")
        self.job_id = job_id


def _job(row: TrainingJobRow) -> TrainingJob:
    return TrainingJob(
        id=row.id,
        state=row.state,
        stage=row.stage,
        started_by=row.started_by,
        started_at=row.started_at,
        finished_at=row.finished_at,
        version=row.version,
        promoted=row.promoted,
        failure=row.failure,
        detail=row.detail,
    )


def _abandon_stale(store: Store, now: datetime) -> None:
    with store.session() as session:
        found = abandon_stale(session, heartbeat_before=now - STALE_AFTER, now=now)
    if found:
        log.warning("%d training job(s) stopped without a heartbeat: marked abandoned", found)


def start_training_job(
    store: Store, *, started_by: str, now: datetime | None = None
) -> TrainingJob:
    """Claim the running slot; TrainingRunningError when a job that is alive holds it."""
    moment = now or utcnow()
    _abandon_stale(store, moment)
    try:
        with store.session() as session:
            return _job(add_running_job(session, started_by=started_by, now=moment))
    except IntegrityError:
        with store.session() as session:
            running = running_job(session)
        raise TrainingRunningError(running.id if running else None) from None


def current_job(store: Store, *, now: datetime | None = None) -> TrainingJob | None:
    """The latest job, after marking a stale running one abandoned; None before the first."""
    _abandon_stale(store, now or utcnow())
    with store.session() as session:
        row = latest_job(session)
        return None if row is None else _job(row)


def find_job(store: Store, job_id: int) -> TrainingJob | None:
    with store.session() as session:
        row = get_job(session, job_id)
        return None if row is None else _job(row)


def _touch(store: Store, job_id: int, stage: str | None = None) -> None:
    with store.session() as session:
        touch_job(session, job_id, now=utcnow(), stage=stage)


def _beat(store: Store, job_id: int, stop: threading.Event, every_s: float) -> None:
    while not stop.wait(every_s):
        try:
            _touch(store, job_id)
        except RecomentorError:
            # A busy database skips a beat; the next one (or the outcome) catches up.
            log.warning("training job %d: heartbeat not recorded", job_id)


def run_training_job(
    store: Store, job_id: int, train: Training, *, heartbeat_every_s: float = HEARTBEAT_EVERY_S
) -> TrainingJob:
    """Run `train` for a started job and record its outcome; never raises, so a failed job
    frees the slot for the next one."""
    stop = threading.Event()
    heartbeat = threading.Thread(
        target=_beat, args=(store, job_id, stop, heartbeat_every_s), daemon=True
    )
    heartbeat.start()
    version, promoted, failure, detail = None, False, None, None
    try:
        report = train(lambda stage: _touch(store, job_id, stage))
        version, promoted = report.run.version, report.promotion.promote
    except RecomentorError as error:
        # The core's own refusals (too little feedback, ...) say what to change: kept to show.
        failure, detail = REFUSED, str(error)[:MAX_DETAIL_CHARS]
    except Exception as error:
        # Its text could quote data: the log gets the type only, the page a generic line.
        log.error("training job %d crashed: %s", job_id, type(error).__name__)
        failure = CRASHED
    finally:
        stop.set()
        heartbeat.join()
    with store.session() as session:
        end_job(
            session,
            job_id,
            now=utcnow(),
            version=version,
            promoted=promoted,
            failure=failure,
            detail=detail,
        )
    found = find_job(store, job_id)
    assert found is not None
    return found


def launch_training_job(
    store: Store,
    train: Training,
    *,
    started_by: str,
    after: Callable[[TrainingJob], None] | None = None,
) -> TrainingJob:
    """Start a job and run it in a thread of this process; `after` hears its outcome.
    TrainingRunningError when one runs already."""
    job = start_training_job(store, started_by=started_by)

    def work() -> None:
        ended = run_training_job(store, job.id, train)
        if after is not None:
            try:
                after(ended)
            except Exception as error:
                log.error("after training job %d: %s", job.id, type(error).__name__)

    threading.Thread(target=work, name=f"training-job-{job.id}", daemon=True).start()
    return job
