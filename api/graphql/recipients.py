"""Recipients of a group: their master data, status and activities; a group's pages of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import strawberry
from strawberry import relay

from api.graphql.activities import Activity
from api.graphql.context import Info
from api.graphql.loaders import load_nodes
from api.graphql.pagination import Connection, Keyset, PageArgs, paged, text_key
from storage.codec import RecipientStatus
from storage.db import read_transaction
from storage.keyset import Window
from storage.reads import RecipientRow, recipients_of_status_count, recipients_window
from storage.recipient_search import search_count, search_window

strawberry.enum(RecipientStatus, description="Where a recipient stands for sending.")


@strawberry.type(description="A custom master-data field of a recipient.")
class Attribute:
    name: str
    value: str


def attributes_of(raw: str | None) -> list[Attribute]:
    """Attributes from their stored JSON, sorted by name."""
    if not raw:
        return []
    values: dict[str, Any] = orjson.loads(raw)
    return [Attribute(name=k, value=str(values[k])) for k in sorted(values)]


@strawberry.type(description="A recipient of a group: its master data and status.")
class Recipient(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(
        description="Canonical form: trimmed, lower-case, Unicode NFC, the domain in Unicode (IDNA)."
    )
    first_name: str | None
    last_name: str | None
    status: RecipientStatus
    created_at: datetime
    updated_at: datetime
    raw_attributes: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RecipientRow) -> Recipient:
        return cls(
            id=row.id,
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            status=RecipientStatus(row.status),
            created_at=row.created_at,
            updated_at=row.updated_at,
            raw_attributes=row.attributes,
        )

    @strawberry.field(description="Custom master data, sorted by name.")
    def attributes(self) -> list[Attribute]:
        return attributes_of(self.raw_attributes)

    @strawberry.field(description="Opens and clicks, newest first: never backed up or restored.")
    async def activities(self, info: Info) -> list[Activity]:
        rows = await info.context.loaders.activities.load(self.id)
        return [Activity.from_row(row) for row in rows]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Recipient | None]:
        rows = await load_nodes(info.context.loaders.recipients, node_ids)
        return [cls.from_row(row) if row is not None else None for row in rows]


@dataclass(frozen=True)
class RecipientFilter:
    """Which recipients a page lists: a lower-case prefix, a stored status (None: any)."""

    prefix: str | None
    status: str | None


async def recipients_connection(
    info: Info, *, group_id: int, recipient_count: int, found: RecipientFilter, args: PageArgs
) -> Connection[Recipient]:
    """A page of the group's recipients that `found` selects, by email, both ways."""
    async with read_transaction(info.context.engine) as conn:

        async def read(window: Window[str]) -> list[RecipientRow]:
            if found.prefix is not None:
                return await search_window(
                    conn, group_id=group_id, prefix=found.prefix, status=found.status, window=window
                )
            return await recipients_window(
                conn, group_id=group_id, window=window, status=found.status
            )

        async def total() -> int:
            if found.prefix is not None:
                return await search_count(
                    conn, group_id=group_id, prefix=found.prefix, status=found.status
                )
            if found.status is None:
                return recipient_count
            return await recipients_of_status_count(conn, group_id=group_id, status=found.status)

        keyset = Keyset(read=read, key=lambda r: (r.email,), decode=text_key)
        return await paged(args, keyset, node=Recipient.from_row, total=total)
