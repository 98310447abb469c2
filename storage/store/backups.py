"""Backup rows: taking one is O(1), a row pointing at a group's seq."""

from __future__ import annotations

from datetime import datetime, timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run
from storage.store.write_path import LockedGroup

REASONS = ("IMPORT", "GROUP_DELETION", "RESTORE")


async def take_backup(
    conn: AsyncConnection, *, group: LockedGroup, reason: str, now: datetime
) -> int | None:
    """Record the group's state before this write, if both switches are on; its id."""
    if not group.backups_active:
        return None
    result = await run(
        conn,
        "INSERT INTO backup (account_id, group_id, group_name, reason, seq, recipient_count,"
        " attribute_names, created_at, expires_at) VALUES (:a, :g, :name, :reason, :seq,"
        " :count, :names, :now, :expires_at) RETURNING id",
        a=group.account_id,
        g=group.id,
        name=group.name,
        reason=reason,
        seq=group.previous_seq,
        count=group.recipient_count,
        names=orjson.dumps(list(group.attribute_names)).decode(),
        now=now,
        expires_at=now + timedelta(days=group.retention_days),
    )
    return int(result.scalar_one())
