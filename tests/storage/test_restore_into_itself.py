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

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import write_transaction
from storage.store.groups import create_group
from storage.store.write_path import WriteMode
from tests.support.store_writes import NOW, current, new_account, random_rows, write

SCENARIOS = 80


async def new_group(engine: AsyncEngine, account_id: int, name: str) -> int:
    async with write_transaction(engine) as conn:
        return await create_group(conn, account_id=account_id, name=name, now=NOW)


async def test_a_restore_into_itself_ends_as_the_full_merge_would(engine: AsyncEngine) -> None:
    account_id = await new_account(engine, "a")
    modes = list(WriteMode)
    for seed in range(SCENARIOS):
        rng = random.Random(seed)
        group_id = await new_group(engine, account_id, f"g{seed}")
        seqs = []
        for _ in range(rng.randint(2, 7)):
            rows = random_rows(rng)
            mode = rng.choice(modes)
            _, before, _ = await write(
                engine, group_id, rows=rows, source_seq=None, mode=mode, backup=False
            )
            seqs.append(before + 1)  # the seq this write gave the group
        then = rng.choice(seqs[:-1])
        strategy = rng.choice([WriteMode.REPLACE, WriteMode.REFRESH_AND_ADD])
        # The oracle: a copy of the group as it is now, the state of then merged into it whole.
        copy_id = await new_group(engine, account_id, f"copy{seed}")
        await write(
            engine,
            copy_id,
            rows=None,
            source_seq=seqs[-1],
            source_group=group_id,
            mode=WriteMode.REFRESH_AND_ADD,
            backup=False,
        )
        assert await current(engine, copy_id) == await current(engine, group_id)
        _, _, expected = await write(
            engine,
            copy_id,
            rows=None,
            source_seq=then,
            source_group=group_id,
            mode=strategy,
            backup=False,
        )
        _, _, found = await write(
            engine, group_id, rows=None, source_seq=then, mode=strategy, backup=False
        )
        assert found == expected, (seed, strategy)
        assert await current(engine, group_id) == await current(engine, copy_id), seed
