"""pairing lifecycle: pairings active or ended, one feedback row per submission

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_UNDATED = sa.text("submitted_at IS NULL")


def upgrade() -> None:
    # Pairings approved before this revision are the ones in force: they start active. On
    # SQLite the batch rebuilds `pairings` and `feedback`; no table references them, so dropping
    # the old copies cascades nowhere (unlike `matchings`, which is therefore left alone).
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="active", nullable=False)
        )
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_pairings_status"), "status IN ('active', 'ended')"
        )
    # Feedback sent twice through the API used to make two rows; the newest one stays.
    op.execute(
        "DELETE FROM feedback WHERE id NOT IN ("
        "SELECT MAX(id) FROM feedback GROUP BY mentor_id, mentee_id, submitted_at)"
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_feedback_submission", ["mentor_id", "mentee_id", "submitted_at"]
        )
    op.create_index(
        "uq_feedback_undated",
        "feedback",
        ["mentor_id", "mentee_id"],
        unique=True,
        sqlite_where=_UNDATED,
        postgresql_where=_UNDATED,
    )


def downgrade() -> None:
    op.drop_index("uq_feedback_undated", table_name="feedback")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_constraint("uq_feedback_submission", type_="unique")
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pairings_status"), type_="check")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_at")
        batch_op.drop_column("status")
