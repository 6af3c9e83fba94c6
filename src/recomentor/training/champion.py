"""Moving the champion by hand: promote a version, roll back to the previous one, with an
audit trail (who, when, why, from, to) in the database.

The trail lives in the database, not in MLflow tags: a tag holds one value per key and can be
overwritten from the MLflow UI, while the trail is an append-only list that the web pages,
backups and the rest of the program's records already share. Training's own promotions are
recorded too (action `train`), so a rollback knows the champion before the latest one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Final

import msgspec

from recomentor.embeddings import model_id_for
from recomentor.errors import ConflictError, InvalidInputError, NotFoundError, RecomentorError
from recomentor.settings import Settings
from recomentor.store import Store
from recomentor.store.champion_changes import (
    PROMOTE,
    ROLLBACK,
    TRAIN,
    add_champion_change,
    champion_changes,
    lock_champion_changes,
)
from recomentor.store.tables import ChampionChangeRow, utcnow
from recomentor.training.registry import (
    CHAMPION_ALIAS,
    EMBEDDING_MODEL_KEY,
    REGISTERED_MODEL,
    quiet_mlflow,
    tracking_store_missing,
    use_tracking_store,
)

MAX_REASON_CHARS: Final = 500
MAX_ACTOR_CHARS: Final = 320
# Who `recomentor train` promotions are recorded as when no one is named.
TRAINING_ACTOR: Final = "recomentor train"
_VERSION = re.compile(r"[1-9]\d{0,9}")
_CONTROL = re.compile(r"[\x00-\x1F\x7F-\x9F]")


class RegistryUnavailableError(RecomentorError):
    """The MLflow model registry could not be read or changed."""


class ChampionChange(msgspec.Struct, kw_only=True):
    """One move of the champion alias (`model history --json`, the /model page)."""

    id: int
    changed_at: datetime
    action: str  # train, promote or rollback
    from_version: str | None  # null when there was no champion before
    to_version: str
    actor: str
    reason: str


def _change(row: ChampionChangeRow) -> ChampionChange:
    return ChampionChange(
        id=row.id,
        changed_at=row.changed_at,
        action=row.action,
        from_version=row.from_version,
        to_version=row.to_version,
        actor=row.actor,
        reason=row.reason,
    )


def _one_line(value: str, name: str, limit: int) -> str:
    text = value.strip()
    if not text:
        raise InvalidInputError(f"{name} is required")
    if _CONTROL.search(text):
        raise InvalidInputError(f"{name} must be one line without control characters")
    if len(text) > limit:
        raise InvalidInputError(f"{name} must be at most {limit} characters")
    return text


def _checked_version(version: str) -> str:
    text = version.strip().removeprefix("v")
    if not _VERSION.fullmatch(text):
        raise InvalidInputError("version must be a registry version number, e.g. 3")
    return text


@contextmanager
def registry_client(settings: Settings) -> Iterator[Any]:
    """An MLflow client on the tracking store, its failures as RegistryUnavailableError;
    None when no model was ever trained (the store is not created by asking)."""
    uri = settings.resolved_tracking_uri
    if tracking_store_missing(uri):
        yield None
        return
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    with quiet_mlflow():
        try:
            use_tracking_store(uri)
            yield MlflowClient(tracking_uri=uri, registry_uri=uri)
        except MlflowException as error:
            raise RegistryUnavailableError(
                f"the model registry refused the request ({error.error_code})"
            ) from None


def _is_missing(error: Exception) -> bool:
    return getattr(error, "error_code", "") == "RESOURCE_DOES_NOT_EXIST"


def _current_champion(client: Any) -> str | None:
    from mlflow.exceptions import MlflowException

    if client is None:
        return None
    try:
        model = client.get_registered_model(REGISTERED_MODEL)
    except MlflowException as error:
        if _is_missing(error):
            return None
        raise
    version = (model.aliases or {}).get(CHAMPION_ALIAS)
    return None if version is None else str(version)


def _servable_version(client: Any, settings: Settings, version: str) -> None:
    """Refuse a version that does not exist or was trained on other embeddings: as champion
    it would not load, and every suggestion would fall back to the heuristic."""
    from mlflow.exceptions import MlflowException

    if client is None:
        raise NotFoundError("model version", version)
    try:
        found = client.get_model_version(REGISTERED_MODEL, version)
    except MlflowException as error:
        if _is_missing(error):
            raise NotFoundError("model version", version) from None
        raise
    trained_on = (found.tags or {}).get(EMBEDDING_MODEL_KEY)
    expected = model_id_for(settings.embedding_model)
    if trained_on != expected:
        raise ConflictError(
            f"{REGISTERED_MODEL} v{version} was trained on embeddings of "
            f"{trained_on or 'an unrecorded model'}, not {expected}: it cannot serve here"
        )


def champion_stack(changes: list[ChampionChangeRow]) -> list[str]:
    """The champions in force one after another, as the trail tells: a promotion or training
    pushes its version, a rollback pops the latest; the last is the champion now."""
    stack: list[str] = []
    for change in changes:
        if change.action == ROLLBACK:
            if stack:
                stack.pop()
            if not stack or stack[-1] != change.to_version:
                stack.append(change.to_version)
        else:
            stack.append(change.to_version)
    return stack


def _rollback_target(changes: list[ChampionChangeRow], current: str | None) -> str:
    stack = champion_stack(changes)
    if current is None:
        raise ConflictError("there is no champion to roll back")
    if not stack or stack[-1] != current:
        raise ConflictError(
            f"the champion (v{current}) was set outside recomentor, so the one before it is "
            "not known; name the version to restore: recomentor model promote VERSION --reason"
        )
    if len(stack) < 2:
        raise ConflictError(f"v{current} is the first champion: there is none to roll back to")
    return stack[-2]


def champion_history(store: Store) -> list[ChampionChange]:
    """Every move of the champion, newest first."""
    with store.session() as session:
        return [_change(row) for row in champion_changes(session, newest_first=True)]


def rollback_target(settings: Settings, store: Store) -> str | None:
    """The version a rollback would restore now; None when there is none to restore."""
    with store.session() as session:
        changes = champion_changes(session)
    with registry_client(settings) as client:
        current = _current_champion(client)
    try:
        return _rollback_target(changes, current)
    except ConflictError:
        return None


def _move_champion(
    settings: Settings,
    store: Store,
    *,
    action: str,
    version: str | None,
    reason: str,
    actor: str,
    now: datetime | None,
) -> ChampionChange:
    reason = _one_line(reason, "reason", MAX_REASON_CHARS)
    actor = _one_line(actor, "actor", MAX_ACTOR_CHARS)
    with store.session() as session, registry_client(settings) as client:
        lock_champion_changes(session)
        current = _current_champion(client)
        if version is None:
            version = _rollback_target(champion_changes(session), current)
        elif version == current:
            raise ConflictError(f"v{version} is the champion already")
        _servable_version(client, settings, version)
        # Recorded before the alias moves: if the move fails, the record is rolled back.
        row = add_champion_change(
            session,
            action=action,
            from_version=current,
            to_version=version,
            actor=actor,
            reason=reason,
            when=now or utcnow(),
        )
        client.set_registered_model_alias(REGISTERED_MODEL, CHAMPION_ALIAS, version)
        return _change(row)


def promote_version(
    settings: Settings,
    store: Store,
    version: str,
    *,
    reason: str,
    actor: str,
    now: datetime | None = None,
) -> ChampionChange:
    """Make `version` the champion and record who, when and why. NotFoundError for an
    unknown version; ConflictError when it is the champion already or cannot serve here."""
    return _move_champion(
        settings,
        store,
        action=PROMOTE,
        version=_checked_version(version),
        reason=reason,
        actor=actor,
        now=now,
    )


def roll_back_champion(
    settings: Settings, store: Store, *, reason: str, actor: str, now: datetime | None = None
) -> ChampionChange:
    """Restore the champion before the current one (the trail's previous entry, rollbacks
    undone in turn) and record it; ConflictError when there is none to restore."""
    return _move_champion(
        settings, store, action=ROLLBACK, version=None, reason=reason, actor=actor, now=now
    )


def record_training_promotion(
    store: Store,
    *,
    from_version: str | None,
    to_version: str,
    reason: str,
    actor: str = TRAINING_ACTOR,
    now: datetime | None = None,
) -> ChampionChange:
    """Training promoted its model (tracking set the alias): add it to the trail."""
    with store.session() as session:
        lock_champion_changes(session)
        row = add_champion_change(
            session,
            action=TRAIN,
            from_version=from_version,
            to_version=to_version,
            actor=actor[:MAX_ACTOR_CHARS] or TRAINING_ACTOR,
            reason=reason[:MAX_REASON_CHARS],
            when=now or utcnow(),
        )
        return _change(row)
