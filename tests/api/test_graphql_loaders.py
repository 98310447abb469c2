"""The GraphQL layer's request loaders: nodes asked for together are read together, and a
group a job still writes to cannot be deleted (CONFLICT)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from api.global_ids import decode_id
from storage.db import write_transaction
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.documents import DELETE


@contextmanager
def job_reads(server: LiveServer) -> Iterator[list[str]]:
    """The SELECTs of the job table the server runs meanwhile (not the worker's polls)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        # Reads of jobs by id; the worker's polls read by status, at any moment.
        if sql.startswith("SELECT") and "FROM job" in sql and "job.id IN" in sql:
            seen.append(sql)

    engine = server.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_job(server: LiveServer, group_id: str, status: str) -> int:
    """A job row on the group, as a worker would leave it at `status`; its id."""

    async def insert() -> int:
        async with write_transaction(server.services.engine) as conn:
            result = await run(
                conn,
                "INSERT INTO job (account_id, kind, status, mode, group_id, processed_rows,"
                " added, updated, unchanged, skipped, removed, rejected, created_at)"
                " SELECT account_id, 'RESTORE', :s, 'REFRESH_AND_ADD', id, 0, 0, 0, 0, 0, 0, 0,"
                " :now FROM recipient_group WHERE id = :g RETURNING id",
                s=status,
                g=decode_id(group_id, "Group", field=[]),
                now=server.clock.now(),
            )
            return int(result.scalar_one())

    return server.run(insert())


def set_status(server: LiveServer, job_id: int, status: str) -> None:
    async def update() -> None:
        async with write_transaction(server.services.engine) as conn:
            await run(conn, "UPDATE job SET status = :s WHERE id = :j", s=status, j=job_id)

    server.run(update())


def test_nodes_asked_for_together_are_read_in_one_query(
    server: LiveServer, client: GraphQLClient
) -> None:
    jobs = [client.import_file(f"email\n{n}@x.io\n".encode(), groupName=n) for n in "abc"]
    aliases = " ".join(
        f'j{i}: node(id: "{job["id"]}") {{ ... on ImportJob {{ id status }} }}'
        for i, job in enumerate(jobs)
    )
    with job_reads(server) as seen:
        data = client.execute(f"{{ {aliases} }}")
    assert [data[f"j{i}"]["id"] for i in range(3)] == [job["id"] for job in jobs]
    assert len(seen) == 1, seen


def test_a_group_a_job_still_writes_to_is_not_deleted(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = client.import_file(b"email\na@x.io\n", groupName="busy")["group"]["id"]
    # RUNNING, not QUEUED: the live server's worker would pick a queued job up at once.
    job_id = add_job(server, group_id, "RUNNING")
    refused = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
    assert refused["deletedGroupId"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("CONFLICT", ["groupId"])]
    assert client.recipients(group_id) != []

    set_status(server, job_id, "FAILED")
    deleted = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
    assert (deleted["deletedGroupId"], deleted["userErrors"]) == (group_id, [])
