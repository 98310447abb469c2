"""The versioned store: every backup, and every seq, reproduces its point in time.

A seeded random sequence of writes in every mode, backups and REPLACE restores runs
against the store; a plain-Python model of the group checks each write, and at the end
each backup's state must equal the group as it was when the backup was taken. Both
switches are on, so continuous protection keeps every version: the state at every seq
the group went through (not only at the backups') must equal the model of that moment.
"""

from __future__ import annotations

import random

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.sql import scalar
from storage.store.groups import create_group
from storage.store.write_path import WriteMode
from tests.support.state import fetch_state
from tests.support.store_writes import (
    NOW,
    Person,
    Row,
    as_model,
    current,
    new_account,
    random_rows,
    write,
)

SUPPRESSED = {"UNSUBSCRIBED", "BOUNCED"}


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


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_backup_reproduces_its_point_in_time(engine: AsyncEngine, seed: int) -> None:
    rng = random.Random(seed)
    account_id = await new_account(engine, f"a{seed}")
    async with write_transaction(engine) as conn:
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
            backup_id, at, _ = await write(
                engine, group_id, rows=None, source_seq=seq, mode=WriteMode.REPLACE, backup=backup
            )
        else:
            rows = random_rows(rng)
            mode = rng.choice([WriteMode.ADD, WriteMode.REFRESH_AND_ADD, WriteMode.REFRESH])
            expected = expected_after(model, rows, mode)
            backup_id, at, _ = await write(
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
