"""The operations a trial sends before its SIGKILL, and how each is judged after the restart.

Each operation is all or nothing: after the restart it has either committed (the oracle moves
to the after-state, the operation's backup holds the before-state) or not (nothing changed).
Which one is read from the database (the job's status, the group's `deleted_at`, the backups
left); the checks then demand exactly that state.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from api.retention import sweep
from bench.crash_checks import fetch
from bench.crash_model import (
    IMPORT_MODES,
    ExpectedBackup,
    FileRow,
    State,
    apply_import,
    apply_restore,
    generate_file,
)
from bench.crash_process import Sweeper
from bench.crash_world import World

FINISHED = ("SUCCEEDED", "FAILED")


@dataclass
class Limits:
    """How big and how long: file sizes, the address pool, the wait for jobs after restart."""

    max_rows: int = 10_000
    pool: int = 12_000
    settle_timeout: float = 60.0


@dataclass
class Operation:
    """Something sent to the server; `label` names it in the trial's line."""

    label: str
    response: dict[str, Any] | None = None
    problem: str | None = None  # an error that is not the kill's doing
    failed_jobs: list[str] = field(default_factory=list)

    async def prepare(self, world: World) -> None:
        """Work done before the clock starts (nothing by default)."""

    async def send(self, world: World) -> None:
        """Send it; a connection the kill cuts leaves no response."""
        try:
            self.response = await self.request(world)
        except httpx.TransportError:
            pass
        except Exception as error:
            self.problem = f"{type(error).__name__}: {error}"

    async def request(self, world: World) -> dict[str, Any] | None:
        """The call itself."""
        raise NotImplementedError

    async def kill(self) -> None:
        """Kill the operation's own processes, if it has any."""

    async def phase(self, world: World) -> str:
        """Where the operation stood when the server died: request, queued, running, after."""
        raise NotImplementedError

    async def resolve(self, world: World, limits: Limits) -> list[str]:
        """After the restart: settle, move the oracle to what committed; violations."""
        raise NotImplementedError

    def refused(self) -> list[str]:
        """Violations of the call itself: an error, or userErrors for a valid request."""
        found = [f"[api] {self.label}: {self.problem}"] if self.problem else []
        if self.response and self.response.get("userErrors"):
            found.append(f"[api] {self.label}: refused {self.response['userErrors']}")
        return found


@dataclass
class JobOperation(Operation):
    """An import or a restore: a job the server queues and a worker runs."""

    target: int | None = None  # None: a new group
    last_job_id: int = 0

    async def prepare(self, world: World) -> None:
        rows = await fetch(world.engine, "SELECT coalesce(max(id), 0) FROM job")
        self.last_job_id = int(rows[0][0])

    async def phase(self, world: World) -> str:
        rows = await self._jobs(world)
        if not rows:
            return "request"
        return {"QUEUED": "queued", "RUNNING": "running"}.get(rows[0].status, "after")

    async def _jobs(self, world: World) -> list[Any]:
        return await fetch(
            world.engine,
            "SELECT id, status, group_id, backup_id, error FROM job WHERE id > :last ORDER BY id",
            last=self.last_job_id,
        )

    async def resolve(self, world: World, limits: Limits) -> list[str]:
        found = self.refused()
        jobs = await self._settled_jobs(world, limits.settle_timeout)
        unfinished = [j for j in jobs if j.status not in FINISHED]
        if unfinished or len(jobs) > 1:
            state = ", ".join(f"job {j.id} {j.status}" for j in jobs)
            wait = f" {limits.settle_timeout:.0f} s after the restart"
            return [*found, f"[job] {self.label}: {state}{wait} (expected one finished job)"]
        if not jobs:
            if self.response is not None:
                found.append(f"[job] {self.label}: answered {self.response} but no job is stored")
            return found
        job = jobs[0]
        if job.status == "FAILED":
            self.failed_jobs.append(f"job {job.id} ({self.label}): {job.error}")
            return found
        return found + self.commit(world, job)

    async def _settled_jobs(self, world: World, wait_seconds: float) -> list[Any]:
        deadline = time.monotonic() + wait_seconds
        while True:
            jobs = await self._jobs(world)
            if all(j.status in FINISHED for j in jobs) or time.monotonic() > deadline:
                return jobs
            await asyncio.sleep(0.05)

    def commit(self, world: World, job: Any) -> list[str]:
        """Move the oracle to the job's after-state and record its backup."""
        oracle = world.oracle
        before = oracle.groups.get(self.target, {}) if self.target is not None else {}
        found = []
        if self.target is None and job.group_id in oracle.groups:
            found.append(f"[job] {self.label}: wrote into existing group {job.group_id}")
        if self.target is not None and job.group_id != self.target:
            found.append(f"[job] {self.label}: wrote into group {job.group_id}, not {self.target}")
        oracle.groups[int(job.group_id)] = self.after(world, before)
        if (job.backup_id is None) != (self.target is None):
            found.append(f"[backup] {self.label}: job {job.id} has backup {job.backup_id}")
        if job.backup_id is not None and self.target is not None:
            oracle.backups[int(job.backup_id)] = ExpectedBackup(self.target, before, self.reason)
        return found

    reason = "IMPORT"

    def after(self, world: World, before: State) -> State:
        """The target's state once the job has run."""
        raise NotImplementedError


