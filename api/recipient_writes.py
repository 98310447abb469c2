"""Use-cases of the API's recipient writes: upsert, update, status, delete, each one transaction.

They change recipients through the one write path, as imports do: the group is locked (its
next seq), backed up first when an API backup is due (`take_api_backup`: reason API, at most
one per the account's window), and every replaced or removed row a backup can see is copied
to the history first. Each is therefore undone by restoring the backup taken before it (or
the earlier one the window kept). A write that changes no recipient is rolled back whole
(`nothing_changed`): no seq, no write-log entry, no backup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import InvalidInput, NotFound, StatusGuarded
from storage import codec
from storage.activities import ActivityKind, record_activities
from storage.db import write_transaction
from storage.reads import RecipientRow, recipients_by_id
from storage.statistics import refresh_soon
from storage.store.backups import take_api_backup
from storage.store.groups import live_group_id
from storage.store.recipient_writes import (
    RecipientValues,
    recipient_ids_in_group,
    rewrite_recipient,
)
from storage.store.recipient_writes import (
    delete_recipients as delete_rows,
)
from storage.store.write_path import (
    LockedGroup,
    StagedSource,
    WriteMode,
    WriteOutcome,
    create_stage,
    drop_stage,
    lock_group,
    stage_rows,
    write_recipients,
)

MAX_RECIPIENTS = 1_000
SUPPRESSED = frozenset({"UNSUBSCRIBED", "BOUNCED"})
# Only the other fields of an update are checked: any valid address stands for the recipient's.
_CHECKED_ADDRESS = "checked@example.com"


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: the write's counts, the rejected rows, the backup taken before."""

    outcome: WriteOutcome
    rejected: int
    row_errors: list[codec.RowError]
    backup_id: int | None


@dataclass(frozen=True)
class RecipientWrite:
    """A write of one recipient: its id and the backup taken before it (None: none was due)."""

    recipient_id: int
    backup_id: int | None


@dataclass(frozen=True)
class RecipientChange:
    """updateRecipient's fields: a name None keeps its value, "" clears it; an attribute
    whose value is None or "" is removed, the others are set, unnamed ones are kept."""

    first_name: str | None
    last_name: str | None
    attributes: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Deletion:
    """What deleteRecipients removed, and the backup taken before."""

    deleted: int
    backup_id: int | None


def check_count(count: int, field: str) -> None:
    """1 to MAX_RECIPIENTS items a call."""
    if not 1 <= count <= MAX_RECIPIENTS:
        raise InvalidInput(f"Give 1 to {MAX_RECIPIENTS:,} {field} a call.", field=[field])


def checked_records(
    records: Sequence[codec.RecipientRecord],
) -> tuple[list[codec.StagedRow], list[codec.RowError]]:
    """The staged rows of the acceptable records (row = position + 1) and the others' errors."""
    checker = codec.RecordChecker()
    rows: list[codec.StagedRow] = []
    errors: list[codec.RowError] = []
    for index, record in enumerate(records):
        try:
            outcome = checker.check(index + 1, record)
        except codec.CsvFileError as error:
            field = ["recipients", str(index), "attributes"]
            raise InvalidInput(error.message, field=field) from None
        if isinstance(outcome, list):
            errors.extend(outcome)
        else:
            rows.append(outcome)
    return rows, errors


async def upsert_recipients(
    *,
    engine: AsyncEngine,
    account_id: int,
    group_id: int,
    mode: WriteMode,
    records: Sequence[codec.RecipientRecord],
    now: datetime,
) -> UpsertResult:
    """Write the records into the group as a file import would, in one transaction.

    A record with any problem is rejected (its RowErrors returned) and the others are
    written, as in a file; all rejected, nothing is written and no backup is taken.
    """
    check_count(len(records), "recipients")
    rows, errors = checked_records(records)
    rejected = len({error.row for error in errors})
    async with write_transaction(engine) as conn:
        if await live_group_id(conn, account_id=account_id, group_id=group_id) is None:
            raise NotFound("No group with this id.", field=["groupId"])
        if not rows:
            return UpsertResult(WriteOutcome(), rejected, errors, None)
        await create_stage(conn)
        await stage_rows(conn, rows)
        group = await _locked(conn, group_id, now)
        backup_id = await take_api_backup(conn, group=group, now=now)
        outcome = await write_recipients(
            conn,
            group=group,
            source=StagedSource(),
            mode=mode,
            now=now,
            attribute_names=_attribute_names(rows),
        )
        await drop_stage(conn)
        if not outcome.added + outcome.updated + outcome.removed:
            await nothing_changed(conn)
            return UpsertResult(outcome, rejected, errors, None)
    if outcome.statistics_stale:
        refresh_soon(engine)
    return UpsertResult(outcome, rejected, errors, backup_id)


