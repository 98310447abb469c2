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


async def fetch_state(conn: AsyncConnection, *, group_id: int, seq: int) -> list[StateRow]:
    """The whole state at `seq`, ordered by email (for comparisons and small groups)."""
    result = await run(conn, state_select(group_id, seq) + " ORDER BY email")
    return [_state_row(row) for row in result]


async def stream_state(
    engine: AsyncEngine, *, group_id: int, seq: int, chunk_size: int = 5_000
) -> AsyncIterator[list[StateRow]]:
    """The state at `seq` ordered by email, in chunks, in constant memory."""
    async with engine.connect() as conn:
        result = await conn.stream(
            statement(state_select(group_id, seq) + " ORDER BY email"),
            execution_options={"yield_per": chunk_size},
        )
        async for partition in result.partitions(chunk_size):
            yield [_state_row(row) for row in partition]


def _state_row(row: Any) -> StateRow:
    return (row[0], row[1], row[2], row[3], row[4])

