"""the job table is `job` (it runs restores too), its row errors `job_row_error`

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 07:00:00

A rename, on both databases: rows, ids, indexes and the foreign key stay. Ids keep counting
where they were: PostgreSQL's sequence goes with its column (renamed here only for its
name's sake), and SQLite renames the table's `sqlite_sequence` row with the table, which
stays AUTOINCREMENT (migration 0002), so a job id a client has seen is never given again.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (old name, new name, the suffixes of the constraints PostgreSQL named after the table).
# The row errors' table comes second: it references the first.
TABLES = (
    ("import_job", "job", ("pkey", "account_id_fkey", "group_id_fkey")),
    ("import_row_error", "job_row_error", ("pkey", "job_id_fkey")),
)


def upgrade() -> None:
    for old, new, constraints in TABLES:
        _rename(old, new, constraints)


def downgrade() -> None:
    for old, new, constraints in reversed(TABLES):
        _rename(new, old, constraints)


def _rename(old: str, new: str, constraints: Sequence[str]) -> None:
    # SQLite (3.26+, legacy_alter_table off) rewrites the foreign keys that reference the
    # table and renames its sqlite_sequence row itself.
    op.rename_table(old, new)
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(f"ALTER SEQUENCE {old}_id_seq RENAME TO {new}_id_seq")
    for suffix in constraints:
        op.execute(f"ALTER TABLE {new} RENAME CONSTRAINT {old}_{suffix} TO {new}_{suffix}")
