"""recipient search: prefix ranges on email and names, index-backed on both databases

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:30:00

`Group.recipients(search:)` finds recipients whose email, first name or last name starts
with a prefix, by range predicates (`>= prefix AND < successor`), never `LIKE`:

- SQLite compares text byte-wise (BINARY): the unique (group_id, email) index already serves
  an email range; the names get `lower(name)` expression indexes (SQLite's `lower()` folds
  ASCII only: the search tries the case variants of the other letters, `storage/search.py`).
- PostgreSQL compares by the database's collation, under which a range is not a prefix
  (`en_US`: `a-b` sorts after `a.`): every index is on a `COLLATE "C"` expression (code
  point order), the names on `lower(name) COLLATE "C"`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_INDEXES = {
    "ix_recipient_first_name_lower": "(group_id, lower(first_name))",
    "ix_recipient_last_name_lower": "(group_id, lower(last_name))",
}
POSTGRESQL_INDEXES = {
    "ix_recipient_email_c": '(group_id, (email COLLATE "C"))',
    "ix_recipient_first_name_lower_c": '(group_id, (lower(first_name) COLLATE "C"))',
    "ix_recipient_last_name_lower_c": '(group_id, (lower(last_name) COLLATE "C"))',
}


def _indexes() -> dict[str, str]:
    return SQLITE_INDEXES if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_INDEXES


def upgrade() -> None:
    for name, columns in _indexes().items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON recipient {columns}")


def downgrade() -> None:
    for name in _indexes():
        op.execute(f"DROP INDEX IF EXISTS {name}")
