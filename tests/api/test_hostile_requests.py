"""Requests built to hurt: too costly, too slow, malformed IDs, probing, trickling bodies."""

from __future__ import annotations

import asyncio
import base64
import secrets
import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
import pytest
from graphql import parse
from strawberry import relay

from api.clock import FrozenClock
from api.global_ids import decode_id, encode_id
from api.graphql.cost import FIELD_WEIGHTS, operation_costs
from api.graphql.schema import build_schema
from api.settings import Settings
from tests.client import GraphQLClient
from tests.conftest import new_client
from tests.server import LiveServer
from tests.support.backups import backups, download, two_imports
from tests.support.frontend_contract import operation_files

DEFAULT_COST = Settings.model_fields["max_query_cost"].default
COMPARISON = """comparison { unchanged changed added removed
  differences(first: $d) { totalCount edges { node { email kind } } } }"""
ALIASED = (
    "query($b: Int, $d: Int) {"
    + " ".join(
        f"a{i}: backups(first: $b) {{ edges {{ node {{ {COMPARISON} }} }} }}" for i in range(30)
    )
    + "}"
)
BACKUP_COMPARISON = (
    f"query($id: ID!, $d: Int) {{ node(id: $id) {{ ... on Backup {{ {COMPARISON} }} }} }}"
)
NODE = "query($id: ID!) { node(id: $id) { id } }"
SWITCH = "mutation($g: ID) { setBackupEnabled(input: {enabled: true, groupId: $g}) { userErrors { code } } }"


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The top-level errors of a GraphQL response (200, as GraphQL answers)."""
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["errors"]
    return found


def codes(response: httpx.Response) -> list[str]:
    """The code of every top-level error."""
    return [e["extensions"]["code"] for e in errors(response)]


def raw_id(text: str) -> str:
    """A global ID spelled by hand."""
    return base64.b64encode(text.encode()).decode()


# --- 7. cost limit ---------------------------------------------------------------------


def test_aliased_comparisons_cost_too_much(client: GraphQLClient) -> None:
    two_imports(client)
    response = client.post(ALIASED, {"b": 100, "d": 100})
    assert response.json()["data"] is None
    [error] = errors(response)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    cost = error["extensions"]["cost"]
    assert cost > DEFAULT_COST == error["extensions"]["maxCost"]
    assert f"costs {cost}" in error["message"]
    assert str(DEFAULT_COST) in error["message"]


def test_one_comparison_page_is_within_the_limit(client: GraphQLClient) -> None:
    _, backup, _ = two_imports(client)
    found = client.execute(BACKUP_COMPARISON, {"id": backup["id"], "d": 100})["node"]
    assert found["comparison"]["differences"]["totalCount"] == 2


def aliased(page: str) -> str:
    """30 aliases of a page of backups with their comparisons, `page` items a page."""
    fields = " ".join(
        f"a{i}: backups(first: {page}) {{ edges {{ node {{ comparison {{ unchanged"
        f" differences(first: {page}) {{ edges {{ node {{ email }} }} }} }} }} }} }}"
        for i in range(30)
    )
    return ("query($n: Int) " if page == "$n" else "") + "{ " + fields + " }"


def test_a_page_size_in_a_variable_counts_as_the_largest_page() -> None:
    schema = build_schema(Settings(env="development"))._schema
    cost = {page: operation_costs(schema, parse(aliased(page)))[""] for page in ("$n", "100", "1")}
    assert cost["$n"] == cost["100"]
    assert cost["1"] is not None
    assert cost["100"] is not None
    assert cost["1"] < DEFAULT_COST < cost["100"]


def test_every_frontend_operation_is_within_the_default_cost() -> None:
    schema = build_schema(Settings(env="development"))._schema
    text = "\n".join(p.read_text() for p in operation_files())
    costs = operation_costs(schema, parse(text))
    assert len(costs) >= 10
    too_costly = {name: cost for name, cost in costs.items() if not 0 < (cost or 0) <= DEFAULT_COST}
    assert too_costly == {}


def test_weighted_fields_exist() -> None:
    schema = build_schema(Settings(env="development"))._schema
    for type_name, field in FIELD_WEIGHTS:
        assert field in schema.type_map[type_name].fields  # type: ignore[attr-defined]


def test_limits_are_validated_once_per_document(server: LiveServer, client: GraphQLClient) -> None:
    # Rules made per request would validate every time (tests/api/test_small_ops.py: more).
    query = f"query Once{secrets.token_hex(4)} {{ viewer {{ name backupsEnabled }} }}"
    documents = server.app.state.schema.documents
    before = documents.validations
    for _ in range(3):
        client.execute(query)
    assert documents.validations - before == 1


# --- 7. time limit ---------------------------------------------------------------------


@pytest.fixture
def limited(server: LiveServer) -> Iterator[LiveServer]:
    """A second API instance on the same database whose reads stop after a microsecond."""
    live = LiveServer(
        database_url=server.settings.database_url or "",
        data_dir=server.settings.data_dir,
        clock=server.clock,
        worker=False,
        query_time_limit_seconds=1e-6,
    )
    live.start()
    yield live
    live.stop()


async def hold_recipient_table(url: str, locked: asyncio.Event, release: asyncio.Event) -> None:
    """PostgreSQL: lock the recipients so that any read of them waits until `release`."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute("LOCK TABLE recipient IN ACCESS EXCLUSIVE MODE")
            locked.set()
            await release.wait()
    finally:
        await conn.close()


