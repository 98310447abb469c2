"""Retention: expired backups go, the history and deleted groups no backup needs go with them.

The server is shared by the whole session and its clock only moves forward, so every test
sweeps everyone's expired objects and asserts on its own account's objects only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.global_ids import decode_id
from api.retention import SweepReport, retention_loop, sweep
from api.services import Services
from storage.db import create_engine, read_transaction, write_transaction
from storage.job_locks import JobLock, job_locks
from storage.jobs import create_job
from storage.sql import run, scalar
from storage.store import retention as retention_sql
from storage.store.state import StateRow
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.state import fetch_state

EXPIRED = timedelta(days=31)
GROUP_BACKUPS = """query G($id: ID!) { node(id: $id) { ... on Group {
  backups(first: 100) { totalCount edges { node { id reason } } } } } }"""
BACKUPS = """query B($g: ID) { backups(groupId: $g, first: 100) {
  totalCount edges { node { id reason downloadUrl } } } }"""
NODE = "query N($id: ID!) { node(id: $id) { id } }"
DELETE = """mutation D($input: DeleteGroupInput!) { deleteGroup(input: $input) {
  deletedGroupId backup { id } userErrors { code } } }"""
JOB = "query J($id: ID!) { importJob(id: $id) { status group { id } backup { id } } }"
FIRST = b"email,first name\na@x.io,Ann\nb@x.io,Bob\nc@x.io,Cy\n"


@dataclasses.dataclass(frozen=True)
class Made:
    """A group of three with one backup (B1) and one history row only B1 sees."""

    group: str
    group_id: int
    backup: str
    jobs: tuple[str, str]


def db_id(global_id: str, type_name: str) -> int:
    """The database id inside a global ID."""
    return decode_id(global_id, type_name, field=["id"])


def make_group(client: GraphQLClient, name: str) -> Made:
    """Import three people, then rename Ann: the second import backs the group up first."""
    first = client.import_file(FIRST, groupName=name)
    group = first["group"]["id"]
    second = client.import_file(
        b"email,first name\na@x.io,Anna\n", groupId=group, mode="REFRESH_AND_ADD"
    )
    assert second["status"] == "SUCCEEDED", second
    return Made(group, db_id(group, "Group"), second["backup"]["id"], (first["id"], second["id"]))


def sql(server: LiveServer, query: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of a read query, run on the server's engine."""

    async def read() -> list[tuple[Any, ...]]:
        async with read_transaction(server.services.engine) as conn:
            return [tuple(row) for row in await run(conn, query, **params)]

    return server.run(read())


def write(server: LiveServer, query: str, **params: Any) -> Any:
    """Run one write statement in its own transaction; the first value it returns, if any."""

    async def go() -> Any:
        async with write_transaction(server.services.engine) as conn:
            result = await run(conn, query, **params)
            return result.scalar() if result.returns_rows else None

    return server.run(go())


def count(server: LiveServer, table: str, group_id: int) -> int:
    """Rows of a recipient table (or activities of the group's recipients) for one group."""
    if table == "activity":
        where = "recipient_id IN (SELECT id FROM recipient WHERE group_id = :g)"
    else:
        where = "id = :g" if table == "recipient_group" else "group_id = :g"
    rows = sql(server, f"SELECT count(*) FROM {table} WHERE {where}", g=group_id)
    return int(rows[0][0])


def state(server: LiveServer, backup: str) -> list[StateRow]:
    """The state a backup stands for, read with the one point-in-time query."""
    (group_id, seq), *_ = sql(
        server, "SELECT group_id, seq FROM backup WHERE id = :b", b=db_id(backup, "Backup")
    )

    async def read() -> list[StateRow]:
        async with read_transaction(server.services.engine) as conn:
            return await fetch_state(conn, group_id=group_id, seq=seq)

    return server.run(read())


def sweep_now(server: LiveServer, *, dry_run: bool = False) -> SweepReport:
    """One sweep as of the server's clock."""
    return server.run(
        sweep(engine=server.services.engine, as_of=server.clock.now(), dry_run=dry_run)
    )


def backup_ids(client: GraphQLClient, group: str) -> list[str]:
    """The group's backups, newest first, as listed by `backups(groupId:)`."""
    page = client.execute(BACKUPS, {"g": group})["backups"]
    assert page["totalCount"] == len(page["edges"])
    return [edge["node"]["id"] for edge in page["edges"]]


def names(rows: list[StateRow]) -> list[tuple[str, str | None]]:
    """(email, first name) of state rows."""
    return [(row[0], row[1]) for row in rows]


