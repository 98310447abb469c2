"""API tokens in the database: stored as hashes, named, optionally expiring, last use recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import is_sqlite
from storage.sql import MAX_ID, as_utc, run, scalar

TOKEN_COLUMNS = "id, account_id, token_hash, name, created_at, expires_at, last_used_at"


@dataclass(frozen=True)
class TokenRow:
    """A token as stored: never the secret, only its hash."""

    id: int
    account_id: int
    token_hash: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    def expired(self, now: datetime) -> bool:
        """Whether the token no longer opens the door at `now`."""
        return self.expires_at is not None and self.expires_at <= now


def _token(row: Any) -> TokenRow:
    created = as_utc(row.created_at)
    assert created is not None
    return TokenRow(
        id=int(row.id),
        account_id=int(row.account_id),
        token_hash=row.token_hash,
        name=row.name,
        created_at=created,
        expires_at=as_utc(row.expires_at),
        last_used_at=as_utc(row.last_used_at),
    )


async def token_by_hash(conn: AsyncConnection, *, token_hash: str) -> TokenRow | None:
    """The token with this hash, expired or not; None when there is none."""
    rows = await run(
        conn, f"SELECT {TOKEN_COLUMNS} FROM api_token WHERE token_hash = :h", h=token_hash
    )
    row = rows.first()
    return _token(row) if row is not None else None


async def tokens_of_account(conn: AsyncConnection, *, account_id: int) -> list[TokenRow]:
    """Every token of the account, oldest first."""
    rows = await run(
        conn,
        f"SELECT {TOKEN_COLUMNS} FROM api_token WHERE account_id = :a ORDER BY id",
        a=account_id,
    )
    return [_token(r) for r in rows]


async def tokens_by_id(
    conn: AsyncConnection, *, account_id: int, ids: list[int]
) -> dict[int, TokenRow]:
    """The account's tokens among `ids` (another account's are simply absent)."""
    listed = ",".join(str(i) for i in ids if 0 < i <= MAX_ID)
    if not listed:
        return {}
    rows = await run(
        conn,
        f"SELECT {TOKEN_COLUMNS} FROM api_token WHERE account_id = :a AND id IN ({listed})",
        a=account_id,
    )
    return {row.id: row for row in map(_token, rows)}


async def ensure_account(conn: AsyncConnection, *, name: str, now: datetime) -> int:
    """The id of the account called `name`, created with the default switches if needed."""
    found = await scalar(conn, "SELECT id FROM account WHERE name = :n", n=name)
    if found is not None:
        return int(found)
    created = await scalar(
        conn,
        "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
        " VALUES (:n, true, 30, :now) RETURNING id",
        n=name,
        now=now,
    )
    return int(created)


async def lock_account_tokens(conn: AsyncConnection, *, account_id: int) -> int:
    """Lock the account until commit (serialises token creation) and count its tokens."""
    if not is_sqlite(conn):  # SQLite's BEGIN IMMEDIATE already serialises writers
        await run(conn, "SELECT id FROM account WHERE id = :a FOR UPDATE", a=account_id)
    count = await scalar(conn, "SELECT COUNT(*) FROM api_token WHERE account_id = :a", a=account_id)
    return int(count)


async def insert_token(
    conn: AsyncConnection,
    *,
    account_id: int,
    token_hash: str,
    name: str,
    expires_at: datetime | None,
    now: datetime,
) -> int:
    """Store a new token; its id."""
    token_id = await scalar(
        conn,
        "INSERT INTO api_token (account_id, token_hash, name, created_at, expires_at)"
        " VALUES (:a, :h, :name, :now, :expires_at) RETURNING id",
        a=account_id,
        h=token_hash,
        name=name,
        now=now,
        expires_at=expires_at,
    )
    return int(token_id)


async def delete_token(conn: AsyncConnection, *, account_id: int, token_id: int) -> bool:
    """Delete the account's token `token_id`; False when the account has no such token."""
    if not 0 < token_id <= MAX_ID:
        return False  # no such row, and PostgreSQL would refuse the parameter
    result = await run(
        conn, "DELETE FROM api_token WHERE id = :id AND account_id = :a", id=token_id, a=account_id
    )
    return result.rowcount == 1


async def record_use(
    conn: AsyncConnection, *, token_id: int, now: datetime, cutoff: datetime
) -> bool:
    """Set the token's last use to `now` unless it was recorded after `cutoff`; whether it was."""
    result = await run(
        conn,
        "UPDATE api_token SET last_used_at = :now"
        " WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :cutoff)",
        id=token_id,
        now=now,
        cutoff=cutoff,
    )
    return result.rowcount == 1
