"""CSV exports of a backup's state or of a group as it is now, streamed in constant memory.

The database does the per-row work: it picks the attributes out of the JSON and
neutralises formula cells (the same rule as `neutralise_cell`), so Python only
moves rows (SQLite: `csv.writer` in C) or bytes (PostgreSQL: `COPY ... TO STDOUT`).

Both databases write the same bytes (`export_text`'s, which COPY's CSV format writes too):
rows end with LF, and a cell is quoted when it holds the delimiter, `"`, CR or LF.

The statements are text run on the driver's own connection: tuned per database, their rows
stream past SQLAlchemy's result handling.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.codec.export import export_header, export_text
from storage.db import driver_connection, is_sqlite
from storage.store.backup_reads import BackupRow
from storage.store.state import BOTH_PARTS, StatePart, seen_at, state_sql

CHUNK_ROWS = 5_000
COPY_QUEUE_CHUNKS = 8

# A quoted JSON path label ends at the next `"`, and SQLite compares it with the key as written
# in the JSON text, where `"`, backslash and control characters are escaped.
_UNQUOTABLE = re.compile(r'["\\\x00-\x1f]')


@dataclass(frozen=True)
class StatePoint:
    """A state to export: the group's rows at `seq`, under the header of `names`."""

    seq: int
    names: list[str]


class GroupGone(LookupError):
    """The group of a live export was purged before its export began."""


async def export_backup_csv(engine: AsyncEngine, backup: BackupRow) -> AsyncIterator[bytes]:
    """The backup's state as UTF-8 CSV with a header row, ordered by email, chunk by chunk."""
    point = StatePoint(backup.seq, orjson.loads(backup.attribute_names))
    async for chunk in _export(engine, backup.group_id, point):
        yield chunk


async def export_group_csv(engine: AsyncEngine, group_id: int) -> AsyncIterator[bytes]:
    """The group as it is now, the same CSV as a backup's.

    Its seq, attribute names and rows are read in one snapshot: a write meanwhile is wholly
    in the export or not at all.
    """
    async for chunk in _export(engine, group_id, None):
        yield chunk


async def export_state_csv(
    engine: AsyncEngine, *, group_id: int, seq: int, names: Sequence[str]
) -> AsyncIterator[bytes]:
    """The group's state at `seq` (as of a moment, api/moment_downloads.py) under the header
    of `names`, the same CSV as a backup's."""
    async for chunk in _export(engine, group_id, StatePoint(seq, list(names))):
        yield chunk


def _export(engine: AsyncEngine, group_id: int, point: StatePoint | None) -> AsyncIterator[bytes]:
    """The CSV of `point` (None: the group now), per database."""
    if is_sqlite(engine):
        return _sqlite_rows(engine, group_id, point)
    return _copy_rows(engine, group_id, point)


def _header(names: Sequence[str]) -> bytes:
    return export_text([export_header(names)]).encode()


def _point_of_group(row: Any, group_id: int) -> StatePoint:
    """The group's state now from its (seq, attribute_names) row."""
    if row is None:
        raise GroupGone(f"group {group_id} is gone")
    return StatePoint(int(row[0]), orjson.loads(row[1]))


def _sqlite_attribute_reads(names: Sequence[str]) -> tuple[list[str], list[str]]:
    """SQL reading attribute i of `names` on SQLite from parameter i + 1, and the parameters.

    `->>` reads a text operand as a path label (`a.b`, `x[0]`, `0`, `$.x` go astray), so a
    name goes in a quoted path `$."name"`, as fast; a name that cannot be quoted is found by
    `json_each`, which compares decoded keys, at the cost of a walk over the object a row.
    """
    reads: list[str] = []
    parameters: list[str] = []
    for number, name in enumerate(names, start=1):
        if _UNQUOTABLE.search(name):
            reads.append(f"(SELECT value FROM json_each(attributes) WHERE key = ?{number})")
            parameters.append(name)
        else:
            reads.append(f"(attributes ->> ?{number})")
            parameters.append(f'$."{name}"')
    return reads, parameters


def _cells(names: Sequence[str], *, escape: str, attribute: Callable[[int], str]) -> str:
    """The select list: every cell neutralised like `neutralise_cell`; attribute i of
    `names` is `attribute(i)`, which reads the name from query parameter i + 1."""

    def safe(expr: str) -> str:
        return f"CASE WHEN substr({expr}, 1, 1) IN ({escape}) THEN '''' || {expr} ELSE {expr} END"

    cells = [safe("email"), safe("first_name"), safe("last_name"), safe("status")]
    cells += [safe(attribute(index)) for index in range(len(names))]
    return ", ".join(cells)


