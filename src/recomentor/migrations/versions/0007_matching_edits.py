"""matching edits: locked draft pairs, pairs HR removed from a draft, a version per matching

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, no batch: on SQLite a batch rebuilds the table, and dropping the old
    # `matchings` would cascade to the pairs of every stored matching.
    op.add_column(
        "matchings", sa.Column("version", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "matching_pairs",
        sa.Column("locked", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "matching_removed_pairs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("matching_id", sa.String(length=36), nullable=False),
        sa.Column("mentor_id", sa.String(length=64), nullable=False),
        sa.Column("mentee_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["matching_id"],
            ["matchings.id"],
            name=op.f("fk_matching_removed_pairs_matching_id_matchings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"],
            ["participants.id"],
            name=op.f("fk_matching_removed_pairs_mentor_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["participants.id"],
            name=op.f("fk_matching_removed_pairs_mentee_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_removed_pairs")),
        sa.UniqueConstraint(
            "matching_id", "mentor_id", "mentee_id", name="uq_matching_removed_pair"
        ),
    )
    for column in ("matching_id", "mentor_id", "mentee_id"):
        op.create_index(
            op.f(f"ix_matching_removed_pairs_{column}"), "matching_removed_pairs", [column]
        )


def downgrade() -> None:
    op.drop_table("matching_removed_pairs")
    # SQLite (3.35+) drops a column in place, so no table is rebuilt here either.
    op.drop_column("matching_pairs", "locked")
    op.drop_column("matchings", "version")
