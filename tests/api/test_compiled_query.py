"""The compiled BackupsPage (api/graphql/compiled_query.py) answers the same bytes as
graphql-core's execution of the same request, through the endpoint, on both databases.

Each request is sent twice to one server that keeps no answers: with the compiled plan on,
then off (`FastGraphQL.compiling`), and the two response bodies must be equal; a request the
plan must leave to graphql-core (bad page arguments, an unknown zone) is checked to be so.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.clock import FrozenClock
from api.global_ids import parse_global_id
from api.graphql.fast_path import FastGraphQL
from api.graphql.persisted import read_manifest
from api.graphql.persisted_manifest import MANIFEST
from storage.db import write_transaction
from storage.sql import run
from storage.store.groups import create_group
from tests.client import GraphQLClient
from tests.conftest import BACKENDS, database_url, new_client
from tests.server import LiveServer
from tests.support.documents import DELETE

PAGE_HASH, PAGE = next(
    (h, t) for h, t in read_manifest(MANIFEST).items() if "query BackupsPage(" in t
)
ZONES = ("Europe/Paris", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns")
REASONS = ("IMPORT", "GROUP_DELETION", "RESTORE", "API")
SETTINGS = """mutation($i: UpdateAccountSettingsInput!) { updateAccountSettings(input: $i) {
  userErrors { code } } }"""
CREATE = "mutation($n: String!) { createGroup(input: {name: $n}) { group { id } } }"


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A server that keeps no answers: every request runs."""
    folder = tmp_path_factory.mktemp("compiled-" + request.param)
    live = LiveServer(
        database_url=database_url(request.param, folder),
        data_dir=folder / "data",
        clock=FrozenClock(),
        response_cache_entries=0,
    )
    live.start()
    warm = new_client(live)  # the document is parsed and validated once, by the view
    assert warm.token is not None
    post(live, warm.token, {}, by_hash=False)
    warm.close()
    yield live
    live.stop()


@pytest.fixture
def clients(server: LiveServer) -> Iterator[Callable[[], GraphQLClient]]:
    """Clients of new accounts, closed after the test."""
    made: list[GraphQLClient] = []

    def make() -> GraphQLClient:
        made.append(new_client(server))
        return made[-1]

    yield make
    for client in made:
        client.close()


def fast(server: LiveServer) -> FastGraphQL:
    found: FastGraphQL = server.app.state.fast_graphql
    return found


