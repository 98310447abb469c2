"""The versioned store: every backup, and every seq, reproduces its point in time.

A seeded random sequence of writes in every mode, backups and REPLACE restores runs
against the store; a plain-Python model of the group checks each write, and at the end
each backup's state must equal the group as it was when the backup was taken. Both
switches are on, so continuous protection keeps every version: the state at every seq
the group went through (not only at the backups') must equal the model of that moment.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.sql import run, scalar
from storage.store.backups import BackupReason, take_backup
from storage.store.groups import create_group
from storage.store.write_path import (
    BackupSource,
    StagedSource,
    WriteMode,
    create_stage,
    drop_stage,
    lock_group,
    stage_rows,
    write_recipients,
)
from tests.support.state import fetch_state

NOW = datetime(2026, 3, 1, tzinfo=UTC)
EMAILS = [f"p{i}@x.io" for i in range(14)]
NAMES = [None, "Ann", "Bob", "Zoë"]
STATUSES = [None, None, "ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED"]
SUPPRESSED = {"UNSUBSCRIBED", "BOUNCED"}
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


def expected_after(model: dict[str, Person], rows: list[Row], mode: WriteMode) -> dict[str, Person]:
    """What the group must be after importing `rows` in `mode` (the documented rules)."""
    result = {email: dict(person) for email, person in model.items()}
    last = {
        email: (first, last_name, status, attrs)
        for _, email, first, last_name, status, attrs in rows
    }
    for email, (first, last_name, status, attrs) in last.items():
        new_attrs = orjson.loads(attrs) if attrs else {}
        if email not in result:
            if mode is not WriteMode.REFRESH:
                result[email] = {
                    "first": first,
                    "last": last_name,
                    "status": status or "ACTIVE",
                    "attrs": new_attrs,
                }
            continue
        if mode is WriteMode.ADD:
            continue
        old = result[email]
        keep_status = old["status"] in SUPPRESSED and status not in SUPPRESSED
        result[email] = {
            "first": first or old["first"],
            "last": last_name or old["last"],
            "status": old["status"] if status is None or keep_status else status,
            "attrs": old["attrs"] | new_attrs,
        }
    return result


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


async def write(
    engine: AsyncEngine,
    group_id: int,
    *,
    rows: list[Row] | None,
    source_seq: int | None,
    mode: WriteMode,
    backup: bool,
) -> tuple[int | None, int]:
    """One write as the jobs do it: stage, then lock, back up, write, in one transaction."""
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
            source = StagedSource() if source_seq is None else BackupSource(group_id, source_seq)
            await write_recipients(conn, group=group, source=source, mode=mode, now=NOW)
        await drop_stage(conn)
        await conn.commit()
    return backup_id, group.previous_seq


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_backup_reproduces_its_point_in_time(engine: AsyncEngine, seed: int) -> None:
    rng = random.Random(seed)
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at) VALUES (:n, true, 30, :now)",
            n=f"a{seed}",
            now=NOW,
        )
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = :n", n=f"a{seed}")
        group_id = await create_group(conn, account_id=account_id, name="g", now=NOW)
    model: dict[str, Person] = {}
    snapshots: dict[int, tuple[int, dict[str, Person]]] = {}
    every_seq: dict[int, dict[str, Person]] = {}
    for _ in range(30):
        backup = rng.random() < 0.5
        if snapshots and rng.random() < 0.2:
            seq, state = snapshots[rng.choice(sorted(snapshots))]
            expected = {e: dict(p) for e, p in state.items()}
            for email, person in model.items():
                if (
                    email in expected
                    and person["status"] in SUPPRESSED
                    and expected[email]["status"] not in SUPPRESSED
                ):
                    expected[email]["status"] = person["status"]
            backup_id, at = await write(
                engine, group_id, rows=None, source_seq=seq, mode=WriteMode.REPLACE, backup=backup
            )
        else:
            rows = random_rows(rng)
            mode = rng.choice([WriteMode.ADD, WriteMode.REFRESH_AND_ADD, WriteMode.REFRESH])
            expected = expected_after(model, rows, mode)
            backup_id, at = await write(
                engine, group_id, rows=rows, source_seq=None, mode=mode, backup=backup
            )
        if backup_id is not None:
            snapshots[backup_id] = (at, model)
        every_seq[at] = model
        model = expected
        assert await current(engine, group_id) == model
    async with read_transaction(engine) as conn:
        count = await scalar(
            conn, "SELECT recipient_count FROM recipient_group WHERE id = :g", g=group_id
        )
        for seq, state in [*snapshots.values(), *every_seq.items()]:
            assert (
                as_model([tuple(r) for r in await fetch_state(conn, group_id=group_id, seq=seq)])
                == state
            )
    assert count == len(model)
    assert len(snapshots) > 5
