"""The fast path of POST /graphql (api/graphql/fast_path.py) answers exactly as the normal path,
and the account it serves from memory is never staler than the token cache's bound."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from sqlmodel import col

from api.auth import AccountCache, account_cache
from api.graphql.fast_path import FastGraphQL
from api.settings import async_database_url
from storage.db import create_engine, write_transaction
from storage.models import Account
from tests.client import GraphQLClient
from tests.server import LiveServer

VIEWER = "{ viewer { id name backupsEnabled backupRetentionDays } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
TWO_OPERATIONS = "query A { viewer { id } } query B { viewer { name } }"
UPDATE = """mutation U($input: UpdateAccountSettingsInput!) { updateAccountSettings(input: $input) {
  account { backupRetentionDays } userErrors { field message code } } }"""


def unique(query: str) -> str:
    """`query` made distinct from any other test's by a comment no other document has."""
    return f"# {secrets.token_hex(8)}\n{query}"


def fast_path(server: LiveServer) -> FastGraphQL:
    """The server's fast path."""
    fast: FastGraphQL = server.app.state.fast_graphql
    return fast


@contextmanager
def normal_path_only(server: LiveServer) -> Iterator[None]:
    """Every request goes through strawberry's view while inside."""
    fast = fast_path(server)
    fast.enabled = False
    try:
        yield
    finally:
        fast.enabled = True


@dataclass(frozen=True)
class Answer:
    """What a client can see of a response, but its request id."""

    status: int
    content_type: str | None
    content_length: str | None
    body: bytes


# Sends a request (a JSON body, or GET parameters) with a token; what the client sees.
Sender = Callable[[LiveServer, Any, str | None], Answer]


def answer_of(response: httpx.Response) -> Answer:
    """What a client sees of `response`."""
    return Answer(
        response.status_code,
        response.headers.get("content-type"),
        response.headers.get("content-length"),
        response.content,
    )


def bearer(token: str | None, **headers: str) -> dict[str, str]:
    """`headers` with the token's Authorization header, if any."""
    return {**headers, **({"Authorization": f"Bearer {token}"} if token is not None else {})}


def send(server: LiveServer, body: bytes, token: str | None) -> Answer:
    """POST `body` as JSON to /graphql with `token`."""
    headers = bearer(token, **{"Content-Type": "application/json"})
    return answer_of(httpx.post(f"{server.url}/graphql", content=body, headers=headers, timeout=60))


def both_paths(
    server: LiveServer, body: Any, token: str | None, sender: Sender = send
) -> tuple[Answer, Answer, int]:
    """The answer with the fast path on (asked twice: its document is then known), the
    answer of the normal path alone, and how many of the two the fast path answered."""
    fast = fast_path(server)
    sender(server, body, token)
    before = fast.answered
    first = sender(server, body, token)
    answered = fast.answered - before
    with normal_path_only(server):
        second = sender(server, body, token)
    return first, second, answered


def send_get(server: LiveServer, params: Any, token: str | None) -> Answer:
    """GET /graphql with these parameters (and `token`), as a client that lets proxies cache."""
    headers = bearer(token, Accept="application/json")
    return answer_of(httpx.get(f"{server.url}/graphql", params=params, headers=headers, timeout=60))


def request(query: str | None = None, **fields: object) -> bytes:
    """A JSON body."""
    return orjson.dumps({**({"query": query} if query is not None else {}), **fields})


def persisted(sha256: str) -> dict[str, object]:
    """An `extensions` field sending a persisted query's hash."""
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def test_a_known_query_is_answered_by_the_fast_path_with_the_same_bytes(
    server: LiveServer, client: GraphQLClient
) -> None:
    query = unique(VIEWER)
    sha256 = hashlib.sha256(query.encode()).hexdigest()
    cases = [
        request(query),
        request(unique(NODE), variables={"id": "unknown"}),
        request(unique(TWO_OPERATIONS), operationName="B"),
        request(query, extensions=persisted(sha256)),
        request(extensions=persisted(sha256)),  # by hash alone, once registered
        request(unique("{ __typename }"), variables=None, operationName=None),
    ]
    for body in cases:
        fast, normal, answered = both_paths(server, body, client.token)
        assert answered == 1, body
        assert fast == normal, body
        assert fast.status == 200
        assert b'"errors"' not in fast.body


