"""cancelJob: a queued job never runs; a running one rolls back and ends CANCELLED.

Through the GraphQL endpoint on both databases. A job is held QUEUED by holding its liveness
lock from before its row is committed (the server's worker never sees it free); a running
import is caught by polling its status while it parses a big file, or inside its write
(SQLite: the database's write lock is held; PostgreSQL: its backend runs a write statement).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from api.clock import FrozenClock
from api.global_ids import decode_id, encode_id
from storage.cancel_requests import cancel_requests
from storage.db import write_transaction
from storage.files import folder_of
from storage.jobs import JobCancelled, finish
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import backups, two_imports
from tests.support.documents import JOB_FIELDS
from tests.support.held_jobs import held_restore, sql

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
    found["recipient_count"], found["seq"] = sql(
        server, "SELECT recipient_count, seq FROM recipient_group WHERE id = :g", g=group_id
    )[0]
    return found


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
    while folder_of(server.services.files).path(key).exists():
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


WRITE_ROWS = 100_000
# The write statements of an import into a group (stage_final, stage_changes, recipient...).
WRITES = (
    "INSERT OR REPLACE INTO stage_final%",
    "INSERT INTO stage_final%",
    "INSERT INTO stage_changes%",
    "INSERT INTO recipient%",
    "UPDATE recipient %",
)


@pytest.fixture
def second_instance(server: LiveServer) -> Iterator[LiveServer]:
    """Another server on the same database and file store, with its own worker."""
    assert server.settings.database_url is not None
    other = LiveServer(
        database_url=server.settings.database_url,
        data_dir=server.settings.data_dir,
        clock=FrozenClock(server.clock.now()),
    )
    other.start()
    yield other
    other.stop()


def changed_file(rows: int) -> bytes:
    """Every address of `big_file(rows)` with a new name, and as many new ones: a long write."""
    return b"email,first name,city\n" + b"".join(
        f"person{i}@example.com,Renamed {i},Town {i % 89}\n".encode() for i in range(2 * rows)
    )


def fingerprint(server: LiveServer, group_id: int) -> tuple[Any, ...]:
    """What the group's current rows hold, in one row (their names, versions and statuses)."""
    return sql(
        server,
        "SELECT count(*), max(version), sum(length(first_name)), sum(length(attributes)),"
        " count(DISTINCT status) FROM recipient WHERE group_id = :g",
        g=group_id,
    )[0]


def writing(server: LiveServer, backend: str) -> bool:
    """Whether an import is inside its write (the only writer the test lets run)."""
    if backend == "postgresql":
        like = " OR ".join(f"query LIKE :w{i}" for i in range(len(WRITES)))
        active = sql(
            server,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            f" AND state = 'active' AND ({like})",
            **{f"w{i}": w for i, w in enumerate(WRITES)},
        )
        return int(active[0][0]) > 0
    # SQLite: the write lock is held twice in a row (a progress write holds it a moment).
    if not write_locked(server):
        return False
    time.sleep(0.02)
    return write_locked(server)


