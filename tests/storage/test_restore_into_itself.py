"""A group restored into itself merges only what changed since: the same end as a full merge.

`merge.own_state_seq`: a restore of a group's own state at seq S (a backup of it, or a
moment) into it stages only the history part of that state and counts its current rows
of then as matched and unchanged. The oracle is the full merge: the same state restored
into a copy of the group (another group, so every row of the state is staged). Over
random sequences of writes in every mode (statuses the guard refuses, attributes merged
and replaced, rows removed and added back) and every earlier seq, both strategies must
leave the same rows and report the same counts, on both databases. Seeded: a failure
names its seed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.sql import run, scalar
from storage.store.groups import create_group
from storage.store.write_path import (
    BackupSource,
    Source,
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
EMAILS = [f"p{i}@x.io" for i in range(7)]
NAMES = [None, "Ann", "Bob", "Zoë"]
STATUSES = [None, "ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED"]
CITIES = [None, "Paris", "Lyon"]
SCENARIOS = 80


async def new_group(engine: AsyncEngine, account_id: int, name: str) -> int:
    async with write_transaction(engine) as conn:
        return await create_group(conn, account_id=account_id, name=name, now=NOW)


async def new_account(engine: AsyncEngine) -> int:
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
            " VALUES ('a', true, 30, :now)",
            now=NOW,
        )
        return int(await scalar(conn, "SELECT id FROM account WHERE name = 'a'"))


async def write(
    engine: AsyncEngine,
    group_id: int,
    source: Source,
    mode: WriteMode,
    rows: list[tuple[Any, ...]] | None = None,
) -> tuple[WriteOutcome, int]:
    """One write as the jobs do it (stage, lock, write); its outcome and seq."""
    async with engine.connect() as conn:
        await create_stage(conn)
        await stage_rows(conn, [(rn, *row) for rn, row in enumerate(rows or [])])
        await conn.commit()
        await conn.execution_options(immediate=True)
        async with conn.begin():
            group = await lock_group(conn, group_id=group_id, now=NOW)
            assert group is not None
            outcome = await write_recipients(conn, group=group, source=source, mode=mode, now=NOW)
        await drop_stage(conn)
        await conn.commit()
    return outcome, group.seq


def random_rows(rng: random.Random) -> list[tuple[Any, ...]]:
    rows = []
    for _ in range(rng.randint(1, 6)):
        city = rng.choice(CITIES)
        attributes = None if city is None else orjson.dumps({"city": city}).decode()
        rows.append((rng.choice(EMAILS), rng.choice(NAMES), None, rng.choice(STATUSES), attributes))
    return rows


async def rows_of(engine: AsyncEngine, group_id: int) -> list[tuple[Any, ...]]:
    async with read_transaction(engine) as conn:
        found: list[Any] = list(
            await run(
                conn,
                "SELECT email, first_name, last_name, status, attributes FROM recipient"
                " WHERE group_id = :g ORDER BY email",
                g=group_id,
            )
        )
        return [
            (r[0], r[1], r[2], r[3], None if r[4] is None else orjson.loads(r[4])) for r in found
        ]


async def test_a_restore_into_itself_ends_as_the_full_merge_would(engine: AsyncEngine) -> None:
    account_id = await new_account(engine)
    modes = list(WriteMode)
    for seed in range(SCENARIOS):
        rng = random.Random(seed)
        group_id = await new_group(engine, account_id, f"g{seed}")
        seqs = []
        for _ in range(rng.randint(2, 7)):
            _, seq = await write(
                engine, group_id, StagedSource(), rng.choice(modes), random_rows(rng)
            )
            seqs.append(seq)
        then = rng.choice(seqs[:-1])
        strategy = rng.choice([WriteMode.REPLACE, WriteMode.REFRESH_AND_ADD])
        # The oracle: a copy of the group as it is now, the state of then merged into it whole.
        copy_id = await new_group(engine, account_id, f"copy{seed}")
        await write(engine, copy_id, BackupSource(group_id, seqs[-1]), WriteMode.REFRESH_AND_ADD)
        assert await rows_of(engine, copy_id) == await rows_of(engine, group_id)
        expected, _ = await write(engine, copy_id, BackupSource(group_id, then), strategy)
        found, _ = await write(engine, group_id, BackupSource(group_id, then), strategy)
        assert found == expected, (seed, strategy)
        assert await rows_of(engine, group_id) == await rows_of(engine, copy_id), seed
