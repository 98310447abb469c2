"""Retention of continuous protection: the versions and write-log rows the period no longer needs.

A moment of the retention period maps to a seq at or after K, the group's last logged write
at or before the period's start (or its first logged write when all are younger). The
states at those seqs need exactly the history rows with `valid_to > K`; older history rows
are needed only while a backup sees them, and log rows before K never again. K only grows,
and a write only ever adds history rows with `valid_to` = its own (new) seq, so a purge
below K cannot race with a write; each step locks the group's row all the same (see
`storage.store.retention`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run, scalar
from storage.store.state import seen_at

# Group :g's K as of :cutoff (the start of its retention period). No log at all (a group
# untouched since migration 0008): no seq to keep, the backups alone decide.
KEPT_FROM = (
    "COALESCE((SELECT max(w.seq) FROM group_write AS w WHERE w.group_id = :g"
    " AND w.written_at <= :cutoff), (SELECT min(w.seq) FROM group_write AS w"
    " WHERE w.group_id = :g), 9223372036854775807)"
)


def unkept(survivors: str = "") -> str:
    """Predicate on `recipient_version AS v` of group :g: before K and seen by no (surviving)
    backup."""
    return (
        f"v.group_id = :g AND v.valid_to <= {KEPT_FROM} AND NOT EXISTS (SELECT 1 FROM backup"
        f" AS b WHERE b.group_id = :g AND {seen_at('b.seq', 'history', 'v')}{survivors})"
    )


async def period_start(conn: AsyncConnection, *, group_id: int, as_of: datetime) -> datetime:
    """The start of the group's retention period as of `as_of` (its account's setting)."""
    days = await scalar(
        conn,
        "SELECT a.backup_retention_days FROM recipient_group AS g JOIN account AS a"
        " ON a.id = g.account_id WHERE g.id = :g",
        g=group_id,
    )
    return as_of - timedelta(days=int(days or 0))


async def groups_with_old_writes(conn: AsyncConnection, *, as_of: datetime) -> list[int]:
    """Groups whose write log holds more than one write before their period's start."""
    # One cut-off per retention period in use (a handful): no date arithmetic in SQL.
    periods = await run(conn, "SELECT DISTINCT backup_retention_days AS days FROM account")
    found: set[int] = set()
    for days in sorted(int(row.days) for row in periods):
        rows = await run(
            conn,
            "SELECT w.group_id FROM group_write AS w JOIN recipient_group AS g"
            " ON g.id = w.group_id JOIN account AS a ON a.id = g.account_id"
            " WHERE a.backup_retention_days = :days AND w.written_at <= :cutoff"
            " GROUP BY w.group_id HAVING count(*) > 1",
            days=days,
            cutoff=as_of - timedelta(days=days),
        )
        found.update(int(row.group_id) for row in rows)
    return sorted(found)


async def trim_group_history(conn: AsyncConnection, *, group_id: int, as_of: datetime) -> int:
    """Delete the group's history rows and log rows before K; the history rows deleted."""
    cutoff = await period_start(conn, group_id=group_id, as_of=as_of)
    # Text: set-based purges against the log and the group's backups.
    history = await run(
        conn,
        f"DELETE FROM recipient_version AS v WHERE {unkept()}",
        g=group_id,
        cutoff=cutoff,
    )
    await run(
        conn,
        f"DELETE FROM group_write WHERE group_id = :g AND seq < {KEPT_FROM}",
        g=group_id,
        cutoff=cutoff,
    )
    return history.rowcount


async def count_history_trim(
    conn: AsyncConnection, *, group_id: int, as_of: datetime, survivors: str = ""
) -> int:
    """How many history rows of the group a sweep as of `as_of` would delete."""
    params: dict[str, object] = {
        "g": group_id,
        "cutoff": await period_start(conn, group_id=group_id, as_of=as_of),
    }
    if survivors:
        params["as_of"] = as_of
    sql = f"SELECT count(*) FROM recipient_version AS v WHERE {unkept(survivors)}"
    return int(await scalar(conn, sql, **params))
