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
from sqlmodel.sql.expression import SelectOfScalar

from storage.keyset import Window
from storage.models import Account, Recipient, RecipientGroup
from storage.sql import MAX_BIG_ID, MAX_ID, fetch_model, fetch_models, possible_ids

AccountRow: TypeAlias = Account
GroupRow: TypeAlias = RecipientGroup
RecipientRow: TypeAlias = Recipient

LIVE = col(RecipientGroup.deleted_at).is_(None)
_ACCOUNT_ID: sa.BindParameter[int] = sa.bindparam("account_id")
_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)

# Built once (see storage.sql.fetch_models): these run per request or per loader batch.
_ACCOUNT = select(Account).where(col(Account.id) == _ACCOUNT_ID).limit(1)
_MY_GROUPS = (col(RecipientGroup.account_id) == _ACCOUNT_ID, LIVE)
_GROUPS_PAGE = (
    select(RecipientGroup)
    .where(*_MY_GROUPS, col(RecipientGroup.id) < sa.bindparam("before_id"))
    .order_by(col(RecipientGroup.id).desc())
    .limit(sa.bindparam("limit"))
)
_GROUPS_COUNT = select(sa.func.count()).select_from(RecipientGroup).where(*_MY_GROUPS)
_group_id = col(RecipientGroup.id)
_GROUPS_WINDOW = select(RecipientGroup).where(
    *_MY_GROUPS, _group_id < sa.bindparam("older_than"), _group_id > sa.bindparam("newer_than")
)
_GROUPS_WINDOWS = {  # newest first; backward: oldest first (storage.keyset.Window)
    False: _GROUPS_WINDOW.order_by(_group_id.desc()).limit(sa.bindparam("limit")),
    True: _GROUPS_WINDOW.order_by(_group_id.asc()).limit(sa.bindparam("limit")),
}
_ANY_GROUPS_BY_ID = select(RecipientGroup).where(
    col(RecipientGroup.account_id) == _ACCOUNT_ID, col(RecipientGroup.id).in_(_IDS)
)
_LIVE_GROUPS_BY_ID = _ANY_GROUPS_BY_ID.where(LIVE)
_email = col(Recipient.email)


def recipients_window_query(
    *, bounded: bool, backward: bool, of_status: bool
) -> SelectOfScalar[Recipient]:
    """A group's recipients by email between `:after` and (when `bounded`) `:before`."""
    query = select(Recipient).where(
        col(Recipient.group_id) == sa.bindparam("group_id"), _email > sa.bindparam("after")
    )
    if bounded:
        query = query.where(_email < sa.bindparam("before"))
    if of_status:
        query = query.where(col(Recipient.status) == sa.bindparam("status"))
    order = _email.desc() if backward else _email.asc()
    return query.order_by(order).limit(sa.bindparam("limit", type_=sa.Integer))


# (bounded by `before`, backward, of one status): each shape of window read (storage.keyset)
_RECIPIENTS_WINDOWS = {
    (bounded, backward, of_status): recipients_window_query(
        bounded=bounded, backward=backward, of_status=of_status
    )
    for bounded in (False, True)
    for backward in (False, True)
    for of_status in (False, True)
}
_RECIPIENTS_OF_STATUS_COUNT = (
    select(sa.func.count())
    .select_from(Recipient)
    .where(
        col(Recipient.group_id) == sa.bindparam("group_id"),
        col(Recipient.status) == sa.bindparam("status"),
    )
)
_RECIPIENTS_BY_ID = (
    select(Recipient)
    .join(RecipientGroup, col(RecipientGroup.id) == col(Recipient.group_id))
    .where(col(Recipient.id).in_(_IDS), col(RecipientGroup.account_id) == _ACCOUNT_ID, LIVE)
)
_ACCOUNT_ID_BY_NAME = select(Account.id).where(col(Account.name) == sa.bindparam("name"))
_LIVE_GROUPS_NAMED = (
    select(RecipientGroup)
    .where(*_MY_GROUPS, col(RecipientGroup.name) == sa.bindparam("name"))
    .order_by(col(RecipientGroup.id).desc())
)


