"""knowledge-sharing session plans: drafts, their sessions, attendees and learners left out

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_plans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("objective", sa.Float(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_plans")),
    )
    op.create_table(
        "plan_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.String(length=64), nullable=True),
        sa.Column("topic", sa.JSON(), nullable=False),
        sa.Column("host", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["session_plans.id"],
            name=op.f("fk_plan_sessions_plan_id_session_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["participants.id"],
            name=op.f("fk_plan_sessions_host_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_sessions")),
    )
    op.create_index(op.f("ix_plan_sessions_plan_id"), "plan_sessions", ["plan_id"])
    op.create_index(op.f("ix_plan_sessions_host_id"), "plan_sessions", ["host_id"])
    op.create_table(
        "plan_attendees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.String(length=64), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("skill", sa.Text(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["plan_sessions.id"],
            name=op.f("fk_plan_attendees_session_id_plan_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["participants.id"],
            name=op.f("fk_plan_attendees_attendee_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_attendees")),
    )
    op.create_index(op.f("ix_plan_attendees_session_id"), "plan_attendees", ["session_id"])
    op.create_index(op.f("ix_plan_attendees_attendee_id"), "plan_attendees", ["attendee_id"])
    op.create_table(
        "plan_unassigned",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["session_plans.id"],
            name=op.f("fk_plan_unassigned_plan_id_session_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["participants.id"],
            name=op.f("fk_plan_unassigned_person_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_unassigned")),
    )
    op.create_index(op.f("ix_plan_unassigned_plan_id"), "plan_unassigned", ["plan_id"])
    op.create_index(op.f("ix_plan_unassigned_person_id"), "plan_unassigned", ["person_id"])


def downgrade() -> None:
    op.drop_table("plan_unassigned")
    op.drop_table("plan_attendees")
    op.drop_table("plan_sessions")
    op.drop_table("session_plans")