def sqlite_export_sql(group_id: int, point: StatePoint, *, history: bool) -> tuple[str, list[str]]:
    """The SQLite statement of an export's rows and its parameters (the benchmark's floor
    runs the same statement on a plain `sqlite3` connection)."""
    escape = "'=', '+', '-', '@', char(9), char(13), ''''"
    reads, parameters = _sqlite_attribute_reads(point.names)
    cells = _cells(point.names, escape=escape, attribute=reads.__getitem__)
    parts: tuple[StatePart, ...] = BOTH_PARTS if history else ("current",)
    state = state_sql(group_id, point.seq, parts=parts, ordered=True)
    return f"SELECT {cells} FROM ({state})", parameters


def copy_export_sql(group_id: int, point: StatePoint) -> str:
    """The statement a backup's export COPYs on PostgreSQL (parameters: `point.names`)."""
    return _copy_sql(group_id, point, BOTH_PARTS)


async def _sqlite_rows(
    engine: AsyncEngine, group_id: int, point: StatePoint | None
) -> AsyncIterator[bytes]:
    async with engine.connect() as conn:
        driver = await driver_connection(conn)
        # One read transaction: the group, the history check and the rows see one snapshot.
        await driver.execute("BEGIN")
        try:
            if point is None:
                point = _point_of_group(await _sqlite_group(driver, group_id), group_id)
                history = False  # the state at the group's current seq is its current rows
            else:
                history = await _has_history(driver, group_id, point.seq)
            yield _header(point.names)
            sql, parameters = sqlite_export_sql(group_id, point, history=history)
            async with driver.execute(sql, parameters) as cursor:
                while rows := await cursor.fetchmany(CHUNK_ROWS):
                    yield export_text(rows).encode()
        finally:
            await driver.execute("COMMIT")


async def _sqlite_group(driver: Any, group_id: int) -> Any:
    async with driver.execute(
        "SELECT seq, attribute_names FROM recipient_group WHERE id = ?", (group_id,)
    ) as cursor:
        return await cursor.fetchone()


async def _has_history(driver: Any, group_id: int, seq: int) -> bool:
    async with driver.execute(
        f"SELECT 1 FROM recipient_version WHERE group_id = ? AND {seen_at('?', 'history')} LIMIT 1",
        (group_id, seq, seq),
    ) as cursor:
        return await cursor.fetchone() is not None


def _copy_sql(group_id: int, point: StatePoint, parts: Sequence[StatePart]) -> str:
    escape = "'=', '+', '-', '@', E'\\t', E'\\r', ''''"
    cells = _cells(point.names, escape=escape, attribute=lambda i: f"(attributes ->> ${i + 1})")
    # The JSON is parsed once a row (OFFSET 0 keeps the subquery from being inlined).
    state = (
        "SELECT email, first_name, last_name, status, attributes::jsonb AS attributes"
        f" FROM ({state_sql(group_id, point.seq, parts=parts)}) AS state ORDER BY email"
    )
    return f"SELECT {cells} FROM ({state} OFFSET 0) AS rows"


async def _copy_rows(
    engine: AsyncEngine, group_id: int, point: StatePoint | None
) -> AsyncIterator[bytes]:
    """PostgreSQL writes the CSV itself; a bounded queue carries it out as it comes."""
    async with engine.connect() as conn:
        driver = await driver_connection(conn)
        if point is not None:  # a backup's seq: its one COPY statement is one snapshot
            yield _header(point.names)
            async for chunk in _copy_chunks(driver, _copy_sql(group_id, point, BOTH_PARTS), point):
                yield chunk
            return
        # The group now: its row and its rows in one snapshot.
        async with driver.transaction(isolation="repeatable_read", readonly=True):
            row = await driver.fetchrow(
                "SELECT seq, attribute_names FROM recipient_group WHERE id = $1", group_id
            )
            point = _point_of_group(row, group_id)
            yield _header(point.names)
            current = _copy_sql(group_id, point, ("current",))
            async for chunk in _copy_chunks(driver, current, point):
                yield chunk


async def _copy_chunks(driver: Any, sql: str, point: StatePoint) -> AsyncIterator[bytes]:
    """The bytes of one COPY, through a bounded queue."""
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=COPY_QUEUE_CHUNKS)
    copy = asyncio.create_task(_copy(driver, sql, point.names, queue))
    try:
        while (chunk := await queue.get()) is not None:
            yield chunk
        await copy
    finally:
        copy.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await copy


async def _copy(
    driver: Any, sql: str, names: Sequence[str], queue: asyncio.Queue[bytes | None]
) -> None:
    async def put(data: bytes | bytearray | memoryview) -> None:
        await queue.put(bytes(data))  # the driver hands out a buffer it reuses

    try:
        await driver.copy_from_query(sql, *names, output=put, format="csv")
    except asyncio.CancelledError:
        raise  # the reader is gone: nobody waits for the end mark
    except Exception:
        await queue.put(None)  # the reader then awaits this task and gets the error
        raise
    await queue.put(None)
