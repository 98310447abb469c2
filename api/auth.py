"""API tokens: random, shown once, stored as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.sql import run, scalar

TOKEN_PREFIX = "lk_"


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(*, engine: AsyncEngine, account_name: str, now: datetime) -> str:
    """Create the account if needed and return one new token for it."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    async with write_transaction(engine) as conn:
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = :n", n=account_name)
        if account_id is None:
            account_id = await scalar(
                conn,
                "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
                " VALUES (:n, true, 30, :now) RETURNING id",
                n=account_name,
                now=now,
            )
        await run(
            conn,
            "INSERT INTO api_token (account_id, token_hash, created_at) VALUES (:a, :h, :now)",
            a=account_id,
            h=hash_token(token),
            now=now,
        )
    return token


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(*, engine: AsyncEngine, authorization: str | None) -> int | None:
    """The account id of a valid bearer token, else None."""
    token = bearer_token(authorization)
    if token is None:
        return None
    async with read_transaction(engine) as conn:
        account_id = await scalar(
            conn, "SELECT account_id FROM api_token WHERE token_hash = :h", h=hash_token(token)
        )
    return int(account_id) if account_id is not None else None