def post(server: LiveServer, token: str, variables: Any, *, by_hash: bool) -> bytes:
    body: dict[str, Any] = {"variables": variables}
    if by_hash:
        body["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": PAGE_HASH}}
    else:
        body["query"] = PAGE
    response = httpx.post(
        f"{server.url}/graphql",
        content=orjson.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.content


def compare(
    server: LiveServer, client: GraphQLClient, variables: Any, *, by_hash: bool = False
) -> dict[str, Any]:
    """The page by the compiled plan and by graphql-core: the same bytes. Its JSON."""
    assert client.token is not None
    paths = fast(server)
    before = paths.compiled_answers
    compiled = post(server, client.token, variables, by_hash=by_hash)
    answered = paths.compiled_answers - before
    paths.compiling = False
    try:
        executed = post(server, client.token, variables, by_hash=by_hash)
    finally:
        paths.compiling = True
    assert compiled == executed
    answer: dict[str, Any] = orjson.loads(compiled)
    # The plan answers every request without an error, and none with one.
    assert answered == (0 if "errors" in answer else 1), answer.get("errors")
    return answer


def account_id(client: GraphQLClient) -> int:
    found = parse_global_id(client.execute("{ viewer { id } }")["viewer"]["id"])
    assert found is not None
    return found[1]


async def add_backups(
    server: LiveServer, owner: int, groups: list[list[tuple[int, str, int]]], deleted: set[int]
) -> None:
    """Groups with backups (minutes before now, reason, recipients); `deleted`: indexes of
    groups deleted afterwards."""
    now = server.clock.now()
    async with write_transaction(server.services.engine) as conn:
        for index, backups in enumerate(groups):
            name = f"g{index}-{secrets.token_hex(2)}"
            group = await create_group(conn, account_id=owner, name=name, now=now)
            for seq, (minutes, reason, count) in enumerate(backups, start=1):
                created = now - timedelta(minutes=minutes)
                await run(
                    conn,
                    "INSERT INTO backup (account_id, group_id, group_name, reason, seq,"
                    " recipient_count, attribute_names, created_at, expires_at)"
                    " VALUES (:a, :g, :n, :r, :s, :c, '[]', :now, :expires_at)",
                    a=owner,
                    g=group,
                    n=name,
                    r=reason,
                    s=seq,
                    c=count,
                    now=created,
                    expires_at=created + timedelta(days=30),
                )
            if index in deleted:
                await run(
                    conn,
                    "UPDATE recipient_group SET deleted_at = :now WHERE id = :g",
                    now=now,
                    g=group,
                )


def test_empty_account_and_groups_without_backups(
    server: LiveServer, clients: Callable[[], GraphQLClient]
) -> None:
    client = clients()
    page = compare(server, client, {"first": 50})
    assert page["data"]["backupOverview"]["edges"] == []
    client.execute(CREATE, {"n": "no backups"})
    compare(server, client, {"first": 50}, by_hash=True)
    compare(server, client, {})


def test_imports_jobs_deleted_groups_and_another_account(
    server: LiveServer, clients: Callable[[], GraphQLClient]
) -> None:
    client, other = clients(), clients()
    kept = client.import_file(b"email\na@x.io\n", groupName="kept")["group"]["id"]
    client.import_file(b"email\nb@x.io\n", groupId=kept)  # a backup with its import job
    gone = client.import_file(b"email\nc@x.io\n", groupName="gone")["group"]["id"]
    client.import_file(b"email\nd@x.io\n", groupId=gone)
    answer = client.execute(DELETE, {"input": {"groupId": gone}})["deleteGroup"]
    assert answer["userErrors"] == []
    other.import_file(b"email\ne@x.io\n", groupName="other")
    other.import_file(b"email\nf@x.io\n", groupName="other 2")
    page = compare(server, client, {"first": 50})["data"]["backupOverview"]
    assert page["totalCount"] == 2
    backups = [
        b
        for e in page["edges"]
        for d in e["node"]["dayConnection"]["edges"]
        for b in d["node"]["backups"]
    ]
    assert {b["reason"] for b in backups} == {"IMPORT", "GROUP_DELETION"}
    assert any(b["job"] is not None for b in backups)
    assert any(b["group"] is None for b in backups)
    compare(server, other, {"first": 1})


def test_paging_bounds_zones_and_errors(
    server: LiveServer, clients: Callable[[], GraphQLClient]
) -> None:
    client = clients()
    groups = [[(m * 97 + g * 13, REASONS[m % 4], m + g) for m in range(9)] for g in range(5)]
    server.run(add_backups(server, account_id(client), groups, deleted={1}))
    first = compare(server, client, {"first": 2})["data"]["backupOverview"]
    cursor = first["pageInfo"]["endCursor"]
    compare(server, client, {"first": 2, "after": cursor})
    compare(server, client, {"last": 2, "before": cursor})
    compare(server, client, {"after": cursor, "before": cursor})
    for size in (0, 1, 100):
        compare(server, client, {"first": size})
    for zone in ZONES:
        compare(server, client, {"first": 5, "timeZone": zone})
    client.execute(SETTINGS, {"i": {"timeZone": "Pacific/Kiritimati"}})
    compare(server, client, {"first": 5})
    # Left to graphql-core (errors), the same bytes all the same.
    for bad in (
        {"first": 101},
        {"first": -1},
        {"first": 1, "last": 1},
        {"after": "not a cursor"},
        {"timeZone": "Mars/Olympus"},
        {"first": "5"},
        {"first": 2**31},
    ):
        compare(server, client, bad)
    # Unknown variables are ignored by both; null takes the default only when left out.
    compare(server, client, {"first": 3, "unknown": [1]})
    compare(server, client, {"first": None})


backup_sets = st.lists(
    st.lists(
        st.tuples(
            st.integers(0, 60 * 24 * 20), st.sampled_from(REASONS), st.integers(0, 2**31 - 1)
        ),
        max_size=12,
    ),
    max_size=6,
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    groups=backup_sets,
    deleted=st.sets(st.integers(0, 5)),
    first=st.integers(0, 6),
    zone=st.sampled_from(ZONES),
)
def test_random_pages(
    server: LiveServer,
    clients: Callable[[], GraphQLClient],
    groups: list[list[tuple[int, str, int]]],
    deleted: set[int],
    first: int,
    zone: str,
) -> None:
    client = clients()
    server.run(add_backups(server, account_id(client), groups, deleted))
    page = compare(server, client, {"first": first, "timeZone": zone})["data"]["backupOverview"]
    if page["pageInfo"]["hasNextPage"]:
        compare(server, client, {"first": first, "after": page["pageInfo"]["endCursor"]})


def test_response_cache_keeps_compiled_answers(
    server: LiveServer, clients: Callable[[], GraphQLClient]
) -> None:
    client = clients()
    assert client.token is not None
    server.run(add_backups(server, account_id(client), [[(5, "IMPORT", 1)]], deleted=set()))
    paths = fast(server)
    paths.responses.entries = 8  # this server's cache on for this test
    try:
        made, misses, hits = paths.compiled_answers, paths.responses.misses, paths.responses.hits
        first = post(server, client.token, {"first": 50}, by_hash=False)
        again = post(server, client.token, {"first": 50}, by_hash=True)
        assert first == again
        assert paths.compiled_answers - made == 1  # the miss was compiled, the repeat kept
        assert (paths.responses.misses - misses, paths.responses.hits - hits) == (1, 1)
        client.execute(CREATE, {"n": "a change"})  # the account's version moves
        server.run(add_backups(server, account_id(client), [[(1, "API", 2)]], deleted=set()))
        fresh = post(server, client.token, {"first": 50}, by_hash=False)
        assert fresh != first
        assert paths.compiled_answers - made == 2
    finally:
        paths.responses.entries = 0
        paths.responses.kept.clear()
        paths.responses.bytes = 0
    assert compare(server, client, {"first": 50}) == orjson.loads(fresh)


def test_admitted_as_before(server: LiveServer, tmp_path: Path) -> None:
    made = fast(server).compiled_answers
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": PAGE, "variables": {"first": 50}},
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert response.status_code == 401
    # The cost limit is a validation rule: it refuses the document before any plan runs.
    costly = LiveServer(
        database_url=f"sqlite:///{tmp_path / 'costly.db'}",
        data_dir=tmp_path / "data",
        clock=FrozenClock(),
        max_query_cost=100,
        worker=False,
    )
    costly.start()
    try:
        client = new_client(costly)
        for _ in range(2):
            answer = client.post(PAGE, {"first": 50}).json()
            assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
        client.close()
        assert fast(costly).compiled_answers == 0
    finally:
        costly.stop()
    assert fast(server).compiled_answers == made
