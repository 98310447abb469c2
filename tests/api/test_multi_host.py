"""Past one machine (issue 13 point 4): two API instances and two workers, as separate
processes with data folders of their own, sharing only PostgreSQL and the S3 bucket.

Clients upload to instance A and follow the jobs through instance B (the importJob
subscription over graphql-transport-ws included), download exports and backups from either;
while the imports run, the worker running one of them is killed (SIGKILL) and restarted. That
job is held mid-run on purpose: the test locks its group's row, so the worker has claimed it
and waits on the group's lock when it is killed (as on a slow database). Every job must run
exactly once to SUCCEEDED (the killed one on its second attempt, taken over by the other
worker), every backup must be the group as it was before its import, every group as
imported.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from api.global_ids import decode_id
from tests.client import GraphQLClient
from tests.conftest import database_url
from tests.s3_server import S3Server
from tests.support.backups import backups
from tests.support.s3 import s3_server
from tests.support.topology import Deployment, Instance, Process, deployment

__all__ = ["s3_server"]  # the fixture of tests/support/s3.py

GROUPS = 5
ROWS = 30
PROTOCOL = Subprotocol("graphql-transport-ws")
WAIT_SECONDS = 30
SUCCEEDED = "job succeeded"
CLAIMED = "job claimed"
EXPORT = "query($id: ID!) { node(id: $id) { ... on Group { exportUrl } } }"
FOLLOW = "subscription($id: ID!) { importJob(id: $id) { status processedRows added updated } }"


def first_file(group: int) -> bytes:
    """A group's first content: ROWS recipients."""
    rows = "".join(f"g{group}-{k}@x.io,Base{k}\n" for k in range(ROWS))
    return f"email,first name\n{rows}".encode()


