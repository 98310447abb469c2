"""The versioned recipient store: the one write path for recipients.

Every change to a group's recipients goes through `write_recipients` (or
`erase_group_rows` for purges). Before a write replaces or removes a current
row that some backup can still see, the old row is copied to
`recipient_version` with the seq range during which it was current. The copy
is one set-based statement driven from the staged rows, so its cost follows
the rows that change, never the size of the group.

A backup taken at seq S sees rows with `version <= S` plus history rows with
`valid_from <= S < valid_to`; since backups are only taken at a group's current
seq, a row needs a history copy exactly when `version <= L`, L being the
group's latest backup seq. With no backup, nothing is copied at all.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import driver_connection, is_sqlite
from storage.sql import run, scalar
from storage.state import state_parts

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


@dataclass(frozen=True)
class WriteOutcome:
    """What a write did to the group."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0


@dataclass(frozen=True)
class StagedSource:
    """The rows staged in `import_stage` by this connection (duplicates allowed)."""


@dataclass(frozen=True)
class BackupSource:
    """The state of a group at a backup's seq."""

    group_id: int
    seq: int


Source = StagedSource | BackupSource


async def lock_group(conn: AsyncConnection, *, group_id: int) -> LockedGroup | None:
    """Lock a live group for writing and take its next seq (inside the transaction)."""
    row = (
        await run(
            conn,
            "UPDATE recipient_group SET seq = seq + 1 WHERE id = :g AND deleted_at IS NULL"
            " RETURNING id, account_id, name, seq, recipient_count, backups_enabled,"
            " attribute_names",
            g=group_id,
        )
    ).first()
    if row is None:
        return None
    return LockedGroup(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        seq=row.seq,
        previous_seq=row.seq - 1,
        recipient_count=row.recipient_count,
        backups_enabled=bool(row.backups_enabled),
        attribute_names=tuple(orjson.loads(row.attribute_names)),
    )


