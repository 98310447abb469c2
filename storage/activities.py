"""Activities (opens, clicks): their own table, never versioned, exported or restored."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import as_utc, run, statement

KINDS = ("OPEN", "CLICK")


@dataclass(frozen=True)
class ActivityRow:
    """One open or click of a recipient."""

    recipient_id: int
    kind: str
    occurred_at: datetime
    detail: str | None


async def activities_of(
    conn: AsyncConnection, *, recipient_ids: Sequence[int], limit_each: int = 100
) -> dict[int, list[ActivityRow]]:
    """The newest activities of each recipient, in one query."""
    result: dict[int, list[ActivityRow]] = {i: [] for i in recipient_ids}
    if not recipient_ids:
        return result
    id_list = ",".join(str(int(i)) for i in recipient_ids)
    rows = await run(
        conn,
        "SELECT recipient_id, kind, occurred_at, detail FROM activity"
        f" WHERE recipient_id IN ({id_list}) ORDER BY recipient_id, occurred_at DESC, id DESC",
    )
    for row in rows:
        bucket = result[row.recipient_id]
        if len(bucket) < limit_each:
            occurred = as_utc(row.occurred_at)
            assert occurred is not None
            bucket.append(ActivityRow(row.recipient_id, row.kind, occurred, row.detail))
    return result


async def record_activities(
    conn: AsyncConnection, *, rows: Sequence[tuple[int, str, datetime, str | None]]
) -> int:
    """Insert (recipient_id, kind, occurred_at, detail) rows; how many."""
    if not rows:
        return 0
    await conn.execute(
        statement(
            "INSERT INTO activity (recipient_id, kind, occurred_at, detail)"
            " VALUES (:r, :kind, :occurred_at, :detail)"
        ),
        [{"r": r, "kind": k, "occurred_at": at, "detail": d} for r, k, at, d in rows],
    )
    return len(rows)
