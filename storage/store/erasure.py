"""Erasure: an address removed from an account's groups and from every backup of them.

The one deliberate exception to "history is kept": the recipient's current rows, its
history versions (what backups read) and its activities all go, and the backups that
contained it count one recipient less, so that every backup stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import is_sqlite
from storage.sql import run


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed."""

    recipients: int
    versions: int
    backups_touched: int


async def erase_address(conn: AsyncConnection, *, account_id: int, email: str) -> Erasure:
    """Erase `email` (canonical, see storage.addresses) from every group of the account."""
    lock = "" if is_sqlite(conn) else " FOR UPDATE"
    groups = [
        int(row.id)
        for row in await run(
            conn,
            f"SELECT id FROM recipient_group WHERE account_id = :a ORDER BY id{lock}",
            a=account_id,
        )
    ]
    if not groups:
        return Erasure(0, 0, 0)
    in_groups = f"group_id IN ({','.join(str(g) for g in groups)})"
    current_seen = (
        "FROM recipient AS r WHERE r.group_id = backup.group_id"
        " AND r.email = :e AND r.version <= backup.seq"
    )
    history_seen = (
        "FROM recipient_version AS v WHERE v.group_id = backup.group_id"
        " AND v.email = :e AND v.valid_from <= backup.seq AND v.valid_to > backup.seq"
    )
    # A backup may hold the address twice: twins (`rené` in NFC and NFD) that became one
    # address in migration 0003 stay two rows in the backups taken before it.
    touched = await run(
        conn,
        "UPDATE backup SET recipient_count = recipient_count"
        f" - (SELECT count(*) {current_seen}) - (SELECT count(*) {history_seen})"
        f" WHERE {in_groups} AND (EXISTS (SELECT 1 {current_seen})"
        f" OR EXISTS (SELECT 1 {history_seen}))",
        e=email,
    )
    current = f"SELECT id FROM recipient WHERE {in_groups} AND email = :e"
    await run(conn, f"DELETE FROM activity WHERE recipient_id IN ({current})", e=email)
    await run(
        conn,
        "UPDATE recipient_group SET recipient_count = recipient_count - 1, seq = seq + 1"
        f" WHERE id IN (SELECT group_id FROM recipient WHERE {in_groups} AND email = :e)",
        e=email,
    )
    recipients = await run(conn, f"DELETE FROM recipient WHERE {in_groups} AND email = :e", e=email)
    versions = await run(
        conn, f"DELETE FROM recipient_version WHERE {in_groups} AND email = :e", e=email
    )
    return Erasure(recipients.rowcount, versions.rowcount, touched.rowcount)
