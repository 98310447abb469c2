"""job history: a job's file name, size and the token that started it; indexes to list them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 08:00:00

Nullable columns, so jobs queued before keep their rows as they are (null: not recorded).
`ix_job_account_group` lists one group's jobs newest first; `ix_job_backup` finds the job
that made a backup (`Backup.job`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding nullable columns and indexes never rebuilds the table on SQLite.
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("file_name", sa.String(255), nullable=True))
        batch.add_column(sa.Column("size_bytes", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("started_by", sa.String(100), nullable=True))
        batch.create_index("ix_job_account_group", ["account_id", "group_id", "id"])
        batch.create_index("ix_job_backup", ["backup_id"])


def downgrade() -> None:
    # Dropping columns rebuilds the table on SQLite: keep it AUTOINCREMENT (migration 0002).
    with op.batch_alter_table("job", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_job_backup")
        batch.drop_index("ix_job_account_group")
        batch.drop_column("started_by")
        batch.drop_column("size_bytes")
        batch.drop_column("file_name")
