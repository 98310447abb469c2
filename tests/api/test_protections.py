"""What every public GraphQL endpoint needs: auth, CSRF prevention, limits, masking."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLError

from api.clock import FrozenClock
from api.errors import NotFound
from api.graphql.schema import should_mask
from tests.client import GraphQLClient
from tests.conftest import new_client
from tests.server import LiveServer
from tests.support.documents import IMPORT


def test_no_token_is_401(server: LiveServer) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = httpx.post(
            server.url + "/graphql", json={"query": "{ viewer { name } }"}, headers=headers
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_viewer_with_token(client: GraphQLClient) -> None:
    viewer = client.execute("{ viewer { id name backupsEnabled backupRetentionDays } }")["viewer"]
    assert viewer["name"].startswith("account-")
    assert (viewer["backupsEnabled"], viewer["backupRetentionDays"]) == (True, 30)


@pytest.mark.parametrize("headers", [{}, {"Apollo-Require-Preflight": ""}])
def test_multipart_without_preflight_header_is_refused(
    client: GraphQLClient, headers: dict[str, str]
) -> None:
    response = client.upload(
        IMPORT, {"input": {"file": None, "groupName": "csrf"}}, b"email\na@x.io\n", headers=headers
    )
    assert response.status_code == 400
    assert "Apollo-Require-Preflight" in response.text
    assert client.execute("{ groups { totalCount } }")["groups"]["totalCount"] == 0
    client.close()


def test_operation_name_header_also_passes_csrf_check(client: GraphQLClient) -> None:
    response = client.upload(
        IMPORT,
        {"input": {"file": None, "groupName": "ok"}},
        b"email\na@x.io\n",
        headers={"X-Apollo-Operation-Name": "Import"},
    )
    assert response.status_code == 200
    assert response.json()["data"]["importRecipients"]["userErrors"] == []


def test_form_encoded_and_text_plain_posts_are_refused(client: GraphQLClient) -> None:
    form = client.http.post("/graphql", data={"query": "{ viewer { name } }"})
    text = client.http.post(
        "/graphql",
        content=b'{"query": "{ viewer { name } }"}',
        headers={"Content-Type": "text/plain"},
    )
    assert (form.status_code, text.status_code) == (400, 400)


def test_depth_limit(client: GraphQLClient) -> None:
    deep = "{ groups { edges { node { recipients { edges { node { activities { kind } } } } backups { edges { node { group { backups { edges { node { group { name } } } } } } } } } } } }"
    body = client.post(deep).json()
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_alias_limit(client: GraphQLClient) -> None:
    query = "{ " + " ".join(f"a{i}: viewer {{ name }}" for i in range(40)) + " }"
    body = client.post(query).json()
    assert "aliases found" in body["errors"][0]["message"]


def test_token_limit(client: GraphQLClient) -> None:
    query = "{ viewer { " + " ".join(["name"] * 5000) + " } }"
    body = client.post(query).json()
    assert "token" in body["errors"][0]["message"].lower()


def test_batching_is_off(client: GraphQLClient) -> None:
    response = client.http.post("/graphql", json=[{"query": "{ viewer { name } }"}] * 2)
    assert response.status_code == 400


def test_bad_cursor_is_a_readable_error_not_a_masked_one(client: GraphQLClient) -> None:
    body = client.post('{ groups(after: "!!!") { totalCount } }').json()
    assert body["errors"][0]["message"] == "`after` is not a cursor of this list."
    body = client.post("{ groups(first: 1000) { totalCount } }").json()
    assert "between 0 and 100" in body["errors"][0]["message"]


def test_validation_errors_are_not_masked(client: GraphQLClient) -> None:
    body = client.post("{ viewer { nope } }").json()
    assert "Cannot query field 'nope'" in body["errors"][0]["message"]


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server on SQLite whose upload cap is 1 MB."""
    folder: Path = tmp_path_factory.mktemp("small")
    live = LiveServer(
        database_url=f"sqlite:///{folder / 'db.sqlite'}",
        data_dir=folder / "data",
        clock=FrozenClock(),
        max_upload_mb=1,
    )
    live.start()
    yield live
    live.stop()


def big_csv(size: int) -> bytes:
    """A valid CSV file of about `size` bytes."""
    line = b"someone.with.a.long.address@example.org,First,Last\n"
    return b"email,first name,last name\n" + line * (size // len(line))


def test_upload_over_the_cap_is_file_too_large(small_server: LiveServer) -> None:
    client = new_client(small_server)
    payload = client.start_import(big_csv(1024 * 1024 + 200_000), groupName="big")
    client.close()
    assert payload["job"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["FILE_TOO_LARGE"]
    uploads = small_server.settings.data_dir / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_body_far_over_the_cap_is_refused_while_streaming(small_server: LiveServer) -> None:
    client = new_client(small_server)

    def body() -> Iterator[bytes]:
        yield b'--x\r\nContent-Disposition: form-data; name="0"; filename="a.csv"\r\n\r\n'
        for _ in range(64):
            yield b"a" * 65536

    response = client.http.post(
        "/graphql",
        content=body(),
        headers={
            "Content-Type": "multipart/form-data; boundary=x",
            "Apollo-Require-Preflight": "1",
        },
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "FILE_TOO_LARGE"
    declared = client.upload(
        IMPORT, {"input": {"file": None, "groupName": "x"}}, big_csv(3 * 1024 * 1024)
    )
    assert declared.status_code == 413
    assert client.execute("{ groups { totalCount } }")["groups"]["totalCount"] == 0
    client.close()


def test_a_subscription_over_http_gets_a_clear_error(client: GraphQLClient) -> None:
    body = client.post('subscription { importJob(id: "SW1wb3J0Sm9iOjE=") { status } }').json()
    assert body["data"] is None
    assert "WebSocket" in body["errors"][0]["message"]


@pytest.mark.parametrize("key", [b"[{}]", b"[]", b'"x"', b'["a@x.io"]'])
def test_a_cursor_of_another_shape_is_refused_readably(client: GraphQLClient, key: bytes) -> None:
    cursor = base64.urlsafe_b64encode(key).decode()
    body = client.post(
        "query($a: String) { groups(after: $a) { totalCount } }", {"a": cursor}
    ).json()
    assert body["errors"][0]["message"] == "`after` is not a cursor of this list."


def test_only_unexpected_errors_are_masked() -> None:
    assert should_mask(GraphQLError("boom", original_error=RuntimeError("secret detail")))
    assert not should_mask(GraphQLError("x", original_error=NotFound("No group with this id.")))
    assert not should_mask(GraphQLError("Cannot query field 'x'."))
