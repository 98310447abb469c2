"""Read queries on backups: from the backup table and its indexes only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import MAX_ID, as_utc, run, scalar

BACKUP_COLUMNS = (
    "id, account_id, group_id, group_name, reason, seq, recipient_count, attribute_names,"
    " created_at, expires_at"
)
FAR_FUTURE = datetime(9999, 1, 1)


@dataclass(frozen=True)
class BackupRow:
    """A backup as stored."""

    id: int
    account_id: int
    group_id: int
    group_name: str
    reason: str
    seq: int
    recipient_count: int
    attribute_names: str
    created_at: datetime
    expires_at: datetime


def _backup(row: Any) -> BackupRow:
    values = dict(row._mapping)
    values["created_at"] = as_utc(values["created_at"])
    values["expires_at"] = as_utc(values["expires_at"])
    return BackupRow(**values)


async def backups_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, BackupRow]:
    """This account's backups among `ids`."""
    if not ids:
        return {}
    id_list = ",".join(str(int(i)) for i in ids)
    rows = await run(
        conn,
        f"SELECT {BACKUP_COLUMNS} FROM backup WHERE account_id = :a AND id IN ({id_list})",
        a=account_id,
    )
    return {r.id: _backup(r) for r in rows}


async def backup_by_id(conn: AsyncConnection, *, backup_id: int) -> BackupRow | None:
    """A backup whatever its account (the signed download URL names the account)."""
    row = (
        await run(conn, f"SELECT {BACKUP_COLUMNS} FROM backup WHERE id = :b", b=backup_id)
    ).first()
    return _backup(row) if row is not None else None


async def backups_page(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int | None,
    first: int,
    before: tuple[datetime, int] | None,
) -> tuple[list[BackupRow], int]:
    """Backups newest first (optionally of one group), after a keyset; and their total."""
    where = "account_id = :a" + (" AND group_id = :g" if group_id is not None else "")
    at, before_id = before or (FAR_FUTURE, 0)
    rows = await run(
        conn,
        f"SELECT {BACKUP_COLUMNS} FROM backup WHERE {where} AND (created_at < :as_of"
        " OR (created_at = :as_of AND id < :before_id)) ORDER BY created_at DESC, id DESC"
        " LIMIT :limit",
        a=account_id,
        g=group_id,
        as_of=at,
        before_id=before_id if before else MAX_ID,
        limit=first + 1,
    )
    total = await scalar(
        conn, f"SELECT count(*) FROM backup WHERE {where}", a=account_id, g=group_id
    )
    return [_backup(r) for r in rows], int(total)


@dataclass(frozen=True)
class GroupBackupsRow:
    """A group that has backups, with how many and the latest."""

    group_id: int
    group_name: str
    backup_count: int
    latest_backup_at: datetime


async def overview_page(
    conn: AsyncConnection, *, account_id: int, first: int, before: tuple[datetime, int] | None
) -> tuple[list[GroupBackupsRow], int]:
    """Groups with backups, the most recently backed-up first; and how many there are."""
    at, before_gid = before or (FAR_FUTURE, 0)
    rows = await run(
        conn,
        "SELECT group_id, count(*) AS n, max(created_at) AS latest FROM backup"
        " WHERE account_id = :a GROUP BY group_id HAVING max(created_at) < :as_of"
        " OR (max(created_at) = :as_of AND group_id < :before_gid)"
        " ORDER BY latest DESC, group_id DESC LIMIT :limit",
        a=account_id,
        as_of=at,
        before_gid=before_gid if before else MAX_ID,
        limit=first + 1,
    )
    found = [(r.group_id, int(r.n), as_utc(r.latest)) for r in rows]
    names = await _latest_names(conn, account_id=account_id, group_ids=[g for g, _, _ in found])
    total = await scalar(
        conn, "SELECT count(DISTINCT group_id) FROM backup WHERE account_id = :a", a=account_id
    )
    result = [
        GroupBackupsRow(g, names.get(g, ""), n, latest)
        for g, n, latest in found
        if latest is not None
    ]
    return result, int(total)


async def _latest_names(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, str]:
    """Each group's name as of its latest backup (deleted groups keep the name they had)."""
    if not group_ids:
        return {}
    id_list = ",".join(str(int(i)) for i in group_ids)
    rows = await run(
        conn,
        f"SELECT id, name FROM recipient_group WHERE account_id = :a AND id IN ({id_list})",
        a=account_id,
    )
    return {r.id: r.name for r in rows}


async def backups_of_groups(
    conn: AsyncConnection, *, account_id: int, group_ids: Sequence[int]
) -> dict[int, list[BackupRow]]:
    """All backups of these groups, newest first, in one query."""
    result: dict[int, list[BackupRow]] = {g: [] for g in group_ids}
    if not group_ids:
        return result
    id_list = ",".join(str(int(i)) for i in group_ids)
    rows = await run(
        conn,
        f"SELECT {BACKUP_COLUMNS} FROM backup WHERE account_id = :a AND group_id IN ({id_list})"
        " ORDER BY created_at DESC, id DESC",
        a=account_id,
    )
    for row in rows:
        result[row.group_id].append(_backup(row))
    return result
