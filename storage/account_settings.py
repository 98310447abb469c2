"""The account's settings row: retention, time zone and API backup window."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import Account, RecipientGroup


async def update_account_settings(
    conn: AsyncConnection, *, account_id: int, values: dict[str, Any]
) -> None:
    """Store the given settings (column name -> value) of the account."""
    if values:
        await conn.execute(sa.update(Account).where(col(Account.id) == account_id).values(**values))


async def lock_account_groups(conn: AsyncConnection, *, account_id: int) -> None:
    """Wait for the writes in flight to the account's groups, and hold them off (PostgreSQL).

    A write locks its group's row, then reads the retention to date its backup: once these
    locks are taken, every write that read the previous retention has committed its backup.
    """
    await conn.execute(
        select(RecipientGroup.id)
        .where(col(RecipientGroup.account_id) == account_id)
        .order_by(col(RecipientGroup.id))
        .with_for_update(key_share=True)
    )