def test_a_slow_read_stops_with_a_timeout_and_the_server_keeps_serving(
    server: LiveServer, limited: LiveServer, backend: str
) -> None:
    client = new_client(server)
    # SQLite: a comparison walks the group's rows, so 20,000 rows surely outlast the
    # microsecond. PostgreSQL: the statement waits for a lock the test holds.
    size = 20_000 if backend == "sqlite" else 3
    rows = "email\n" + "".join(f"person{i}@example.org\n" for i in range(size))
    group_id = client.import_file(rows.encode(), groupName="big")["group"]["id"]
    backup = client.import_file(b"email\nnew@example.org\n", groupId=group_id)["backup"]
    slow = GraphQLClient(limited.url, client.token)
    if backend == "postgresql":
        response = while_recipients_locked(
            server, lambda: slow.post(BACKUP_COMPARISON, {"id": backup["id"], "d": 5})
        )
    else:
        response = slow.post(BACKUP_COMPARISON, {"id": backup["id"], "d": 5})
    assert "TIMEOUT" in codes(response), response.text
    timeout = next(e for e in errors(response) if e["extensions"]["code"] == "TIMEOUT")
    assert "database time" in timeout["message"]
    assert "Traceback" not in response.text
    # Still serving: the download route has no limit, and the normal instance reads on.
    assert slow.execute("{ __typename }") == {"__typename": "Query"}
    url = backups(client, group_id)[0]["downloadUrl"].replace(server.url, limited.url)
    assert download(url).text.count("\n") == size + 1
    assert client.execute(BACKUP_COMPARISON, {"id": backup["id"], "d": 5})["node"]
    slow.close()
    client.close()


def while_recipients_locked(
    server: LiveServer, request: Callable[[], httpx.Response]
) -> httpx.Response:
    """Run `request` (in a thread) while another session locks the recipient table."""
    url = server.settings.database_url or ""

    async def run() -> httpx.Response:
        locked, release = asyncio.Event(), asyncio.Event()
        holder = asyncio.create_task(hold_recipient_table(url, locked, release))
        await locked.wait()
        try:
            return await asyncio.to_thread(request)
        finally:
            release.set()
            await holder

    return asyncio.run(run())


# --- 8a. suggestions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def closed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on SQLite with introspection off (as in production)."""
    folder: Path = tmp_path_factory.mktemp("closed")
    live = LiveServer(
        database_url=f"sqlite:///{folder / 'db.sqlite'}",
        data_dir=folder / "data",
        clock=FrozenClock(),
        introspection=False,
    )
    live.start()
    yield live
    live.stop()


PROBES = [
    ("{ viewr { name } }", None),
    ("{ groups(frist: 1) { totalCount } }", None),
    ("query($a: Strin) { groups(after: $a) { totalCount } }", None),
    (
        "mutation($b: ID!, $s: RestoreStrategy!) { restoreBackup(input: {backupId: $b,"
        " strategy: $s}) { userErrors { code } } }",
        {"b": "x", "s": "REPLAC"},
    ),
]


