"""typed attributes: answers kept with each participant, their definitions beside

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A nullable column: SQLite adds it without rebuilding the table.
    op.add_column("participants", sa.Column("attributes", sa.JSON(), nullable=True))
    op.create_table(
        "attribute_definitions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("order", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_attribute_definitions")),
    )


def downgrade() -> None:
    op.drop_table("attribute_definitions")
    # Not a batch (table copy): on SQLite, dropping the old participants table would cascade
    # to their feedback. SQLite 3.35+ drops a column in place.
    op.drop_column("participants", "attributes")
