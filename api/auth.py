"""API tokens: random, shown once, stored as SHA-256 hashes; named, optionally expiring.

A token opens the door until it expires or is revoked (its row deleted). A verified token is
kept in memory for LISTKEEPER_TOKEN_CACHE_SECONDS (5 s) so that a request reads no token:
expiry is still checked on every request, a revocation through this process (revokeToken)
drops the token at once, and one made elsewhere (the CLI's revoke-token, another instance)
is seen within those seconds. Its last use is recorded at most once a minute, in the
background, so that authentication stays at most a single indexed read.

The token's account (`viewer`) is kept as long, under the same bound: a write to the
account through this process (any UPDATE/INSERT/DELETE of the `account` table on this
engine, whatever code issued it) drops every kept account at once, and a read that overlapped
such a write is not kept; a write made elsewhere (the CLI, another instance) is seen within
LISTKEEPER_TOKEN_CACHE_SECONDS.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import InvalidInput, LimitReached, NotFound
from storage.db import read_transaction, write_transaction
from storage.reads import AccountRow, account
from storage.tokens import (
    TokenRow,
    delete_token,
    ensure_account,
    insert_token,
    lock_account_tokens,
    record_use,
    token_by_hash,
    token_expired,
    tokens_of_account,
)

TOKEN_PREFIX = "lk_"
MAX_TOKENS_PER_ACCOUNT = 50
MAX_NAME_CHARS = 100
LAST_USE_PRECISION = timedelta(minutes=1)
# Verified tokens kept per database; past this many the oldest is dropped.
MAX_CACHED_TOKENS = 10_000

log = logging.getLogger("listkeeper.auth")

# asyncio keeps only weak references to tasks: these are the last-use writes in flight, one
# per token hash, so that a slow write (SQLite's lock is held for a whole import) does not
# pile up one waiting task per request.
_recording: dict[str, asyncio.Task[None]] = {}


@dataclass
class VerifiedToken:
    """A token row as read at `read_at`, and its last use as this process knows it."""

    token: TokenRow
    read_at: datetime
    last_used_at: datetime | None


# Per engine (each database its own tokens): token hash -> what was read.
_verified: weakref.WeakKeyDictionary[AsyncEngine, dict[str, VerifiedToken]] = (
    weakref.WeakKeyDictionary()
)


def verified_tokens(engine: AsyncEngine) -> dict[str, VerifiedToken]:
    """The tokens verified lately on `engine`'s database, by hash."""
    return _verified.setdefault(engine, {})


@dataclass(frozen=True)
class IssuedToken:
    """A new token: its secret (shown once, never stored) and its stored row."""

    secret: str
    token: TokenRow


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_name(name: str, *, field: list[str]) -> str:
    """`name` stripped; InvalidInput unless it has 1 to 100 characters."""
    stripped = name.strip()
    if not 1 <= len(stripped) <= MAX_NAME_CHARS:
        raise InvalidInput(
            f"A token's name has 1 to {MAX_NAME_CHARS} characters (not counting outer spaces).",
            field=field,
        )
    return stripped


def token_expiry(
    expires_at: datetime | None, *, now: datetime, field: list[str]
) -> datetime | None:
    """`expires_at` in UTC (naive means UTC); InvalidInput unless it lies after `now`."""
    if expires_at is None:
        return None
    aware = expires_at.replace(tzinfo=UTC) if expires_at.tzinfo is None else expires_at
    if aware <= now:
        raise InvalidInput("A token's expiry must lie in the future.", field=field)
    return aware.astimezone(UTC)


async def create_token(
    *,
    engine: AsyncEngine,
    account_name: str,
    now: datetime,
    name: str | None = None,
    expires_at: datetime | None = None,
) -> str:
    """Create the account if needed and return one new token for it (unnamed when no name)."""
    name = token_name(name, field=["name"]) if name is not None else ""
    expires_at = token_expiry(expires_at, now=now, field=["expiresAt"])
    async with write_transaction(engine) as conn:
        account_id = await ensure_account(conn, name=account_name, now=now)
        issued = await _issue(conn, account_id, name, expires_at, now)
    return issued.secret


