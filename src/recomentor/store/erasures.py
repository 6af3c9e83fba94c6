"""Erasure suppression entries: keyed id hashes and erasure times, nothing personal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from recomentor.errors import ErasureKeyError
from recomentor.store.db import batches
from recomentor.store.tables import ErasureRow

_CHUNK = 900


def _refuse_other_keys(session: Session, key_id: str) -> None:
    # Hashes made under another key never match: suppression would silently stop working.
    other = session.scalar(select(ErasureRow.key_id).where(ErasureRow.key_id != key_id).limit(1))
    if other is not None:
        raise ErasureKeyError(
            "the erasure key (RECOMENTOR_ERASURE_KEY, or erasure.key in the data home) is not "
            "the one this database's erasures were recorded with; restore that key "
            "(README: Erasure) before importing or erasing participants"
        )


def any_erasure(session: Session, key_id: str) -> bool:
    """Whether anyone was erased; refuses a key other than the one the entries were made with."""
    _refuse_other_keys(session, key_id)
    return session.scalar(select(ErasureRow.id_hash).limit(1)) is not None


def erasure_times(session: Session, id_hashes: Sequence[str]) -> dict[str, datetime]:
    """Erasure time by id hash, for the hashes that were erased."""
    found: dict[str, datetime] = {}
    for chunk in batches(sorted(set(id_hashes)), _CHUNK):
        query = select(ErasureRow.id_hash, ErasureRow.erased_at).where(
            ErasureRow.id_hash.in_(chunk)
        )
        found.update({id_hash: erased_at for id_hash, erased_at in session.execute(query)})
    return found


def save_erasure(session: Session, key_id: str, id_hash: str, erased_at: datetime) -> None:
    """Record an erasure; a second erasure of the same person moves its time forward."""
    _refuse_other_keys(session, key_id)
    session.execute(delete(ErasureRow).where(ErasureRow.id_hash == id_hash))
    session.execute(insert(ErasureRow).values(id_hash=id_hash, key_id=key_id, erased_at=erased_at))
