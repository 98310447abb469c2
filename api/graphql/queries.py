"""The Query type."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.errors import NotFound
from api.global_ids import decode_id
from api.graphql.accounts import Account, viewer
from api.graphql.backup_overview import GroupBackups, backup_overview
from api.graphql.backups import Backup, backups_connection
from api.graphql.context import Info
from api.graphql.groups import Group
from api.graphql.ids import resolve_node
from api.graphql.jobs import ImportJob, job_by_id, jobs_connection
from api.graphql.pagination import Connection, Keyset, PageArgs, int_key, paged
from storage.db import read_transaction
from storage.jobs import JobKind, JobStatus
from storage.keyset import Window
from storage.reads import GroupRow, live_group_count, live_groups_window


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
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Group]:
        return await _live_groups(info, PageArgs(first, after, last, before))

    @strawberry.field(description="Backups newest first, of one group (deleted ones too) or all.")
    async def backups(
        self,
        info: Info,
        group_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Backup]:
        gid = None
        if group_id is not None:
            try:
                gid = decode_id(group_id, "Group", field=["groupId"])
            except NotFound:
                gid = -1
        args = PageArgs(first, after, last, before)
        return await backups_connection(info, group_id=gid, args=args)

    @strawberry.field(
        description="The backups page: groups that have backups (deleted ones included), the most recently backed-up first, each with its backups by day. The days are calendar days of `timeZone` (an IANA name such as Europe/Paris), the account's timeZone unless given; an unknown zone is an INVALID_INPUT error."
    )
    async def backup_overview(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        time_zone: str | None = None,
    ) -> Connection[GroupBackups]:
        return await backup_overview(info, PageArgs(first, after, last, before), time_zone)

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
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ImportJob]:
        gid = None
        if group_id is not None:
            # Like `backups(groupId:)`: an unknown or foreign group has no jobs.
            try:
                gid = decode_id(group_id, "Group", field=["groupId"])
            except NotFound:
                gid = -1
        args = PageArgs(first, after, last, before)
        return await jobs_connection(info, group_id=gid, kind=kind, status=status, args=args)

    @strawberry.field(description="A job by id; null for unknown or foreign IDs.")
    async def import_job(self, info: Info, id: strawberry.ID) -> ImportJob | None:
        try:
            job_id = decode_id(id, "ImportJob", field=["id"])
        except NotFound:
            return None
        return await job_by_id(info, job_id)


async def _live_groups(info: Info, args: PageArgs) -> Connection[Group]:
    account_id = info.context.account_id
    async with read_transaction(info.context.engine) as conn:

        async def read(window: Window[int]) -> list[GroupRow]:
            return await live_groups_window(conn, account_id=account_id, window=window)

        async def total() -> int:
            return await live_group_count(conn, account_id=account_id)

        keyset = Keyset(read=read, key=lambda r: (r.id,), decode=int_key)
        return await paged(args, keyset, node=Group.from_row, total=total)
