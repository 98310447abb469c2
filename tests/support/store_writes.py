"""Writes through the store as the jobs make them, for tests below the API: random file rows,
one write (stage, lock, maybe back up, write) and the group's current rows as a model."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.sql import run, scalar
from storage.store.backups import BackupReason, take_backup
from storage.store.write_path import (
    BackupSource,
    StagedSource,
    WriteMode,
    WriteOutcome,
    create_stage,
    drop_stage,
    lock_group,
    stage_rows,
    write_recipients,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
EMAILS = [f"p{i}@x.io" for i in range(14)]
NAMES = [None, "Ann", "Bob", "Zoë"]
STATUSES = [None, None, "ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED"]
Row = tuple[int, str, str | None, str | None, str | None, str | None]
Person = dict[str, Any]


def random_rows(rng: random.Random) -> list[Row]:
    """A file's rows: some addresses twice (the last one wins)."""
    rows: list[Row] = []
    for rn in range(rng.randint(1, 10)):
        attributes = {k: rng.choice(["1", "2", "é"]) for k in ("a", "b", "c") if rng.random() < 0.4}
        attrs_json = (
            orjson.dumps(attributes, option=orjson.OPT_SORT_KEYS).decode() if attributes else None
        )
        rows.append(
            (
                rn + 2,
                rng.choice(EMAILS),
                rng.choice(NAMES),
                rng.choice(NAMES),
                rng.choice(STATUSES),
                attrs_json,
            )
        )
    return rows


def as_model(rows: list[tuple[Any, ...]]) -> dict[str, Person]:
    """State rows as the model's shape."""
    return {
        email: {
            "first": first,
            "last": last,
            "status": status,
            "attrs": orjson.loads(attrs) if attrs else {},
        }
        for email, first, last, status, attrs in rows
    }


async def current(engine: AsyncEngine, group_id: int) -> dict[str, Person]:
    """The group's current rows."""
    async with read_transaction(engine) as conn:
        result = await run(
            conn,
            "SELECT email, first_name, last_name, status, attributes FROM recipient WHERE group_id = :g",
            g=group_id,
        )
        return as_model([tuple(r) for r in result])


async def new_account(engine: AsyncEngine, name: str) -> int:
    """A new account, both switches on; its id."""
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at) VALUES (:n, true, 30, :now)",
            n=name,
            now=NOW,
        )
        return int(await scalar(conn, "SELECT id FROM account WHERE name = :n", n=name))


async def write(
    engine: AsyncEngine,
    group_id: int,
    *,
    rows: list[Row] | None,
    source_seq: int | None,
    mode: WriteMode,
    backup: bool,
    source_group: int | None = None,
) -> tuple[int | None, int, WriteOutcome]:
    """One write as the jobs do it: stage, then lock, back up, write, in one transaction.

    The source is `rows`, or with `source_seq` the state at that seq of `source_group` (by
    default the group written). Its backup's id, the seq before it, and its outcome.
    """
    async with engine.connect() as conn:
        if rows is not None:
            await create_stage(conn)
            await stage_rows(conn, rows)
            await conn.commit()
        await conn.execution_options(immediate=True)
        async with conn.begin():
            group = await lock_group(conn, group_id=group_id, now=NOW)
            assert group is not None
            backup_id = (
                await take_backup(conn, group=group, reason=BackupReason.IMPORT, now=NOW)
                if backup
                else None
            )
            source = (
                StagedSource()
                if source_seq is None
                else BackupSource(source_group or group_id, source_seq)
            )
            outcome = await write_recipients(conn, group=group, source=source, mode=mode, now=NOW)
        await drop_stage(conn)
        await conn.commit()
    return backup_id, group.previous_seq, outcome