async def update_recipient(
    *,
    engine: AsyncEngine,
    account_id: int,
    recipient_id: int,
    change: RecipientChange,
    now: datetime,
) -> RecipientWrite:
    """Change a recipient's names and attributes (not its status: `set_recipient_status`)."""
    checked = _checked_change(change)
    async with write_transaction(engine) as conn:
        group, current = await _locked_recipient(conn, account_id, recipient_id, now)
        values = _changed_values(current, change, checked)
        if values == _values_of(current):
            await nothing_changed(conn)
            return RecipientWrite(recipient_id, None)
        backup_id = await take_api_backup(conn, group=group, now=now)
        await rewrite_recipient(
            conn, group=group, recipient_id=recipient_id, values=values, now=now
        )
    return RecipientWrite(recipient_id, backup_id)


async def set_recipient_status(
    *,
    engine: AsyncEngine,
    account_id: int,
    recipient_id: int,
    status: str,
    resubscribe: bool,
    now: datetime,
) -> RecipientWrite:
    """Set a recipient's status; lifting UNSUBSCRIBED or BOUNCED needs `resubscribe`.

    A resubscription is recorded as a RESUBSCRIBED activity of the recipient (detail: the
    status it left), so that who was made sendable again, and when, stays visible.
    """
    async with write_transaction(engine) as conn:
        group, current = await _locked_recipient(conn, account_id, recipient_id, now)
        if current.status == status:
            await nothing_changed(conn)
            return RecipientWrite(recipient_id, None)
        lifted = current.status in SUPPRESSED and status not in SUPPRESSED
        if lifted and not resubscribe:
            raise StatusGuarded(
                f"The recipient is {current.status}; set resubscribe: true to make it {status}.",
                field=["resubscribe"],
            )
        backup_id = await take_api_backup(conn, group=group, now=now)
        values = RecipientValues(current.first_name, current.last_name, status, current.attributes)
        await rewrite_recipient(
            conn, group=group, recipient_id=recipient_id, values=values, now=now
        )
        if lifted:
            detail = f"{current.status} -> {status}"
            kind = ActivityKind.RESUBSCRIBED.value
            await record_activities(conn, rows=[(recipient_id, kind, now, detail)])
    return RecipientWrite(recipient_id, backup_id)


async def delete_recipients(
    *,
    engine: AsyncEngine,
    account_id: int,
    group_id: int,
    recipient_ids: Sequence[int] | None,
    emails: Sequence[str] | None,
    now: datetime,
) -> Deletion:
    """Remove recipients of a group, named by id or by address (exactly one of the two).

    An id that is not a current recipient of the group is NOT_FOUND (nothing is deleted);
    an address the group lacks is left aside, so that a sync may repeat the call.
    """
    ids, addresses = _deletion_targets(recipient_ids, emails)
    async with write_transaction(engine) as conn:
        if await live_group_id(conn, account_id=account_id, group_id=group_id) is None:
            raise NotFound("No group with this id.", field=["groupId"])
        group = await _locked(conn, group_id, now)
        found = await recipient_ids_in_group(conn, group_id=group_id, ids=ids, emails=addresses)
        _check_all_found(ids, set(found))
        if not found:
            await nothing_changed(conn)
            return Deletion(0, None)
        backup_id = await take_api_backup(conn, group=group, now=now)
        deleted = await delete_rows(conn, group=group, ids=found)
    return Deletion(deleted, backup_id)


async def nothing_changed(conn: AsyncConnection) -> None:
    """End a write that changed no recipient without a trace: its transaction is rolled back,
    so the group keeps its seq (no new version, no entry in the write log) and the API backup
    it may have taken goes too. A sync that repeats the same call leaves the group as it was,
    and the next real change still gets its backup (issue 10 point 1's window)."""
    await conn.rollback()


