"""Group rows: creation and O(1) deletion (rows stay hidden for the backups)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run


async def create_group(conn: AsyncConnection, *, account_id: int, name: str, now: datetime) -> int:
    """Insert a new empty group and return its id."""
    result = await run(
        conn,
        "INSERT INTO recipient_group (account_id, name, created_at, backups_enabled, seq,"
        " recipient_count, attribute_names) VALUES (:a, :name, :now, true, 0, 0, '[]')"
        " RETURNING id",
        a=account_id,
        name=name,
        now=now,
    )
    return int(result.scalar_one())


async def live_group_id(conn: AsyncConnection, *, account_id: int, group_id: int) -> int | None:
    """The id if this account has this live group, else None."""
    value = await run(
        conn,
        "SELECT id FROM recipient_group WHERE id = :g AND account_id = :a AND deleted_at IS NULL",
        g=group_id,
        a=account_id,
    )
    found = value.scalar()
    return int(found) if found is not None else None


async def mark_deleted(conn: AsyncConnection, *, group_id: int, seq: int, now: datetime) -> None:
    """Hide the group from every listing; its rows stay until retention purges them."""
    await run(
        conn,
        "UPDATE recipient_group SET deleted_at = :now, deleted_seq = :seq WHERE id = :g",
        now=now,
        seq=seq,
        g=group_id,
    )
