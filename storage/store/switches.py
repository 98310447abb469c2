"""The backup switches: one per account, one per group; a write is backed up when both are on."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run


async def set_account_backups(conn: AsyncConnection, *, account_id: int, enabled: bool) -> None:
    """Turn the account-wide switch on or off (effective for the next write)."""
    await run(
        conn, "UPDATE account SET backups_enabled = :e WHERE id = :a", e=enabled, a=account_id
    )


async def set_group_backups(conn: AsyncConnection, *, group_id: int, enabled: bool) -> None:
    """Turn one group's switch on or off (effective for the next write)."""
    await run(
        conn,
        "UPDATE recipient_group SET backups_enabled = :e WHERE id = :g",
        e=enabled,
        g=group_id,
    )
