"""The write log (`group_write`): when each write gave a group its seq, for states as of a moment.

Every write that takes a seq through `lock_group` logs one row: the seq, the time, whether it
kept every version it replaced (`history_kept`: both backup switches on, continuous
protection) and the group's attribute names after it. A moment maps to the last logged write
at or before it; the state at that seq is then the one `state_sql` builds, provided that no
later write dropped the versions it needs.

Erasure takes a seq without logging it, on purpose: it removes the address from every seq's
state alike, so the state at the last logged seq before it is the state at its seq too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import as_utc, run


@dataclass(frozen=True)
class LoggedWrite:
    """The last write of a group at or before a moment, and whether its state can be rebuilt."""

    seq: int
    written_at: datetime
    attribute_names: tuple[str, ...]
    # No later write dropped a version (every write since kept its history).
    rebuildable: bool


@dataclass(frozen=True)
class Protection:
    """A live group's continuous protection: its switches and its retention period."""

    account_id: int
    name: str
    backups_active: bool
    retention_days: int
    first_write_at: datetime | None


async def log_write(
    conn: AsyncConnection,
    *,
    group_id: int,
    seq: int,
    now: datetime,
    history_kept: bool,
    attribute_names: tuple[str, ...],
) -> None:
    """Log that the write taking `seq` happened at `now` (inside its transaction)."""
    # Text: one insert on the write path, beside the seq it records.
    await run(
        conn,
        "INSERT INTO group_write (group_id, seq, written_at, history_kept, attribute_names)"
        " VALUES (:g, :s, :now, :kept, :names)",
        g=group_id,
        s=seq,
        now=now,
        kept=history_kept,
        names=orjson.dumps(list(attribute_names)).decode(),
    )


async def log_attribute_names(
    conn: AsyncConnection, *, group_id: int, seq: int, attribute_names: list[str]
) -> None:
    """Record the group's attribute names after the write that took `seq`."""
    await run(
        conn,
        "UPDATE group_write SET attribute_names = :names WHERE group_id = :g AND seq = :s",
        g=group_id,
        s=seq,
        names=orjson.dumps(attribute_names).decode(),
    )


async def write_at(conn: AsyncConnection, *, group_id: int, moment: datetime) -> LoggedWrite | None:
    """The group's last logged write at or before `moment`; None before its first one."""
    # Text: walks the (group_id, seq) key down from the newest write; a moment within the
    # retention period is at most that period's writes away.
    row = (
        await run(
            conn,
            "SELECT w.seq, w.written_at, w.attribute_names, NOT EXISTS (SELECT 1 FROM group_write"
            " AS later WHERE later.group_id = w.group_id AND later.seq > w.seq"
            " AND NOT later.history_kept) AS rebuildable FROM group_write AS w"
            " WHERE w.group_id = :g AND w.written_at <= :as_of ORDER BY w.seq DESC LIMIT 1",
            g=group_id,
            as_of=moment,
        )
    ).first()
    if row is None:
        return None
    written_at = as_utc(row.written_at)
    if written_at is None:  # the column is NOT NULL
        raise ValueError(f"group {group_id}'s write {row.seq} has no time")
    return LoggedWrite(
        seq=int(row.seq),
        written_at=written_at,
        attribute_names=tuple(orjson.loads(row.attribute_names)),
        rebuildable=bool(row.rebuildable),
    )


async def protection(conn: AsyncConnection, *, account_id: int, group_id: int) -> Protection | None:
    """The account's live group's switches, retention and first logged write; None if none."""
    # Text: the group, its account's switch and period, and its oldest logged write at once.
    row = (
        await run(
            conn,
            "SELECT g.account_id, g.name, g.backups_enabled AND a.backups_enabled AS active,"
            " a.backup_retention_days AS days, (SELECT min(w.written_at) FROM group_write AS w"
            " WHERE w.group_id = g.id) AS first_write_at FROM recipient_group AS g"
            " JOIN account AS a ON a.id = g.account_id"
            " WHERE g.id = :g AND g.account_id = :a AND g.deleted_at IS NULL",
            g=group_id,
            a=account_id,
        )
    ).first()
    if row is None:
        return None
    first = row.first_write_at
    return Protection(
        account_id=int(row.account_id),
        name=str(row.name),
        backups_active=bool(row.active),
        retention_days=int(row.days),
        first_write_at=as_utc(first) if first is not None else None,
    )