def test_a_known_query_sent_by_get_is_answered_by_the_fast_path_with_the_same_bytes(
    server: LiveServer, client: GraphQLClient
) -> None:
    query = unique(VIEWER)
    sha256 = hashlib.sha256(query.encode()).hexdigest()
    hashed = orjson.dumps(persisted(sha256)).decode()
    cases = [
        {"query": query},
        {"query": unique(NODE), "variables": '{"id": "unknown"}'},
        {"query": unique(TWO_OPERATIONS), "operationName": "B"},
        {"query": query, "extensions": hashed},
        {"extensions": hashed},  # by hash alone, once registered: what a CDN can cache
    ]
    for params in cases:
        fast, normal, answered = both_paths(server, params, client.token, send_get)
        assert answered == 1, params
        assert fast == normal, params
        assert fast.status == 200
        assert b'"errors"' not in fast.body


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"query": UPDATE, "variables": '{"input": {}}'}, id="mutation"),
        pytest.param({"query": "{ viewer { id } }", "variables": "{not json"}, id="bad JSON"),
        pytest.param({"query": "{ viewer { id } }", "variables": "[1]"}, id="variables a list"),
        pytest.param({"query": "{ viewer { nope } }"}, id="validation error"),
        pytest.param({"extensions": orjson.dumps(persisted("0" * 64)).decode()}, id="unknown hash"),
        pytest.param({"query": ""}, id="empty query"),
        pytest.param({}, id="no parameters"),
    ],
)
def test_anything_else_sent_by_get_gets_the_normal_paths_answer(
    server: LiveServer, client: GraphQLClient, params: dict[str, str]
) -> None:
    fast, normal, answered = both_paths(server, params, client.token, send_get)
    assert answered == 0
    assert fast == normal
    assert fast.status in {200, 400, 405}


def test_a_repeated_get_parameter_goes_to_the_normal_path(
    server: LiveServer, client: GraphQLClient
) -> None:
    url = f"{server.url}/graphql?query={{viewer{{id}}}}&query={{viewer{{name}}}}"
    headers = {"Authorization": f"Bearer {client.token}", "Accept": "application/json"}
    fast = fast_path(server)
    before = fast.answered
    with normal_path_only(server):
        normal = httpx.get(url, headers=headers, timeout=60)
    answer = httpx.get(url, headers=headers, timeout=60)
    assert fast.answered == before
    assert (answer.status_code, answer.content) == (normal.status_code, normal.content)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(request("{ viewer { id nope } }"), id="validation error"),
        pytest.param(request("{ viewer { id "), id="syntax error"),
        pytest.param(request("{ groups(first: -1) { edges { cursor } } }"), id="field error"),
        pytest.param(request(NODE, variables={"id": 5.5}), id="bad variable"),
        pytest.param(request(NODE), id="missing variable"),
        pytest.param(request(TWO_OPERATIONS), id="no operation name"),
        pytest.param(request(TWO_OPERATIONS, operationName="C"), id="unknown operation"),
        pytest.param(request("{ a: viewer { id } " + "b: viewer { id } " * 40 + "}"), id="aliases"),
        pytest.param(request("{ viewer { id } }", variables="x"), id="variables not an object"),
        pytest.param(request(extensions=persisted("0" * 64)), id="unknown hash"),
        pytest.param(request("{ viewer { id } }", extensions=persisted("0" * 64)), id="bad hash"),
        pytest.param(request(extensions={"persistedQuery": {"sha256Hash": 5}}), id="hash type"),
        pytest.param(request(), id="no query"),
        pytest.param(orjson.dumps({"query": 5}), id="query not text"),
        pytest.param(b"{ not json", id="bad JSON"),
        pytest.param(b"[1, 2]", id="JSON list"),
        pytest.param(b"", id="empty body"),
        pytest.param(
            request(UPDATE, variables={"input": {"retentionDays": 0}}), id="mutation userError"
        ),
        pytest.param(request('subscription { importJob(id: "x") { id } }'), id="subscription"),
    ],
)
def test_anything_else_gets_the_normal_paths_answer(
    server: LiveServer, client: GraphQLClient, body: bytes
) -> None:
    fast, normal, answered = both_paths(server, body, client.token)
    assert answered == 0
    assert fast == normal
    assert fast.status in {200, 400}