async def create_stage(conn: AsyncConnection) -> None:
    """Create (or empty) this connection's staging table."""
    await run(conn, "DROP TABLE IF EXISTS import_stage")
    await run(
        conn,
        "CREATE TEMP TABLE import_stage (rn INTEGER, email TEXT, first_name TEXT,"
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
    for table in ("import_stage", "stage_final", "stage_changes"):
        await run(conn, f"DROP TABLE IF EXISTS {table}")


async def latest_backup_seq(conn: AsyncConnection, *, group_id: int) -> int | None:
    """The seq of the group's latest backup, or None when it has none."""
    value = await scalar(conn, "SELECT max(seq) FROM backup WHERE group_id = :g", g=group_id)
    return int(value) if value is not None else None


async def write_recipients(
    conn: AsyncConnection,
    *,
    group: LockedGroup,
    source: Source,
    mode: WriteMode,
    now: datetime,
    attribute_names: tuple[str, ...] = (),
) -> WriteOutcome:
    """Apply `source` to the locked group in `mode`, keeping the history backups need."""
    if group.recipient_count == 0 and mode is not WriteMode.REFRESH:
        outcome = await _insert_into_empty(conn, group=group, source=source, now=now)
    else:
        outcome = await _merge(conn, group=group, source=source, mode=mode, now=now)
    names = sorted(set(group.attribute_names) | set(attribute_names))
    await run(
        conn,
        "UPDATE recipient_group SET recipient_count = recipient_count + :delta,"
        " attribute_names = :names WHERE id = :g",
        delta=outcome.added - outcome.removed,
        names=orjson.dumps(names).decode(),
        g=group.id,
    )
    return outcome


def _source_parts(conn: AsyncConnection, source: Source) -> list[str]:
    """Selects of the source's rows, one row per email over all parts, each in email order.

    A backup's state is read as its two parts (current rows in index order, then the
    history rows) so that no statement sorts the whole group.
    """
    if isinstance(source, BackupSource):
        return list(state_parts(source.group_id, source.seq))
    if is_sqlite(conn):
        # Inserted with OR REPLACE in file order into a keyed table: the last row wins.
        return [f"SELECT {VALUE_COLUMNS} FROM import_stage ORDER BY rn"]
    return [f"SELECT DISTINCT ON (email) {VALUE_COLUMNS} FROM import_stage ORDER BY email, rn DESC"]


async def _insert_into_empty(
    conn: AsyncConnection, *, group: LockedGroup, source: Source, now: datetime
) -> WriteOutcome:
    values = (
        ":g, email, first_name, last_name, COALESCE(status, 'ACTIVE'), attributes, :now, :now, :n"
    )
    if isinstance(source, StagedSource) and is_sqlite(conn):
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
        added = await scalar(conn, "SELECT count(*) FROM recipient WHERE group_id = :g", g=group.id)
        return WriteOutcome(added=int(added))
    added = 0
    for select in _source_parts(conn, source):
        result = await run(
            conn,
            f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT {values} FROM ({select}) AS src",
            g=group.id,
            now=now,
            n=group.seq,
        )
        added += result.rowcount
    return WriteOutcome(added=added)


def _merged(conn: AsyncConnection, mode: WriteMode) -> dict[str, str]:
    """New values of a matched row (`s` staged, `r` current): empty cells keep old values."""
    status = (
        f"CASE WHEN s.status IS NULL THEN r.status WHEN r.status IN {SUPPRESSED}"
        f" AND s.status NOT IN {SUPPRESSED} THEN r.status ELSE s.status END"
    )
    if mode is WriteMode.REPLACE:
        return {
            "first_name": "s.first_name",
            "last_name": "s.last_name",
            "status": status,
            "attributes": "s.attributes",
        }
    if is_sqlite(conn):
        attributes = (
            "CASE WHEN s.attributes IS NULL THEN r.attributes WHEN r.attributes IS NULL"
            " THEN s.attributes ELSE json_patch(r.attributes, s.attributes) END"
        )
    else:
        attributes = (
            "CASE WHEN s.attributes IS NULL THEN r.attributes WHEN r.attributes IS NULL"
            " THEN s.attributes ELSE (r.attributes::jsonb || s.attributes::jsonb)::text END"
        )
    return {
        "first_name": "COALESCE(s.first_name, r.first_name)",
        "last_name": "COALESCE(s.last_name, r.last_name)",
        "status": status,
        "attributes": attributes,
    }


def _changed(conn: AsyncConnection, merged: dict[str, str]) -> str:
    """A predicate: the merged values differ from the current row."""
    if is_sqlite(conn):
        parts = [f"({expr}) IS NOT r.{col}" for col, expr in merged.items()]
    else:
        parts = [
            f"({expr}) IS DISTINCT FROM r.{col}"
            for col, expr in merged.items()
            if col != "attributes"
        ]
        parts.append(f"({merged['attributes']})::jsonb IS DISTINCT FROM r.attributes::jsonb")
    return "(" + " OR ".join(parts) + ")"


def _matched(conn: AsyncConnection) -> str:
    """FROM clause joining staged rows to current rows of group :g (staged side first)."""
    return (
        f"stage_final AS s {_cross(conn)} recipient AS r ON r.group_id = :g AND r.email = s.email"
    )


async def _fill_final(conn: AsyncConnection, source: Source) -> int:
    await _create_temp(
        conn,
        "stage_final",
        "email TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, status TEXT, attributes TEXT",
    )
    verb = "INSERT OR REPLACE" if is_sqlite(conn) else "INSERT"
    for select in _source_parts(conn, source):
        await run(conn, f"{verb} INTO stage_final ({VALUE_COLUMNS}) {select}")
    await _analyze(conn, "stage_final")
    return int(await scalar(conn, "SELECT count(*) FROM stage_final"))


async def _merge(
    conn: AsyncConnection, *, group: LockedGroup, source: Source, mode: WriteMode, now: datetime
) -> WriteOutcome:
    staged = await _fill_final(conn, source)
    matched = int(await scalar(conn, f"SELECT count(*) FROM {_matched(conn)}", g=group.id))
    updated = 0
    if mode is not WriteMode.ADD and matched:
        updated = await _update_matched(conn, group=group, mode=mode, now=now)
    added = 0
    if mode is not WriteMode.REFRESH and staged > matched:
        added = await _insert_unmatched(conn, group=group, now=now)
    removed = 0
    if mode is WriteMode.REPLACE:
        removed = await _remove_unstaged(conn, group=group)
    if mode is WriteMode.ADD:
        return WriteOutcome(added=added, skipped=matched)
    skipped = staged - matched if mode is WriteMode.REFRESH else 0
    return WriteOutcome(
        added=added, updated=updated, unchanged=matched - updated, skipped=skipped, removed=removed
    )


async def _update_matched(
    conn: AsyncConnection, *, group: LockedGroup, mode: WriteMode, now: datetime
) -> int:
    """Compute the changed rows into a keyed temp table, copy their history, update by id."""
    merged = _merged(conn, mode)
    columns = ", ".join(merged)
    await _create_temp(
        conn,
        "stage_changes",
        "rid BIGINT PRIMARY KEY, first_name TEXT, last_name TEXT, status TEXT, attributes TEXT",
    )
    changed = await run(
        conn,
        f"INSERT INTO stage_changes (rid, {columns}) SELECT r.id, {', '.join(merged.values())}"
        f" FROM {_matched(conn)} WHERE {_changed(conn, merged)}",
        g=group.id,
    )
    if not changed.rowcount:
        return 0
    await _analyze(conn, "stage_changes")
    latest = await latest_backup_seq(conn, group_id=group.id)
    if latest is not None:
        await run(
            conn,
            f"INSERT INTO recipient_version ({VERSION_COLUMNS}) SELECT r.id, r.group_id, r.email,"
            " r.first_name, r.last_name, r.status, r.attributes, r.created_at, r.updated_at,"
            f" r.version, :n FROM stage_changes AS c {_cross(conn)} recipient AS r ON r.id = c.rid"
            " WHERE r.version <= :latest",
            n=group.seq,
            latest=latest,
        )
    # SET (...) = (subquery) WHERE id IN (...): both planners then walk the changes and
    # look rows up by id; an UPDATE ... FROM may scan the whole group on SQLite.
    await run(
        conn,
        f"UPDATE recipient SET ({columns}) = (SELECT {columns} FROM stage_changes AS c"
        " WHERE c.rid = recipient.id), version = :n, updated_at = :now"
        " WHERE id IN (SELECT rid FROM stage_changes)",
        n=group.seq,
        now=now,
    )
    return int(changed.rowcount)


def _cross(conn: AsyncConnection) -> str:
    """A join that keeps the written order on SQLite (its planner may start from the big table)."""
    return "CROSS JOIN" if is_sqlite(conn) else "JOIN"


async def _create_temp(conn: AsyncConnection, name: str, columns: str) -> None:
    await run(conn, f"DROP TABLE IF EXISTS {name}")
    await run(conn, f"CREATE TEMP TABLE {name} ({columns})")


async def _analyze(conn: AsyncConnection, table: str) -> None:
    """Give PostgreSQL's planner the size of a fresh temp table (it has no statistics)."""
    if not is_sqlite(conn):
        await run(conn, f"ANALYZE {table}")


async def _insert_unmatched(conn: AsyncConnection, *, group: LockedGroup, now: datetime) -> int:
    result = await run(
        conn,
        f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT :g, s.email, s.first_name,"
        " s.last_name, COALESCE(s.status, 'ACTIVE'), s.attributes, :now, :now, :n"
        " FROM stage_final AS s WHERE NOT EXISTS (SELECT 1 FROM recipient AS r"
        " WHERE r.group_id = :g AND r.email = s.email) ORDER BY s.email",
        g=group.id,
        now=now,
        n=group.seq,
    )
    return result.rowcount


async def _remove_unstaged(conn: AsyncConnection, *, group: LockedGroup) -> int:
    """REPLACE: remove current rows the source lacks (history first, activities too)."""
    unstaged = (
        "FROM recipient AS r WHERE r.group_id = :g AND NOT EXISTS"
        " (SELECT 1 FROM stage_final AS s WHERE s.email = r.email)"
    )
    latest = await latest_backup_seq(conn, group_id=group.id)
    if latest is not None:
        await run(
            conn,
            f"INSERT INTO recipient_version ({VERSION_COLUMNS}) SELECT r.id, r.group_id, r.email,"
            " r.first_name, r.last_name, r.status, r.attributes, r.created_at, r.updated_at,"
            f" r.version, :n {unstaged} AND r.version <= :latest",
            g=group.id,
            n=group.seq,
            latest=latest,
        )
    await run(
        conn, f"DELETE FROM activity WHERE recipient_id IN (SELECT r.id {unstaged})", g=group.id
    )
    result = await run(
        conn, f"DELETE FROM recipient WHERE id IN (SELECT r.id {unstaged})", g=group.id
    )
    return result.rowcount
