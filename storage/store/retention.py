"""Retention SQL: expired backups, the history no backup needs, deleted groups nobody needs.

A history row `[valid_from, valid_to)` of a group is needed while some backup of
that group has `valid_from <= seq < valid_to`, or while a moment of the retention period
needs it (continuous protection, `storage.store.history_retention`). Backups are only ever
taken at a group's current seq, so a new backup never needs an existing history row: once a
row is unneeded it stays unneeded, and purging it cannot race with a write.

Every step is set-based and safe to run twice or on two instances at once:
deleting a row that is already gone is a no-op and counts come from rowcounts.
On PostgreSQL each step first locks the group row, which serialises it with the
group's writes and with the same step of another instance (SQLite's
`BEGIN IMMEDIATE` already does). Expired backups that a queued or running restore
reads are kept until the job has finished.

Dry runs use the counting functions (`count_*`, `groups_purgeable_after`), for
which a backup counts as gone when it has expired and no active restore reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.account_changes import compact_account_changes
from storage.models import Backup, GroupWrite, Job, RecipientGroup
from storage.sql import row_lock, run, scalar
from storage.store.history_retention import count_history_trim, trim_group_history

ACTIVE_JOB = "job.status IN ('QUEUED', 'RUNNING', 'CANCELLING')"
IN_USE = f"EXISTS (SELECT 1 FROM job WHERE job.source_backup_id = b.id AND {ACTIVE_JOB})"
# Backups that stay after a sweep as of :as_of (only for dry runs: a real run asks the table).
SURVIVES = f" AND (b.expires_at > :as_of OR {IN_USE})"


@dataclass(frozen=True)
class ExpiredBackup:
    """A backup whose expiry has passed; `in_use` when an active restore reads it."""

    id: int
    group_id: int
    in_use: bool


@dataclass(frozen=True)
class GroupPurge:
    """Rows one purge step of a deleted group removed (or would remove)."""

    recipients: int
    history: int
    activities: int
    finished: bool


async def expired_backups(conn: AsyncConnection, *, as_of: datetime) -> list[ExpiredBackup]:
    """Every backup expired at `as_of`, oldest first (through the expiry index)."""
    # Text: the in-use test is a correlated EXISTS shared with the deletes below.
    rows = await run(
        conn,
        f"SELECT b.id, b.group_id, {IN_USE} AS in_use FROM backup AS b"
        " WHERE b.expires_at <= :as_of ORDER BY b.expires_at, b.id",
        as_of=as_of,
    )
    return [ExpiredBackup(int(r.id), int(r.group_id), bool(r.in_use)) for r in rows]


async def lock_group_row(conn: AsyncConnection, *, group_id: int) -> bool:
    """Lock the group's row until the transaction ends (PostgreSQL); whether it exists."""
    # NO KEY UPDATE: waits for the group's writers and other sweeps, not for foreign-key checks.
    found = await conn.scalar(
        select(RecipientGroup.id)
        .where(col(RecipientGroup.id) == group_id)
        .with_for_update(key_share=True)
    )
    return found is not None


async def delete_expired_backups(
    conn: AsyncConnection, *, group_id: int, ids: list[int], as_of: datetime
) -> list[int]:
    """Delete those of `ids` (backups of the group) still expired and unused; the ids deleted."""
    if not ids:
        return []
    # Text: a set-based purge guarded by the in-use test.
    rows = await run(
        conn,
        "DELETE FROM backup AS b WHERE b.group_id = :g AND b.id IN :ids"
        f" AND b.expires_at <= :as_of AND NOT {IN_USE} RETURNING id",
        g=group_id,
        ids=list(ids),
        as_of=as_of,
    )
    deleted = sorted(int(r.id) for r in rows)
    if deleted:
        # The sweep's write to the account: its change rows folded into one (same version).
        account_id = await scalar(
            conn, "SELECT account_id FROM recipient_group WHERE id = :g", g=group_id
        )
        if account_id is not None:
            await compact_account_changes(conn, account_id=int(account_id))
    return deleted


async def purge_history(conn: AsyncConnection, *, group_id: int, as_of: datetime) -> int:
    """Delete the group's history rows that no remaining backup sees and that no moment of
    its retention period needs (`storage.store.history_retention`); how many."""
    return await trim_group_history(conn, group_id=group_id, as_of=as_of)


async def count_history_purge(conn: AsyncConnection, *, group_id: int, as_of: datetime) -> int:
    """How many history rows `purge_history` would delete after a sweep as of `as_of`."""
    return await count_history_trim(conn, group_id=group_id, as_of=as_of, survivors=SURVIVES)


def _purgeable(survivors: str) -> str:
    """Predicate on `recipient_group AS g`: deleted, no (surviving) backup, no active job."""
    return (
        "g.deleted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM backup AS b WHERE"
        f" b.group_id = g.id{survivors}) AND NOT EXISTS (SELECT 1 FROM job WHERE"
        f" job.group_id = g.id AND {ACTIVE_JOB})"
    )


async def purgeable_groups(conn: AsyncConnection) -> list[int]:
    """Deleted groups that no backup and no active job references."""
    # Text, as the purge's own lock below: one predicate over backups and jobs.
    rows = await run(
        conn, f"SELECT g.id FROM recipient_group AS g WHERE {_purgeable('')} ORDER BY g.id"
    )
    return [int(r.id) for r in rows]


