"""feedback requests, their links and answers; the audit trail of the champion model

Revision ID: 0006
Revises: 0007

Written as 0006 beside 0005 (web accounts) and 0007 (matching edits); it landed last, so it
follows 0007 and the chain stays one line. Placing it before 0007 instead would make a
database already at 0007 look up to date without these tables.

The new tables reference `pairings`, `participants` and `feedback` with ON DELETE CASCADE or
SET NULL: a later migration that rebuilds one of those on SQLite (batch mode copies, drops and
renames) must switch foreign keys off around it, or the drop would empty these tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "champion_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_version", sa.String(length=32), nullable=True),
        sa.Column("to_version", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "action IN ('train', 'promote', 'rollback')", name=op.f("ck_champion_changes_action")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_champion_changes")),
    )
    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=64), nullable=False),
        sa.Column("checkin", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("reminders >= 0", name=op.f("ck_feedback_requests_reminders")),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_feedback_requests_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_feedback_requests_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_requests")),
        sa.UniqueConstraint(
            "pairing_id", "participant_id", "checkin", name="uq_feedback_requests_checkin"
        ),
    )
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_requests_pairing_id"), ["pairing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_requests_participant_id"), ["participant_id"], unique=False
        )

    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("goals_progressed", sa.JSON(), nullable=False),
        sa.Column("goals_offered", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("first_answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('ongoing', 'completed', 'dropped')",
            name=op.f("ck_feedback_answers_outcome"),
        ),
        sa.CheckConstraint("meetings >= 0", name=op.f("ck_feedback_answers_meetings")),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_feedback_answers_rating")),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_answers_feedback_id_feedback"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedback_requests.id"],
            name=op.f("fk_feedback_answers_request_id_feedback_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
        sa.UniqueConstraint("request_id", name=op.f("uq_feedback_answers_request_id")),
    )
    op.create_table(
        "feedback_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["feedback_requests.id"],
            name=op.f("fk_feedback_tokens_request_id_feedback_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_feedback_tokens")),
    )
    with op.batch_alter_table("feedback_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_tokens_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_tokens_request_id"))

    op.drop_table("feedback_tokens")
    op.drop_table("feedback_answers")
    with op.batch_alter_table("feedback_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_requests_participant_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_requests_pairing_id"))

    op.drop_table("feedback_requests")
    op.drop_table("champion_changes")