def test_expired_backup_goes_and_the_younger_one_keeps_its_exact_state(
    server: LiveServer, client: GraphQLClient
) -> None:
    made = make_group(client, "Weekly")
    server.clock.advance(timedelta(days=20))
    third = client.import_file(
        b"email,first name\na@x.io,Annie\nb@x.io,Bobby\n", groupId=made.group, mode="REFRESH"
    )
    younger = third["backup"]["id"]
    # History: Ann (seen by B1 only), Anna (by B2 only), Bob (by both).
    assert count(server, "recipient_version", made.group_id) == 3
    younger_state = state(server, younger)
    assert names(younger_state) == [("a@x.io", "Anna"), ("b@x.io", "Bob"), ("c@x.io", "Cy")]
    server.clock.advance(EXPIRED - timedelta(days=20))
    old_url = client.execute(BACKUPS, {"g": made.group})["backups"]["edges"][1]["node"][
        "downloadUrl"
    ]
    assert httpx.get(old_url).status_code == 200

    report = sweep_now(server)

    assert db_id(made.backup, "Backup") in report.deleted_backup_ids
    assert db_id(younger, "Backup") not in report.deleted_backup_ids
    assert backup_ids(client, made.group) == [younger]
    group_backups = client.execute(GROUP_BACKUPS, {"id": made.group})["node"]["backups"]
    assert [edge["node"]["id"] for edge in group_backups["edges"]] == [younger]
    assert client.execute(NODE, {"id": made.backup})["node"] is None
    assert client.execute(NODE, {"id": younger})["node"] == {"id": younger}
    assert httpx.get(old_url).status_code == 404
    remaining = sql(
        server,
        "SELECT email, first_name FROM recipient_version WHERE group_id = :g ORDER BY email",
        g=made.group_id,
    )
    assert remaining == [("a@x.io", "Anna"), ("b@x.io", "Bob")]
    assert state(server, younger) == younger_state
    assert [p["firstName"] for p in client.recipients(made.group)] == ["Annie", "Bobby", "Cy"]


def add_activity(server: LiveServer, group_id: int) -> None:
    """An open for every recipient of the group."""
    write(
        server,
        "INSERT INTO activity (recipient_id, kind, occurred_at, detail)"
        " SELECT id, 'OPEN', :now, NULL FROM recipient WHERE group_id = :g",
        g=group_id,
        now=server.clock.now(),
    )


def delete_group(client: GraphQLClient, group: str) -> str:
    """Delete a group; the id of its GROUP_DELETION backup."""
    payload = client.execute(DELETE, {"input": {"groupId": group}})["deleteGroup"]
    assert payload["userErrors"] == [], payload
    backup: str = payload["backup"]["id"]
    return backup


def assert_purged(server: LiveServer, group_id: int) -> None:
    """Nothing of the group is left in any table."""
    for table in ("recipient", "recipient_version", "activity", "recipient_group", "backup"):
        assert count(server, table, group_id) == 0, table


def test_deleted_group_is_purged_once_its_last_backup_expires(
    server: LiveServer, client: GraphQLClient
) -> None:
    made = make_group(client, "Gone")
    add_activity(server, made.group_id)
    deletion = delete_group(client, made.group)
    assert count(server, "activity", made.group_id) == 3
    server.clock.advance(EXPIRED)

    # Batches of two: the three recipients go in two steps, the group row with the last.
    engine, as_of = server.services.engine, server.clock.now()
    report = server.run(sweep(engine=engine, as_of=as_of, purge_batch=2))

    mine = {db_id(made.backup, "Backup"), db_id(deletion, "Backup")}
    assert mine <= set(report.deleted_backup_ids)
    assert made.group_id in report.purged_group_ids
    assert_purged(server, made.group_id)
    assert backup_ids(client, made.group) == []
    assert client.execute(NODE, {"id": deletion})["node"] is None
    # The account's finished jobs stay readable; what they pointed at is gone.
    for job in made.jobs:
        found = client.execute(JOB, {"id": job})["importJob"]
        assert found == {"status": "SUCCEEDED", "group": None, "backup": None}
    assert sql(server, "SELECT count(*) FROM job WHERE group_id = :g", g=made.group_id) == [(0,)]


def test_a_second_sweep_finds_nothing_left(server: LiveServer, client: GraphQLClient) -> None:
    live, gone = make_group(client, "Live"), make_group(client, "Deleted")
    delete_group(client, gone.group)
    server.clock.advance(EXPIRED)
    first = sweep_now(server)
    assert made_ids(live, gone) <= set(first.deleted_backup_ids)
    assert first.history_rows_purged >= 2
    assert count(server, "recipient", live.group_id) == 3

    second = server.run(sweep(engine=server.services.engine, as_of=first.as_of))

    assert second == SweepReport(as_of=first.as_of, dry_run=False)
    assert count(server, "recipient", live.group_id) == 3
    assert_purged(server, gone.group_id)


