"""group write log: when each seq of a group was written, to restore a group as of a moment

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:40:00

One row per write of a group (its seq and the time of the write), so that a moment maps to
the group's seq at that moment (`ix_group_write_time`). Rows before this migration are not
known: a moment before the first logged write is answered from the backups only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_write",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "seq"),
    )
    op.create_index("ix_group_write_time", "group_write", ["group_id", "written_at"])


def downgrade() -> None:
    op.drop_index("ix_group_write_time", table_name="group_write")
    op.drop_table("group_write")
