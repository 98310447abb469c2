"""emails in code point order on PostgreSQL: the unique index serves prefix ranges too

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 01:00:00

Emails are stored canonical (lower case, NFC), and every comparison the application makes of
them wants code point order: prefix ranges (migration 0009), keyset cursors, the order of a
download, which SQLite's BINARY collation gives. On PostgreSQL `recipient.email` and
`recipient_version.email` now carry `COLLATE "C"`:

- the unique (group_id, email) index is in code point order, so it serves the search's email
  ranges and `ix_recipient_email_c`, its copy under `COLLATE "C"`, goes: one index fewer to
  keep on every insert;
- comparisons are byte-wise (`memcmp`) instead of the database's locale (`strcoll`);
- the two databases order emails alike, whatever collation the PostgreSQL database has.

Two equal strings are equal under every deterministic collation, so uniqueness is unchanged.
Staged and temporary tables keep the database's collation: a column's explicit collation
wins over the default one in a comparison, so their joins with `recipient` compare in code
point order. SQLite: nothing to change.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("recipient", "recipient_version")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN email TYPE varchar(254) COLLATE "C"')
    op.execute("DROP INDEX IF EXISTS ix_recipient_email_c")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        'CREATE INDEX IF NOT EXISTS ix_recipient_email_c ON recipient (group_id, (email COLLATE "C"))'
    )
    for table in TABLES:
        op.execute(
            f'ALTER TABLE {table} ALTER COLUMN email TYPE varchar(254) COLLATE pg_catalog."default"'
        )