def made_ids(*groups: Made) -> set[int]:
    """The database ids of the groups' first backups."""
    return {db_id(made.backup, "Backup") for made in groups}


def test_two_sweeps_at_once_delete_each_thing_once(
    server: LiveServer, client: GraphQLClient
) -> None:
    live, gone = make_group(client, "Twice live"), make_group(client, "Twice deleted")
    add_activity(server, gone.group_id)
    deletion = db_id(delete_group(client, gone.group), "Backup")
    server.clock.advance(EXPIRED)
    engine, as_of = server.services.engine, server.clock.now()

    async def both() -> list[SweepReport]:
        return list(
            await asyncio.gather(
                sweep(engine=engine, as_of=as_of), sweep(engine=engine, as_of=as_of)
            )
        )

    one, other = server.run(both())

    assert (one.failures, other.failures) == ([], [])
    assert not set(one.deleted_backup_ids) & set(other.deleted_backup_ids)
    assert made_ids(live, gone) | {deletion} <= set(one.deleted_backup_ids) | set(
        other.deleted_backup_ids
    )
    assert not set(one.purged_group_ids) & set(other.purged_group_ids)
    assert gone.group_id in set(one.purged_group_ids) | set(other.purged_group_ids)
    assert_purged(server, gone.group_id)
    assert (
        count(server, "recipient", live.group_id),
        count(server, "recipient_version", live.group_id),
    ) == (3, 0)
    assert backup_ids(client, live.group) == []


def test_a_backup_a_running_restore_reads_is_kept(
    server: LiveServer, client: GraphQLClient
) -> None:
    made = make_group(client, "Being restored")
    deletion = delete_group(client, made.group)
    read_by_job = db_id(made.backup, "Backup")
    account_id = sql(server, "SELECT account_id FROM backup WHERE id = :b", b=read_by_job)[0][0]
    # RUNNING, not QUEUED: the live server's worker would pick a queued job up at once.
    job_id = write(
        server,
        "INSERT INTO job (account_id, kind, status, mode, new_group_name, source_backup_id,"
        " processed_rows, added, updated, unchanged, skipped, removed, rejected, created_at)"
        " VALUES (:a, 'RESTORE', 'RUNNING', 'REFRESH_AND_ADD', 'x', :b, 0, 0, 0, 0, 0, 0, 0, :now)"
        " RETURNING id",
        a=account_id,
        b=read_by_job,
        now=server.clock.now(),
    )
    try:
        server.clock.advance(EXPIRED)
        report = sweep_now(server)
        assert read_by_job in report.kept_backup_ids
        assert read_by_job not in report.deleted_backup_ids
        assert db_id(deletion, "Backup") in report.deleted_backup_ids
        assert made.group_id not in report.purged_group_ids
        assert backup_ids(client, made.group) == [made.backup]
        assert names(state(server, made.backup)) == [
            ("a@x.io", "Ann"),
            ("b@x.io", "Bob"),
            ("c@x.io", "Cy"),
        ]
    finally:
        write(server, "UPDATE job SET status = 'FAILED' WHERE id = :j", j=job_id)

    after = sweep_now(server)

    assert read_by_job in after.deleted_backup_ids
    assert made.group_id in after.purged_group_ids
    assert_purged(server, made.group_id)


def test_a_backup_a_queued_restore_will_read_is_kept(
    server: LiveServer, client: GraphQLClient
) -> None:
    made = make_group(client, "Restore queued")
    delete_group(client, made.group)
    read_by_job = db_id(made.backup, "Backup")
    account_id = sql(server, "SELECT account_id FROM backup WHERE id = :b", b=read_by_job)[0][0]

    async def queue_held() -> tuple[int, JobLock]:
        # Locked before the job row is committed: the server's worker never sees it free,
        # so the job stays QUEUED (as behind a long queue) for as long as the test holds it.
        async with write_transaction(server.services.engine) as conn:
            job_id = await create_job(
                conn,
                now=server.clock.now(),
                account_id=account_id,
                kind="RESTORE",
                mode="REFRESH_AND_ADD",
                new_group_name="x",
                source_backup_id=read_by_job,
            )
            lock = await job_locks(server.services.engine).try_lock(job_id)
        assert lock is not None
        return job_id, lock

    job_id, lock = server.run(queue_held())
    try:
        server.clock.advance(EXPIRED)
        report = sweep_now(server)
        assert sql(server, "SELECT status FROM job WHERE id = :j", j=job_id) == [("QUEUED",)]
        assert read_by_job in report.kept_backup_ids
        assert read_by_job not in report.deleted_backup_ids
        assert made.group_id not in report.purged_group_ids
        assert backup_ids(client, made.group) == [made.backup]
    finally:
        write(server, "UPDATE job SET status = 'FAILED' WHERE id = :j", j=job_id)
        server.run(lock.release(ended=True))

    assert read_by_job in sweep_now(server).deleted_backup_ids


