"""Use-cases of the API's group writes: create an empty group, rename one.

Names follow the import's `groupName` rule: trimmed, 1 to 200 characters, and not unique
(an import into a new group of a name in use makes a second group of that name too); a
group is known by its id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import InvalidInput, NotFound
from api.jobs import GROUP_NAME_MAX
from storage.db import write_transaction
from storage.store.groups import create_group as insert_group
from storage.store.groups import live_group_id
from storage.store.groups import rename_group as store_name
from storage.store.write_path import lock_group


def checked_name(name: str) -> str:
    """The name trimmed; INVALID_INPUT when it is empty or too long."""
    clean = name.strip()
    if not clean or len(clean) > GROUP_NAME_MAX:
        raise InvalidInput(f"A group name has 1 to {GROUP_NAME_MAX} characters.", field=["name"])
    return clean


async def create_group(*, engine: AsyncEngine, account_id: int, name: str, now: datetime) -> int:
    """A new empty group of this name (backups on); its id."""
    clean = checked_name(name)
    async with write_transaction(engine) as conn:
        return await insert_group(conn, account_id=account_id, name=clean, now=now)


async def rename_group(
    *, engine: AsyncEngine, account_id: int, group_id: int, name: str, now: datetime
) -> None:
    """Give a live group a new name; its backups keep the name they were taken under.

    The group is locked as a write locks it (its next seq), so a rename is ordered with the
    writes of its recipients; it changes no recipient, so it takes no backup.
    """
    clean = checked_name(name)
    async with write_transaction(engine) as conn:
        if await live_group_id(conn, account_id=account_id, group_id=group_id) is None:
            raise NotFound("No group with this id.", field=["groupId"])
        group = await lock_group(conn, group_id=group_id, now=now)
        if group is None:
            raise NotFound("No group with this id.", field=["groupId"])
        if group.name == clean:  # the same name: no new seq, nothing logged
            await conn.rollback()
            return
        await store_name(conn, group_id=group_id, name=clean)
