"""Small operations do no repeated work: documents parsed and validated once, tokens read
once per few seconds, revocations still seen within that bound."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from api.auth import hash_token, verified_tokens
from api.graphql.document_cache import DocumentCache
from storage.db import write_transaction
from storage.models import ApiToken
from tests.client import GraphQLClient
from tests.server import LiveServer

VIEWER = "{ viewer { id name backupsEnabled } }"


def counts(server: LiveServer) -> tuple[int, int]:
    """Parses and validations the server's schema has done so far."""
    documents: DocumentCache = server.app.state.schema.documents
    return documents.parses, documents.validations


def unique(query: str) -> str:
    """`query` made distinct from any other test's by a comment no other document has."""
    return f"# {secrets.token_hex(8)}\n{query}"


def test_a_repeated_document_is_parsed_and_validated_once(
    server: LiveServer, client: GraphQLClient
) -> None:
    query = unique(VIEWER)
    before = counts(server)
    answers = [client.execute(query) for _ in range(5)]
    after = counts(server)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    assert all(a == answers[0] for a in answers)


def test_a_refused_document_is_validated_once_and_refused_every_time(
    server: LiveServer, client: GraphQLClient
) -> None:
    unknown_field = unique("{ viewer { id nope } }")
    before = counts(server)
    codes = [client.post(unknown_field).json()["errors"][0]["extensions"]["code"] for _ in range(4)]
    after = counts(server)
    assert codes == ["GRAPHQL_VALIDATION_FAILED"] * 4
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def test_a_document_sent_by_hash_is_parsed_once(server: LiveServer, client: GraphQLClient) -> None:
    query = unique(VIEWER)
    sha256 = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
    before = counts(server)
    client.http.post("/graphql", json={"query": query, "extensions": extensions})
    for _ in range(4):
        answer = client.http.post("/graphql", json={"extensions": extensions}).json()
        assert set(answer["data"]["viewer"]) == {"id", "name", "backupsEnabled"}
    after = counts(server)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def test_variables_do_not_make_a_new_document(server: LiveServer, client: GraphQLClient) -> None:
    query = unique("query($id: ID!) { node(id: $id) { id } }")
    before = counts(server)
    for n in range(3):
        assert client.execute(query, {"id": f"unknown-{n}"}) == {"node": None}
    after = counts(server)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


# --- tokens -----------------------------------------------------------------------------


def cached_read_at(server: LiveServer, client: GraphQLClient) -> Any:
    """When the server last read the client's token from the database."""
    assert client.token is not None
    return verified_tokens(server.services.engine)[hash_token(client.token)].read_at


async def delete_behind_the_servers_back(server: LiveServer, token: str) -> None:
    """Delete the token's row as another process would (the CLI, another instance)."""
    async with write_transaction(server.services.engine) as conn:
        await conn.execute(sa.delete(ApiToken).where(col(ApiToken.token_hash) == hash_token(token)))


def test_a_token_is_read_once_per_cache_period(server: LiveServer, client: GraphQLClient) -> None:
    seconds = server.settings.token_cache_seconds
    assert client.execute(VIEWER)
    first = cached_read_at(server, client)
    for _ in range(3):
        assert client.execute(VIEWER)
    assert cached_read_at(server, client) == first

    server.clock.advance(timedelta(seconds=seconds))
    assert client.execute(VIEWER)
    assert cached_read_at(server, client) == server.clock.now()


def test_a_token_deleted_elsewhere_is_refused_within_the_bound(
    server: LiveServer, client: GraphQLClient
) -> None:
    seconds = server.settings.token_cache_seconds
    assert 0 < seconds <= 5  # the bound README and auth.py state
    assert client.post(VIEWER).status_code == 200
    assert client.token is not None
    server.run(delete_behind_the_servers_back(server, client.token))

    # Still trusted just inside the bound (the price of not reading it every request) ...
    server.clock.advance(timedelta(seconds=seconds) - timedelta(milliseconds=1))
    assert client.post(VIEWER).status_code == 200
    # ... and refused once it has passed.
    server.clock.advance(timedelta(milliseconds=1))
    refused = client.post(VIEWER)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_without_the_cache_every_request_reads_the_token(
    server: LiveServer, client: GraphQLClient, tmp_path: Any
) -> None:
    live = LiveServer(
        database_url=server.settings.database_url or "",
        data_dir=tmp_path / "data",
        clock=server.clock,
        worker=False,
        token_cache_seconds=0,
    )
    live.start()
    try:
        other = GraphQLClient(live.url, client.token)
        assert other.post(VIEWER).status_code == 200
        assert client.token is not None
        live.run(delete_behind_the_servers_back(live, client.token))
        assert other.post(VIEWER).status_code == 401
        other.close()
    finally:
        live.stop()


def test_concurrent_requests_share_one_document(server: LiveServer, client: GraphQLClient) -> None:
    query = unique(VIEWER)

    async def many() -> list[int]:
        async with client_async(server, client) as http:
            responses = await asyncio.gather(
                *[http.post("/graphql", json={"query": query}) for _ in range(8)]
            )
        return [r.status_code for r in responses]

    before = counts(server)
    assert asyncio.run(many()) == [200] * 8
    after = counts(server)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)


def client_async(server: LiveServer, client: GraphQLClient) -> httpx.AsyncClient:
    """An async HTTP client with the client's token."""
    return httpx.AsyncClient(
        base_url=server.url, headers={"Authorization": f"Bearer {client.token}"}, timeout=60
    )
