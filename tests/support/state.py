"""The state of a group at a seq, read whole with the one point-in-time query (small groups)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run
from storage.store.state import StateRow, state_sql


async def fetch_state(conn: AsyncConnection, *, group_id: int, seq: int) -> list[StateRow]:
    """The whole state at `seq`, ordered by email."""
    result = await run(conn, state_sql(group_id, seq, ordered=True))
    return [(r.email, r.first_name, r.last_name, r.status, r.attributes) for r in result]
