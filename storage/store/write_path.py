"""The versioned recipient store: the one write path for recipients.

Every change to a group's recipients goes through `write_recipients` (retention
only deletes what the retention period and the backups no longer need). Before a write
replaces or removes a current row, the old row is copied to `recipient_version` with the
seq range during which it was current. The copy is one set-based statement driven from the
staged rows, so its cost follows the rows that change, never the size of the group.

Continuous protection: while both backup switches are on, every replaced or removed row is
copied, so that the state at any seq of the retention period can be rebuilt, and
`lock_group` logs each seq with its time (`storage.store.write_log`), so that a moment maps
to a seq. With a switch off, a row is copied only when some backup still sees it: a backup
taken at seq S sees rows with `version <= S` plus history rows with
`valid_from <= S < valid_to`, and since backups are only taken at a group's current seq,
that is exactly when `version <= L`, L being the group's latest backup seq.
"""

from __future__ import annotations

from contextlib import nullcontext, suppress
from dataclasses import replace
from datetime import datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from storage.db import driver_connection, is_sqlite
from storage.models import RecipientGroup
from storage.sql import run, scalar
from storage.store.merge import Checkpoint, merge_into_group, no_checkpoint
from storage.store.write_log import log_attribute_names, log_write
from storage.store.writes import (
    ANALYZE_AFTER_ROWS,
    RECIPIENT_COLUMNS,
    STAGE_COLUMNS,
    BackupSource,
    LockedGroup,
    Source,
    StagedSource,
    WriteMode,
    WriteOutcome,
    email_text,
    index_order,
    latest_backup_seq,
    source_parts,
    twins_possible,
)

# SQLite: an import into an empty group drops the recipient table's plain indexes and builds them
# again after its insert (same transaction) when it stages at least this many times the rows the
# table may hold already (its largest id): a build sorts every row of the table, an insert into a
# kept index costs about 1.3x a row's share of a build (1,000,000 rows, docs/benchmarks.md).
REBUILD_INDEXES_FACTOR = 4
# SQLite's helper threads for the sorts of that insert and those builds (`PRAGMA threads`; 0,
# the default, sorts in the connection's own thread). One: the two cores; two measured no faster
# and each adds a sorter's memory (peak of a 1,000,000-row import 160 / 176 / 192 MB at 0 / 1 / 2).
SORT_THREADS = 1

__all__ = [
    "RECIPIENT_COLUMNS",
    "BackupSource",
    "Checkpoint",
    "LockedGroup",
    "Source",
    "StagedSource",
    "WriteMode",
    "WriteOutcome",
    "create_stage",
    "drop_stage",
    "latest_backup_seq",
    "lock_group",
    "no_checkpoint",
    "stage_rows",
    "write_recipients",
]


async def lock_group(conn: AsyncConnection, *, group_id: int, now: datetime) -> LockedGroup | None:
    """Lock a live group for writing, take its next seq and log it at `now` (in the transaction).

    This is the one place seqs are taken for writes, so every such seq is in the write log.
    """
    # Text: lock, bump the seq and read both switches in one round trip of the import path.
    row = (
        await run(
            conn,
            "UPDATE recipient_group SET seq = seq + 1 WHERE id = :g AND deleted_at IS NULL"
            " RETURNING id, account_id, name, seq, recipient_count, backups_enabled,"
            " attribute_names, (SELECT backups_enabled FROM account"
            " WHERE account.id = recipient_group.account_id) AS account_backups_enabled,"
            " (SELECT backup_retention_days FROM account"
            " WHERE account.id = recipient_group.account_id) AS retention_days",
            g=group_id,
        )
    ).first()
    if row is None:
        return None
    group = LockedGroup(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        seq=row.seq,
        previous_seq=row.seq - 1,
        recipient_count=row.recipient_count,
        backups_enabled=bool(row.backups_enabled),
        attribute_names=tuple(orjson.loads(row.attribute_names)),
        account_backups_enabled=bool(row.account_backups_enabled),
        retention_days=int(row.retention_days),
    )
    await log_write(
        conn,
        group_id=group.id,
        seq=group.seq,
        now=now,
        history_kept=group.backups_active,
        attribute_names=group.attribute_names,
    )
    return group


async def create_stage(conn: AsyncConnection) -> None:
    """Create (or empty) this connection's staging table."""
    # Text: DDL of a temp table no model describes.
    await run(conn, "DROP TABLE IF EXISTS import_stage")
    await run(
        conn,
        f"CREATE TEMP TABLE import_stage (rn INTEGER, email {email_text(conn)}, first_name TEXT,"
        " last_name TEXT, status TEXT, attributes TEXT)",
    )


async def stage_rows(
    conn: AsyncConnection,
    rows: list[tuple[int, str, str | None, str | None, str | None, str | None]],
) -> None:
    """Append parsed rows to the staging table through the driver's bulk path."""
    driver = await driver_connection(conn)
    if is_sqlite(conn):
        await driver.executemany(
            f"INSERT INTO import_stage ({STAGE_COLUMNS}) VALUES (?,?,?,?,?,?)", rows
        )
    else:
        await driver.copy_records_to_table("import_stage", records=rows)


