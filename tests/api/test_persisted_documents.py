"""Trusted documents and persisted queries: the manifest, hashes, and the endpoint's answers."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from graphql import parse

from api.graphql.persisted_manifest import (
    MANIFEST,
    contract_documents,
    document_hash,
    manifest_text,
    printed_document,
)
from api.graphql.schema import build_schema
from api.settings import Settings
from tests.client import GraphQLClient
from tests.server import LiveServer

APP_SHELL = "query AppShell { viewer { id name timeZone } }"
# What @graphql-codegen/client-preset 6.2.0 (persistedDocuments: true, graphql 16) wrote for
# these contract operations, run by hand on 2026-12-01 (its persisted-documents.json was
# byte-identical to this repository's manifest).
CODEGEN_HASHES = {
    "AppShell": "sha256:f2e2af53ded9e986c528e1073ce918be17a37092c2a26b34fd544197e50e2d5f",
    "BackupDownload": "sha256:8ed8af26bc09cf96d239871525628b1cd6242b50466441f8810bb18fb922e33c",
    "RenameGroup": "sha256:a4f4524488222ad2056667bf376b1347fcca25323427f07a2fbd2dd9a759d1e3",
}
# @graphql-tools/documents 1.0.2 printExecutableGraphQLDocument, run in Node on this input.
TRICKY = (
    'mutation A($b: Int, $a: [String!]! = ["x\\ny"]) { ... on Mutation { c b d }'
    " c(z: 1, a: {q: 1, b: [1, 2]}) @skip(if: false) @include(if: true) { d e { b a } f } b a }"
    ' query Q($v: Boolean = true) { longFieldName(argumentNumberOne: "aaaaaaaaaa",'
    ' argumentNumberTwo: "bbbbbbbbbbbbbb", three: 3) { z y ...F ... on Query { b }'
    " ... on Query { a } } } fragment F on Query { x w }"
)
TRICKY_PRINTED = (
    'fragment F on Query { w x } mutation A($a: [String!]! = ["x\\ny"], $b: Int)'
    " { ... on Mutation { c b d } c(z: 1, a: {q: 1, b: [1, 2]}) @skip(if: false)"
    " @include(if: true) { d e { a b } f } b a } query Q($v: Boolean = true) { longFieldName("
    ' argumentNumberOne: "aaaaaaaaaa" argumentNumberTwo: "bbbbbbbbbbbbbb" three: 3 )'
    " { y z ...F ... on Query { a } ... on Query { b } } }"
)


def sha(text: str) -> str:
    """The hex SHA-256 a client sends."""
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(
    client: GraphQLClient, sha256: str, query: str | None = None, **variables: Any
) -> dict[str, Any]:
    """POST an Apollo persisted query (hash, with or without its text); the JSON answer."""
    body: dict[str, Any] = {
        "variables": variables,
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}},
    }
    if query is not None:
        body["query"] = query
    response = client.http.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def code(answer: dict[str, Any]) -> str:
    """The code of the answer's only error."""
    [error] = answer["errors"]
    found: str = error["extensions"]["code"]
    return found


# --- the manifest -----------------------------------------------------------------------


def test_manifest_is_up_to_date() -> None:
    assert MANIFEST.read_text(encoding="utf-8") == manifest_text(contract_documents()), (
        "frontend-contract/persisted-documents.json differs from the contract's operations:"
        " run scripts/persisted-documents and commit it"
    )


def test_manifest_hashes_are_codegens() -> None:
    documents = contract_documents()
    by_name = {
        name: key
        for key, text in documents.items()
        for name in CODEGEN_HASHES
        if f" {name}(" in text or f" {name} " in text
    }
    assert by_name == CODEGEN_HASHES
    assert documents[CODEGEN_HASHES["AppShell"]] == APP_SHELL
    assert all(key == document_hash(text) for key, text in documents.items())


def test_printing_sorts_as_graphql_tools_does() -> None:
    assert printed_document(parse(TRICKY).definitions) == TRICKY_PRINTED  # type: ignore[arg-type]
    simple = parse(
        "query A { ...B ...A c b a } fragment B on Query { c b a } fragment A on Query { c }"
    )
    assert (
        printed_document(simple.definitions)  # type: ignore[arg-type]
        == "fragment A on Query { c } fragment B on Query { a b c } query A { a b c ...A ...B }"
    )


# --- the endpoint -----------------------------------------------------------------------


