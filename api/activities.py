"""Use-case: the sending system reports opens and clicks in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import InvalidInput, NotFound
from storage.activities import ActivityKind
from storage.activities import record_activities as insert_activities
from storage.db import write_transaction
from storage.reads import recipients_by_id

MAX_BATCH = 1_000
DETAIL_MAX = 2_000


@dataclass(frozen=True)
class ActivityReport:
    """One reported activity."""

    recipient_id: int
    kind: ActivityKind
    occurred_at: datetime
    detail: str | None


async def record_activities(
    *, engine: AsyncEngine, account_id: int, reports: Sequence[ActivityReport]
) -> int:
    """Store all the reports or none: every recipient must be one of the account's."""
    if len(reports) > MAX_BATCH:
        raise InvalidInput(f"At most {MAX_BATCH} activities a call.", field=["activities"])
    for index, report in enumerate(reports):
        if report.kind is ActivityKind.RESUBSCRIBED:
            raise InvalidInput(
                "RESUBSCRIBED is recorded by setRecipientStatus, not reported.",
                field=["activities", str(index), "kind"],
            )
        if report.detail is not None and len(report.detail) > DETAIL_MAX:
            raise InvalidInput(
                f"detail has at most {DETAIL_MAX} characters.",
                field=["activities", str(index), "detail"],
            )
    async with write_transaction(engine) as conn:
        known = await recipients_by_id(
            conn, account_id=account_id, ids=sorted({r.recipient_id for r in reports})
        )
        for index, report in enumerate(reports):
            if report.recipient_id not in known:
                raise NotFound(
                    "No recipient with this id.", field=["activities", str(index), "recipientId"]
                )
        return await insert_activities(
            conn, rows=[(r.recipient_id, r.kind.value, r.occurred_at, r.detail) for r in reports]
        )