async def account(conn: AsyncConnection, *, account_id: int) -> Account:
    """The account (it exists: the token was checked)."""
    found = await fetch_model(conn, _ACCOUNT, {"account_id": account_id})
    if found is None:
        raise LookupError(f"no account {account_id}")
    return found


async def groups_page(
    conn: AsyncConnection, *, account_id: int, first: int, before_id: int | None
) -> tuple[list[RecipientGroup], int]:
    """Live groups, newest first, after the keyset `before_id`; and their total."""
    before = before_id if before_id is not None else MAX_ID
    page = {"account_id": account_id, "before_id": before, "limit": first + 1}
    total = await conn.scalar(_GROUPS_COUNT, {"account_id": account_id})
    return await fetch_models(conn, _GROUPS_PAGE, page), int(total or 0)


async def live_groups_window(
    conn: AsyncConnection, *, account_id: int, window: Window[int]
) -> list[RecipientGroup]:
    """Live groups newest first (id descending), in the keyset window."""
    params = {
        "account_id": account_id,
        "older_than": window.after if window.after is not None else MAX_ID,
        "newer_than": window.before if window.before is not None else 0,
        "limit": window.limit,
    }
    return await fetch_models(conn, _GROUPS_WINDOWS[window.backward], params)


async def live_group_count(conn: AsyncConnection, *, account_id: int) -> int:
    """How many live groups the account has."""
    return int(await conn.scalar(_GROUPS_COUNT, {"account_id": account_id}) or 0)


async def groups_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int], include_deleted: bool = False
) -> dict[int, RecipientGroup]:
    """This account's groups among `ids` (deleted ones only when asked)."""
    wanted = possible_ids(ids)
    if not wanted:
        return {}
    query = _ANY_GROUPS_BY_ID if include_deleted else _LIVE_GROUPS_BY_ID
    found = await fetch_models(conn, query, {"account_id": account_id, "ids": wanted})
    return {g.id: g for g in found}


async def recipients_window(
    conn: AsyncConnection, *, group_id: int, window: Window[str], status: str | None = None
) -> list[Recipient]:
    """The group's recipients (of `status` if given) by email, in the keyset window."""
    shape = (window.before is not None, window.backward, status is not None)
    params = {"group_id": group_id, "after": window.after or "", "limit": window.limit}
    params |= {"before": window.before} if window.before is not None else {}
    # No (group_id, status) index: the email index is walked (either way) and filtered, a
    # cost that follows the rows skipped (an index more would cost every import).
    params |= {"status": status} if status is not None else {}
    return await fetch_models(conn, _RECIPIENTS_WINDOWS[shape], params)


async def recipients_of_status_count(conn: AsyncConnection, *, group_id: int, status: str) -> int:
    """How many of the group's recipients have `status`."""
    found = await conn.scalar(_RECIPIENTS_OF_STATUS_COUNT, {"group_id": group_id, "status": status})
    return int(found or 0)


async def recipients_by_id(
    conn: AsyncConnection, *, account_id: int, ids: Sequence[int]
) -> dict[int, Recipient]:
    """This account's current recipients (of live groups) among `ids`."""
    wanted = possible_ids(ids, largest=MAX_BIG_ID)
    if not wanted:
        return {}
    found = await fetch_models(conn, _RECIPIENTS_BY_ID, {"account_id": account_id, "ids": wanted})
    return {r.id: r for r in found}


async def account_id_by_name(conn: AsyncConnection, *, name: str) -> int | None:
    """The id of the account called `name`, or None if there is none."""
    found = await conn.scalar(_ACCOUNT_ID_BY_NAME, {"name": name})
    return int(found) if found is not None else None


async def live_groups_named(
    conn: AsyncConnection, *, account_id: int, name: str
) -> list[RecipientGroup]:
    """This account's live groups called `name`, newest first."""
    named = {"account_id": account_id, "name": name}
    return await fetch_models(conn, _LIVE_GROUPS_NAMED, named)