@dataclass
class ImportOperation(JobOperation):
    """importRecipients with a generated file, into a group or a new one."""

    content: bytes = b""
    rows: tuple[FileRow, ...] = ()
    mode: str = "ADD"
    group_name: str | None = None

    async def request(self, world: World) -> dict[str, Any] | None:
        return await world.api.start_import(
            self.content, group_id=self.target, group_name=self.group_name, mode=self.mode
        )

    def after(self, world: World, before: State) -> State:
        return apply_import(before, self.rows, self.mode)


@dataclass
class RestoreOperation(JobOperation):
    """restoreBackup into a new group, or into the backup's own (live) group."""

    backup_id: int = 0
    strategy: str = "REFRESH_AND_ADD"
    group_name: str | None = None
    reason = "RESTORE"

    async def request(self, world: World) -> dict[str, Any] | None:
        return await world.api.start_restore(
            backup_id=self.backup_id,
            group_id=self.target,
            group_name=self.group_name,
            strategy=self.strategy,
        )

    def after(self, world: World, before: State) -> State:
        source = world.oracle.backups[self.backup_id].state
        return apply_restore(before, source, self.strategy)


@dataclass
class DeleteOperation(Operation):
    """deleteGroup: backed up, then hidden, in one transaction."""

    group_id: int = 0

    async def request(self, world: World) -> dict[str, Any] | None:
        return await world.api.delete_group(self.group_id)

    async def phase(self, world: World) -> str:
        return "after" if self.response is not None else "request"

    async def resolve(self, world: World, limits: Limits) -> list[str]:
        found = self.refused()
        oracle = world.oracle
        rows = await fetch(
            world.engine, "SELECT deleted_at FROM recipient_group WHERE id = :g", g=self.group_id
        )
        if not rows or rows[0].deleted_at is None:
            if self.response is not None and not self.response.get("userErrors"):
                found.append(f"[state] {self.label}: answered deleted, but the group is live")
            return found
        before = oracle.groups.pop(self.group_id)
        backups = await fetch(
            world.engine, "SELECT id, reason FROM backup WHERE group_id = :g", g=self.group_id
        )
        new = [b for b in backups if int(b.id) not in oracle.backups]
        if len(new) != 1 or new[0].reason != "GROUP_DELETION":
            found.append(f"[backup] {self.label}: new backups {[tuple(b) for b in new]}")
        for backup in new:
            oracle.backups[int(backup.id)] = ExpectedBackup(self.group_id, before, backup.reason)
        return found


@dataclass
class SweepOperation(Operation):
    """A retention sweep as of a later time, in a process of its own, killed with the server."""

    as_of: datetime = datetime.min
    purge_batch: int = 20_000
    expiries: dict[int, datetime] = field(default_factory=dict)
    sweeper: Sweeper | None = None

    async def prepare(self, world: World) -> None:
        self.sweeper = Sweeper(world.database_url, log_path=world.folder / "sweeper.log")
        await self.sweeper.start()

    async def send(self, world: World) -> None:
        assert self.sweeper is not None
        await self.sweeper.sweep(self.as_of.isoformat(), self.purge_batch)

    async def kill(self) -> None:
        if self.sweeper is not None:
            await self.sweeper.kill()

    async def phase(self, world: World) -> str:
        return "after" if self.sweeper and self.sweeper.result else "sweep"

    async def resolve(self, world: World, limits: Limits) -> list[str]:
        expired = {b for b, at in self.expiries.items() if at <= self.as_of}
        present = {int(r.id) for r in await fetch(world.engine, "SELECT id FROM backup")}
        found = self._partly_expired(world, expired - present, expired)
        # The next sweep finishes what the killed one left (the checks then demand it all).
        report = await sweep(engine=world.engine, as_of=self.as_of)
        if report.failures:
            found.append(f"[retention] {self.label}: the next sweep failed: {report.failures}")
        for backup_id in expired:
            world.oracle.backups.pop(backup_id, None)
        return found

    def _partly_expired(self, world: World, gone: set[int], expired: set[int]) -> list[str]:
        """A group's expired backups go in one transaction: all of them or none."""
        found = []
        by_group: dict[int, set[int]] = {}
        for backup_id in expired:
            by_group.setdefault(world.oracle.backups[backup_id].group_id, set()).add(backup_id)
        for group_id, ids in sorted(by_group.items()):
            if ids & gone and ids - gone:
                found.append(
                    f"[retention] group {group_id}: expired backups {sorted(ids & gone)} went,"
                    f" {sorted(ids - gone)} stayed after a killed sweep"
                )
        return found


