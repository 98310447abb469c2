"""Two instances on one database share the job queue: each job runs once, all of them run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from api.clock import FrozenClock
from tests.client import GraphQLClient
from tests.server import LiveServer


@pytest.fixture
def second_instance(server: LiveServer, tmp_path: Path) -> Iterator[LiveServer]:
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


def test_jobs_are_shared_by_instances_and_run_once(
    server: LiveServer, second_instance: LiveServer, client: GraphQLClient
) -> None:
    before = server.app.state.worker.jobs_run
    payloads = [
        client.start_import(f"email\nn{i}@x.io\nshared@x.io\n".encode(), groupName=f"g{i}")
        for i in range(8)
    ]
    jobs = [client.wait_job(p["job"]["id"]) for p in payloads]
    assert [(j["status"], j["added"]) for j in jobs] == [("SUCCEEDED", 2)] * 8
    groups = client.execute(
        "{ groups(first: 50) { totalCount edges { node { recipientCount } } } }"
    )
    assert groups["groups"]["totalCount"] == 8
    assert {e["node"]["recipientCount"] for e in groups["groups"]["edges"]} == {2}
    # A job run twice would have made a second group: eight groups, eight runs in all.
    runs = server.app.state.worker.jobs_run - before + second_instance.app.state.worker.jobs_run
    assert runs == 8


def test_concurrent_imports_into_one_group_are_serialised(
    server: LiveServer, second_instance: LiveServer, client: GraphQLClient
) -> None:
    group_id = client.import_file(b"email\nbase@x.io\n", groupName="busy")["group"]["id"]
    payloads = [
        client.start_import(f"email\nn{i}@x.io\n".encode(), groupId=group_id) for i in range(6)
    ]
    jobs = [client.wait_job(p["job"]["id"]) for p in payloads]
    assert all(j["status"] == "SUCCEEDED" for j in jobs)
    # Each import saw the group exactly as the previous one left it.
    assert sorted(j["backup"]["recipientCount"] for j in jobs) == [1, 2, 3, 4, 5, 6]
    assert len(client.recipients(group_id)) == 7
