"""Recipient writes for integrations and screens: upsert, update, status, delete.

Each field is a `strawberry.mutation` that `mutations.py` places on the Mutation type; the
resolvers are thin (check ids, call a use-case of `api/recipient_writes.py`, map the result).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.arguments import InputContext
from strawberry.types.base import get_object_definition

from api import recipient_writes as writes
from api.errors import InvalidInput, UserFacingError
from api.global_ids import decode_id
from api.graphql.backups import Backup, backup_by_id
from api.graphql.context import Info
from api.graphql.groups import Group
from api.graphql.jobs import ImportMode, RowError
from api.graphql.payloads import UserError
from api.graphql.recipients import Recipient
from storage import codec
from storage.codec import RecipientStatus
from storage.db import read_transaction
from storage.reads import groups_by_id, recipients_by_id


@strawberry.input(
    description="A recipient as an import row: the same checks, and an empty or null field keeps the stored value."
)
class RecipientInput:
    email: str
    first_name: str | None = None
    last_name: str | None = None
    status: RecipientStatus | None = None
    attributes: JSON | None = strawberry.field(
        default=None,
        description='Custom master data as an object of names to strings, e.g. {"city": "Paris"}; a null or empty value is no value.',
    )


def _recipient_input(value: Mapping[str, Any]) -> RecipientInput:
    """A RecipientInput built straight from the value graphql-core has already coerced."""
    attributes = value.get("attributes")
    status = value.get("status")
    return RecipientInput(
        email=value["email"],
        first_name=value.get("firstName"),
        last_name=value.get("lastName"),
        status=None if status is None else RecipientStatus(status),
        attributes=attributes,
    )


@strawberry.input
class UpsertRecipientsInput:
    group_id: strawberry.ID
    mode: ImportMode = strawberry.field(
        default=ImportMode.REFRESH_AND_ADD, description="As an import's."
    )
    recipients: list[RecipientInput] = strawberry.field(
        description="1 to 1,000 a call; the last of one address wins."
    )


@strawberry.type(
    description="What upsertRecipients did. Rejected recipients (rowErrors) were left out, the others written."
)
class UpsertRecipientsPayload:
    group: Group | None = None
    backup: Backup | None = strawberry.field(
        default=None,
        description="The group as it was before this call, if an API backup was due (reason API).",
    )
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = strawberry.field(
        default=0, description="Existing addresses in ADD, new ones in REFRESH."
    )
    status_kept: int = strawberry.field(
        default=0,
        description="Recipients left UNSUBSCRIBED or BOUNCED though the input lifted it (setRecipientStatus resubscribes).",
    )
    rejected: int = 0
    row_errors: list[RowError] = strawberry.field(
        default_factory=list, description="row: the recipient's position in the list, from 1."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description="A null or absent field keeps its value; an empty name clears it; an attribute with a null or empty value is removed, the others set, unnamed ones kept."
)
class UpdateRecipientInput:
    recipient_id: strawberry.ID
    first_name: str | None = None
    last_name: str | None = None
    attributes: JSON | None = strawberry.field(
        default=None,
        description="An object of names to strings: each given one is set, or removed when null or empty; the others are kept.",
    )


@strawberry.type
class RecipientWritePayload:
    recipient: Recipient | None = None
    backup: Backup | None = strawberry.field(
        default=None,
        description="The group as it was before this call, if an API backup was due (reason API).",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description="Unsubscribing or bouncing is always allowed; lifting UNSUBSCRIBED or BOUNCED needs resubscribe: true (else STATUS_GUARDED) and is recorded as a RESUBSCRIBED activity."
)
class SetRecipientStatusInput:
    recipient_id: strawberry.ID
    status: RecipientStatus
    resubscribe: bool = False


@strawberry.input(description="Exactly one of recipientIds and emails, 1 to 1,000.")
class DeleteRecipientsInput:
    group_id: strawberry.ID
    recipient_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Each a current recipient of the group, else NOT_FOUND."
    )
    emails: list[str] | None = strawberry.field(
        default=None, description="Any spelling; addresses the group lacks are left aside."
    )


@strawberry.type
class DeleteRecipientsPayload:
    deleted: int = 0
    group: Group | None = None
    backup: Backup | None = strawberry.field(
        default=None,
        description="The group as it was before this call, if an API backup was due (reason API).",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _upsert_from_input(
    cls: type[UpsertRecipientsInput], value: Mapping[str, Any], context: InputContext
) -> UpsertRecipientsInput:
    """The input built straight from the value graphql-core has already coerced and checked."""
    return cls(
        group_id=value["groupId"],
        mode=ImportMode(value["mode"]),
        recipients=[_recipient_input(item) for item in value["recipients"]],
    )


# strawberry's generic conversion walks every field of every item of the list: 100 ms for
# 1,000 recipients (bench/bench_writes.py). Its documented hook builds the input directly.
# (Attributes are a JSON object, not a list of name/value inputs, for the same reason:
# graphql-core coerces and depth-checks every input object of a variable, 5x the cost.)
get_object_definition(UpsertRecipientsInput, strict=True).from_input = _upsert_from_input


def _record(index: int, item: RecipientInput) -> codec.RecipientRecord:
    return codec.RecipientRecord(
        email=item.email,
        first_name=item.first_name,
        last_name=item.last_name,
        status=item.status.value if item.status is not None else None,
        attributes=_pairs(item.attributes, ["recipients", str(index), "attributes"]),
    )


def _pairs(attributes: object, field: list[str]) -> tuple[tuple[str, str | None], ...]:
    """The (name, value) pairs of a JSON attributes object: strings or null only."""
    if attributes is None:
        return ()
    if not isinstance(attributes, dict) or not all(
        value is None or isinstance(value, str) for value in attributes.values()
    ):
        message = "attributes is an object whose values are strings or null."
        raise InvalidInput(message, field=field)
    return tuple(attributes.items())


async def _group(info: Info, group_id: int) -> Group | None:
    async with read_transaction(info.context.engine) as conn:
        rows = await groups_by_id(conn, account_id=info.context.account_id, ids=[group_id])
    row = rows.get(group_id)
    return Group.from_row(row) if row is not None else None


async def _recipient(info: Info, recipient_id: int) -> Recipient | None:
    # Read directly, not through the request's loader: an earlier field may have cached it.
    async with read_transaction(info.context.engine) as conn:
        rows = await recipients_by_id(conn, account_id=info.context.account_id, ids=[recipient_id])
    row = rows.get(recipient_id)
    return Recipient.from_row(row) if row is not None else None


async def _upsert_recipients(info: Info, input: UpsertRecipientsInput) -> UpsertRecipientsPayload:
    services = info.context.services
    try:
        group_id = decode_id(input.group_id, "Group", field=["groupId"])
        result = await writes.upsert_recipients(
            engine=services.engine,
            account_id=info.context.account_id,
            group_id=group_id,
            mode=input.mode.value,
            records=[_record(index, item) for index, item in enumerate(input.recipients)],
            now=services.clock.now(),
        )
    except UserFacingError as error:
        return UpsertRecipientsPayload(user_errors=[UserError.from_error(error)])
    outcome = result.outcome
    return UpsertRecipientsPayload(
        group=await _group(info, group_id),
        backup=await backup_by_id(info, result.backup_id),
        added=outcome.added,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        skipped=outcome.skipped,
        status_kept=outcome.status_kept,
        rejected=result.rejected,
        row_errors=[
            RowError(row=e.row, column=e.column, message=e.message, code=e.code)
            for e in result.row_errors
        ],
    )


async def _update_recipient(info: Info, input: UpdateRecipientInput) -> RecipientWritePayload:
    services = info.context.services
    try:
        recipient_id = decode_id(input.recipient_id, "Recipient", field=["recipientId"])
        change = writes.RecipientChange(
            first_name=input.first_name,
            last_name=input.last_name,
            attributes=_pairs(input.attributes, ["attributes"]),
        )
        done = await writes.update_recipient(
            engine=services.engine,
            account_id=info.context.account_id,
            recipient_id=recipient_id,
            change=change,
            now=services.clock.now(),
        )
    except UserFacingError as error:
        return RecipientWritePayload(user_errors=[UserError.from_error(error)])
    return await _written(info, done)


async def _set_recipient_status(
    info: Info, input: SetRecipientStatusInput
) -> RecipientWritePayload:
    services = info.context.services
    try:
        recipient_id = decode_id(input.recipient_id, "Recipient", field=["recipientId"])
        done = await writes.set_recipient_status(
            engine=services.engine,
            account_id=info.context.account_id,
            recipient_id=recipient_id,
            status=input.status.value,
            resubscribe=input.resubscribe,
            now=services.clock.now(),
        )
    except UserFacingError as error:
        return RecipientWritePayload(user_errors=[UserError.from_error(error)])
    return await _written(info, done)


async def _written(info: Info, done: writes.RecipientWrite) -> RecipientWritePayload:
    return RecipientWritePayload(
        recipient=await _recipient(info, done.recipient_id),
        backup=await backup_by_id(info, done.backup_id),
    )


async def _delete_recipients(info: Info, input: DeleteRecipientsInput) -> DeleteRecipientsPayload:
    services = info.context.services
    try:
        group_id = decode_id(input.group_id, "Group", field=["groupId"])
        ids = None
        if input.recipient_ids is not None:
            ids = [
                decode_id(value, "Recipient", field=["recipientIds", str(index)])
                for index, value in enumerate(input.recipient_ids)
            ]
        deletion = await writes.delete_recipients(
            engine=services.engine,
            account_id=info.context.account_id,
            group_id=group_id,
            recipient_ids=ids,
            emails=input.emails,
            now=services.clock.now(),
        )
    except UserFacingError as error:
        return DeleteRecipientsPayload(user_errors=[UserError.from_error(error)])
    return DeleteRecipientsPayload(
        deleted=deletion.deleted,
        group=await _group(info, group_id),
        backup=await backup_by_id(info, deletion.backup_id),
    )


upsert_recipients = strawberry.mutation(
    resolver=_upsert_recipients,
    description="Write 1 to 1,000 recipients into a group at once, as an import of those rows would (modes, status guard, row errors), synchronously; backed up first when an API backup is due (a call that changes nothing takes no backup and no version).",
)
update_recipient = strawberry.mutation(
    resolver=_update_recipient,
    description="Change a recipient's names and attributes; backed up first when an API backup is due (a call that changes nothing takes no backup and no version).",
)
set_recipient_status = strawberry.mutation(
    resolver=_set_recipient_status,
    description="Set a recipient's status (unsubscribe, bounce; resubscribe explicitly); backed up first when an API backup is due (a call that changes nothing takes no backup and no version).",
)
delete_recipients = strawberry.mutation(
    resolver=_delete_recipients,
    description="Remove recipients of a group by id or address; backed up first when an API backup is due (a call that changes nothing takes no backup and no version).",
)
