"""Shared pieces of the write path: modes, sources, outcomes, SQL fragments.

The fragments are text: they make up the tuned set-based statements of `merge` and
`write_path` (temp tables no model describes, per-dialect joins and upserts).
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.db import is_sqlite
from storage.models import Backup
from storage.sql import run
from storage.store.state import state_sql

SUPPRESSED = "('UNSUBSCRIBED', 'BOUNCED')"
STAGE_COLUMNS = "rn, email, first_name, last_name, status, attributes"
VALUE_COLUMNS = "email, first_name, last_name, status, attributes"
RECIPIENT_COLUMNS = (
    "group_id, email, first_name, last_name, status, attributes, created_at, updated_at, version"
)
VERSION_COLUMNS = (
    "recipient_id, group_id, email, first_name, last_name, status, attributes,"
    " created_at, updated_at, valid_from, valid_to"
)


class WriteMode(enum.StrEnum):
    """How staged rows meet the group's current rows."""

    ADD = "ADD"
    REFRESH_AND_ADD = "REFRESH_AND_ADD"
    REFRESH = "REFRESH"
    REPLACE = "REPLACE"


@dataclass(frozen=True)
class LockedGroup:
    """A group locked for writing, with the seq this write takes."""

    id: int
    account_id: int
    name: str
    seq: int
    previous_seq: int
    recipient_count: int
    backups_enabled: bool
    attribute_names: tuple[str, ...]
    account_backups_enabled: bool
    retention_days: int

    @property
    def backups_active(self) -> bool:
        """Both switches on: a write to this group is backed up first."""
        return self.backups_enabled and self.account_backups_enabled


@dataclass(frozen=True)
class WriteOutcome:
    """What a write did to the group."""

    added: int = 0
    updated: int = 0
    # Matched rows left as they were, those whose status the guard kept excepted.
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    # Matched rows whose file asked to lift UNSUBSCRIBED or BOUNCED, refused by the guard
    # (never `unchanged`; also `updated` when other values of the row changed).
    status_kept: int = 0
    # Rows of the source, one per address.
    source_rows: int = 0
    # PostgreSQL: the write added or removed enough rows that `recipient`'s statistics are
    # stale; whoever commits it calls `storage.statistics.refresh_soon` after the commit.
    statistics_stale: bool = False


@dataclass(frozen=True)
class StagedSource:
    """The rows staged in `import_stage` by this connection (duplicates allowed)."""


@dataclass(frozen=True)
class BackupSource:
    """The state of a group at a backup's seq."""

    group_id: int
    seq: int


Source = StagedSource | BackupSource


# Built once (see storage.sql.fetch_models): every import and restore asks it.
_LATEST_BACKUP_SEQ = select(sa.func.max(Backup.seq)).where(
    col(Backup.group_id) == sa.bindparam("group_id")
)


async def latest_backup_seq(conn: AsyncConnection, *, group_id: int) -> int | None:
    """The seq of the group's latest backup, or None when it has none."""
    value = await conn.scalar(_LATEST_BACKUP_SEQ, {"group_id": group_id})
    return int(value) if value is not None else None


def source_parts(conn: AsyncConnection, source: Source) -> list[str]:
    """Selects of the source's rows, one row per email over all parts, each in email order.

    A backup's state is read as its two parts (current rows in index order, then the
    history rows) so that no statement sorts the whole group.
    """
    if isinstance(source, BackupSource):
        group_id, seq = source.group_id, source.seq
        return [
            state_sql(group_id, seq, parts=("current",), ordered=True),
            state_sql(group_id, seq, parts=("history",), ordered=True),
        ]
    if is_sqlite(conn):
        # Inserted with OR REPLACE into a keyed table: of an address's rows the last in the
        # file (highest rn) comes last and wins. Key order, not file order: appends to the
        # key's B-tree (1,000,000 rows: 1.5 s instead of 7.7 s) and leaves the rows in key
        # order, so the joins to the group that scan them read its index in order too.
        return [f"SELECT {VALUE_COLUMNS} FROM import_stage ORDER BY email, rn"]
    return [f"SELECT DISTINCT ON (email) {VALUE_COLUMNS} FROM import_stage ORDER BY email, rn DESC"]


