"""The hot reads built from the models against the same reads as text SQL (issue 8).

Per backend, on a fresh migrated database: each read of the storage modules (a statement
built from the table models, rows as model instances) and its text-SQL twin (rows as frozen
dataclasses, as before the models), called alternately on one connection; the medians of each
and their ratio. The ratio is the figure: issue 8 asks that the model reads cost what the text
ones did.

    .venv/bin/python -m bench.bench_reads [--runs N] [--backend sqlite|postgresql|both]

With `--search ROWS` (issue 10 point 7) it measures instead, in a group of ROWS recipients,
`Group.recipients(search:)`'s reads (a page of 20 and the count) for an email prefix that
matches 10 rows (target: under 20 ms), prints the plan, and streams the group's live export
and the export of a backup at the same state once each (issue 10 point 3: within 10%).
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
from storage.recipient_search import search_count, search_page, search_page_sql
from storage.sql import as_utc, run
from storage.store import backup_reads, groups, writes
from storage.store.backup_reads import backup_by_id
from storage.store.exports import export_backup_csv, export_group_csv

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


SEARCH_PREFIX = "user000012"  # user0000120 ... user0000129: 10 rows


async def fill_search_group(engine: AsyncEngine, rows: int) -> tuple[int, int]:
    """A group of `rows` recipients `userNNNNNNN@example.com` with names, written in SQL as
    one write at seq 1, and a backup of that state; (group id, backup id)."""
    now = stamp()
    async with write_transaction(engine) as conn:
        account_id = await tokens.ensure_account(conn, name="search", now=now)
        group_id = await groups.create_group(conn, account_id=account_id, name="big", now=now)
        numbers = (
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :rows)"
            " SELECT i FROM n"
            if conn.dialect.name == "sqlite"
            else "SELECT i FROM generate_series(0, :rows - 1) AS i"
        )
        padded = (
            "substr('0000000' || i, -7)"
            if conn.dialect.name == "sqlite"
            else "lpad(i::text, 7, '0')"
        )
        await run(
            conn,
            "INSERT INTO recipient (group_id, email, first_name, last_name, status, attributes,"
            f" created_at, updated_at, version) SELECT :g, 'user' || {padded} || '@example.com',"
            " 'Name' || i, 'Émile' || i, 'ACTIVE', '{\"city\": \"Paris\"}', :now, :now, 1"
            f" FROM ({numbers}) AS numbers",
            g=group_id,
            rows=rows,
            now=now,
        )
        await run(
            conn,
            "UPDATE recipient_group SET seq = 1, recipient_count = :rows,"
            " attribute_names = '[\"city\"]' WHERE id = :g",
            g=group_id,
            rows=rows,
        )
        backup_id = (
            await run(
                conn,
                "INSERT INTO backup (account_id, group_id, group_name, reason, seq,"
                " recipient_count, attribute_names, created_at, expires_at) VALUES (:a, :g,"
                " 'big', 'IMPORT', 1, :rows, '[\"city\"]', :now, :expires_at) RETURNING id",
                a=account_id,
                g=group_id,
                rows=rows,
                now=now,
                expires_at=now + timedelta(days=30),
            )
        ).scalar_one()
    async with engine.connect() as conn:
        await conn.exec_driver_sql("ANALYZE")
        await conn.commit()
    return group_id, int(backup_id)


async def streamed_seconds(chunks: Any) -> tuple[float, int]:
    """Seconds to read an export to its end, and its bytes."""
    start = time.perf_counter()
    size = 0
    async for chunk in chunks:
        size += len(chunk)
    return time.perf_counter() - start, size


async def measure_search(backend: str, rows: int, runs: int) -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        async with (
            fresh_database(backend, Path(folder)) as database,
            migrated_engine(database) as engine,
        ):
            log(f"{backend}: filling a group of {rows:,} recipients")
            group_id, backup_id = await fill_search_group(engine, rows)
            async with engine.connect() as conn:
                sql, ranges = search_page_sql(
                    backend, group_id=group_id, prefix=SEARCH_PREFIX, status=None, paged=False
                )
                explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
                plan = await conn.execute(
                    sa.text(explain + sql), {"group_id": group_id, "limit": 21, **ranges}
                )
                log(
                    "plan:\n" + "\n".join(str(r[-1] if backend == "sqlite" else r[0]) for r in plan)
                )

                async def search(c: AsyncConnection) -> int:
                    page = await search_page(
                        c,
                        group_id=group_id,
                        prefix=SEARCH_PREFIX,
                        status=None,
                        first=20,
                        after_email=None,
                    )
                    total = await search_count(
                        c, group_id=group_id, prefix=SEARCH_PREFIX, status=None
                    )
                    if (len(page), total) != (10, 10):
                        raise RuntimeError(f"found {len(page)} rows, counted {total}")
                    return total

                for _ in range(20):
                    await search(conn)
                times = [await timed(search, conn) for _ in range(runs)]
                async with engine.connect() as reader:
                    backup = await backup_by_id(reader, backup_id=backup_id)
            assert backup is not None
            backup_s, backup_bytes = await streamed_seconds(export_backup_csv(engine, backup))
            live_s, live_bytes = await streamed_seconds(export_group_csv(engine, group_id))
            if backup_bytes != live_bytes:
                raise RuntimeError(f"export sizes differ: {backup_bytes} != {live_bytes}")
    found = median(times)
    log(
        f"{backend} search: median {found:.2f} ms; exports backup {backup_s:.2f} s, live {live_s:.2f} s"
    )
    return [
        Result(
            f"email-prefix search, page + count, {rows:,}-row group",
            backend,
            found,
            "ms",
            target=20,
            higher_is_better=False,
            floor=f"max {max(times):.2f} ms over {runs}",
        ),
        Result(
            f"live export / backup export, {rows:,} rows",
            backend,
            live_s / backup_s,
            "x",
            target=1.1,
            higher_is_better=False,
            floor=f"backup {backup_s:.2f} s, live {live_s:.2f} s, {live_bytes:,} bytes",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="Model reads against text SQL")
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--runs", type=int, default=300, help="calls of each read, alternated")
    parser.add_argument(
        "--search", type=int, default=0, metavar="ROWS", help="measure recipient search instead"
    )
    args = parser.parse_args()
    results: list[Result] = []
    for backend in chosen_backends(args.backend):
        if args.search:
            results += asyncio.run(measure_search(backend, args.search, args.runs))
        else:
            results += asyncio.run(measure(backend, args.runs))
    title = "Recipient search and live export" if args.search else "Model reads / text SQL"
    print_table(f"{title} (median per call)", results)


if __name__ == "__main__":
    main()
