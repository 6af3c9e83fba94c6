"""Erasure suppression: an erased person's older answers never come back through a write.

Each erasure leaves an entry holding HMAC-SHA256(id) under a per-installation key and the
erasure time. Ids are short and enumerable, so an unkeyed hash could be reversed by trying
every id; the key lives outside the database (setting or file in the data home), so a copy of
the database alone does not tell who was erased.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from recomentor import fields as F
from recomentor.errors import ErasureKeyError
from recomentor.settings import PREFIX, Settings
from recomentor.store.erasures import any_erasure, erasure_times, save_erasure
from recomentor.store.participants import (
    UpsertCounts,
    as_utc,
    plan_upsert,
    upsert_participants,
)

KEY_FILE = "erasure.key"
_MIN_KEY_CHARS = 32
_KEY_ID_LABEL = b"recomentor erasure key id"


@dataclass(frozen=True)
class ErasureKey:
    secret: bytes = field(repr=False)

    def id_hash(self, participant_id: str) -> str:
        return hmac.new(self.secret, participant_id.encode("utf-8"), hashlib.sha256).hexdigest()

    @property
    def key_id(self) -> str:
        """Names the key without revealing it; stored beside each hash it made."""
        return hmac.new(self.secret, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


def _checked(text: str, where: str) -> ErasureKey:
    if len(text) < _MIN_KEY_CHARS:
        raise ErasureKeyError(f"{where} must hold at least {_MIN_KEY_CHARS} characters")
    return ErasureKey(text.encode("utf-8"))


def _create_key_file(path: Path) -> None:
    """Write a random key once; when processes race, the first link wins and all read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(32) + "\n")
            file.flush()
            os.fsync(file.fileno())
        # Another process won the race: its key is the one every process reads.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def load_erasure_key(settings: Settings) -> ErasureKey:
    """The installation's key: RECOMENTOR_ERASURE_KEY, else `erasure.key` in the data home,
    created on first use."""
    if settings.erasure_key:
        return _checked(settings.erasure_key, f"{PREFIX}ERASURE_KEY")
    path = settings.home / KEY_FILE
    try:
        if not path.exists():
            _create_key_file(path)
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise ErasureKeyError(
            f"cannot read or create the erasure key {path}: {reason}; "
            f"set {PREFIX}ERASURE_KEY instead"
        ) from None
    return _checked(text, str(path))


def record_erasure(
    session: Session, participant_id: str, key: ErasureKey, erased_at: datetime
) -> None:
    save_erasure(session, key.key_id, key.id_hash(participant_id), erased_at)


def erased_ids(session: Session, records: Sequence[dict[str, Any]], key: ErasureKey) -> set[str]:
    """Ids whose submission is not newer than their erasure; undated ones count as older."""
    if not any_erasure(session, key.key_id):
        return set()
    hashes = {key.id_hash(record[F.ID]): record[F.ID] for record in records}
    erased_at = {hashes[h]: at for h, at in erasure_times(session, list(hashes)).items()}
    found: set[str] = set()
    for record in records:
        when = erased_at.get(record[F.ID])
        submitted = as_utc(record.get(F.SUBMITTED_AT))
        if when is not None and (submitted is None or submitted <= when):
            found.add(record[F.ID])
    return found


def _not_erased(
    session: Session, records: Sequence[dict[str, Any]], key: ErasureKey
) -> tuple[list[dict[str, Any]], int]:
    skipped = erased_ids(session, records, key)
    return [record for record in records if record[F.ID] not in skipped], len(skipped)


def upsert_unless_erased(
    session: Session, records: Sequence[dict[str, Any]], key: ErasureKey
) -> UpsertCounts:
    """The one write path of survey answers (import, API): erased ids first, then the upsert
    with its stale rule. A submission newer than the erasure is the person answering again."""
    kept, erased = _not_erased(session, records, key)
    return replace(upsert_participants(session, kept), erased=erased)


def plan_unless_erased(
    session: Session, records: Sequence[dict[str, Any]], key: ErasureKey
) -> UpsertCounts:
    """The counts `upsert_unless_erased` would give now, without writing (an import preview)."""
    kept, erased = _not_erased(session, records, key)
    return replace(plan_upsert(session, kept).counts, erased=erased)
