"""job outcomes a screen shows, and the account settings a screen sets

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:30:00

`job.status_kept` counts the rows whose status change the suppression guard refused;
`job.rejects_key` names the file of every rejected row (null: none, or not kept).
`account.time_zone` (an IANA name) decides the days of the backups screen;
`account.api_backup_window_minutes` how often API writes take a backup of a group.
Columns with server defaults, so existing rows read as before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding columns never rebuilds the table on SQLite.
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("status_kept", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("rejects_key", sa.String(200), nullable=True))
    with op.batch_alter_table("account") as batch:
        batch.add_column(
            sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC")
        )
        batch.add_column(
            sa.Column(
                "api_backup_window_minutes", sa.Integer(), nullable=False, server_default="60"
            )
        )


def downgrade() -> None:
    # Dropping columns rebuilds the table on SQLite: keep it AUTOINCREMENT (migration 0002).
    with op.batch_alter_table("account", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("api_backup_window_minutes")
        batch.drop_column("time_zone")
    with op.batch_alter_table("job", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("rejects_key")
        batch.drop_column("status_kept")