async def drop_stage(conn: AsyncConnection) -> None:
    """Drop the staging tables of this connection."""
    for table in ("import_stage", "stage_final", "stage_changes", "stage_since", "stage_gone"):
        await run(conn, f"DROP TABLE IF EXISTS {table}")


async def write_recipients(
    conn: AsyncConnection,
    *,
    group: LockedGroup,
    source: Source,
    mode: WriteMode,
    now: datetime,
    attribute_names: tuple[str, ...] = (),
    checkpoint: Checkpoint = no_checkpoint,
) -> WriteOutcome:
    """Apply `source` to the locked group in `mode`, keeping the history backups need.

    `checkpoint` is awaited between statements; what it raises stops the write (the
    caller's transaction must then roll back).
    """
    await checkpoint()
    if group.recipient_count == 0 and mode is not WriteMode.REFRESH:
        outcome = await _insert_into_empty(
            conn, group=group, source=source, now=now, checkpoint=checkpoint
        )
    else:
        outcome = await merge_into_group(
            conn, group=group, source=source, mode=mode, now=now, checkpoint=checkpoint
        )
    await checkpoint()
    # Fresh statistics once this commits (`storage.statistics`), not when autovacuum gets to
    # it: without them PostgreSQL takes the next small import's joins for tiny.
    stale = not is_sqlite(conn) and outcome.added + outcome.removed > max(
        ANALYZE_AFTER_ROWS, group.recipient_count // 10
    )
    names = sorted(set(group.attribute_names) | set(attribute_names))
    await conn.execute(
        sa.update(RecipientGroup)
        .where(col(RecipientGroup.id) == group.id)
        .values(
            recipient_count=col(RecipientGroup.recipient_count) + outcome.added - outcome.removed,
            attribute_names=orjson.dumps(names).decode(),
        )
    )
    await log_attribute_names(conn, group_id=group.id, seq=group.seq, attribute_names=names)
    return replace(outcome, statistics_stale=stale)


async def _insert_into_empty(
    conn: AsyncConnection,
    *,
    group: LockedGroup,
    source: Source,
    now: datetime,
    checkpoint: Checkpoint,
) -> WriteOutcome:
    values = (
        ":g, email, first_name, last_name, COALESCE(status, 'ACTIVE'), attributes, :now, :now, :n"
    )
    # Text from here: set-based copies of the staged rows (or a backup's state) into the group.
    if isinstance(source, StagedSource) and is_sqlite(conn):
        # The sorts (the ORDER BY's, a rebuilt index's) with a helper thread.
        await run(conn, f"PRAGMA threads = {SORT_THREADS}")
        try:
            rebuilt = await _drop_indexes_for_bulk(conn)
            await checkpoint()
            # Key order halves the insert cost; on a duplicate address the later row wins.
            await run(
                conn,
                f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT {values} FROM import_stage"
                " WHERE true ORDER BY email, rn ON CONFLICT (group_id, email) DO UPDATE SET"
                " first_name = excluded.first_name, last_name = excluded.last_name,"
                " status = excluded.status, attributes = excluded.attributes",
                g=group.id,
                now=now,
                n=group.seq,
            )
            for sql in rebuilt:
                await checkpoint()
                await conn.exec_driver_sql(sql)  # the table's own DDL, as read: no parameters
        finally:
            with suppress(Exception):  # a connection setting: the next user may still sort alone
                await run(conn, "PRAGMA threads = 0")
        added = await scalar(conn, "SELECT count(*) FROM recipient WHERE group_id = :g", g=group.id)
        return WriteOutcome(added=int(added), source_rows=int(added))
    added = 0
    # A backup taken before migration 0003 may hold an address twice: the first row wins.
    twins = " WHERE true ON CONFLICT (group_id, email) DO NOTHING"
    for part, select in enumerate(source_parts(conn, source)):
        await checkpoint()
        backup = isinstance(source, BackupSource)
        async with index_order(conn) if backup and part == 0 else nullcontext():
            result = await run(
                conn,
                f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT {values} FROM ({select})"
                " AS src" + (twins if backup and twins_possible(conn, part) else ""),
                g=group.id,
                now=now,
                n=group.seq,
            )
        added += result.rowcount
    return WriteOutcome(added=added, source_rows=added)


async def _drop_indexes_for_bulk(conn: AsyncConnection) -> list[str]:
    """SQLite: drop `recipient`'s plain indexes when the staged rows dwarf the table; their SQL.

    Only indexes created by name, not unique: the conflict clause needs the unique one. The
    caller runs the returned statements after its insert, in the same transaction, so a
    rollback (a failure, a cancel) brings the indexes back as they were.
    """
    staged = await scalar(conn, "SELECT max(rowid) FROM import_stage")  # heap: the row count
    held = await scalar(conn, "SELECT max(id) FROM recipient")  # at least the rows it holds
    if not staged or staged < REBUILD_INDEXES_FACTOR * (held or 0):
        return []
    indexes = (
        await run(
            conn,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'recipient' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
            " ORDER BY name",
        )
    ).all()
    for index in indexes:
        quoted = str(index.name).replace('"', '""')
        await run(conn, f'DROP INDEX "{quoted}"')
    return [str(index.sql) for index in indexes]
