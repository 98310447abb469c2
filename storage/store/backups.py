"""Backup rows: taking one is O(1), a row pointing at a group's seq."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from storage.models import Backup
from storage.store.write_path import LockedGroup


class BackupReason(enum.StrEnum):
    """Why a backup was made: the `reason` column's values."""

    IMPORT = "IMPORT"
    GROUP_DELETION = "GROUP_DELETION"
    RESTORE = "RESTORE"


async def take_backup(
    conn: AsyncConnection, *, group: LockedGroup, reason: BackupReason, now: datetime
) -> int | None:
    """Record the group's state before this write, if both switches are on; its id."""
    if not group.backups_active:
        return None
    result = await conn.execute(
        sa.insert(Backup)
        .values(
            account_id=group.account_id,
            group_id=group.id,
            group_name=group.name,
            reason=reason,
            seq=group.previous_seq,
            recipient_count=group.recipient_count,
            attribute_names=orjson.dumps(list(group.attribute_names)).decode(),
            created_at=now,
            expires_at=now + timedelta(days=group.retention_days),
        )
        .returning(col(Backup.id))
    )
    return int(result.scalar_one())