async def choose_operation(world: World, rng: random.Random, limits: Limits) -> Operation:
    """A random valid operation for the world as the oracle knows it."""
    oracle = world.oracle
    live = sorted(oracle.groups)
    backups = sorted(oracle.backups)
    restorable_in_place = [b for b in backups if oracle.backups[b].group_id in oracle.groups]
    weights = {
        "import": 4.0 if live else 0.0,
        "import-new": 1.0 if len(live) < 4 else 0.0,
        "restore-new": 1.0 if backups else 0.0,
        "restore-replace": 1.5 if restorable_in_place else 0.0,
        "restore-merge": 0.5 if restorable_in_place else 0.0,
        "delete": 1.0 if live else 0.0,
        "sweep": 2.0 if backups else 0.0,
    }
    if not live:
        weights["import-new"] = 1.0
    kind = rng.choices(list(weights), weights=list(weights.values()))[0]
    if kind in ("import", "import-new"):
        return _import(world, rng, limits, None if kind == "import-new" else rng.choice(live))
    if kind == "restore-new":
        backup_id = rng.choice(backups)
        name = oracle.new_group_name()
        label = f"restore backup {backup_id} into new {name!r}"
        return RestoreOperation(label, backup_id=backup_id, group_name=name)
    if kind in ("restore-replace", "restore-merge"):
        backup_id = rng.choice(restorable_in_place)
        strategy = "REPLACE" if kind == "restore-replace" else "REFRESH_AND_ADD"
        group_id = oracle.backups[backup_id].group_id
        label = f"restore backup {backup_id} into group {group_id} {strategy}"
        return RestoreOperation(label, target=group_id, backup_id=backup_id, strategy=strategy)
    if kind == "delete":
        group_id = rng.choice(live)
        return DeleteOperation(f"delete group {group_id}", group_id=group_id)
    return await _sweep(world, rng)


def _import(world: World, rng: random.Random, limits: Limits, target: int | None) -> Operation:
    size = rng.choice(
        (rng.randint(1, 50), rng.randint(50, 1_500), rng.randint(1_500, limits.max_rows))
    )
    made = generate_file(rng, pool=limits.pool, rows=size)
    mode = rng.choice(IMPORT_MODES)
    name = world.oracle.new_group_name() if target is None else None
    where = f"new {name!r}" if target is None else f"group {target}"
    return ImportOperation(
        f"import {size} rows {mode} into {where}",
        target=target,
        content=made.content,
        rows=made.rows,
        mode=mode,
        group_name=name,
    )


async def _sweep(world: World, rng: random.Random) -> Operation:
    """As of a time between two backups' expiries: the older ones expire, the newer stay."""
    expiries = {b.id: datetime.fromisoformat(b.expires_at) for b in await world.api.backups()}
    times = sorted(set(expiries.values()))
    k = rng.randint(0, len(times))
    if k == 0:
        as_of = times[0] - timedelta(seconds=1)
    elif k == len(times):
        as_of = times[-1] + timedelta(seconds=1)
    else:
        as_of = times[k - 1] + (times[k] - times[k - 1]) / 2
    batch = rng.choice((50, 500, 20_000))
    expiring = sum(at <= as_of for at in expiries.values())
    label = f"retention sweep expiring {expiring} of {len(expiries)} backups (batch {batch})"
    return SweepOperation(label, as_of=as_of, purge_batch=batch, expiries=expiries)