async def issue_token(
    *, engine: AsyncEngine, account_id: int, name: str, expires_at: datetime | None, now: datetime
) -> IssuedToken:
    """A new named token for an existing account; InvalidInput or LimitReached."""
    name = token_name(name, field=["name"])
    expires_at = token_expiry(expires_at, now=now, field=["expiresAt"])
    async with write_transaction(engine) as conn:
        return await _issue(conn, account_id, name, expires_at, now)


async def _issue(
    conn: AsyncConnection, account_id: int, name: str, expires_at: datetime | None, now: datetime
) -> IssuedToken:
    if await lock_account_tokens(conn, account_id=account_id) >= MAX_TOKENS_PER_ACCOUNT:
        raise LimitReached(
            f"An account holds at most {MAX_TOKENS_PER_ACCOUNT} tokens: revoke one first."
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_hash = hash_token(secret)
    row = await insert_token(
        conn,
        account_id=account_id,
        token_hash=token_hash,
        name=name,
        expires_at=expires_at,
        now=now,
    )
    return IssuedToken(secret=secret, token=row)


async def list_tokens(*, engine: AsyncEngine, account_id: int) -> list[TokenRow]:
    """The account's tokens, oldest first (expired ones too, until revoked)."""
    async with read_transaction(engine) as conn:
        return await tokens_of_account(conn, account_id=account_id)


async def revoke_token(*, engine: AsyncEngine, account_id: int, token_id: int) -> None:
    """Delete the account's token: the next request with it gets 401. NotFound otherwise."""
    async with write_transaction(engine) as conn:
        if not await delete_token(conn, account_id=account_id, token_id=token_id):
            raise NotFound("No token with this id.", field=["tokenId"])
    verified = verified_tokens(engine)
    for token_hash in [h for h, v in verified.items() if v.token.id == token_id]:
        del verified[token_hash]


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(
    *, engine: AsyncEngine, authorization: str | None, now: datetime
) -> int | None:
    """The account id of a valid, unexpired bearer token at `now`, else None."""
    found = await authenticated_token(engine=engine, authorization=authorization, now=now)
    return found.account_id if found is not None else None


async def authenticated_token(
    *, engine: AsyncEngine, authorization: str | None, now: datetime, cache_seconds: float = 0.0
) -> TokenRow | None:
    """The valid, unexpired bearer token at `now` (its account and name), else None; a token
    read less than `cache_seconds` ago is not read again."""
    token = bearer_token(authorization)
    if token is None:
        return None
    token_hash = hash_token(token)
    verified = verified_tokens(engine)
    entry = verified.get(token_hash)
    if entry is None or not 0 <= (now - entry.read_at).total_seconds() < cache_seconds:
        entry = await _read_token(engine, token_hash, now)
        if entry is None:
            verified.pop(token_hash, None)
            return None
        if cache_seconds > 0:
            _keep(verified, token_hash, entry)
    if token_expired(entry.token, now):
        return None
    if entry.last_used_at is None or entry.last_used_at < now - LAST_USE_PRECISION:
        _record_use_soon(engine, entry.token, now)
        entry.last_used_at = now
    return entry.token


async def _read_token(engine: AsyncEngine, token_hash: str, now: datetime) -> VerifiedToken | None:
    async with read_transaction(engine) as conn:
        found = await token_by_hash(conn, token_hash=token_hash)
    if found is None:
        return None
    return VerifiedToken(token=found, read_at=now, last_used_at=found.last_used_at)


def _keep(verified: dict[str, VerifiedToken], token_hash: str, entry: VerifiedToken) -> None:
    verified.pop(token_hash, None)
    verified[token_hash] = entry
    if len(verified) > MAX_CACHED_TOKENS:
        del verified[next(iter(verified))]


def _record_use_soon(engine: AsyncEngine, token: TokenRow, now: datetime) -> None:
    """Record the use in the background: a request never waits for a write lock."""
    if token.token_hash in _recording:
        return
    task = asyncio.create_task(_record_use(engine, token.id, now))
    _recording[token.token_hash] = task
    task.add_done_callback(lambda _: _recording.pop(token.token_hash, None))


async def _record_use(engine: AsyncEngine, token_id: int, now: datetime) -> None:
    try:
        async with write_transaction(engine) as conn:
            # The condition makes concurrent requests (other instances too) write once.
            await record_use(conn, token_id=token_id, now=now, cutoff=now - LAST_USE_PRECISION)
    except Exception:
        log.warning("could not record a token's last use; a later request will", exc_info=True)


async def recorded_uses() -> None:
    """Wait until the last-use writes this event loop started have finished (at shutdown)."""
    loop = asyncio.get_running_loop()
    await asyncio.gather(*[t for t in _recording.values() if t.get_loop() is loop])


# --- the token's account, kept as briefly as the token --------------------------------------

# A statement that writes the account table (SQLAlchemy's or hand-written SQL).
_ACCOUNT_WRITE = re.compile(r'(?is)^\s*(?:update|insert\s+into|delete\s+from)\s+"?account"?(?!\w)')
_WROTE_ACCOUNTS = "listkeeper_wrote_accounts"


@dataclass
class _KeptAccount:
    row: AccountRow
    read_at: datetime
    generation: int


class AccountCache:
    """Accounts read lately on one database; any write to the account table forgets them.

    `generation` grows when a statement writes the table and again when that connection
    goes back to the pool (after its commit or rollback): a row read while a write was in
    flight carries the older generation and is never served.
    """

    def __init__(self) -> None:
        self.generation = 0
        self.kept: dict[int, _KeptAccount] = {}
        self.reads = 0

    def fresh(self, account_id: int, *, now: datetime, seconds: float) -> AccountRow | None:
        """The account as read less than `seconds` ago and not written since, else None."""
        kept = self.kept.get(account_id)
        if (
            kept is None
            or kept.generation != self.generation
            or not 0 <= (now - kept.read_at).total_seconds() < seconds
        ):
            return None
        return kept.row

    def keep(self, row: AccountRow, *, now: datetime, generation: int) -> None:
        """Keep `row`, read from a snapshot taken at `generation` (dropped if it is past)."""
        if generation != self.generation:
            return
        self.kept.pop(row.id, None)
        self.kept[row.id] = _KeptAccount(row, now, generation)
        if len(self.kept) > MAX_CACHED_TOKENS:
            del self.kept[next(iter(self.kept))]

    def written(self) -> None:
        """The account table changed: nothing kept is served again."""
        self.generation += 1
        self.kept.clear()


_account_caches: weakref.WeakKeyDictionary[AsyncEngine, AccountCache] = weakref.WeakKeyDictionary()


def account_cache(engine: AsyncEngine) -> AccountCache:
    """The account cache of `engine`'s database (made, and hooked to its writes, once)."""
    cache = _account_caches.get(engine)
    if cache is None:
        cache = _account_caches[engine] = AccountCache()
        _forget_on_writes(engine, cache)
    return cache


def _forget_on_writes(engine: AsyncEngine, cache: AccountCache) -> None:
    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if _ACCOUNT_WRITE.match(statement):
            cache.written()
            conn.info[_WROTE_ACCOUNTS] = True

    @event.listens_for(engine.sync_engine, "checkin")
    def _checkin(_dbapi_connection: Any, record: Any) -> None:
        # After the writing transaction ended: reads that overlapped it are not kept.
        if record.info.pop(_WROTE_ACCOUNTS, False):
            cache.written()


async def cached_account(
    engine: AsyncEngine, account_id: int, *, now: datetime, seconds: float
) -> AccountRow:
    """The account, from memory when read less than `seconds` ago (0: always read)."""
    cache = account_cache(engine)
    found = cache.fresh(account_id, now=now, seconds=seconds) if seconds > 0 else None
    if found is not None:
        return found
    generation = cache.generation
    cache.reads += 1
    async with read_transaction(engine) as conn:
        row = await account(conn, account_id=account_id)
    if seconds > 0:
        cache.keep(row, now=now, generation=generation)
    return row
