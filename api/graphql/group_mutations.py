"""Group writes for screens: create an empty group, rename one (`mutations.py` places them)."""

from __future__ import annotations

import strawberry

from api import group_writes
from api.errors import UserFacingError
from api.global_ids import decode_id
from api.graphql.context import Info
from api.graphql.groups import Group
from api.graphql.payloads import UserError
from storage.db import read_transaction
from storage.reads import groups_by_id


@strawberry.input(
    description="1 to 200 characters once trimmed; names need not be unique (as an import's groupName)."
)
class CreateGroupInput:
    name: str


@strawberry.input(description="The new name: 1 to 200 characters once trimmed.")
class RenameGroupInput:
    group_id: strawberry.ID
    name: str


@strawberry.type
class GroupWritePayload:
    group: Group | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def _group(info: Info, group_id: int) -> Group | None:
    async with read_transaction(info.context.engine) as conn:
        rows = await groups_by_id(conn, account_id=info.context.account_id, ids=[group_id])
    row = rows.get(group_id)
    return Group.from_row(row) if row is not None else None


async def _create_group(info: Info, input: CreateGroupInput) -> GroupWritePayload:
    services = info.context.services
    try:
        group_id = await group_writes.create_group(
            engine=services.engine,
            account_id=info.context.account_id,
            name=input.name,
            now=services.clock.now(),
        )
    except UserFacingError as error:
        return GroupWritePayload(user_errors=[UserError.from_error(error)])
    return GroupWritePayload(group=await _group(info, group_id))


async def _rename_group(info: Info, input: RenameGroupInput) -> GroupWritePayload:
    services = info.context.services
    try:
        group_id = decode_id(input.group_id, "Group", field=["groupId"])
        await group_writes.rename_group(
            engine=services.engine,
            account_id=info.context.account_id,
            group_id=group_id,
            name=input.name,
            now=services.clock.now(),
        )
    except UserFacingError as error:
        return GroupWritePayload(user_errors=[UserError.from_error(error)])
    return GroupWritePayload(group=await _group(info, group_id))


create_group = strawberry.mutation(
    resolver=_create_group, description="Create an empty group (backups on)."
)
rename_group = strawberry.mutation(
    resolver=_rename_group,
    description="Rename a group; its backups keep the name they were taken under.",
)
