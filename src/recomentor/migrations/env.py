"""Alembic environment: runs on the engine the store hands over, never on a URL of its own."""

from __future__ import annotations

from alembic import context

from recomentor.store.tables import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
