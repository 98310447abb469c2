"""Point-in-time reads: the state of a group at a backup's seq.

The one query behind exports, comparisons and restores: the current rows
written at or before the seq, plus the history rows current at it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.sql import run, statement

STATE_COLUMNS = "email, first_name, last_name, status, attributes"

StateRow = tuple[str, str | None, str | None, str, str | None]


def state_select(group_id: int, seq: int, *, columns: str = STATE_COLUMNS) -> str:
    """SQL for the rows of `group_id` as they were at `seq` (both are trusted ints)."""
    group_id, seq = int(group_id), int(seq)
    return (
        f"SELECT {columns} FROM recipient WHERE group_id = {group_id} AND version <= {seq}"
        f" UNION ALL SELECT {columns} FROM recipient_version WHERE group_id = {group_id}"
        f" AND valid_to > {seq} AND valid_from <= {seq}"
    )


def state_parts(group_id: int, seq: int) -> tuple[str, str]:
    """The state's two parts, each ordered by email: current rows (walking the
    (group_id, email) index, no sort) and history rows (few)."""
    group_id, seq = int(group_id), int(seq)
    return (
        f"SELECT {STATE_COLUMNS} FROM recipient WHERE group_id = {group_id}"
        f" AND version <= {seq} ORDER BY group_id, email",
        f"SELECT {STATE_COLUMNS} FROM recipient_version WHERE group_id = {group_id}"
        f" AND valid_to > {seq} AND valid_from <= {seq} ORDER BY email",
    )


async def fetch_state(conn: AsyncConnection, *, group_id: int, seq: int) -> list[StateRow]:
    """The whole state at `seq`, ordered by email (for comparisons and small groups)."""
    result = await run(conn, state_select(group_id, seq) + " ORDER BY email")
    return [_state_row(row) for row in result]


async def stream_state(
    engine: AsyncEngine, *, group_id: int, seq: int, chunk_size: int = 5_000
) -> AsyncIterator[list[StateRow]]:
    """The state at `seq` ordered by email, in chunks, in constant memory.

    The current rows come in email order straight from the (group_id, email) index and
    the history rows (few) are merged in: no sort of the whole group in the database.
    """
    current, history = state_parts(group_id, seq)
    # One connection and transaction: both cursors read the same snapshot.
    async with engine.connect() as conn, conn.begin():
        past = _Cursor(_partitions(conn, history, chunk_size))
        await past.fill()
        if past.row is None:
            async for chunk in _partitions(conn, current, chunk_size):
                yield chunk
            return
        merged = _merge_by_email(_Cursor(_partitions(conn, current, chunk_size)), past)
        async for chunk in _rechunk(merged, chunk_size):
            yield chunk


async def _partitions(conn: AsyncConnection, sql: str, size: int) -> AsyncIterator[list[StateRow]]:
    result = await conn.stream(statement(sql), execution_options={"yield_per": size})
    async for partition in result.partitions(size):
        yield [_state_row(row) for row in partition]


async def _merge_by_email(a: _Cursor, b: _Cursor) -> AsyncIterator[StateRow]:
    """Merge two streams of rows sorted by email (an email is in one of them only)."""
    await a.fill()
    while a.row is not None or b.row is not None:
        take = a if b.row is None or (a.row is not None and a.row[0] <= b.row[0]) else b
        assert take.row is not None
        yield take.row
        await take.advance()


class _Cursor:
    """The head of a chunked async stream."""

    def __init__(self, chunks: AsyncIterator[list[StateRow]]) -> None:
        self.chunks = chunks
        self.buffer: list[StateRow] = []
        self.index = 0
        self.row: StateRow | None = None

    async def fill(self) -> None:
        self.index = 0
        self.buffer = await anext(self.chunks, [])
        self.row = self.buffer[0] if self.buffer else None

    async def advance(self) -> None:
        self.index += 1
        if self.index < len(self.buffer):
            self.row = self.buffer[self.index]
        else:
            await self.fill()


async def _rechunk(rows: AsyncIterator[StateRow], size: int) -> AsyncIterator[list[StateRow]]:
    chunk: list[StateRow] = []
    async for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _state_row(row: Any) -> StateRow:
    return (row[0], row[1], row[2], row[3], row[4])
