"""The queue across processes: NOTIFY wakes an idle `listkeeper worker`, a worker runs jobs of
different groups at once and never two of one group, SIGTERM drains (jobs finish or go back
QUEUED with their attempt not counted, then run on the next worker)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry import relay

from api.graphql import subscriptions
from storage.db import read_transaction, write_transaction
from storage.jobs import JobRow, claim_job, create_job, job_by_id
from storage.sql import run
from tests.conftest import new_client
from tests.server import LiveServer
from tests.support.graphql_ws import OPERATIONS, graphql_socket, jobs_of, receive, send

# Longer than any test here waits: a job picked up at once can only have been woken.
SLOW_POLL = "30"


def postgres_only(server: LiveServer) -> None:
    if server.services.engine.dialect.name != "postgresql":
        pytest.skip("NOTIFY and concurrent jobs are PostgreSQL's (SQLite runs one job at a time)")


class WorkerProcess:
    """A `listkeeper worker` process on the server's database, its JSON log in a file."""

    def __init__(self, server: LiveServer, log: Path, **settings: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
        env.update(
            LISTKEEPER_DATABASE_URL=str(server.settings.database_url),
            LISTKEEPER_DATA_DIR=str(server.settings.data_dir),
            LISTKEEPER_SECRET_KEY="worker-process-secret",
            LISTKEEPER_LOG_JSON="true",
            **{f"LISTKEEPER_{k.upper()}": v for k, v in settings.items()},
        )
        self.log = log
        self.stderr = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )

    def records(self) -> list[dict[str, Any]]:
        """The log lines written so far, parsed."""
        lines = self.log.read_bytes().splitlines()
        return [orjson.loads(line) for line in lines if line.startswith(b"{")]

    def said(self, message: str, **fields: Any) -> list[dict[str, Any]]:
        """The log records with this message (and these fields)."""
        return [
            r
            for r in self.records()
            if r["message"] == message and all(r.get(k) == v for k, v in fields.items())
        ]

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM, then the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        self.stderr.close()
        return code


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.02)


