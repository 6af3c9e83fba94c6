"""merge the pairing lifecycle (0002) and erasure suppression (0003), written side by side

Revision ID: 0004
Revises: 0002, 0003
"""

from __future__ import annotations

revision = "0004"
# Both start from 0001 and touch different tables; a database at either one upgrades here.
down_revision = ("0002", "0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
