"""Opens and clicks of a recipient: never backed up, exported or restored."""

from __future__ import annotations

from datetime import datetime

import strawberry

from storage.activities import ActivityKind, ActivityRow

strawberry.enum(ActivityKind, description="What a recipient did with a mailing.")


@strawberry.type(
    description="An open or a click, or a resubscription (RESUBSCRIBED, recorded by setRecipientStatus with the status it lifted as detail)."
)
class Activity:
    kind: ActivityKind
    occurred_at: datetime
    detail: str | None

    @classmethod
    def from_row(cls, row: ActivityRow) -> Activity:
        return cls(kind=ActivityKind(row.kind), occurred_at=row.occurred_at, detail=row.detail)