def db_id(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


def job_row(server: LiveServer, job_id: int) -> JobRow:
    async def read() -> JobRow:
        async with read_transaction(server.services.engine) as conn:
            job = await job_by_id(conn, job_id=job_id)
        assert job is not None
        return job

    return server.run(read())


def csv_rows(count: int, prefix: str = "p") -> bytes:
    lines = ["email,first name"] + [f"{prefix}{n}@x.io,N{n}" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


class GroupRowLocks:
    """PostgreSQL row locks on groups, held by the test: a job writing there waits, RUNNING
    (NO KEY UPDATE: a job row naming the group may still be inserted)."""

    def __init__(self, server: LiveServer, group_ids: list[int]) -> None:
        self.server = server

        async def hold() -> AsyncConnection:
            conn = await server.services.engine.connect()
            await conn.begin()
            await run(
                conn,
                "SELECT id FROM recipient_group WHERE id IN :ids FOR NO KEY UPDATE",
                ids=group_ids,
            )
            return conn

        self.conn = server.run(hold())

    def release(self) -> None:
        async def release() -> None:
            await self.conn.rollback()
            await self.conn.close()

        self.server.run(release())


def test_a_job_queued_on_another_process_wakes_an_idle_worker_by_notify(
    api_only: LiveServer, tmp_path: Path
) -> None:
    postgres_only(api_only)
    client = new_client(api_only)
    worker = WorkerProcess(api_only, tmp_path / "worker.log", job_poll_seconds=SLOW_POLL)
    try:
        wait_until(lambda: bool(worker.said("job notices: listening")), "the worker listens")
        # Time for the look its listening connection triggers (at an empty queue) to end;
        # then only the job's NOTIFY can wake it before the next poll, 30 s away. A look that
        # began late would log another reason, and fail the test, not pass it.
        time.sleep(1.0)
        job = client.import_file(csv_rows(3), groupName="woken", mode="REFRESH_AND_ADD")
        assert (job["status"], job["added"]) == ("SUCCEEDED", 3)
        claims = worker.said("job claimed", job_id=db_id(job["id"]))
        # Claimed because of the NOTIFY sent with the job's commit, not at a poll.
        assert [c["woken_by"] for c in claims] == ["notify"]
    finally:
        client.close()
        code = worker.stop()
    assert code == 0


def test_jobs_of_different_groups_run_at_once_and_one_groups_never_overlap(
    api_only: LiveServer, tmp_path: Path
) -> None:
    postgres_only(api_only)
    client = new_client(api_only)
    worker = WorkerProcess(
        api_only, tmp_path / "worker.log", job_poll_seconds=SLOW_POLL, worker_concurrency="5"
    )
    try:
        groups = [
            client.import_file(csv_rows(2, f"g{n}-"), groupName=f"g{n}")["group"]["id"]
            for n in range(4)
        ]
        locks = GroupRowLocks(api_only, [db_id(g) for g in groups])
        held = [client.start_import(csv_rows(50), groupId=g)["job"]["id"] for g in groups]
        # Four jobs of four groups RUNNING at the same moment (each waits on its group's lock).
        wait_until(
            lambda: all(client.job_status(j) == "RUNNING" for j in held),
            "four jobs RUNNING at once",
        )
        second = client.start_import(csv_rows(60), groupId=groups[0])["job"]["id"]
        # A newer job with a free slot runs to its end: the look that claimed it passed over
        # `second`, which must wait for its group's running job.
        free = client.import_file(csv_rows(5), groupName="free")
        assert free["status"] == "SUCCEEDED"
        assert client.job_status(second) == "QUEUED"
        locks.release()
        finished = {j: client.wait_job(j) for j in [*held, second]}
        assert all(job["status"] == "SUCCEEDED" for job in finished.values())
        first_row, second_row = job_row(api_only, db_id(held[0])), job_row(api_only, db_id(second))
        assert first_row.finished_at is not None
        assert second_row.started_at is not None
        assert second_row.started_at >= first_row.finished_at
        # The group's first 2, then p0..p49 and p0..p59: both jobs wrote, one after the other.
        assert len(client.recipients(groups[0])) == 62
    finally:
        client.close()
        code = worker.stop()
    assert code == 0


def test_two_claims_of_one_groups_jobs_never_both_succeed(api_only: LiveServer) -> None:
    """Two workers claiming two jobs of one group at the same instant: one runs, one waits."""
    new_client(api_only).close()  # an account
    engine = api_only.services.engine
    now = api_only.clock.now()

    async def race() -> tuple[JobRow | None, JobRow | None]:
        async with write_transaction(engine) as conn:
            account = await run(conn, "SELECT id FROM account ORDER BY id LIMIT 1")
            account_id = int(account.scalar_one())
            created = await run(
                conn,
                "INSERT INTO recipient_group (account_id, name, created_at, backups_enabled,"
                " seq, recipient_count, attribute_names) VALUES (:a, 'race', :now, true, 0, 0,"
                " '[]') RETURNING id",
                a=account_id,
                now=now,
            )
            group_id = int(created.scalar_one())
            fields = {"account_id": account_id, "kind": "IMPORT", "mode": "REFRESH_AND_ADD"}
            older = await create_job(conn, now=now, group_id=group_id, **fields)
            newer = await create_job(conn, now=now, group_id=group_id, **fields)
        first = await engine.connect()
        await (await first.execution_options(immediate=True)).begin()
        # One worker's claim of the older job, not yet committed, while another claims the newer.
        claimed = await claim_job(first, job_id=older, now=now, max_attempts=3)

        async def claim_newer() -> JobRow | None:
            async with write_transaction(engine) as conn:
                return await claim_job(conn, job_id=newer, now=now, max_attempts=3)

        other = asyncio.create_task(claim_newer())
        await asyncio.sleep(0.3)  # the other claim has run (PostgreSQL) or waits (SQLite's lock)
        await first.commit()
        await first.close()
        return claimed, await other

    claimed, other = api_only.run(race())
    assert claimed is not None
    assert claimed.status == "RUNNING"
    assert other is None


def test_sigterm_drains_a_running_job_back_to_the_queue_for_the_next_worker(
    api_only: LiveServer, tmp_path: Path
) -> None:
    postgres = api_only.services.engine.dialect.name == "postgresql"
    client = new_client(api_only)
    first = WorkerProcess(
        api_only, tmp_path / "first.log", job_poll_seconds="0.2", worker_grace_seconds="0.5"
    )
    locks: GroupRowLocks | None = None
    try:
        group = client.import_file(csv_rows(2, "old-"), groupName="drained")["group"]["id"]
        # PostgreSQL: the job waits on its group's row, held here, past the grace. SQLite (one
        # writer, whose lock waits no interrupt stops): a file long enough to be mid-parse.
        rows = 50 if postgres else 200_000
        if postgres:
            locks = GroupRowLocks(api_only, [db_id(group)])
        job_id = client.start_import(csv_rows(rows), groupId=group)["job"]["id"]
        wait_until(lambda: client.job_status(job_id) == "RUNNING", "the job runs")
        assert first.stop() == 0
    finally:
        if locks is not None:
            locks.release()
    drained = job_row(api_only, db_id(job_id))
    handed_back = first.said("job handed back to the queue (draining); its attempt is not counted")
    if postgres or drained.status == "QUEUED":
        assert (drained.status, drained.attempts) == ("QUEUED", 0)
        assert [r["job_id"] for r in handed_back] == [db_id(job_id)]
    else:  # it finished within the grace: also a drain
        assert drained.status == "SUCCEEDED"
    second = WorkerProcess(api_only, tmp_path / "second.log", job_poll_seconds="0.2")
    try:
        job = client.wait_job(job_id)
        assert (job["status"], job["added"]) == ("SUCCEEDED", rows)
        assert job_row(api_only, db_id(job_id)).attempts == 1
        # The count, not every row: 2,000 pages of recipients would take minutes.
        count = client.execute(
            "query($id: ID!) { node(id: $id) { ... on Group { recipients { totalCount } } } }",
            {"id": group},
        )["node"]["recipients"]["totalCount"]
        assert count == rows + 2
    finally:
        client.close()
        assert second.stop() == 0


def test_a_job_run_on_another_host_pushes_its_moves_to_a_subscriber_at_once(
    api_only: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subscription served by one instance, its job run by a worker process: the job's
    moves reach the follower by NOTIFY (the trigger on `job`), not at its next re-read."""
    postgres_only(api_only)
    # Longer than the test waits: without a notice the follower would hear nothing more.
    monkeypatch.setattr(subscriptions, "WAIT_SECONDS", 3600.0)
    client = new_client(api_only)
    worker = WorkerProcess(api_only, tmp_path / "worker.log", job_poll_seconds="0.2")
    try:
        group = client.import_file(csv_rows(2), groupName="followed")["group"]["id"]
        locks = GroupRowLocks(api_only, [db_id(group)])
        job_id = client.start_import(csv_rows(500), groupId=group)["job"]["id"]
        wait_until(lambda: client.job_status(job_id) == "RUNNING", "the job waits on its group")

        async def follow() -> list[dict[str, Any]]:
            async with graphql_socket(api_only, client.token) as socket:
                payload = {
                    "query": OPERATIONS["ImportJobProgress"],
                    "operationName": "ImportJobProgress",
                    "variables": {"id": job_id},
                }
                await send(socket, {"id": "p", "type": "subscribe", "payload": payload})
                messages = [await receive(socket)]  # the job as it is: RUNNING
                locks.release()  # now it runs on, in the worker process
                while messages[-1]["type"] != "complete":
                    messages.append(await receive(socket))
                return messages

        jobs = jobs_of(asyncio.run(follow()))
        assert jobs[0]["status"] == "RUNNING"
        assert (jobs[-1]["status"], jobs[-1]["added"]) == ("SUCCEEDED", 498)  # p0, p1 were there
    finally:
        client.close()
        code = worker.stop()
    assert code == 0