# A backup's state is copied current part first: that part is one row per address (the
# group's unique key), so into an empty table it needs no conflict clause. Only the history
# part may hold twins (a backup taken before migration 0003), of which the first row wins.
# On PostgreSQL a conflict clause makes every insert speculative: a quarter of the CPU of a
# 1,000,000-row restore into a new group. SQLite keeps its clause (no cost measured there).
def twins_possible(conn: AsyncConnection, part: int) -> bool:
    """Whether the `part`-th select of a backup's `source_parts` (0: the current rows),
    inserted into an empty table, takes a conflict clause (first row wins)."""
    return part > 0 or is_sqlite(conn)


# PostgreSQL's planner may read a large group by a sequential scan and sort it (on disk at
# the default work_mem), or by a name index and sort, when its statistics are stale or the
# group is a third of the table; the current part's own index gives the rows in key order,
# so the target's indexes are appended to. JIT only costs a one-off statement.
_INDEX_ORDER = ("enable_seqscan", "enable_bitmapscan", "enable_sort", "jit")


# A merge's update walks the staged rows in key order and looks each current row up by the
# (group_id, email) index: a hash join scans the whole group, and when the staged rows
# outgrow work_mem it splits into batches whose output order scatters the updates over the
# table's pages (200,000 updates into a fresh 1,000,000-row group: every updated row then
# dirtied its own buffer, 240,000 against 42,000 in key order).
KEY_ORDER_JOIN = ("enable_hashjoin", "enable_mergejoin", "enable_seqscan", "jit")

# A write that touches at least this many rows refreshes the statistics it leaves behind
# (PostgreSQL: `ANALYZE` of the table, or of a temp table its next statements join).
ANALYZE_AFTER_ROWS = 10_000


@asynccontextmanager
async def index_order(
    conn: AsyncConnection, settings: tuple[str, ...] = _INDEX_ORDER
) -> AsyncIterator[None]:
    """Within: PostgreSQL reads a group's current rows by the (group_id, email) index (plan
    settings of the transaction, reset after); nothing on SQLite."""
    if is_sqlite(conn):
        yield
        return
    names = {f"n{i}": name for i, name in enumerate(settings)}
    listed = ", ".join(f":{key}" for key in names)
    await run(
        conn,
        f"SELECT set_config(name, 'off', true) FROM pg_settings WHERE name IN ({listed})",
        **names,
    )
    yield
    # Not on an error: the transaction is then aborted, and its rollback ends the settings.
    await run(
        conn,
        f"SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name IN ({listed})",
        **names,
    )


def cross_join(conn: AsyncConnection) -> str:
    """A join that keeps the written order on SQLite (its planner may start from the big table)."""
    return "CROSS JOIN" if is_sqlite(conn) else "JOIN"


def email_text(conn: AsyncConnection) -> str:
    """The type of an email column in a temp table: PostgreSQL compares stored emails in code
    point order (migration 0012), and a temp table's joins with them must sort alike."""
    return "TEXT" if is_sqlite(conn) else 'TEXT COLLATE "C"'


async def create_temp(conn: AsyncConnection, name: str, columns: str) -> None:
    """A fresh temp table of this connection."""
    await run(conn, f"DROP TABLE IF EXISTS {name}")
    await run(conn, f"CREATE TEMP TABLE {name} ({columns})")


async def analyze_temp(conn: AsyncConnection, table: str) -> None:
    """Give PostgreSQL's planner the size of a fresh temp table (it has no statistics)."""
    if not is_sqlite(conn):
        await run(conn, f"ANALYZE {table}")
