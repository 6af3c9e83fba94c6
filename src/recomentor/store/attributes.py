"""Attribute definitions: saved by the import whose mapping declares them, read by the roster."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from recomentor.attributes import AttributeDefinition
from recomentor.store.db import upsert_insert
from recomentor.store.tables import AttributeDefinitionRow, utcnow


def save_definitions(session: Session, definitions: Sequence[AttributeDefinition]) -> None:
    """Insert or replace each definition: the latest mapping says what an attribute is.

    One INSERT ... ON CONFLICT: two imports declaring the same attribute cannot both insert.
    """
    if not definitions:
        return
    statement = upsert_insert(session, AttributeDefinitionRow)
    new = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=[AttributeDefinitionRow.name],
        set_={"type": new.type, "order": new.order, "updated_at": new.updated_at},
    )
    now = utcnow()
    rows = [
        {"name": d.name, "type": d.type, "order": list(d.order), "updated_at": now}
        for d in definitions
    ]
    session.execute(statement, rows)


def read_definitions(session: Session) -> dict[str, AttributeDefinition]:
    rows = session.scalars(select(AttributeDefinitionRow).order_by(AttributeDefinitionRow.name))
    return {row.name: AttributeDefinition(row.name, row.type, tuple(row.order)) for row in rows}