def test_missing_and_revoked_tokens_get_the_same_refusal(
    server: LiveServer, client: GraphQLClient
) -> None:
    body = request(unique(VIEWER))
    assert send(server, body, client.token).status == 200
    for token in [None, "lk_not-a-token", "Basic abc"]:
        fast, normal, answered = both_paths(server, body, token)
        assert (fast, answered) == (normal, 0)
        assert fast.status == 401
    revoke = (
        """mutation R($id: ID!) { revokeToken(input: {tokenId: $id}) { userErrors { code } } }"""
    )
    own = client.execute("{ viewer { tokens { id current } } }")["viewer"]["tokens"]
    current = next(t["id"] for t in own if t["current"])
    assert client.execute(revoke, {"id": current}) == {"revokeToken": {"userErrors": []}}
    fast, normal, answered = both_paths(server, body, client.token)
    assert (fast, answered) == (normal, 0)
    assert fast.status == 401


def test_a_body_in_several_chunks_is_read_whole(server: LiveServer, client: GraphQLClient) -> None:
    body = request(unique(VIEWER))
    expected = send(server, body, client.token)
    fast = fast_path(server)
    before = fast.answered
    headers = {"Authorization": f"Bearer {client.token}", "Content-Type": "application/json"}
    chunks = [body[:5], body[5:20], body[20:]]
    with httpx.Client(base_url=server.url, timeout=60) as http:
        chunked = http.post("/graphql", content=iter(chunks), headers=headers)
    assert chunked.headers.get("transfer-encoding") is None
    assert (chunked.status_code, chunked.content) == (200, expected.body)
    assert fast.answered == before + 1


def test_repeated_requests_skip_parsing_validation_and_the_account_read(
    server: LiveServer, client: GraphQLClient
) -> None:
    query = unique(VIEWER)
    documents = server.app.state.schema.documents
    fast, cache = fast_path(server), account_cache(server.services.engine)
    before = (documents.parses, documents.validations, fast.answered, cache.reads)
    answers = [client.execute(query) for _ in range(5)]
    after = (documents.parses, documents.validations, fast.answered, cache.reads)
    assert all(a == answers[0] for a in answers)
    # The first request goes the normal way (parsed, validated, account read); the rest fast.
    assert tuple(b - a for a, b in zip(before, after, strict=True)) == (1, 1, 4, 1)


def test_an_account_write_is_seen_by_the_next_request(
    server: LiveServer, client: GraphQLClient
) -> None:
    query = unique(VIEWER)
    assert client.execute(query)["viewer"]["backupRetentionDays"] == 30
    assert client.execute(query)["viewer"]["backupRetentionDays"] == 30  # now from memory
    changed = client.execute(UPDATE, {"input": {"retentionDays": 12}})["updateAccountSettings"]
    assert changed == {"account": {"backupRetentionDays": 12}, "userErrors": []}
    assert client.execute(query)["viewer"]["backupRetentionDays"] == 12


def test_an_account_written_elsewhere_is_seen_within_the_bound(
    server: LiveServer, client: GraphQLClient
) -> None:
    seconds = server.settings.token_cache_seconds
    assert 0 < seconds <= 5  # the bound auth.py and the decisions state
    query = unique(VIEWER)
    name = client.execute("{ viewer { name } }")["viewer"]["name"]
    assert client.execute(query)["viewer"]["backupRetentionDays"] == 30

    async def write_as_another_instance() -> None:
        engine = create_engine(async_database_url(server.settings.database_url or ""))
        try:
            async with write_transaction(engine) as conn:
                await conn.execute(
                    sa.update(Account)
                    .where(col(Account.name) == name)
                    .values(backup_retention_days=7)
                )
        finally:
            await engine.dispose()

    server.run(write_as_another_instance())
    server.clock.advance(timedelta(seconds=seconds) - timedelta(milliseconds=1))
    assert client.execute(query)["viewer"]["backupRetentionDays"] == 30  # inside the bound
    server.clock.advance(timedelta(milliseconds=1))
    assert client.execute(query)["viewer"]["backupRetentionDays"] == 7


def test_a_read_that_overlapped_a_write_is_not_kept() -> None:
    cache = AccountCache()
    now = server_now()
    row = Account(id=1, name="a", created_at=now)
    started = cache.generation
    cache.written()  # a write lands while the read is under way
    cache.keep(row, now=now, generation=started)
    assert cache.fresh(1, now=now, seconds=5) is None
    cache.keep(row, now=now, generation=cache.generation)
    assert cache.fresh(1, now=now, seconds=5) is row
    assert cache.fresh(1, now=now + timedelta(seconds=5), seconds=5) is None
    cache.written()
    assert cache.fresh(1, now=now, seconds=5) is None


def server_now() -> datetime:
    """Any fixed moment."""
    return datetime(2026, 11, 30, 12, tzinfo=UTC)
