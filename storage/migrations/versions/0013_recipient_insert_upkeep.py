"""cheaper inserts into `recipient` on PostgreSQL: one batched GIN index for the names, cached ids

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 06:00:00

A restore into a new group inserts its rows in email order, and on PostgreSQL its time was
the upkeep of `recipient`'s indexes, row by row (docs/benchmarks.md). Two changes:

- Names. Migration 0009 gave each name a btree over `(group_id, lower(name) COLLATE "C")`,
  and every row descended both. They are replaced by one GIN index over a `tsvector` whose
  lexemes are `<group id>:<lower(name)>`, one per non-null name. GIN adds new entries to a
  pending list and merges it into the index in sorted batches. A search for a name prefix
  is the prefix query `'<group id>:<prefix>':*`: one walk of the index's sorted lexemes
  from the prefix while they start with it, byte-wise (code point order in UTF-8), within
  the group since the group's id and a colon lead the lexeme. Every search also reads the
  pending list: `gin_pending_list_limit` bounds it to 256 kB (4 MB by default; measured on
  the 1,000,000-row search bench: 1.9 ms a search at 256 kB, 3.7 ms at 1 MB). A lexeme
  holds up to 2,047 bytes: a name has at most 255 characters, 1,020 bytes in UTF-8, and
  `lower()` keeps that bound (its only expanding mapping, U+0130, goes from 2 bytes to 3).
- Ids. `recipient_id_seq` and `recipient_version_id_seq` hand each session 1,000 ids at a
  time (`CACHE`) instead of one locked, logged step per row. Ids stay unique and never
  reused; those a session leaves unused are skipped, and ids of concurrent sessions are not
  in commit order (nothing orders recipients or their versions by id).

SQLite: unchanged.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The search's key (storage/recipient_search.py NAME_LEXEMES): the same expression.
NAME_LEXEMES = (
    "array_to_tsvector(array_remove(ARRAY[group_id::text || ':' || lower(first_name),"
    " group_id::text || ':' || lower(last_name)], NULL))"
)
INDEX = "ix_recipient_names_gin"
PENDING_LIST_KB = 256
ID_CACHE = 1000
SEQUENCES = ("recipient_id_seq", "recipient_version_id_seq")
BTREES = {
    "ix_recipient_first_name_lower_c": '(group_id, (lower(first_name) COLLATE "C"))',
    "ix_recipient_last_name_lower_c": '(group_id, (lower(last_name) COLLATE "C"))',
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON recipient USING gin (({NAME_LEXEMES}))"
        f" WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
    )
    for name in BTREES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    for sequence in SEQUENCES:
        op.execute(f"ALTER SEQUENCE {sequence} CACHE {ID_CACHE}")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for sequence in SEQUENCES:
        op.execute(f"ALTER SEQUENCE {sequence} CACHE 1")
    for name, columns in BTREES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON recipient {columns}")
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