def test_a_registered_hash_runs_its_document(client: GraphQLClient) -> None:
    for sent in (CODEGEN_HASHES["AppShell"], CODEGEN_HASHES["AppShell"].removeprefix("sha256:")):
        answer = persisted(client, sent)
        assert set(answer["data"]["viewer"]) == {"id", "name", "timeZone"}, answer


def test_a_hash_in_a_get_request(client: GraphQLClient) -> None:
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": CODEGEN_HASHES["AppShell"]}}
    response = client.http.get("/graphql", params={"extensions": orjson.dumps(extensions).decode()})
    assert response.status_code == 200, response.text
    assert "viewer" in response.json()["data"]


def test_an_unknown_hash_is_learnt_from_the_retry(client: GraphQLClient) -> None:
    query = f"query Learnt{secrets.token_hex(4)} {{ viewer {{ name }} }}"
    missing = persisted(client, sha(query))
    assert code(missing) == "PERSISTED_QUERY_NOT_FOUND"
    assert missing["errors"][0]["message"] == "PersistedQueryNotFound"  # Apollo's clients look

    assert "viewer" in persisted(client, sha(query), query)["data"]
    assert "viewer" in persisted(client, sha(query))["data"]


def test_a_hash_that_is_not_the_texts_is_refused(client: GraphQLClient) -> None:
    query = "query Other { viewer { id } }"
    answer = persisted(client, sha(query + " "), query)
    assert code(answer) == "PERSISTED_QUERY_INVALID"
    assert answer["data"] is None
    assert code(persisted(client, sha(query + " "))) == "PERSISTED_QUERY_NOT_FOUND"


# --- trusted documents only -------------------------------------------------------------


@pytest.fixture(scope="module")
def trusted_only(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A second API instance on the same database that runs only registered documents."""
    live = LiveServer(
        database_url=server.settings.database_url or "",
        data_dir=tmp_path_factory.mktemp("trusted") / "data",
        clock=server.clock,
        worker=False,
        trusted_documents_only=True,
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def trusted_client(trusted_only: LiveServer, client: GraphQLClient) -> Iterator[GraphQLClient]:
    """The test's account, on the trusted-only instance."""
    made = GraphQLClient(trusted_only.url, client.token)
    yield made
    made.close()


def test_trusted_only_runs_registered_documents(trusted_client: GraphQLClient) -> None:
    assert "viewer" in persisted(trusted_client, CODEGEN_HASHES["AppShell"])["data"]
    # The registered text itself, as codegen printed it, runs too.
    assert "viewer" in trusted_client.execute(APP_SHELL)


def test_trusted_only_refuses_any_other_document(trusted_client: GraphQLClient) -> None:
    query = "query Mine { viewer { id name } }"
    refused = trusted_client.post(query)
    assert refused.status_code == 200
    assert code(refused.json()) == "DOCUMENT_NOT_REGISTERED"
    assert refused.json()["data"] is None
    # Nor can a client register one through the persisted-query protocol.
    assert code(persisted(trusted_client, sha(query), query)) == "DOCUMENT_NOT_REGISTERED"
    assert code(persisted(trusted_client, sha(query))) == "PERSISTED_QUERY_NOT_FOUND"


def test_trusted_only_over_a_websocket(trusted_only: LiveServer, client: GraphQLClient) -> None:
    # The check is the schema's, so it holds wherever a document comes from.
    schema = trusted_only.app.state.schema
    refused = trusted_only.run(schema.execute("query Ws { viewer { id } }"))
    assert [e.extensions["code"] for e in refused.errors] == ["DOCUMENT_NOT_REGISTERED"]


def test_the_manifest_path_is_a_setting(tmp_path: Path) -> None:
    manifest = tmp_path / "documents.json"
    text = "query Own { viewer { id } }"
    manifest.write_text(orjson.dumps({"sha256:" + sha(text): text}).decode())
    settings = Settings(env="development", persisted_documents_file=manifest)
    documents = build_schema(settings).persisted
    assert documents.find(sha(text)) == text
    assert documents.find(CODEGEN_HASHES["AppShell"].removeprefix("sha256:")) is None


def test_a_malformed_hash_is_a_bad_request(client: GraphQLClient) -> None:
    body = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": 12}}}
    answer = client.http.post("/graphql", json=body).json()
    assert code(answer) == "PERSISTED_QUERY_INVALID"


def test_no_query_and_no_hash_is_still_a_400(client: GraphQLClient) -> None:
    response = client.http.post("/graphql", json={"variables": {}})
    assert response.status_code == 400