def _deletion_targets(
    recipient_ids: Sequence[int] | None, emails: Sequence[str] | None
) -> tuple[list[int], list[str]]:
    if (recipient_ids is None) == (emails is None):
        raise InvalidInput("Give exactly one of recipientIds and emails.", field=["recipientIds"])
    if recipient_ids is not None:
        check_count(len(recipient_ids), "recipientIds")
        return list(recipient_ids), []
    assert emails is not None  # for mypy: exactly one of the two is given
    check_count(len(emails), "emails")
    addresses = [codec.normalise_email(email) for email in emails]
    for index, address in enumerate(addresses):
        if not address or len(address) > codec.MAX_EMAIL_LENGTH:
            raise InvalidInput("Give an email address.", field=["emails", str(index)])
    return [], addresses


def _check_all_found(ids: list[int], found: set[int]) -> None:
    for index, recipient_id in enumerate(ids):
        if recipient_id not in found:
            raise NotFound("No recipient with this id.", field=["recipientIds", str(index)])


async def _locked(conn: AsyncConnection, group_id: int, now: datetime) -> LockedGroup:
    group = await lock_group(conn, group_id=group_id, now=now)
    if group is None:  # deleted since it was read
        raise NotFound("No group with this id.", field=["groupId"])
    return group


async def _locked_recipient(
    conn: AsyncConnection, account_id: int, recipient_id: int, now: datetime
) -> tuple[LockedGroup, RecipientRow]:
    """Lock the recipient's group, then read the recipient as the lock leaves it."""
    gone = NotFound("No recipient with this id.", field=["recipientId"])
    found = await recipients_by_id(conn, account_id=account_id, ids=[recipient_id])
    if recipient_id not in found:
        raise gone
    group = await lock_group(conn, group_id=found[recipient_id].group_id, now=now)
    found = await recipients_by_id(conn, account_id=account_id, ids=[recipient_id])
    if group is None or recipient_id not in found:
        raise gone
    return group, found[recipient_id]


def _attribute_names(rows: list[codec.StagedRow]) -> tuple[str, ...]:
    """The attribute names the accepted rows give a value."""
    names: set[str] = set()
    for row in rows:
        if row[5] is not None:
            names.update(orjson.loads(row[5]))
    return tuple(sorted(names))


def _checked_change(change: RecipientChange) -> codec.StagedRow:
    """The change's values through the import's row checks (trimmed); INVALID_INPUT if bad."""
    record = codec.RecipientRecord(
        email=_CHECKED_ADDRESS,
        first_name=change.first_name,
        last_name=change.last_name,
        attributes=change.attributes,
    )
    try:
        outcome = codec.RecordChecker().check(1, record)
    except codec.CsvFileError as error:
        raise InvalidInput(error.message, field=["attributes"]) from None
    if isinstance(outcome, list):
        problem = outcome[0]
        field = [problem.column] if problem.column in ("firstName", "lastName") else ["attributes"]
        raise InvalidInput(f"{problem.message} ({problem.code})", field=field)
    return outcome


def _changed_values(
    current: RecipientRow, change: RecipientChange, checked: codec.StagedRow
) -> RecipientValues:
    first_name = current.first_name if change.first_name is None else checked[2]
    last_name = current.last_name if change.last_name is None else checked[3]
    attributes: dict[str, object] = orjson.loads(current.attributes) if current.attributes else {}
    for name, _ in change.attributes:
        attributes.pop(name.strip(), None)
    if checked[5] is not None:
        attributes.update(orjson.loads(checked[5]))
    stored = orjson.dumps(attributes, option=orjson.OPT_SORT_KEYS).decode() if attributes else None
    return RecipientValues(first_name, last_name, current.status, stored)


def _values_of(current: RecipientRow) -> RecipientValues:
    attributes = current.attributes
    if attributes is not None:  # compared in the form `_changed_values` writes
        loaded = orjson.loads(attributes)
        attributes = orjson.dumps(loaded, option=orjson.OPT_SORT_KEYS).decode() if loaded else None
    return RecipientValues(current.first_name, current.last_name, current.status, attributes)
