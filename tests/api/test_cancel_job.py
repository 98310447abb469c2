"""cancelJob: a queued job never runs; a running one rolls back and ends CANCELLED.

Through the GraphQL endpoint on both databases. A job is held QUEUED by holding its liveness
lock from before its row is committed (the server's worker never sees it free); a running
import is caught by polling its status while it parses a big file.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from api.global_ids import decode_id, encode_id
from storage.db import read_transaction, write_transaction
from storage.job_locks import job_locks
from storage.jobs import create_job
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import backups, two_imports
from tests.support.documents import JOB_FIELDS

CANCEL = (
    "mutation C($input: CancelJobInput!) { cancelJob(input: $input) {"
    f" job {{ {JOB_FIELDS} }} userErrors {{ field message code }} }} }}"
)
STATUS = "query J($id: ID!) { importJob(id: $id) { status processedRows } }"
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")
BIG_ROWS = 200_000
# Only its rows' counts are compared: every table a write or a backup touches.
TABLES = ("recipient", "recipient_version", "backup")


def db_id(job_id: str) -> int:
    """The database id of a job's global id."""
    return decode_id(job_id, "ImportJob", field=["id"])


def cancel(client: GraphQLClient, job_id: str) -> dict[str, Any]:
    """Send cancelJob; its payload."""
    payload: dict[str, Any] = client.execute(CANCEL, {"input": {"jobId": job_id}})["cancelJob"]
    return payload


def wait_ended(client: GraphQLClient, job_id: str, timeout: float = 120) -> str:
    """Poll the job until it has ended, cancelled included; its status."""
    deadline = time.monotonic() + timeout
    while True:
        status: str = client.execute(STATUS, {"id": job_id})["importJob"]["status"]
        if status in ENDED:
            return status
        assert time.monotonic() < deadline, f"job still {status}"
        time.sleep(0.05)


