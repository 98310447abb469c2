"""Staged files: uploads kept, inspected once, to be imported (maybe more than once) until they expire.

A staged file is one of its account's until `expires_at`; an expired one is read as gone, then
deleted by the retention sweep with its upload. Its upload belongs to it alone: an import from
it works on its own link to the same bytes (api/imports.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import RecipientGroup, StagedFile
from storage.sql import possible_ids


async def create_staged_file(conn: AsyncConnection, **fields: Any) -> int:
    """Store a staged file; `fields` are its column values. Its id."""
    result = await conn.execute(
        sa.insert(StagedFile).values(**fields).returning(col(StagedFile.id))
    )
    return result.scalar_one()


async def staged_files_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Iterable[int], now: datetime
) -> dict[int, StagedFile]:
    """The account's staged files among `ids` that have not expired at `now`."""
    wanted = possible_ids(ids)
    if not wanted:
        return {}
    query = select(StagedFile).where(
        col(StagedFile.id).in_(wanted),
        col(StagedFile.account_id) == account_id,
        col(StagedFile.expires_at) > now,
    )
    rows = (await conn.execute(query)).all()
    return {row.id: StagedFile.model_construct(**row._mapping) for row in rows}


async def staged_file_by_id(
    conn: AsyncConnection, *, account_id: int, staged_file_id: int, now: datetime
) -> StagedFile | None:
    """The account's staged file of this id, unless it has expired at `now`."""
    found = await staged_files_by_id(conn, account_id=account_id, ids=[staged_file_id], now=now)
    return found.get(staged_file_id)


async def expired_staged_files(
    conn: AsyncConnection, *, as_of: datetime, limit: int = 1000
) -> list[tuple[int, str]]:
    """(id, upload key) of staged files expired at `as_of`, oldest expiry first."""
    query = (
        select(col(StagedFile.id), col(StagedFile.upload_key))
        .where(col(StagedFile.expires_at) <= as_of)
        .order_by(col(StagedFile.expires_at))
        .limit(limit)
    )
    return [(row[0], row[1]) for row in (await conn.execute(query)).all()]


async def delete_staged_files(conn: AsyncConnection, *, ids: list[int]) -> None:
    """Delete these staged files' rows (their uploads are the caller's to delete after)."""
    if ids:
        await conn.execute(sa.delete(StagedFile).where(col(StagedFile.id).in_(ids)))


async def staged_upload_keys(conn: AsyncConnection, keys: Iterable[str]) -> set[str]:
    """The keys among `keys` that a staged file (expired or not, until deleted) owns."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        query = select(col(StagedFile.upload_key)).where(
            col(StagedFile.upload_key).in_(wanted[start : start + 500])
        )
        found.update((await conn.execute(query)).scalars())
    return found


async def account_attribute_names(conn: AsyncConnection, *, account_id: int) -> list[str]:
    """Every attribute name the account's live groups have, sorted."""
    query = select(col(RecipientGroup.attribute_names)).where(
        col(RecipientGroup.account_id) == account_id, col(RecipientGroup.deleted_at).is_(None)
    )
    names: set[str] = set()
    for text in (await conn.execute(query)).scalars():
        names.update(orjson.loads(text or "[]"))
    return sorted(names)