async def groups_purgeable_after(conn: AsyncConnection, *, as_of: datetime) -> list[int]:
    """The deleted groups `purgeable_groups` would list once a sweep as of `as_of` has run."""
    # Text: the same predicate with the dry run's survivors.
    rows = await run(
        conn,
        f"SELECT g.id FROM recipient_group AS g WHERE {_purgeable(SURVIVES)} ORDER BY g.id",
        as_of=as_of,
    )
    return [int(r.id) for r in rows]


async def purge_group_step(
    conn: AsyncConnection, *, group_id: int, limit: int
) -> GroupPurge | None:
    """Delete a batch of a purgeable group's rows (about `limit`); the group itself at the end."""
    # Text: the purgeable predicate, locking the row it finds.
    locked = await scalar(
        conn,
        "SELECT g.id FROM recipient_group AS g"
        f" WHERE g.id = :g AND {_purgeable('')}{row_lock(conn)}",
        g=group_id,
    )
    if locked is None:
        return None
    recipients, activities = await _delete_recipient_batch(conn, group_id=group_id, limit=limit)
    history = await _delete_history_batch(conn, group_id=group_id, limit=limit)
    finished = recipients < limit and history < limit
    if finished:
        await _delete_group_row(conn, group_id=group_id)
    return GroupPurge(recipients, history, activities, finished)


async def _delete_recipient_batch(
    conn: AsyncConnection, *, group_id: int, limit: int
) -> tuple[int, int]:
    """The first `limit` recipients by email, with their activities; (recipients, activities)."""
    # A key range on the unique (group_id, email) index: an `id IN (... LIMIT n)` batch made
    # PostgreSQL hash-join a scan of the whole recipient table.
    last = await scalar(
        conn,
        "SELECT max(email) FROM (SELECT email FROM recipient WHERE group_id = :g"
        " ORDER BY email LIMIT :n) AS batch",
        g=group_id,
        n=limit,
    )
    if last is None:
        return 0, 0
    batch = "SELECT id FROM recipient WHERE group_id = :g AND email <= :last"
    activities = await run(
        conn, f"DELETE FROM activity WHERE recipient_id IN ({batch})", g=group_id, last=last
    )
    recipients = await run(
        conn, "DELETE FROM recipient WHERE group_id = :g AND email <= :last", g=group_id, last=last
    )
    return recipients.rowcount, activities.rowcount


async def _delete_history_batch(conn: AsyncConnection, *, group_id: int, limit: int) -> int:
    """The oldest history rows by `valid_to`: `limit`, plus the rest of the last write's rows."""
    # Text: a key-range batch purge on the (group_id, valid_to) index.
    last = await scalar(
        conn,
        "SELECT max(valid_to) FROM (SELECT valid_to FROM recipient_version WHERE group_id = :g"
        " ORDER BY valid_to LIMIT :n) AS batch",
        g=group_id,
        n=limit,
    )
    if last is None:
        return 0
    result = await run(
        conn,
        "DELETE FROM recipient_version WHERE group_id = :g AND valid_to <= :last",
        g=group_id,
        last=last,
    )
    return result.rowcount


async def _delete_group_row(conn: AsyncConnection, *, group_id: int) -> None:
    # Finished jobs stay in the account's history; they lose the group they pointed at
    # (the foreign key forbids a dangling id, and `ImportJob.group` is null then anyway).
    await conn.execute(sa.update(Job).where(col(Job.group_id) == group_id).values(group_id=None))
    await conn.execute(sa.delete(GroupWrite).where(col(GroupWrite.group_id) == group_id))
    await conn.execute(sa.delete(RecipientGroup).where(col(RecipientGroup.id) == group_id))


async def count_group_purge(conn: AsyncConnection, *, group_id: int) -> GroupPurge:
    """What purging the group would remove now, all steps together."""
    # Text: three counts in one round trip.
    row = (
        await run(
            conn,
            "SELECT (SELECT count(*) FROM recipient WHERE group_id = :g) AS recipients,"
            " (SELECT count(*) FROM recipient_version WHERE group_id = :g) AS history,"
            " (SELECT count(*) FROM activity WHERE recipient_id IN"
            " (SELECT id FROM recipient WHERE group_id = :g)) AS activities",
            g=group_id,
        )
    ).one()
    return GroupPurge(int(row.recipients), int(row.history), int(row.activities), True)


async def reset_account_expiries(conn: AsyncConnection, *, account_id: int, days: int) -> int:
    """Set every backup of the account to expire `days` after its creation; how many changed.

    A retention setting applies to the backups already taken: shortened, the next sweep
    removes what is now past it; lengthened, the backups not yet swept are kept longer.
    """
    rows = (
        await conn.execute(
            select(Backup.id, Backup.created_at, Backup.expires_at).where(
                col(Backup.account_id) == account_id
            )
        )
    ).all()
    period = timedelta(days=days)
    changes = [
        {"backup_id": r.id, "new_expiry": r.created_at + period}
        for r in rows
        if r.expires_at != r.created_at + period
    ]
    if changes:
        await conn.execute(
            sa.update(Backup)
            .where(col(Backup.id) == sa.bindparam("backup_id"))
            .values(expires_at=sa.bindparam("new_expiry")),
            changes,
        )
    return len(changes)


async def count_account_expired(conn: AsyncConnection, *, account_id: int, as_of: datetime) -> int:
    """How many of the account's backups a sweep as of `as_of` would delete."""
    # Text: the in-use test is the sweep's own.
    value = await scalar(
        conn,
        "SELECT count(*) FROM backup AS b WHERE b.account_id = :a AND b.expires_at <= :as_of"
        f" AND NOT {IN_USE}",
        a=account_id,
        as_of=as_of,
    )
    return int(value)
