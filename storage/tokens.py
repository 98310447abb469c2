"""API tokens in the database: stored as hashes, named, optionally expiring, last use recorded.

The rows are `ApiToken` models (`TokenRow` names them where the API has a GraphQL type
of that name).
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.models import Account, ApiToken
from storage.sql import fetch_model, fetch_models, possible_ids

TokenRow: TypeAlias = ApiToken

# Built once (see storage.sql.fetch_models): the token lookup runs on every request.
_BY_HASH = select(ApiToken).where(col(ApiToken.token_hash) == sa.bindparam("token_hash")).limit(1)
_OF_ACCOUNT = (
    select(ApiToken)
    .where(col(ApiToken.account_id) == sa.bindparam("account_id"))
    .order_by(col(ApiToken.id))
)
_BY_ID = select(ApiToken).where(
    col(ApiToken.account_id) == sa.bindparam("account_id"),
    col(ApiToken.id).in_(sa.bindparam("ids", expanding=True)),
)
_ACCOUNT_ID_BY_NAME = select(Account.id).where(col(Account.name) == sa.bindparam("name"))


def token_expired(token: ApiToken, now: datetime) -> bool:
    """Whether the token no longer opens the door at `now`."""
    return token.expires_at is not None and token.expires_at <= now


async def token_by_hash(conn: AsyncConnection, *, token_hash: str) -> ApiToken | None:
    """The token with this hash, expired or not; None when there is none."""
    return await fetch_model(conn, _BY_HASH, {"token_hash": token_hash})


async def tokens_of_account(conn: AsyncConnection, *, account_id: int) -> list[ApiToken]:
    """Every token of the account, oldest first."""
    return await fetch_models(conn, _OF_ACCOUNT, {"account_id": account_id})


async def tokens_by_id(
    conn: AsyncConnection, *, account_id: int, ids: list[int]
) -> dict[int, ApiToken]:
    """The account's tokens among `ids` (another account's are simply absent)."""
    wanted = possible_ids(ids)
    if not wanted:
        return {}
    found = await fetch_models(conn, _BY_ID, {"account_id": account_id, "ids": wanted})
    return {token.id: token for token in found}


async def ensure_account(conn: AsyncConnection, *, name: str, now: datetime) -> int:
    """The id of the account called `name`, created with the default switches if needed."""
    found = await conn.scalar(_ACCOUNT_ID_BY_NAME, {"name": name})
    if found is not None:
        return int(found)
    created = await conn.execute(
        sa.insert(Account)
        .values(name=name, backups_enabled=True, backup_retention_days=30, created_at=now)
        .returning(col(Account.id))
    )
    return int(created.scalar_one())


async def lock_account_tokens(conn: AsyncConnection, *, account_id: int) -> int:
    """Lock the account until commit (serialises token creation) and count its tokens."""
    # FOR UPDATE on PostgreSQL; SQLite's compiler leaves it out (BEGIN IMMEDIATE serialises).
    await conn.execute(select(Account.id).where(col(Account.id) == account_id).with_for_update())
    count = await conn.scalar(
        select(sa.func.count()).select_from(ApiToken).where(col(ApiToken.account_id) == account_id)
    )
    return int(count or 0)


async def insert_token(
    conn: AsyncConnection,
    *,
    account_id: int,
    token_hash: str,
    name: str,
    expires_at: datetime | None,
    now: datetime,
) -> ApiToken:
    """Store a new token; its row."""
    token = ApiToken(
        account_id=account_id,
        token_hash=token_hash,
        name=name,
        created_at=now,
        expires_at=expires_at,
    )
    created = await conn.execute(
        sa.insert(ApiToken).values(token.model_dump(exclude={"id"})).returning(col(ApiToken.id))
    )
    token.id = int(created.scalar_one())
    return token


async def delete_token(conn: AsyncConnection, *, account_id: int, token_id: int) -> bool:
    """Delete the account's token `token_id`; False when the account has no such token."""
    if not possible_ids([token_id]):
        return False  # no such row, and PostgreSQL would refuse the parameter
    result = await conn.execute(
        sa.delete(ApiToken).where(
            col(ApiToken.id) == token_id, col(ApiToken.account_id) == account_id
        )
    )
    return result.rowcount == 1


async def record_use(
    conn: AsyncConnection, *, token_id: int, now: datetime, cutoff: datetime
) -> bool:
    """Set the token's last use to `now` unless it was recorded after `cutoff`; whether it was."""
    last = col(ApiToken.last_used_at)
    result = await conn.execute(
        sa.update(ApiToken)
        .where(col(ApiToken.id) == token_id, sa.or_(last.is_(None), last < cutoff))
        .values(last_used_at=now)
    )
    return result.rowcount == 1
