"""tokens with names, expiry and last use; ids never reused on SQLite

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose ids clients see (global IDs, signed download links, job ids, token ids).
LASTING_ID_TABLES = ("account", "api_token", "recipient_group", "recipient", "backup", "import_job")
# Ids that rows already purged may have had: still named by rows that outlive them.
REFERENCED_IDS = {
    "backup": (
        "SELECT MAX(backup_id) FROM import_job",
        "SELECT MAX(source_backup_id) FROM import_job",
    ),
    "recipient_group": ("SELECT MAX(group_id) FROM backup", "SELECT MAX(group_id) FROM import_job"),
}


def upgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("name", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's sequences never hand out an id twice
    for table in LASTING_ID_TABLES:
        # SQLite cannot add AUTOINCREMENT to a table: rebuild it (rows, ids and indexes kept).
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
        _start_sequence_past_known_ids(table)


def _start_sequence_past_known_ids(table: str) -> None:
    """An id a purge freed before this migration may still be named elsewhere: skip past it."""
    bind = op.get_bind()
    highest = [bind.execute(sa.text(f"SELECT MAX(id) FROM {table}")).scalar() or 0]
    highest += [bind.execute(sa.text(sql)).scalar() or 0 for sql in REFERENCED_IDS.get(table, ())]
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"),
        {"t": table, "s": max(highest)},
    )


def downgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("last_used_at")
        batch.drop_column("expires_at")
        batch.drop_column("name")
