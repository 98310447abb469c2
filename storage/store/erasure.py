"""Erasure: an address removed from an account's groups and from every backup of them.

The one deliberate exception to "history is kept": the recipient's current rows, its
history versions (what backups read) and its activities all go, and the backups that
contained it count one recipient less, so that every backup stays exact. The files of
rejected rows that hold the address are deleted in the same transaction's wake
(`api.rejects.forget_rejects_holding`, called by `api.erasure`: files are the API's side), and
so are the materialised exports of the backups that held it (`Erasure.backup_ids`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import RecipientGroup
from storage.sql import run
from storage.store.state import seen_at


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed."""

    recipients: int
    versions: int
    backups_touched: int
    # The backups that held the address: their materialised exports are stale.
    backup_ids: tuple[int, ...] = ()


async def erase_address(conn: AsyncConnection, *, account_id: int, email: str) -> Erasure:
    """Erase `email` (canonical, see storage.addresses) from every group of the account."""
    # The account's group rows stay locked until commit (FOR UPDATE; SQLite's compiler leaves
    # it out, its BEGIN IMMEDIATE already serialises writers).
    locked = await conn.execute(
        select(RecipientGroup.id)
        .where(col(RecipientGroup.account_id) == account_id)
        .order_by(col(RecipientGroup.id))
        .with_for_update()
    )
    groups = [int(group_id) for group_id in locked.scalars()]
    if not groups:
        return Erasure(0, 0, 0)
    # Text from here: set-based deletes and one correlated count over every backup.
    in_groups = "group_id IN :groups"
    current_seen = (
        "FROM recipient AS r WHERE r.group_id = backup.group_id"
        f" AND r.email = :e AND {seen_at('backup.seq', 'current', 'r')}"
    )
    history_seen = (
        "FROM recipient_version AS v WHERE v.group_id = backup.group_id"
        f" AND v.email = :e AND {seen_at('backup.seq', 'history', 'v')}"
    )
    # A backup may hold the address twice: twins (`rené` in NFC and NFD) that became one
    # address in migration 0003 stay two rows in the backups taken before it.
    touched = await run(
        conn,
        "UPDATE backup SET recipient_count = recipient_count"
        f" - (SELECT count(*) {current_seen}) - (SELECT count(*) {history_seen})"
        f" WHERE {in_groups} AND (EXISTS (SELECT 1 {current_seen})"
        f" OR EXISTS (SELECT 1 {history_seen})) RETURNING id",
        e=email,
        groups=groups,
    )
    touched_ids = tuple(sorted(int(row.id) for row in touched))
    current = f"SELECT id FROM recipient WHERE {in_groups} AND email = :e"
    await run(
        conn, f"DELETE FROM activity WHERE recipient_id IN ({current})", e=email, groups=groups
    )
    await run(
        conn,
        "UPDATE recipient_group SET recipient_count = recipient_count - 1, seq = seq + 1"
        f" WHERE id IN (SELECT group_id FROM recipient WHERE {in_groups} AND email = :e)",
        e=email,
        groups=groups,
    )
    recipients = await run(
        conn, f"DELETE FROM recipient WHERE {in_groups} AND email = :e", e=email, groups=groups
    )
    versions = await run(
        conn,
        f"DELETE FROM recipient_version WHERE {in_groups} AND email = :e",
        e=email,
        groups=groups,
    )
    return Erasure(recipients.rowcount, versions.rowcount, len(touched_ids), touched_ids)
