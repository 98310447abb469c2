"""Read queries behind the API: pages by keyset, lookups by id, always per account."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import MAX_ID, as_utc, run, scalar


@dataclass(frozen=True)
class AccountRow:
    """An account as the API shows it."""

    id: int
    name: str
    backups_enabled: bool
    backup_retention_days: int


@dataclass(frozen=True)
class GroupRow:
    """A group (live or deleted)."""

    id: int
    account_id: int
    name: str
    created_at: datetime
    recipient_count: int
    backups_enabled: bool
    deleted_at: datetime | None


@dataclass(frozen=True)
class RecipientRow:
    """A recipient's current state."""

    id: int
    group_id: int
    email: str
    first_name: str | None
    last_name: str | None
    status: str
    attributes: str | None
    created_at: datetime
    updated_at: datetime


GROUP_COLUMNS = "id, account_id, name, created_at, recipient_count, backups_enabled, deleted_at"
RECIPIENT_COLUMNS = (
    "id, group_id, email, first_name, last_name, status, attributes, created_at, updated_at"
)


def _group(row: Any) -> GroupRow:
    return GroupRow(
        id=row.id,
        account_id=row.account_id,
        name=row.name,
        created_at=_utc(row.created_at),
        recipient_count=row.recipient_count,
        backups_enabled=bool(row.backups_enabled),
        deleted_at=as_utc(row.deleted_at),
    )


def _recipient(row: Any) -> RecipientRow:
    return RecipientRow(
        id=row.id,
        group_id=row.group_id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        status=row.status,
        attributes=row.attributes,
        created_at=_utc(row.created_at),
        updated_at=_utc(row.updated_at),
    )


def _utc(value: Any) -> datetime:
    converted = as_utc(value)
    assert converted is not None
    return converted


async def account(conn: AsyncConnection, *, account_id: int) -> AccountRow:
    """The account (it exists: the token was checked)."""
    row = (
        await run(
            conn,
            "SELECT id, name, backups_enabled, backup_retention_days FROM account WHERE id = :a",
            a=account_id,
        )
    ).one()
    return AccountRow(row.id, row.name, bool(row.backups_enabled), row.backup_retention_days)


async def groups_page(
    conn: AsyncConnection, *, account_id: int, first: int, before_id: int | None
) -> tuple[list[GroupRow], int]:
    """Live groups, newest first, after the keyset `before_id`; and their total."""
    rows = await run(
        conn,
        f"SELECT {GROUP_COLUMNS} FROM recipient_group WHERE account_id = :a AND deleted_at IS NULL"
        " AND id < :before ORDER BY id DESC LIMIT :limit",
        a=account_id,
        before=before_id if before_id is not None else MAX_ID,
        limit=first + 1,
    )
    total = await scalar(
        conn,
        "SELECT count(*) FROM recipient_group WHERE account_id = :a AND deleted_at IS NULL",
        a=account_id,
    )
    return [_group(r) for r in rows], int(total)


async def groups_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int], include_deleted: bool = False
) -> dict[int, GroupRow]:
    """This account's groups among `ids` (deleted ones only when asked)."""
    if not ids:
        return {}
    live = "" if include_deleted else " AND deleted_at IS NULL"
    id_list = ",".join(str(int(i)) for i in ids)
    rows = await run(
        conn,
        f"SELECT {GROUP_COLUMNS} FROM recipient_group WHERE account_id = :a"
        f" AND id IN ({id_list}){live}",
        a=account_id,
    )
    return {r.id: _group(r) for r in rows}


async def recipients_page(
    conn: AsyncConnection, *, group_id: int, first: int, after_email: str | None
) -> list[RecipientRow]:
    """The group's recipients ordered by email, after the keyset `after_email`."""
    rows = await run(
        conn,
        f"SELECT {RECIPIENT_COLUMNS} FROM recipient WHERE group_id = :g AND email > :after"
        " ORDER BY email LIMIT :limit",
        g=group_id,
        after=after_email or "",
        limit=first + 1,
    )
    return [_recipient(r) for r in rows]


async def recipients_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, RecipientRow]:
    """This account's current recipients (of live groups) among `ids`."""
    if not ids:
        return {}
    id_list = ",".join(str(int(i)) for i in ids)
    cols = ", ".join(f"r.{c.strip()}" for c in RECIPIENT_COLUMNS.split(","))
    rows = await run(
        conn,
        f"SELECT {cols} FROM recipient AS r JOIN recipient_group AS g ON g.id = r.group_id"
        f" WHERE r.id IN ({id_list}) AND g.account_id = :a AND g.deleted_at IS NULL",
        a=account_id,
    )
    return {r.id: _recipient(r) for r in rows}


async def account_id_by_name(conn: AsyncConnection, *, name: str) -> int | None:
    """The id of the account called `name`, or None if there is none."""
    found = await scalar(conn, "SELECT id FROM account WHERE name = :n", n=name)
    return int(found) if found is not None else None


async def live_groups_named(conn: AsyncConnection, *, account_id: int, name: str) -> list[GroupRow]:
    """This account's live groups called `name`, newest first."""
    rows = await run(
        conn,
        f"SELECT {GROUP_COLUMNS} FROM recipient_group WHERE account_id = :a AND name = :n"
        " AND deleted_at IS NULL ORDER BY id DESC",
        a=account_id,
        n=name,
    )
    return [_group(r) for r in rows]