def sql(server: LiveServer, query: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a read query, run on the server's engine."""

    async def read() -> list[tuple[Any, ...]]:
        async with read_transaction(server.services.engine) as conn:
            return [tuple(row) for row in await run(conn, query, **params)]

    return server.run(read())


def write(server: LiveServer, query: str, **params: Any) -> None:
    """One write statement in its own transaction."""

    async def go() -> None:
        async with write_transaction(server.services.engine) as conn:
            await run(conn, query, **params)

    server.run(go())


def counts(server: LiveServer, group_id: int) -> dict[str, int]:
    """Rows the group has in each table a write touches, and its recipientCount."""
    found = {
        table: int(
            sql(server, f"SELECT count(*) FROM {table} WHERE group_id = :g", g=group_id)[0][0]
        )
        for table in TABLES
    }
    found["recipient_count"] = int(
        sql(server, "SELECT recipient_count FROM recipient_group WHERE id = :g", g=group_id)[0][0]
    )
    return found


@contextmanager
def held_restore(server: LiveServer, group: str, backup: str) -> Iterator[str]:
    """A restore of `backup` into `group`, kept QUEUED while the block runs; its global id.

    Its lock is taken before its row is committed, so the server's worker never sees it free;
    released at the end as the lock of an ended job (the test has ended it).
    """
    group_id = decode_id(group, "Group", field=["id"])
    account_id = sql(server, "SELECT account_id FROM recipient_group WHERE id = :g", g=group_id)[0][
        0
    ]

    async def queue_held() -> tuple[int, Any]:
        async with write_transaction(server.services.engine) as conn:
            job_id = await create_job(
                conn,
                now=server.clock.now(),
                account_id=account_id,
                kind="RESTORE",
                mode="REFRESH_AND_ADD",
                group_id=group_id,
                source_backup_id=decode_id(backup, "Backup", field=["id"]),
            )
            lock = await job_locks(server.services.engine).try_lock(job_id)
        assert lock is not None
        return job_id, lock

    job_id, lock = server.run(queue_held())
    try:
        yield encode_id("ImportJob", job_id)
    finally:
        server.run(lock.release(ended=True))


def big_file(rows: int = BIG_ROWS) -> bytes:
    """A file whose import runs long enough to be caught RUNNING (every address is new)."""
    return b"email,first name,city\n" + b"".join(
        f"person{i}@example.com,Person {i},Town {i % 97}\n".encode() for i in range(rows)
    )


def catch_running(client: GraphQLClient, job_id: str) -> None:
    """Wait until the job has started parsing (fails if it ended first)."""
    deadline = time.monotonic() + 60
    while True:
        job = client.execute(STATUS, {"id": job_id})["importJob"]
        if job["status"] == "RUNNING" and job["processedRows"] > 0:
            return
        assert job["status"] in ("QUEUED", "RUNNING"), f"job already {job['status']}"
        assert time.monotonic() < deadline, "job never started"
        time.sleep(0.02)


def test_a_cancelled_queued_job_never_runs(server: LiveServer, client: GraphQLClient) -> None:
    group, backup, _ = two_imports(client, "Cancel queued")
    group_id = decode_id(group, "Group", field=["id"])
    before, people = counts(server, group_id), client.recipients(group)

    with held_restore(server, group, backup["id"]) as job_id:
        assert client.job_status(job_id) == "QUEUED"
        payload = cancel(client, job_id)
        assert payload["userErrors"] == []
        assert payload["job"]["status"] == "CANCELLED"
        assert payload["job"]["finishedAt"] is not None

    # The lock is free now: the worker, woken by a new job and its polls, must leave it.
    client.import_file(b"email\nsomeone@x.io\n", groupName="Cancel queued, wake")
    time.sleep(1.0)
    assert client.job_status(job_id) == "CANCELLED"
    assert counts(server, group_id) == before
    assert client.recipients(group) == people
    assert sql(server, "SELECT attempts, started_at FROM job WHERE id = :j", j=db_id(job_id)) == [
        (0, None)
    ]


def test_a_cancelled_running_import_rolls_back(server: LiveServer, client: GraphQLClient) -> None:
    group, _, _ = two_imports(client, "Cancel running")
    group_id = decode_id(group, "Group", field=["id"])
    before, people, kept = (
        counts(server, group_id),
        client.recipients(group),
        backups(client, group),
    )

    started = client.start_import(big_file(), groupId=group, mode="REFRESH_AND_ADD")
    assert started["userErrors"] == []
    job_id = started["job"]["id"]
    catch_running(client, job_id)
    payload = cancel(client, job_id)

    assert payload["userErrors"] == []
    assert payload["job"]["status"] in ("CANCELLING", "CANCELLED")
    assert wait_ended(client, job_id) == "CANCELLED"
    job = client.execute(STATUS, {"id": job_id})["importJob"]
    assert job["status"] == "CANCELLED"
    assert counts(server, group_id) == before
    assert client.recipients(group) == people
    assert backups(client, group) == kept
    ended = client.execute(
        "query J($id: ID!) { importJob(id: $id) { backup { id } group { recipientCount } } }",
        {"id": job_id},
    )["importJob"]
    assert ended["backup"] is None
    assert ended["group"]["recipientCount"] == len(people)
    # Its staged upload goes with it, once the worker lets go of the job.
    key = sql(server, "SELECT upload_key FROM job WHERE id = :j", j=db_id(job_id))[0][0]
    deadline = time.monotonic() + 10
    while server.services.files.path(key).exists():
        assert time.monotonic() < deadline, "the cancelled job's upload was kept"
        time.sleep(0.05)


def test_a_cancel_asked_on_another_instance_stops_a_running_import(
    server: LiveServer, client: GraphQLClient
) -> None:
    # Only the database flag, as when the request reached another instance than the worker's.
    group, _, _ = two_imports(client, "Cancel elsewhere")
    group_id = decode_id(group, "Group", field=["id"])
    before = counts(server, group_id)

    job_id = client.start_import(big_file(), groupId=group, mode="REFRESH_AND_ADD")["job"]["id"]
    catch_running(client, job_id)
    write(
        server,
        "UPDATE job SET status = 'CANCELLING' WHERE id = :j AND status = 'RUNNING'",
        j=db_id(job_id),
    )

    assert wait_ended(client, job_id) == "CANCELLED"
    assert counts(server, group_id) == before


def test_a_cancelling_job_is_cancelled_again_quietly_and_ends_cancelled_when_its_worker_dies(
    server: LiveServer, client: GraphQLClient
) -> None:
    group, backup, _ = two_imports(client, "Cancel orphan")
    group_id = decode_id(group, "Group", field=["id"])
    before = counts(server, group_id)

    with held_restore(server, group, backup["id"]) as job_id:
        # As a running job asked to stop whose worker (the lock's holder) still lives.
        write(
            server,
            "UPDATE job SET status = 'CANCELLING', attempts = 1 WHERE id = :j",
            j=db_id(job_id),
        )
        again = cancel(client, job_id)
        assert again["userErrors"] == []
        assert again["job"]["status"] == "CANCELLING"
    # The lock is free, as when its worker died: claimed only to end it, never rerun.

    assert wait_ended(client, job_id, timeout=30) == "CANCELLED"
    assert sql(server, "SELECT attempts FROM job WHERE id = :j", j=db_id(job_id)) == [(1,)]
    assert counts(server, group_id) == before


async def receive(socket: ClientConnection) -> dict[str, Any]:
    """The next graphql-transport-ws message; fails rather than hangs."""
    async with asyncio.timeout(60):
        message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def follow_while_cancelling(
    server: LiveServer, client: GraphQLClient, job_id: str
) -> list[Any]:
    """Subscribe to the job, cancel it once the first message came; every message until complete."""
    url = server.url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as socket:
        init = {"Authorization": f"Bearer {client.token}"}
        await socket.send(json.dumps({"type": "connection_init", "payload": init}))
        assert (await receive(socket))["type"] == "connection_ack"
        query = "subscription S($id: ID!) { importJob(id: $id) { status } }"
        subscribe = {"query": query, "variables": {"id": job_id}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        messages = [await receive(socket)]
        payload = await asyncio.to_thread(cancel, client, job_id)
        assert payload["userErrors"] == []
        while messages[-1]["type"] != "complete":
            messages.append(await receive(socket))
    return [m["payload"]["data"]["importJob"]["status"] for m in messages[:-1]]


def test_a_subscriber_sees_the_cancel_and_completes(
    server: LiveServer, client: GraphQLClient
) -> None:
    group, backup, _ = two_imports(client, "Cancel followed")
    with held_restore(server, group, backup["id"]) as job_id:
        statuses = asyncio.run(follow_while_cancelling(server, client, job_id))

    assert statuses == ["QUEUED", "CANCELLED"]


def test_cancelling_a_finished_job_is_a_conflict(server: LiveServer, client: GraphQLClient) -> None:
    job = client.import_file(b"email\na@x.io\n", groupName="Cancel finished")
    assert job["status"] == "SUCCEEDED"

    payload = cancel(client, job["id"])

    assert payload["job"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("CONFLICT", ["jobId"])]
    assert client.job_status(job["id"]) == "SUCCEEDED"


def test_another_accounts_job_is_not_found(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group, backup, _ = two_imports(client, "Cancel mine")
    with held_restore(server, group, backup["id"]) as job_id:
        for job in (job_id, encode_id("ImportJob", 2**40), "not-an-id"):
            payload = cancel(other_client, job)
            assert payload["job"] is None
            assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
                ("NOT_FOUND", ["jobId"])
            ]
        assert client.job_status(job_id) == "QUEUED"
        assert cancel(client, job_id)["job"]["status"] == "CANCELLED"