@pytest.mark.parametrize(("query", "variables"), PROBES)
def test_no_suggestions_leak_the_schema_when_introspection_is_off(
    closed_server: LiveServer, client: GraphQLClient, query: str, variables: dict[str, str] | None
) -> None:
    assert any("Did you mean" in e["message"] for e in errors(client.post(query, variables)))
    closed = new_client(closed_server)
    found = errors(closed.post(query, variables))
    closed.close()
    assert found
    assert not any("Did you mean" in e["message"] for e in found)
    assert {e["extensions"]["code"] for e in found} <= {
        "GRAPHQL_VALIDATION_FAILED",
        "BAD_USER_INPUT",
    }


# --- 8b. global IDs ----------------------------------------------------------------------


def test_only_the_canonical_spelling_of_an_id_is_accepted(client: GraphQLClient) -> None:
    group_id = client.import_file(b"email\na@x.io\n", groupName="ids")["group"]["id"]
    number = decode_id(group_id, "Group", field=[])
    arabic = "".join(chr(0x0660 + int(d)) for d in str(number))
    spellings = [f"Group:{arabic}", f"Group: {number}", f"Group:0{number}", f"Group:+{number}"]
    spellings += [f"Group:{number} ", f"Group:{number}\n"]
    assert client.execute(NODE, {"id": group_id})["node"] == {"id": group_id}
    for text in spellings:
        assert client.execute(NODE, {"id": raw_id(text)})["node"] is None, text
        payload = client.execute(SWITCH, {"g": raw_id(text)})["setBackupEnabled"]
        assert payload["userErrors"] == [{"code": "NOT_FOUND"}], text
    unpadded = group_id.rstrip("=")
    if unpadded != group_id:
        assert client.execute(NODE, {"id": unpadded})["node"] is None


@pytest.mark.parametrize(
    "text",
    ["Group:99999999999999999999", "Group:9223372036854775808", "Node:1", "Query:1", "Group:"],
)
def test_ids_out_of_range_or_of_no_node_type_are_not_found(
    client: GraphQLClient, text: str
) -> None:
    assert client.execute(NODE, {"id": raw_id(text)})["node"] is None
    payload = client.execute(SWITCH, {"g": raw_id(text)})["setBackupEnabled"]
    assert payload["userErrors"] == [{"code": "NOT_FOUND"}]


def test_an_id_passed_as_an_object_is_bad_input(client: GraphQLClient) -> None:
    switch = "mutation($id: ID!) { deleteGroup(input: {groupId: $id}) { userErrors { code } } }"
    for query in (NODE, switch):
        [error] = errors(client.post(query, {"id": {"x": 1}}))
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "ID cannot represent value" in error["message"]


def test_the_largest_id_still_round_trips() -> None:
    largest = encode_id("Group", 2**63 - 1)
    assert decode_id(largest, "Group", field=[]) == 2**63 - 1


@pytest.mark.parametrize("db_id", [0, 1, 7, 12345, 2**31, 2**63 - 1])
def test_ids_are_relay_global_ids(db_id: int) -> None:
    # encode_id writes the text itself (fast): it is relay.GlobalID's, for every type.
    for type_name in ("Group", "Backup", "BackupDay", "ImportJob"):
        assert encode_id(type_name, db_id) == str(relay.GlobalID(type_name, str(db_id)))


# --- 8c. codes ---------------------------------------------------------------------------

