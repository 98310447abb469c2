"""Activities (opens, clicks): their own table, never versioned, exported or restored."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import Activity
from storage.sql import fetch_models


class ActivityKind(enum.StrEnum):
    """What a recipient did with a mailing: the `kind` column's values."""

    OPEN = "OPEN"
    CLICK = "CLICK"
    # Recorded by setRecipientStatus when it lifts UNSUBSCRIBED or BOUNCED, never reported.
    RESUBSCRIBED = "RESUBSCRIBED"


ActivityRow: TypeAlias = Activity

# Built once (see storage.sql.fetch_models): the GraphQL loader of activities runs it.
_OF_RECIPIENTS = (
    select(Activity)
    .where(col(Activity.recipient_id).in_(sa.bindparam("ids", expanding=True)))
    .order_by(col(Activity.recipient_id), col(Activity.occurred_at).desc(), col(Activity.id).desc())
)


async def activities_of(
    conn: AsyncConnection, *, recipient_ids: Sequence[int], limit_each: int = 100
) -> dict[int, list[Activity]]:
    """The newest activities of each recipient, in one query."""
    result: dict[int, list[Activity]] = {i: [] for i in recipient_ids}
    if not recipient_ids:
        return result
    for activity in await fetch_models(conn, _OF_RECIPIENTS, {"ids": list(recipient_ids)}):
        bucket = result[activity.recipient_id]
        if len(bucket) < limit_each:
            bucket.append(activity)
    return result


async def record_activities(
    conn: AsyncConnection, *, rows: Sequence[tuple[int, str, datetime, str | None]]
) -> int:
    """Insert (recipient_id, kind, occurred_at, detail) rows; how many."""
    if not rows:
        return 0
    await conn.execute(
        sa.insert(Activity),
        [{"recipient_id": r, "kind": k, "occurred_at": at, "detail": d} for r, k, at, d in rows],
    )
    return len(rows)