def test_a_dry_run_deletes_nothing_and_reports_what_a_sweep_deletes(
    server: LiveServer, client: GraphQLClient
) -> None:
    live, gone = make_group(client, "Dry live"), make_group(client, "Dry deleted")
    add_activity(server, gone.group_id)
    delete_group(client, gone.group)
    server.clock.advance(EXPIRED)
    tables = ("recipient", "recipient_version", "activity", "recipient_group", "backup")
    before = [count(server, t, g.group_id) for t in tables for g in (live, gone)]

    dry = sweep_now(server, dry_run=True)

    assert [count(server, t, g.group_id) for t in tables for g in (live, gone)] == before
    assert backup_ids(client, live.group) == [live.backup]
    assert made_ids(live, gone) <= set(dry.deleted_backup_ids)
    assert gone.group_id in dry.purged_group_ids
    assert dry.activity_rows_purged >= 3
    real = sweep_now(server)
    assert dry == dataclasses.replace(real, dry_run=True)
    assert_purged(server, gone.group_id)


def test_a_failing_item_is_logged_and_skipped(
    server: LiveServer,
    client: GraphQLClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad, good = make_group(client, "Bad"), make_group(client, "Good")
    original = retention_sql.delete_expired_backups

    async def failing_for_bad(
        conn: Any, *, group_id: int, ids: list[int], **kwargs: Any
    ) -> list[int]:
        if group_id == bad.group_id:
            raise RuntimeError("injected failure")
        return await original(conn, group_id=group_id, ids=ids, **kwargs)

    # Only to inject a failure: the one place this suite replaces one of our functions.
    monkeypatch.setattr(retention_sql, "delete_expired_backups", failing_for_bad)
    server.clock.advance(EXPIRED)
    with caplog.at_level(logging.ERROR, logger="listkeeper.retention"):
        report = sweep_now(server)

    assert report.failures == [f"backups of group {bad.group_id}"]
    assert db_id(good.backup, "Backup") in report.deleted_backup_ids
    assert backup_ids(client, good.group) == []
    assert backup_ids(client, bad.group) == [bad.backup]
    assert count(server, "recipient_version", bad.group_id) == 1
    logged = [r for r in caplog.records if r.name == "listkeeper.retention"]
    assert [r.levelno for r in logged] == [logging.ERROR]
    assert f"group {bad.group_id}" in logged[0].getMessage()
    assert logged[0].exc_info is not None
    assert "injected failure" in str(logged[0].exc_info[1])
    monkeypatch.undo()
    assert db_id(bad.backup, "Backup") in sweep_now(server).deleted_backup_ids
    assert count(server, "recipient_version", bad.group_id) == 0


def run_loop_until(
    server: LiveServer, services: Services, done: Callable[[], Awaitable[bool]]
) -> bool:
    """Run `retention_loop` on the server's loop until `done()`; whether it was still alive then."""

    async def go() -> bool:
        task = asyncio.create_task(retention_loop(services))
        try:
            while True:
                if await done():
                    return not task.done()
                await asyncio.sleep(0.02)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    return server.run(go(), timeout=60)


def fast_services(server: LiveServer, **changes: Any) -> Services:
    """The server's services with a short retention interval (and `changes`)."""
    settings = server.settings.model_copy(update={"retention_interval_seconds": 0.05})
    return dataclasses.replace(server.services, settings=settings, **changes)


def test_the_retention_loop_sweeps_at_the_clock_s_time(
    server: LiveServer, client: GraphQLClient
) -> None:
    made = make_group(client, "Looped")
    server.clock.advance(EXPIRED)
    backup = db_id(made.backup, "Backup")

    async def gone() -> bool:
        async with read_transaction(server.services.engine) as conn:
            return (
                int(await scalar(conn, "SELECT count(*) FROM backup WHERE id = :b", b=backup)) == 0
            )

    assert run_loop_until(server, fast_services(server), gone)
    assert count(server, "recipient_version", made.group_id) == 0


def test_the_retention_loop_logs_a_failed_sweep_and_goes_on(
    server: LiveServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'listkeeper.db'}")

    async def failed_three_times() -> bool:
        return len([r for r in caplog.records if r.name == "listkeeper.retention"]) >= 3

    try:
        with caplog.at_level(logging.ERROR, logger="listkeeper.retention"):
            assert run_loop_until(server, fast_services(server, engine=broken), failed_three_times)
    finally:
        server.run(broken.dispose())
    logged = [r for r in caplog.records if r.name == "listkeeper.retention"]
    assert {r.getMessage() for r in logged} == {
        "retention sweep failed; next try after the interval"
    }
