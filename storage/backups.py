"""Backup rows: taking one is O(1), a row pointing at a group's seq."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run
from storage.store import LockedGroup

REASONS = ("IMPORT", "GROUP_DELETION", "RESTORE")


@dataclass(frozen=True)
class BackupSwitches:
    """The account's switch and retention."""

    enabled: bool
    retention_days: int


async def account_switches(conn: AsyncConnection, *, account_id: int) -> BackupSwitches:
    """The account-wide backup switch and retention period."""
    row = (
        await run(
            conn,
            "SELECT backups_enabled, backup_retention_days FROM account WHERE id = :a",
            a=account_id,
        )
    ).one()
    return BackupSwitches(bool(row.backups_enabled), int(row.backup_retention_days))


async def take_backup(
    conn: AsyncConnection, *, group: LockedGroup, reason: str, now: datetime
) -> int | None:
    """Record the group's state before this write, if both switches are on; its id."""
    switches = await account_switches(conn, account_id=group.account_id)
    if not (switches.enabled and group.backups_enabled):
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
        expires_at=now + timedelta(days=switches.retention_days),
    )
    return int(result.scalar_one())