def second_file(group: int) -> bytes:
    """Half of the first rows renamed, and as many new ones (REFRESH_AND_ADD)."""
    rows = "".join(f"g{group}-{k}@x.io,New{k}\n" for k in range(ROWS // 2, ROWS + ROWS // 2))
    return f"email,first name\n{rows}".encode()


def expected(group: int) -> dict[str, str]:
    """The group's recipients after both imports: address -> first name."""
    names = {f"g{group}-{k}@x.io": f"Base{k}" for k in range(ROWS // 2)}
    return names | {f"g{group}-{k}@x.io": f"New{k}" for k in range(ROWS // 2, ROWS + ROWS // 2)}


@pytest.fixture
def topology(s3_server: S3Server, tmp_path: Path) -> Iterator[Deployment]:
    """A fresh PostgreSQL database and bucket; processes are started by the test."""
    url = database_url("postgresql", tmp_path)  # skips where no PostgreSQL is configured
    files_url = f"s3://{s3_server.new_bucket()}/multi-host-{secrets.token_hex(2)}"
    with deployment(
        database_url=url,
        files_url=files_url,
        s3_endpoint_url=s3_server.endpoint_url,
        folder=tmp_path,
        LISTKEEPER_JOB_POLL_SECONDS="0.2",
    ) as made:
        yield made


class Database:
    """asyncpg on a loop of its own, for a test that is not async: reads and the row lock."""

    def __init__(self, url: str) -> None:
        self.runner = asyncio.Runner()
        self.url = url

    def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        """The rows of one query, on a connection of its own."""

        async def read() -> list[asyncpg.Record]:
            conn = await asyncpg.connect(self.url)
            try:
                return list(await conn.fetch(query, *args))
            finally:
                await conn.close()

        return self.runner.run(read())

    @contextmanager
    def group_locked(self, group_id: int) -> Iterator[int]:
        """Hold the group row's lock against updates (an import's `lock_group` waits on it, a
        new job's foreign key check does not); the locking backend's pid."""
        conn = self.runner.run(asyncpg.connect(self.url))
        try:
            self.runner.run(conn.execute("BEGIN"))
            self.runner.run(
                conn.execute(
                    "SELECT 1 FROM recipient_group WHERE id = $1 FOR NO KEY UPDATE", group_id
                )
            )
            yield int(self.runner.run(conn.fetchval("SELECT pg_backend_pid()")))
            self.runner.run(conn.execute("ROLLBACK"))
        finally:
            self.runner.run(conn.close())

    def wait_blocked_by(self, pid: int) -> None:
        """Wait until a backend waits on a lock `pid` holds."""
        deadline = time.monotonic() + WAIT_SECONDS
        query = "SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))"
        while self.fetch(query, pid)[0][0] == 0:
            assert time.monotonic() < deadline, "no job reached the locked group"
            time.sleep(0.02)

    def close(self) -> None:
        """Close the loop."""
        self.runner.close()


async def follow(
    instance: Instance, token: str, job_id: str, heard: threading.Event
) -> list[dict[str, Any]]:
    """Subscribe to the job over graphql-transport-ws on `instance`; every job pushed
    (`heard` is set at the first)."""
    url = instance.url.replace("http", "ws", 1) + "/graphql"
    async with asyncio.timeout(WAIT_SECONDS), connect(url, subprotocols=[PROTOCOL]) as socket:
        init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        await socket.send(json.dumps(init))
        assert json.loads(await socket.recv())["type"] == "connection_ack"
        payload = {"query": FOLLOW, "variables": {"id": job_id}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        pushed = []
        while (message := json.loads(await socket.recv()))["type"] == "next":
            assert "errors" not in message["payload"], message
            pushed.append(message["payload"]["data"]["importJob"])
            heard.set()
        assert message["type"] == "complete", message
        return pushed


def csv_rows(response: httpx.Response) -> list[list[str]]:
    """A downloaded CSV's rows; the download must have succeeded."""
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def export_from(client: GraphQLClient, instance: Instance, group_id: str) -> list[list[str]]:
    """The group's CSV export: its URL asked of `client`'s instance, downloaded from `instance`."""
    url = client.execute(EXPORT, {"id": group_id})["node"]["exportUrl"]
    return csv_rows(httpx.get(instance.address(url)))


def worker_of(workers: list[Process], job_id: int) -> Process:
    """The worker that has claimed the job (from the logs, waiting for the line)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        for worker in workers:
            if any(event["job_id"] == job_id for event in worker.events(CLAIMED)):
                return worker
        assert time.monotonic() < deadline, "no worker logged the claim"
        time.sleep(0.02)


def test_two_instances_two_workers_one_killed_every_job_once(topology: Deployment) -> None:
    token = topology.token("multi-host")
    (a, b), workers = topology.start(["api-a", "api-b"], ["worker-1", "worker-2"])
    on_a, on_b = GraphQLClient(a.url, token), GraphQLClient(b.url, token)
    database = Database(topology.database_url)
    try:
        # Uploaded to A, followed through B.
        started = [on_a.start_import(first_file(g), groupName=f"g{g}") for g in range(GROUPS)]
        firsts = [on_b.wait_job(p["job"]["id"], timeout=WAIT_SECONDS) for p in started]
        assert [job["status"] for job in firsts] == ["SUCCEEDED"] * GROUPS
        groups = [job["group"]["id"] for job in firsts]
        before = [export_from(on_b, a, group) for group in groups]
        assert [len(rows) for rows in before] == [ROWS + 1] * GROUPS  # a header, ROWS rows
        backups_before = [len(backups(on_b, group)) for group in groups]

        heard = threading.Event()
        with ThreadPoolExecutor(1) as pool:
            with database.group_locked(decode_id(groups[0], "Group", field=["id"])) as pid:
                payloads = [
                    on_a.start_import(second_file(g), groupId=groups[g], mode="REFRESH_AND_ADD")
                    for g in range(GROUPS)
                ]
                held = decode_id(payloads[0]["job"]["id"], "ImportJob", field=["id"])
                database.wait_blocked_by(pid)  # claimed, and waiting on the group's lock
                subscribed = pool.submit(
                    asyncio.run, follow(b, token, payloads[0]["job"]["id"], heard)
                )
                assert heard.wait(WAIT_SECONDS)
                doomed = worker_of(workers, held)
                doomed.kill()
                topology.restart(doomed)
            finals = [on_b.wait_job(p["job"]["id"], timeout=WAIT_SECONDS) for p in payloads]
            pushed = subscribed.result(timeout=WAIT_SECONDS)

        assert [(j["status"], j["added"], j["updated"]) for j in finals] == [
            ("SUCCEEDED", ROWS // 2, ROWS // 2)
        ] * GROUPS
        # The subscriber on B saw the job running on a worker elsewhere, then its end.
        assert pushed[0]["status"] == "RUNNING"
        assert pushed[-1] == {
            "status": "SUCCEEDED",
            "processedRows": ROWS,
            "added": ROWS // 2,
            "updated": ROWS // 2,
        }

        # Exactly once. Each success is committed once: no job logged it twice (a job that
        # the killed worker committed may have died before its line), each import into a new
        # group made one group, each second import one backup (below); the held job ran on
        # its second attempt, on another process than the killed one, and none ran thrice.
        every_job = [
            decode_id(p["job"]["id"], "ImportJob", field=["id"]) for p in started + payloads
        ]
        logged = Counter(e["job_id"] for w in topology.started for e in w.events(SUCCEEDED))
        assert set(logged) <= set(every_job)
        assert max(logged.values()) == 1
        assert held not in {e["job_id"] for e in doomed.events(SUCCEEDED)}
        assert logged[held] == 1
        assert (
            on_b.execute("{ groups(first: 50) { totalCount } }")["groups"]["totalCount"] == GROUPS
        )
        attempts = dict(database.fetch("SELECT id, attempts FROM job"))
        assert attempts[held] == 2
        assert set(attempts) == set(every_job)
        assert max(attempts.values()) <= 2

        # Backups exact: one more a group, the group as it was before its second import,
        # asked of A and downloaded from B.
        for group, rows_before, count in zip(groups, before, backups_before, strict=True):
            made = backups(on_a, group)
            assert len(made) == count + 1
            assert csv_rows(httpx.get(b.address(made[0]["downloadUrl"]))) == rows_before
        # Groups exact.
        for g, group in enumerate(groups):
            assert {r["email"]: r["firstName"] for r in on_b.recipients(group)} == expected(g)
    finally:
        on_a.close()
        on_b.close()
        database.close()
    assert not any("Traceback" in process.text() for process in topology.started)
