"""Group rows: creation, renaming and O(1) deletion (rows stay hidden for the backups)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.db import is_sqlite
from storage.models import RecipientGroup
from storage.sql import possible_ids

# Built once (see storage.sql.fetch_models): every write to a group starts with these.
_LIVE_GROUP_ID = select(RecipientGroup.id).where(
    col(RecipientGroup.id) == sa.bindparam("group_id"),
    col(RecipientGroup.account_id) == sa.bindparam("account_id"),
    col(RecipientGroup.deleted_at).is_(None),
)
_HOLD = (
    select(RecipientGroup.id)
    .where(col(RecipientGroup.id) == sa.bindparam("group_id"))
    .with_for_update(read=True)  # FOR SHARE
)


async def create_group(conn: AsyncConnection, *, account_id: int, name: str, now: datetime) -> int:
    """Insert a new empty group and return its id."""
    result = await conn.execute(
        sa.insert(RecipientGroup)
        .values(
            account_id=account_id,
            name=name,
            created_at=now,
            backups_enabled=True,
            seq=0,
            recipient_count=0,
            attribute_names="[]",
        )
        .returning(col(RecipientGroup.id))
    )
    return int(result.scalar_one())


async def rename_group(conn: AsyncConnection, *, group_id: int, name: str) -> None:
    """Give the group a new name (its backups keep the name it had when they were taken)."""
    await conn.execute(
        sa.update(RecipientGroup).where(col(RecipientGroup.id) == group_id).values(name=name)
    )


async def live_group_id(conn: AsyncConnection, *, account_id: int, group_id: int) -> int | None:
    """The id if this account has this live group, else None."""
    if not possible_ids([group_id]):
        return None
    found = await conn.scalar(_LIVE_GROUP_ID, {"group_id": group_id, "account_id": account_id})
    return int(found) if found is not None else None


async def mark_deleted(conn: AsyncConnection, *, group_id: int, seq: int, now: datetime) -> None:
    """Hide the group from every listing; its rows stay until retention purges them."""
    await conn.execute(
        sa.update(RecipientGroup)
        .where(col(RecipientGroup.id) == group_id)
        .values(deleted_at=now, deleted_seq=seq)
    )


async def hold_against_retention(conn: AsyncConnection, *, group_id: int) -> None:
    """Keep a retention sweep from deleting the group's backups until this transaction ends."""
    # A sweep locks the group's row before it deletes backups: with this share lock held, a
    # backup checked here stays until the job row that protects it is committed. SQLite runs
    # one write transaction at a time already.
    if not is_sqlite(conn):
        await conn.execute(_HOLD, {"group_id": group_id})
