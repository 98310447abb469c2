"""The Query type."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.errors import NotFound
from api.global_ids import decode_id
from api.graphql.accounts import Account, viewer
from api.graphql.backups import Backup, GroupBackups, backups_connection
from api.graphql.context import Info
from api.graphql.groups import Group
from api.graphql.ids import resolve_node
from api.graphql.jobs import ImportJob, job_by_id, jobs_connection
from api.graphql.pagination import (
    Connection,
    connection,
    decode_int_cursor,
    decode_time_cursor,
    page_size,
)
from storage.db import read_transaction
from storage.jobs import JobKind, JobStatus
from storage.reads import groups_page
from storage.store.backup_reads import backups_of_groups, overview_page


@strawberry.type
class Query:
    @strawberry.field(description="Any object by its global ID; null for unknown or foreign IDs.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        return await resolve_node(info, id)

    @strawberry.field(description="The account of the token used.")
    async def viewer(self, info: Info) -> Account:
        return await viewer(info)

    @strawberry.field(description="Live groups, newest first.")
    async def groups(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Group]:
        size = page_size(first)
        before_id = decode_int_cursor(after)
        async with read_transaction(info.context.engine) as conn:
            rows, total = await groups_page(
                conn, account_id=info.context.account_id, first=size, before_id=before_id
            )
        return connection(
            rows, size=size, total=total, after=after, key=lambda r: (r.id,), node=Group.from_row
        )

    @strawberry.field(description="Backups newest first, of one group (deleted ones too) or all.")
    async def backups(
        self,
        info: Info,
        group_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Backup]:
        gid = None
        if group_id is not None:
            try:
                gid = decode_id(group_id, "Group", field=["groupId"])
            except NotFound:
                gid = -1
        return await backups_connection(info, group_id=gid, first=first, after=after)

    @strawberry.field(
        description="The backups page: groups that have backups (deleted ones included), the most recently backed-up first, each with its backups by day."
    )
    async def backup_overview(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[GroupBackups]:
        size = page_size(first)
        account_id = info.context.account_id
        async with read_transaction(info.context.engine) as conn:
            rows, total = await overview_page(
                conn, account_id=account_id, first=size, before=decode_time_cursor(after)
            )
            backups = await backups_of_groups(
                conn, account_id=account_id, group_ids=[r.group_id for r in rows[:size]]
            )
        return connection(
            rows,
            size=size,
            total=total,
            after=after,
            key=lambda r: (r.latest_backup_at.isoformat(), r.group_id),
            node=lambda r: GroupBackups.from_row(r, backups.get(r.group_id, [])),
        )

    @strawberry.field(
        description="Imports and restores newest first, of one group (deleted ones too) or all, of one kind and status or all."
    )
    async def jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        group_id: strawberry.ID | None = None,
        kind: JobKind | None = None,
        status: JobStatus | None = None,
    ) -> Connection[ImportJob]:
        gid = None
        if group_id is not None:
            # Like `backups(groupId:)`: an unknown or foreign group has no jobs.
            try:
                gid = decode_id(group_id, "Group", field=["groupId"])
            except NotFound:
                gid = -1
        return await jobs_connection(
            info, group_id=gid, kind=kind, status=status, first=first, after=after
        )

    @strawberry.field(description="A job by id; null for unknown or foreign IDs.")
    async def import_job(self, info: Info, id: strawberry.ID) -> ImportJob | None:
        try:
            job_id = decode_id(id, "ImportJob", field=["id"])
        except NotFound:
            return None
        return await job_by_id(info, job_id)
