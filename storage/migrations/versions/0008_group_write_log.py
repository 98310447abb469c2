"""group write log: when each seq of a group was written, to restore a group as of a moment

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:40:00

One row per write of a group (its seq, the time of the write, whether the write kept every
version it replaced, the group's attribute names after it), so that a moment maps to the
group's seq at that moment (`ix_group_write_time`). Writes before this migration are not
known: a moment before the first logged write is refused (the backups still cover it).
A restore job as of a moment names its source group and the moment (`job.source_group_id`,
`job.source_as_of`) instead of a backup.
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
        sa.Column("history_kept", sa.Boolean(), nullable=False),
        sa.Column("attribute_names", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "seq"),
    )
    op.create_index("ix_group_write_time", "group_write", ["group_id", "written_at"])
    # Adding columns never rebuilds the table on SQLite.
    with op.batch_alter_table("job") as job:
        job.add_column(sa.Column("source_group_id", sa.Integer(), nullable=True))
        job.add_column(sa.Column("source_as_of", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Dropping columns rebuilds the table on SQLite: keep it AUTOINCREMENT (migration 0002).
    with op.batch_alter_table("job", table_kwargs={"sqlite_autoincrement": True}) as job:
        job.drop_column("source_as_of")
        job.drop_column("source_group_id")
    op.drop_index("ix_group_write_time", table_name="group_write")
    op.drop_table("group_write")