CODED = [
    ("{ viewer { name ", None, "GRAPHQL_PARSE_FAILED"),
    ("{ viewer { " + " ".join(["name"] * 5000) + " } }", None, "GRAPHQL_PARSE_FAILED"),
    ("{ viewer { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
    (
        "{ " + " ".join(f"a{i}: viewer {{ name }}" for i in range(40)) + " }",
        None,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    ('{ groups(after: "!!!") { totalCount } }', None, "INVALID_CURSOR"),
    ("{ groups(first: 1000) { totalCount } }", None, "INVALID_PAGE_SIZE"),
    ("query($f: Int) { groups(first: $f) { totalCount } }", {"f": "ten"}, "BAD_USER_INPUT"),
    (NODE, None, "BAD_USER_INPUT"),
    ('subscription { importJob(id: "SW1wb3J0Sm9iOjE=") { status } }', None, "INVALID_INPUT"),
    (ALIASED, {"b": 100, "d": 100}, "QUERY_TOO_COSTLY"),
]


@pytest.mark.parametrize(("query", "variables", "code"), CODED)
def test_every_top_level_error_has_a_code(
    client: GraphQLClient, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    assert codes(client.post(query, variables)) == [code]


# --- 8d. expired links -------------------------------------------------------------------


def test_an_expired_link_says_so_and_a_tampered_one_is_invalid(
    server: LiveServer, client: GraphQLClient
) -> None:
    two_imports(client)
    url = backups(client)[0]["downloadUrl"]
    tampered = download(url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb"))
    assert tampered.status_code == 403
    assert tampered.json()["errors"][0]["extensions"]["code"] == "DOWNLOAD_LINK_INVALID"
    server.clock.advance(timedelta(seconds=server.settings.download_url_ttl_seconds))
    expired = download(url)
    assert expired.status_code == 410
    [error] = expired.json()["errors"]
    assert error["extensions"]["code"] == "DOWNLOAD_LINK_EXPIRED"
    assert "expired" in error["message"]
    assert "downloadUrl" in error["message"]
    fresh = backups(client)[0]["downloadUrl"]
    assert download(fresh).status_code == 200


# --- 8e. trickling bodies ----------------------------------------------------------------


@pytest.fixture(scope="module")
def impatient_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on SQLite that wants a body within 0.2 s plus 1 s per 1,000 bytes."""
    folder: Path = tmp_path_factory.mktemp("impatient")
    live = LiveServer(
        database_url=f"sqlite:///{folder / 'db.sqlite'}",
        data_dir=folder / "data",
        clock=FrozenClock(),
        request_body_grace_seconds=0.2,
        request_body_min_bytes_per_second=1000,
    )
    live.start()
    yield live
    live.stop()


def test_a_body_that_trickles_is_refused_with_408(impatient_server: LiveServer) -> None:
    client = new_client(impatient_server)
    operations = orjson.dumps(
        {
            "query": 'mutation($f: Upload!) { importRecipients(input: {file: $f, groupName: "t"}) { userErrors { code } } }',
            "variables": {"f": None},
        }
    )
    start = (
        b'--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        + operations
        + b'\r\n--x\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0": ["variables.f"]}'
        + b'\r\n--x\r\nContent-Disposition: form-data; name="0"; filename="a.csv"\r\n\r\nemail\n'
    )
    head = (
        "POST /graphql HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{impatient_server.port}\r\n"
        f"Authorization: Bearer {client.token}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        "Apollo-Require-Preflight: true\r\n"
        f"Content-Length: {len(start) + 100_000}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", impatient_server.port), timeout=60) as sock:
        sock.sendall(head + start)  # and nothing more: the body never completes
        answer = receive_all(sock)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"408", answer
    body = orjson.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert body["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
    uploads = impatient_server.settings.data_dir / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert client.execute("{ groups { totalCount } }")["groups"]["totalCount"] == 0
    # A body sent at once is not held to the rate.
    assert client.start_import(b"email\na@x.io\n", groupName="fast")["userErrors"] == []
    client.close()


def receive_all(sock: socket.socket) -> bytes:
    """One whole HTTP response: its head, then as many bytes as it says its body has."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536) or b"!"
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1]
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


@pytest.mark.parametrize(
    ("content_type", "body", "status", "code"),
    [
        ("application/json", b'{"query": "{ viewer { id } }"', 400, "BAD_REQUEST"),
        ("application/json", b"\xff\xfe not json", 400, "BAD_REQUEST"),
        ("application/json", b"{}", 400, "BAD_REQUEST"),
        ("application/json", b'{"query": 12}', 400, "BAD_REQUEST"),
        ("multipart/form-data; boundary=x", b"--x\r\nnonsense", 400, "BAD_REQUEST"),
    ],
)
def test_a_request_strawberry_cannot_read_gets_a_json_error_with_a_code(
    client: GraphQLClient, content_type: str, body: bytes, status: int, code: str
) -> None:
    response = client.http.post(
        "/graphql",
        content=body,
        headers={"Content-Type": content_type, "Apollo-Require-Preflight": "1"},
    )
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == code
    assert error["message"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_method_the_endpoint_does_not_take_gets_a_json_405(
    client: GraphQLClient, method: str
) -> None:
    response = client.http.request(
        method,
        "/graphql",
        content=b'{"query": "{ viewer { id } }"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["allow"] == "GET, POST"
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert error["message"]
