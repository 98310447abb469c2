"""The per-request loader of recipients' activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from strawberry.dataloader import DataLoader

from api.graphql.context import Info
from storage.activities import activities_of
from storage.db import read_transaction

if TYPE_CHECKING:
    from api.graphql.types import Activity


def activity_loader(info: Info) -> DataLoader[int, list[Activity]]:
    """Activities by recipient id, one query per request."""
    from api.graphql.types import Activity, ActivityKind

    async def load(ids: list[int]) -> list[list[Activity]]:
        async with read_transaction(info.context.engine) as conn:
            found = await activities_of(conn, recipient_ids=ids)
        return [
            [
                Activity(kind=ActivityKind(a.kind), occurred_at=a.occurred_at, detail=a.detail)
                for a in found[i]
            ]
            for i in ids
        ]

    return info.context.loader("activities", load)
