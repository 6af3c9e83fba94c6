"""Champion audit trail queries: append one change, read them in order, the latest one's id,
serialise writers."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from recomentor.store.tables import ChampionChangeRow

TRAIN: Final = "train"
PROMOTE: Final = "promote"
ROLLBACK: Final = "rollback"
ACTIONS: Final = (TRAIN, PROMOTE, ROLLBACK)
# Any constant other than the pairings' lock (store.pairings) works.
_CHAMPION_LOCK: Final = 0x6368616D  # "cham"


def lock_champion_changes(session: Session) -> None:
    """Serialise champion moves until the transaction ends: each reads the trail, then moves
    the alias and appends to it (see store.pairings.lock_pairings for the two dialects)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAMPION_LOCK})
    else:
        session.execute(
            update(ChampionChangeRow).where(text("0 = 1")).values(action=ChampionChangeRow.action)
        )


def champion_changes(session: Session, *, newest_first: bool = False) -> list[ChampionChangeRow]:
    order = ChampionChangeRow.id.desc() if newest_first else ChampionChangeRow.id
    return list(session.scalars(select(ChampionChangeRow).order_by(order)))


def latest_champion_change(session: Session) -> int | None:
    """The newest change's id, None before the first: it moves with every move of the champion
    that recomentor makes (promote, rollback, training), in whichever process made it."""
    return session.scalar(select(func.max(ChampionChangeRow.id)))


def add_champion_change(
    session: Session,
    *,
    action: str,
    from_version: str | None,
    to_version: str,
    actor: str,
    reason: str,
    when: datetime,
) -> ChampionChangeRow:
    row = ChampionChangeRow(
        changed_at=when,
        action=action,
        from_version=from_version,
        to_version=to_version,
        actor=actor,
        reason=reason,
    )
    session.add(row)
    session.flush()
    return row
