"""Groups (recipient lists): their switches, recipients and backups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

# The module, not its names: backups.py imports this module too (a backup's group), and
# names are looked up when a resolver runs, once both modules are loaded.
from api.graphql import backups as group_backups
from api.graphql import jobs as group_jobs
from api.graphql.context import Info
from api.graphql.loaders import load_nodes
from api.graphql.pagination import (
    Connection,
    PageArgs,
    connection,
    decode_text_cursor,
    page_size,
)
from api.graphql.recipients import Recipient
from storage.db import read_transaction
from storage.jobs import JobKind, JobStatus
from storage.reads import GroupRow, recipients_page

if TYPE_CHECKING:
    from api.graphql.backups import Backup
    from api.graphql.jobs import ImportJob


@strawberry.type(description="A recipient list.")
class Group(relay.Node):
    id: relay.NodeID[int]
    name: str
    created_at: datetime
    recipient_count: int
    backups_enabled: bool = strawberry.field(description="This group's own backup switch.")

    @classmethod
    def from_row(cls, row: GroupRow) -> Group:
        return cls(
            id=row.id,
            name=row.name,
            created_at=row.created_at,
            recipient_count=row.recipient_count,
            backups_enabled=row.backups_enabled,
        )

    @strawberry.field(
        description="Whether imports, deletions and restores of this group make backups: the account switch AND the group switch."
    )
    async def backups_active(self, info: Info) -> bool:
        if not self.backups_enabled:
            return False
        owner = await info.context.loaders.account.load(info.context.account_id)
        return owner.backups_enabled

    @strawberry.field(description="The group's recipients, ordered by email.")
    async def recipients(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Recipient]:
        size = page_size(first)
        after_email = decode_text_cursor(after)
        async with read_transaction(info.context.engine) as conn:
            rows = await recipients_page(
                conn, group_id=self.id, first=size, after_email=after_email
            )
        return connection(
            rows,
            size=size,
            total=self.recipient_count,
            after=after,
            key=lambda r: (r.email,),
            node=Recipient.from_row,
        )

    @strawberry.field(description="This group's backups, newest first.")
    async def backups(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[Backup, strawberry.lazy("api.graphql.backups")]]:
        return await group_backups.backups_connection(
            info, group_id=self.id, args=PageArgs(first, after, last, before)
        )

    @strawberry.field(description="This group's imports and restores, newest first.")
    async def jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: JobKind | None = None,
        status: JobStatus | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[ImportJob, strawberry.lazy("api.graphql.jobs")]]:
        return await group_jobs.jobs_connection(
            info,
            group_id=self.id,
            kind=kind,
            status=status,
            args=PageArgs(first, after, last, before),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Group | None]:
        rows = await load_nodes(info.context.loaders.groups, node_ids)
        return [cls.from_row(row) if row is not None else None for row in rows]


async def live_group(info: Info, group_id: int | None) -> Group | None:
    """The account's live group of this id, batched; None once it is deleted."""
    if group_id is None:
        return None
    row = await info.context.loaders.groups.load(group_id)
    return Group.from_row(row) if row is not None else None
