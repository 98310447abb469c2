"""The hot reads built from the models against the same reads as text SQL (issue 8).

Per backend, on a fresh migrated database: each read of the storage modules (a statement
built from the table models, rows as model instances) and its text-SQL twin (rows as frozen
dataclasses, as before the models), called alternately on one connection; the medians of each
and their ratio. The ratio is the figure: issue 8 asks that the model reads cost what the text
ones did.

    .venv/bin/python -m bench.bench_reads [--runs N] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.common import (
    BACKENDS,
    Result,
    chosen_backends,
    fresh_database,
    log,
    median,
    migrated_engine,
    print_table,
    stamp,
)
from storage import reads, tokens
from storage.db import write_transaction
from storage.models import Backup
from storage.sql import as_utc, run
from storage.store import backup_reads, groups, writes

GROUPS = 50
BACKUPS = 1_000
TOKEN = hashlib.sha256(b"bench").hexdigest()

Read = Callable[[AsyncConnection], Awaitable[Any]]


@dataclass(frozen=True)
class TokenRecord:
    id: int
    account_id: int
    token_hash: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class GroupRecord:
    id: int
    account_id: int
    name: str
    created_at: datetime
    backups_enabled: bool
    seq: int
    recipient_count: int
    attribute_names: str
    deleted_at: datetime | None
    deleted_seq: int | None


@dataclass(frozen=True)
class BackupRecord:
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


@dataclass(frozen=True)
class AccountRecord:
    id: int
    name: str
    backups_enabled: bool
    backup_retention_days: int
    created_at: datetime


def record(kind: type[Any], row: Any, times: tuple[str, ...]) -> Any:
    """A row as the text reads built it before the models: a dict, aware timestamps, a dataclass."""
    values = dict(row._mapping)
    for name in times:
        values[name] = as_utc(values[name])
    return kind(**values)


@dataclass(frozen=True)
class Fixture:
    account_id: int
    group_ids: list[int]


async def setup(engine: AsyncEngine) -> Fixture:
    """One account with a token, 50 groups, 1,000 backups spread over them."""
    now = stamp()
    async with write_transaction(engine) as conn:
        account_id = await tokens.ensure_account(conn, name="bench", now=now)
        await tokens.insert_token(
            conn, account_id=account_id, token_hash=TOKEN, name="t", expires_at=None, now=now
        )
        group_ids = [
            await groups.create_group(conn, account_id=account_id, name=f"g{i}", now=now)
            for i in range(GROUPS)
        ]
        await conn.execute(
            sa.insert(Backup),
            [
                {
                    "account_id": account_id,
                    "group_id": group_ids[i % GROUPS],
                    "group_name": f"g{i % GROUPS}",
                    "reason": "IMPORT",
                    "seq": i,
                    "recipient_count": i,
                    "attribute_names": "[]",
                    "created_at": now - timedelta(seconds=i),
                    "expires_at": now + timedelta(days=30),
                }
                for i in range(BACKUPS)
            ],
        )
    return Fixture(account_id, group_ids)


def cases(f: Fixture) -> list[tuple[str, Read, Read]]:
    """(name, text read, model read) per hot read."""
    a, gids = f.account_id, f.group_ids
    token_cols = "id, account_id, token_hash, name, created_at, expires_at, last_used_at"
    group_cols = (
        "id, account_id, name, created_at, backups_enabled, seq, recipient_count,"
        " attribute_names, deleted_at, deleted_seq"
    )
    backup_cols = (
        "id, account_id, group_id, group_name, reason, seq, recipient_count, attribute_names,"
        " created_at, expires_at"
    )

    async def token_text(conn: AsyncConnection) -> Any:
        sql = f"SELECT {token_cols} FROM api_token WHERE token_hash = :h LIMIT 1"
        row = (await run(conn, sql, h=TOKEN)).first()
        times = ("created_at", "expires_at", "last_used_at")
        return record(TokenRecord, row, times) if row else None

    async def account_text(conn: AsyncConnection) -> Any:
        sql = "SELECT id, name, backups_enabled, backup_retention_days, created_at FROM account"
        row = (await run(conn, sql + " WHERE id = :a", a=a)).one()
        return record(AccountRecord, row, ("created_at",))

    async def groups_text(conn: AsyncConnection) -> Any:
        sql = (
            f"SELECT {group_cols} FROM recipient_group WHERE account_id = :a AND id IN :ids"
            " AND deleted_at IS NULL"
        )
        times = ("created_at", "deleted_at")
        return {r.id: record(GroupRecord, r, times) for r in await run(conn, sql, a=a, ids=gids)}

    async def backups_text(conn: AsyncConnection) -> Any:
        sql = (
            f"SELECT {backup_cols} FROM backup WHERE account_id = :a AND group_id IN :ids"
            " ORDER BY created_at DESC, id DESC"
        )
        out: dict[int, list[BackupRecord]] = {g: [] for g in gids}
        for r in await run(conn, sql, a=a, ids=gids):
            out[r.group_id].append(record(BackupRecord, r, ("created_at", "expires_at")))
        return out

    async def seq_text(conn: AsyncConnection) -> Any:
        sql = "SELECT MAX(seq) FROM backup WHERE group_id = :g"
        return (await run(conn, sql, g=gids[0])).scalar()

    async def live_text(conn: AsyncConnection) -> Any:
        sql = (
            "SELECT id FROM recipient_group WHERE id = :g AND account_id = :a"
            " AND deleted_at IS NULL"
        )
        return (await run(conn, sql, g=gids[0], a=a)).scalar()

    return [
        ("token_by_hash", token_text, lambda c: tokens.token_by_hash(c, token_hash=TOKEN)),
        ("account", account_text, lambda c: reads.account(c, account_id=a)),
        ("groups_by_id (50)", groups_text, lambda c: reads.groups_by_id(c, account_id=a, ids=gids)),
        (
            f"backups_of_groups ({BACKUPS})",
            backups_text,
            lambda c: backup_reads.backups_of_groups(c, account_id=a, group_ids=gids),
        ),
        ("latest_backup_seq", seq_text, lambda c: writes.latest_backup_seq(c, group_id=gids[0])),
        (
            "live_group_id",
            live_text,
            lambda c: groups.live_group_id(c, account_id=a, group_id=gids[0]),
        ),
    ]


async def timed(read: Read, conn: AsyncConnection) -> float:
    start = time.perf_counter()
    await read(conn)
    return (time.perf_counter() - start) * 1000


async def measure(backend: str, runs: int) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as folder:
        async with (
            fresh_database(backend, Path(folder)) as database,
            migrated_engine(database) as engine,
        ):
            fixture = await setup(engine)
            async with engine.connect() as conn:
                for name, text_read, model_read in cases(fixture):
                    for _ in range(20):  # warm the caches of both
                        await text_read(conn)
                        await model_read(conn)
                    old: list[float] = []
                    new: list[float] = []
                    for _ in range(runs):
                        old.append(await timed(text_read, conn))
                        new.append(await timed(model_read, conn))
                    o, n = median(old), median(new)
                    log(f"{backend} {name}: text {o:.3f} ms, models {n:.3f} ms")
                    floor = f"text SQL {o:.3f} ms, models {n:.3f} ms"
                    results.append(Result(name, backend, n / o, "x", floor=floor))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Model reads against text SQL")
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--runs", type=int, default=300, help="calls of each read, alternated")
    args = parser.parse_args()
    results: list[Result] = []
    for backend in chosen_backends(args.backend):
        results += asyncio.run(measure(backend, args.runs))
    print_table("Model reads / text SQL (median per call)", results)


if __name__ == "__main__":
    main()