def write_locked(server: LiveServer) -> bool:
    """Whether another connection holds SQLite's write lock now."""
    database = server.services.engine.url.database
    assert database is not None
    probe = sqlite3.connect(Path(database), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return True
    finally:
        probe.close()


def catch_writing(server: LiveServer, backend: str, client: GraphQLClient, job_id: str) -> None:
    """Wait until the job is inside its write (fails if it ended first)."""
    deadline = time.monotonic() + 120
    while not writing(server, backend):
        status = client.job_status(job_id)
        assert status in ("QUEUED", "RUNNING"), f"job already {status}"
        assert time.monotonic() < deadline, "job never wrote"
        time.sleep(0.01)


def test_a_cancel_stops_the_running_write_statement_and_rolls_back(
    server: LiveServer, backend: str, client: GraphQLClient
) -> None:
    group = client.import_file(big_file(WRITE_ROWS), groupName="Cancel mid-write")["group"]["id"]
    client.import_file(b"email,first name\nperson0@example.com,Zero\n", groupId=group)
    group_id = decode_id(group, "Group", field=["id"])
    before, rows, kept = (
        counts(server, group_id),
        fingerprint(server, group_id),
        backups(client, group),
    )
    stopped = server.app.state.worker.statements_stopped

    started = client.start_import(changed_file(WRITE_ROWS), groupId=group, mode="REFRESH_AND_ADD")
    job_id = started["job"]["id"]
    catch_writing(server, backend, client, job_id)
    payload = cancel(client, job_id)

    assert payload["userErrors"] == []
    assert wait_ended(client, job_id) == "CANCELLED"
    # Stopped inside a statement, not at a checkpoint between two.
    assert server.app.state.worker.statements_stopped == stopped + 1
    assert counts(server, group_id) == before
    assert fingerprint(server, group_id) == rows
    assert backups(client, group) == kept
    ended = client.execute(
        "query J($id: ID!) { importJob(id: $id) { error backup { id } } }", {"id": job_id}
    )["importJob"]
    assert ended == {"error": None, "backup": None}
    # The database is free again: the next import of the group runs and sees it unchanged.
    after = client.import_file(b"email\nlast@example.com\n", groupId=group)
    assert (after["status"], after["added"]) == ("SUCCEEDED", 1)


def test_a_cancel_sent_to_another_instance_stops_the_running_write(
    server: LiveServer, backend: str, client: GraphQLClient, second_instance: LiveServer
) -> None:
    group = client.import_file(big_file(WRITE_ROWS), groupName="Cancel via B")["group"]["id"]
    group_id = decode_id(group, "Group", field=["id"])
    before, rows = counts(server, group_id), fingerprint(server, group_id)
    kept = backups(client, group)

    job_id = client.start_import(changed_file(WRITE_ROWS), groupId=group)["job"]["id"]
    catch_writing(server, backend, client, job_id)
    with closing(GraphQLClient(second_instance.url, client.token)) as on_b:
        payload = cancel(on_b, job_id)
        assert payload["userErrors"] == []
        assert payload["job"]["status"] in ("CANCELLING", "CANCELLED")
        assert wait_ended(on_b, job_id) == "CANCELLED"
    assert counts(server, group_id) == before
    assert fingerprint(server, group_id) == rows
    assert backups(client, group) == kept
    # No request is left behind once the job has ended (SQLite keeps it in a file).
    folder = Path(f"{server.services.engine.url.database}-joblocks")
    deadline = time.monotonic() + 10
    while backend == "sqlite" and list(folder.glob("*.cancel")):
        assert time.monotonic() < deadline, "the cancel request was kept"
        time.sleep(0.05)


def request_files(server: LiveServer, job_id: str) -> list[str]:
    """The job's cancel request and ending mark left in the SQLite lock folder."""
    folder = Path(f"{server.services.engine.url.database}-joblocks")
    return sorted(
        path.name for path in folder.glob(f"job-{db_id(job_id)}.*") if path.suffix != ".lock"
    )


def wait_gone(server: LiveServer, job_id: str) -> None:
    """Until the job's request files are gone (its worker removes them once it let go)."""
    deadline = time.monotonic() + 10
    while request_files(server, job_id):
        assert time.monotonic() < deadline, f"kept: {request_files(server, job_id)}"
        time.sleep(0.05)


@contextmanager
def write_lock_held(server: LiveServer) -> Iterator[sqlite3.Connection]:
    """SQLite's write lock, held by the test as a running job's write holds it."""
    database = server.services.engine.url.database
    assert database is not None
    holder = sqlite3.connect(Path(database), timeout=30, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield holder
        if holder.in_transaction:
            holder.execute("ROLLBACK")
    finally:
        holder.close()


def running_restore(server: LiveServer, job_id: str) -> None:
    """Make the held restore look RUNNING (its first attempt), its worker alive (the lock)."""
    write(
        server,
        "UPDATE job SET status = 'RUNNING', attempts = 1, started_at = created_at WHERE id = :j",
        j=db_id(job_id),
    )


def test_sqlite_cancel_answers_cancelling_at_once_while_the_job_holds_the_write_lock(
    server: LiveServer, backend: str, client: GraphQLClient, second_instance: LiveServer
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's write does not hold a lock the cancel waits for")
    group = client.import_file(big_file(WRITE_ROWS), groupName="Cancel at once")["group"]["id"]
    group_id = decode_id(group, "Group", field=["id"])
    before, rows = counts(server, group_id), fingerprint(server, group_id)
    kept = backups(client, group)

    job_id = client.start_import(changed_file(WRITE_ROWS), groupId=group)["job"]["id"]
    catch_writing(server, backend, client, job_id)
    with closing(GraphQLClient(second_instance.url, client.token)) as on_b:
        payload = cancel(on_b, job_id)
    # Answered from the request file: the database was not written (no CANCELLING mark),
    # the job is still in its write or already rolled back and CANCELLED by its worker.
    committed = sql(server, "SELECT status FROM job WHERE id = :j", j=db_id(job_id))[0][0]

    assert payload["userErrors"] == []
    assert payload["job"]["status"] == "CANCELLING"
    assert committed in ("RUNNING", "CANCELLED")
    assert wait_ended(client, job_id) == "CANCELLED"
    assert counts(server, group_id) == before
    assert fingerprint(server, group_id) == rows
    assert backups(client, group) == kept
    wait_gone(server, job_id)


def test_sqlite_cancel_while_another_writer_holds_the_lock_is_kept_for_the_next_attempt(
    server: LiveServer, backend: str, client: GraphQLClient
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's request file")
    group, backup, _ = two_imports(client, "Cancel through the file")
    group_id = decode_id(group, "Group", field=["id"])
    before, people = counts(server, group_id), client.recipients(group)

    with held_restore(server, group, backup["id"]) as job_id:
        running_restore(server, job_id)
        with write_lock_held(server):
            payload = cancel(client, job_id)
            assert payload["userErrors"] == []
            assert payload["job"]["status"] == "CANCELLING"
            assert sql(server, "SELECT status FROM job WHERE id = :j", j=db_id(job_id)) == [
                ("RUNNING",)
            ]
            assert request_files(server, job_id) == [f"job-{db_id(job_id)}.cancel"]
    # Its worker "died" (the lock is free): the next attempt runs, sees the request, stops.

    assert wait_ended(client, job_id, timeout=30) == "CANCELLED"
    assert sql(server, "SELECT attempts FROM job WHERE id = :j", j=db_id(job_id)) == [(2,)]
    assert counts(server, group_id) == before
    assert client.recipients(group) == people
    wait_gone(server, job_id)


def test_sqlite_a_job_succeeding_as_it_is_cancelled_is_never_reported_cancelling(
    server: LiveServer, backend: str, client: GraphQLClient
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's request file")
    group, backup, _ = two_imports(client, "Cancel too late")
    requests = cancel_requests(server.services.engine)

    with held_restore(server, group, backup["id"]) as job_id:
        running_restore(server, job_id)
        with write_lock_held(server) as job_write:
            # The job's end, as `finish` does it: its mark, no request yet, its SUCCEEDED row.
            assert requests.end_unless_asked(db_id(job_id)) is False
            job_write.execute(
                "UPDATE job SET status = 'SUCCEEDED', finished_at = started_at WHERE id = ?",
                (db_id(job_id),),
            )
            with ThreadPoolExecutor(1) as pool:
                answer = pool.submit(cancel, client, job_id)
                while not requests.asked(db_id(job_id)):
                    assert not answer.done(), answer.result()
                    time.sleep(0.005)
                time.sleep(0.2)  # the cancel looks for the lock, then for the mark, meanwhile
                job_write.execute("COMMIT")
                payload = answer.result(timeout=60)

        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("CONFLICT", ["jobId"])]
        assert client.job_status(job_id) == "SUCCEEDED"
        # Both files of an ended job go with it.
        assert request_files(server, job_id) == []


def test_sqlite_a_job_asked_to_stop_before_its_end_does_not_succeed(
    server: LiveServer, backend: str, client: GraphQLClient
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite's request file")
    group, backup, _ = two_imports(client, "Cancel just in time")
    requests = cancel_requests(server.services.engine)

    async def finish_job(job: int) -> None:
        async with write_transaction(server.services.engine) as conn:
            await finish(conn, job_id=job, attempt=1, now=server.clock.now())

    with held_restore(server, group, backup["id"]) as job_id:
        running_restore(server, job_id)
        requests.ask(db_id(job_id))
        with pytest.raises(JobCancelled):
            server.run(finish_job(db_id(job_id)))
        assert client.job_status(job_id) == "RUNNING"
        requests.forget(db_id(job_id))
        server.run(finish_job(db_id(job_id)))  # no request: it succeeds
        assert client.job_status(job_id) == "SUCCEEDED"
        requests.forget(db_id(job_id))
