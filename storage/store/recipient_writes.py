"""The write path's pieces for single recipients: rewrite one by id, delete some by id or address.

An API write changes a handful of rows, so these statements name the rows by id instead of
staging them; like `merge`, each first copies to `recipient_version` the current rows it
replaces or removes up to `merge.history_horizon` (every one under continuous protection, else
those a backup still sees), and runs under the group's lock (`lock_group`) with its seq. Their cost follows
the rows named (at most 1,000 a call), never the size of the group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from storage.models import RecipientGroup
from storage.sql import run
from storage.store.merge import history_horizon
from storage.store.write_log import log_attribute_names
from storage.store.writes import VERSION_COLUMNS, LockedGroup


@dataclass(frozen=True)
class RecipientValues:
    """What a rewrite sets: the master data and status (`attributes` as stored JSON text)."""

    first_name: str | None
    last_name: str | None
    status: str
    attributes: str | None


async def rewrite_recipient(
    conn: AsyncConnection,
    *,
    group: LockedGroup,
    recipient_id: int,
    values: RecipientValues,
    now: datetime,
) -> None:
    """Give one current recipient of the locked group new values, its old version kept first.

    Attribute names it brings join the group's (the header of its exports and backups).
    """
    await _copy_to_history(conn, group=group, ids=[recipient_id])
    await _add_attribute_names(conn, group=group, attributes=values.attributes)
    await run(
        conn,
        "UPDATE recipient SET first_name = :first, last_name = :last, status = :status,"
        " attributes = :attributes, updated_at = :now, version = :n"
        " WHERE id = :id AND group_id = :g",
        first=values.first_name,
        last=values.last_name,
        status=values.status,
        attributes=values.attributes,
        now=now,
        n=group.seq,
        id=recipient_id,
        g=group.id,
    )


async def recipient_ids_in_group(
    conn: AsyncConnection, *, group_id: int, ids: Sequence[int], emails: Sequence[str]
) -> list[int]:
    """The ids of the group's current recipients among `ids` and the canonical `emails`."""
    found: set[int] = set()
    if ids:
        result = await run(
            conn,
            "SELECT id FROM recipient WHERE group_id = :g AND id IN :ids",
            g=group_id,
            ids=list(ids),
        )
        found.update(int(row.id) for row in result)
    if emails:
        result = await run(
            conn,
            "SELECT id FROM recipient WHERE group_id = :g AND email IN :emails",
            g=group_id,
            emails=list(emails),
        )
        found.update(int(row.id) for row in result)
    return sorted(found)


async def delete_recipients(
    conn: AsyncConnection, *, group: LockedGroup, ids: Sequence[int]
) -> int:
    """Remove current recipients of the locked group (history first, their activities too).

    `ids` must be the group's (`recipient_ids_in_group`); returns how many went.
    """
    ids = list(ids)
    if not ids:
        return 0
    await _copy_to_history(conn, group=group, ids=ids)
    await run(conn, "DELETE FROM activity WHERE recipient_id IN :ids", ids=ids)
    removed = (
        await run(
            conn, "DELETE FROM recipient WHERE group_id = :g AND id IN :ids", g=group.id, ids=ids
        )
    ).rowcount
    await conn.execute(
        sa.update(RecipientGroup)
        .where(col(RecipientGroup.id) == group.id)
        .values(recipient_count=col(RecipientGroup.recipient_count) - removed)
    )
    return int(removed)


async def _add_attribute_names(
    conn: AsyncConnection, *, group: LockedGroup, attributes: str | None
) -> None:
    """Add the names of `attributes` (stored JSON) to the group's, as `write_recipients` does."""
    known = set(group.attribute_names)
    added = set(orjson.loads(attributes)) - known if attributes else set()
    if not added:
        return
    names = sorted(known | added)
    await conn.execute(
        sa.update(RecipientGroup)
        .where(col(RecipientGroup.id) == group.id)
        .values(attribute_names=orjson.dumps(names).decode())
    )
    await log_attribute_names(conn, group_id=group.id, seq=group.seq, attribute_names=names)


async def _copy_to_history(
    conn: AsyncConnection, *, group: LockedGroup, ids: Sequence[int]
) -> None:
    """Copy the rows that must stay rebuildable to `recipient_version`, valid until this seq."""
    latest = await history_horizon(conn, group=group)
    if latest is None:
        return
    await run(
        conn,
        f"INSERT INTO recipient_version ({VERSION_COLUMNS}) SELECT r.id, r.group_id, r.email,"
        " r.first_name, r.last_name, r.status, r.attributes, r.created_at, r.updated_at,"
        " r.version, :n FROM recipient AS r"
        " WHERE r.group_id = :g AND r.id IN :ids AND r.version <= :latest",
        g=group.id,
        n=group.seq,
        ids=list(ids),
        latest=latest,
    )
