"""Read queries behind the API: pages by keyset, lookups by id, always per account.

The rows are the table models themselves (`Account`, `RecipientGroup`, `Recipient`); the
`*Row` names say "a stored row" where the API has a GraphQL type of the same name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import Account, Recipient, RecipientGroup
from storage.sql import MAX_BIG_ID, MAX_ID, fetch_model, fetch_models, possible_ids

AccountRow: TypeAlias = Account
GroupRow: TypeAlias = RecipientGroup
RecipientRow: TypeAlias = Recipient

LIVE = col(RecipientGroup.deleted_at).is_(None)


async def account(conn: AsyncConnection, *, account_id: int) -> Account:
    """The account (it exists: the token was checked)."""
    found = await fetch_model(conn, select(Account).where(col(Account.id) == account_id))
    if found is None:
        raise LookupError(f"no account {account_id}")
    return found


async def groups_page(
    conn: AsyncConnection, *, account_id: int, first: int, before_id: int | None
) -> tuple[list[RecipientGroup], int]:
    """Live groups, newest first, after the keyset `before_id`; and their total."""
    mine = (col(RecipientGroup.account_id) == account_id, LIVE)
    before = before_id if before_id is not None else MAX_ID
    page = (
        select(RecipientGroup)
        .where(*mine, col(RecipientGroup.id) < before)
        .order_by(col(RecipientGroup.id).desc())
        .limit(first + 1)
    )
    total = await conn.scalar(select(sa.func.count()).select_from(RecipientGroup).where(*mine))
    return await fetch_models(conn, page), int(total or 0)


async def groups_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int], include_deleted: bool = False
) -> dict[int, RecipientGroup]:
    """This account's groups among `ids` (deleted ones only when asked)."""
    wanted = possible_ids(ids)
    if not wanted:
        return {}
    query = select(RecipientGroup).where(
        col(RecipientGroup.account_id) == account_id, col(RecipientGroup.id).in_(wanted)
    )
    if not include_deleted:
        query = query.where(LIVE)
    return {g.id: g for g in await fetch_models(conn, query)}


async def recipients_page(
    conn: AsyncConnection, *, group_id: int, first: int, after_email: str | None
) -> list[Recipient]:
    """The group's recipients ordered by email, after the keyset `after_email`."""
    query = (
        select(Recipient)
        .where(col(Recipient.group_id) == group_id, col(Recipient.email) > (after_email or ""))
        .order_by(col(Recipient.email))
        .limit(first + 1)
    )
    return await fetch_models(conn, query)


async def recipients_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, Recipient]:
    """This account's current recipients (of live groups) among `ids`."""
    wanted = possible_ids(ids, largest=MAX_BIG_ID)
    if not wanted:
        return {}
    query = (
        select(Recipient)
        .join(RecipientGroup, col(RecipientGroup.id) == col(Recipient.group_id))
        .where(col(Recipient.id).in_(wanted), col(RecipientGroup.account_id) == account_id, LIVE)
    )
    return {r.id: r for r in await fetch_models(conn, query)}


async def account_id_by_name(conn: AsyncConnection, *, name: str) -> int | None:
    """The id of the account called `name`, or None if there is none."""
    found = await conn.scalar(select(Account.id).where(col(Account.name) == name))
    return int(found) if found is not None else None


async def live_groups_named(
    conn: AsyncConnection, *, account_id: int, name: str
) -> list[RecipientGroup]:
    """This account's live groups called `name`, newest first."""
    query = (
        select(RecipientGroup)
        .where(col(RecipientGroup.account_id) == account_id, col(RecipientGroup.name) == name, LIVE)
        .order_by(col(RecipientGroup.id).desc())
    )
    return await fetch_models(conn, query)
