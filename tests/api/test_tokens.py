"""API tokens: names, expiry, last use, listing and revocation, in GraphQL and on the command line."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.auth import MAX_TOKENS_PER_ACCOUNT, recorded_uses
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.processes import run_cli

TOKEN_FIELDS = "id name createdAt expiresAt lastUsedAt current"
TOKENS = f"query {{ viewer {{ tokens {{ {TOKEN_FIELDS} }} }} }}"
CREATE = (
    "mutation($input: CreateTokenInput!) { createToken(input: $input) {"
    f" token {{ {TOKEN_FIELDS} }} secret userErrors {{ field message code }} }} }}"
)
REVOKE = (
    "mutation($input: RevokeTokenInput!) { revokeToken(input: $input) {"
    " revokedTokenId userErrors { field message code } } }"
)
NODE = "query($id: ID!) { node(id: $id) { id ... on ApiToken { name } } }"
VIEWER = "{ viewer { name } }"


@pytest.fixture
def clients() -> Iterator[list[GraphQLClient]]:
    """Clients made by a test from new secrets, closed after it."""
    made: list[GraphQLClient] = []
    yield made
    for client in made:
        client.close()


def create(client: GraphQLClient, **input_fields: Any) -> dict[str, Any]:
    """The createToken payload."""
    payload: dict[str, Any] = client.execute(CREATE, {"input": input_fields})["createToken"]
    return payload


def revoke(client: GraphQLClient, token_id: str) -> dict[str, Any]:
    """The revokeToken payload."""
    payload: dict[str, Any] = client.execute(REVOKE, {"input": {"tokenId": token_id}})[
        "revokeToken"
    ]
    return payload


def tokens(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    """The account's tokens by id."""
    listed = client.execute(TOKENS)["viewer"]["tokens"]
    return {t["id"]: t for t in listed}


def with_secret(server: LiveServer, clients: list[GraphQLClient], secret: str) -> GraphQLClient:
    """A client sending `secret` as its bearer token."""
    made = GraphQLClient(server.url, secret)
    clients.append(made)
    return made


def iso(moment: datetime) -> str:
    """A time as the API writes it."""
    return moment.isoformat()


def test_create_named_expiring_token_and_list_it(
    server: LiveServer, client: GraphQLClient, clients: list[GraphQLClient]
) -> None:
    expires = server.clock.now() + timedelta(days=30)
    created = create(client, name="  Nightly export  ", expiresAt=iso(expires))

    assert created["userErrors"] == []
    assert created["secret"].startswith("lk_")
    token = created["token"]
    assert token["name"] == "Nightly export"
    assert token["createdAt"] == iso(server.clock.now())
    assert token["expiresAt"] == iso(expires)
    assert (token["lastUsedAt"], token["current"]) == (None, False)
    assert token["id"].startswith("QXBpVG9rZW46")  # base64 of "ApiToken:"

    new = with_secret(server, clients, created["secret"])
    assert new.execute(VIEWER) == client.execute(VIEWER)
    listing = new.post(TOKENS)
    assert created["secret"] not in listing.text
    listed = {t["id"]: t for t in listing.json()["data"]["viewer"]["tokens"]}
    assert len(listed) == 2
    assert listed[token["id"]]["name"] == "Nightly export"
    assert listed[token["id"]]["current"] is True
    assert [t["current"] for i, t in listed.items() if i != token["id"]] == [False]
    assert new.execute(NODE, {"id": token["id"]})["node"] == {
        "id": token["id"],
        "name": "Nightly export",
    }


def test_revoked_token_is_refused_on_the_next_request(
    server: LiveServer, client: GraphQLClient, clients: list[GraphQLClient]
) -> None:
    created = create(client, name="laptop")
    laptop = with_secret(server, clients, created["secret"])
    assert laptop.post(VIEWER).status_code == 200

    assert revoke(client, created["token"]["id"]) == {
        "revokedTokenId": created["token"]["id"],
        "userErrors": [],
    }

    assert laptop.post(VIEWER).status_code == 401
    assert created["token"]["id"] not in tokens(client)


def test_a_token_may_revoke_itself(
    server: LiveServer, client: GraphQLClient, clients: list[GraphQLClient]
) -> None:
    created = create(client, name="short-lived")
    itself = with_secret(server, clients, created["secret"])

    assert revoke(itself, created["token"]["id"])["userErrors"] == []

    assert itself.post(VIEWER).status_code == 401
    assert client.post(VIEWER).status_code == 200


def test_expired_token_is_refused(
    server: LiveServer, client: GraphQLClient, clients: list[GraphQLClient]
) -> None:
    created = create(client, name="a day", expiresAt=iso(server.clock.now() + timedelta(hours=1)))
    short = with_secret(server, clients, created["secret"])
    assert short.post(VIEWER).status_code == 200

    server.clock.advance(timedelta(hours=1))

    response = short.post(VIEWER)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert client.post(VIEWER).status_code == 200
    # Listed until revoked, so that the settings screen can show why it stopped working.
    assert tokens(client)[created["token"]["id"]]["expiresAt"] == iso(server.clock.now())


def test_last_use_is_recorded_at_most_once_a_minute(
    server: LiveServer, client: GraphQLClient, clients: list[GraphQLClient]
) -> None:
    created = create(client, name="busy")
    busy = with_secret(server, clients, created["secret"])

    def last_used() -> str | None:
        server.run(recorded_uses())
        used: str | None = tokens(client)[created["token"]["id"]]["lastUsedAt"]
        return used

    first = server.clock.now()
    assert last_used() is None
    assert busy.post(VIEWER).status_code == 200
    assert last_used() == iso(first)

    server.clock.advance(timedelta(seconds=59))
    assert busy.post(VIEWER).status_code == 200
    assert last_used() == iso(first)

    server.clock.advance(timedelta(seconds=2))
    assert busy.post(VIEWER).status_code == 200
    assert last_used() == iso(server.clock.now())


def test_another_accounts_token_is_not_found(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    [theirs] = tokens(other_client)

    for token_id in (theirs, "QXBpVG9rZW46OTk5OTk5OTk5OTk5OQ==", "nonsense", "R3JvdXA6MQ=="):
        assert revoke(client, token_id) == {
            "revokedTokenId": None,
            "userErrors": [
                {"field": ["tokenId"], "message": "No token with this id.", "code": "NOT_FOUND"}
            ],
        }
    assert client.execute(NODE, {"id": theirs})["node"] is None
    assert other_client.post(VIEWER).status_code == 200
    assert list(tokens(other_client)) == [theirs]


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"name": ""}, ["name"]),
        ({"name": "   "}, ["name"]),
        ({"name": "x" * 101}, ["name"]),
        ({"name": "ok", "expiresAt": "2020-01-01T00:00:00+00:00"}, ["expiresAt"]),
    ],
)
def test_invalid_input_is_a_user_error(
    client: GraphQLClient, fields: dict[str, str], path: list[str]
) -> None:
    before = list(tokens(client))
    payload = create(client, **fields)
    assert (payload["token"], payload["secret"]) == (None, None)
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(path, "INVALID_INPUT")]
    assert list(tokens(client)) == before


def test_expiry_now_is_not_in_the_future(server: LiveServer, client: GraphQLClient) -> None:
    payload = create(client, name="x", expiresAt=iso(server.clock.now()))
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_INPUT"]
    assert create(client, name="y" * 100)["token"]["name"] == "y" * 100


def test_an_account_holds_at_most_fifty_tokens(client: GraphQLClient) -> None:
    for number in range(MAX_TOKENS_PER_ACCOUNT - 1):  # the client's own is the first
        assert create(client, name=f"token {number}")["userErrors"] == []

    refused = create(client, name="one too many")

    assert refused["token"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["LIMIT_REACHED"]
    assert len(tokens(client)) == MAX_TOKENS_PER_ACCOUNT
    some = next(i for i, t in tokens(client).items() if not t["current"])
    assert revoke(client, some)["userErrors"] == []
    assert create(client, name="room again")["userErrors"] == []


def test_cli_creates_lists_and_revokes(
    server: LiveServer, tmp_path: Path, clients: list[GraphQLClient]
) -> None:
    assert server.settings.database_url is not None
    env = {
        "LISTKEEPER_DATABASE_URL": server.settings.database_url,
        "LISTKEEPER_DATA_DIR": str(tmp_path / "data"),
    }
    account = "cli-" + secrets.token_hex(4)
    made = run_cli(
        "create-token", "--account", account, "--name", "deploy", "--expires-at",
        "2999-01-01T00:00:00Z", env=env, cwd=tmp_path,
    )  # fmt: skip
    plain = run_cli("create-token", "--account", account, env=env, cwd=tmp_path)
    assert (made.returncode, plain.returncode) == (0, 0), made.stderr + plain.stderr
    secret = made.stdout.strip()
    assert made.stdout == secret + "\n"
    assert secret.startswith("lk_")
    deploy = with_secret(server, clients, secret)
    assert deploy.post(VIEWER).json()["data"]["viewer"]["name"] == account
    server.run(recorded_uses())

    listed = run_cli("tokens", "--account", account, env=env, cwd=tmp_path)

    assert listed.returncode == 0, listed.stderr
    assert secret not in listed.stdout
    assert plain.stdout.strip() not in listed.stdout
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(r[1], r[3], r[4]) for r in rows] == [
        ("deploy", "2999-01-01T00:00:00+00:00", server.clock.now().isoformat()),
        ("", "never", "never"),
    ]
    revoked = run_cli("revoke-token", "--account", account, rows[0][0], env=env, cwd=tmp_path)
    assert revoked.returncode == 0, revoked.stderr
    # Revoked by another process: the server sees it within its token cache's seconds.
    server.clock.advance(timedelta(seconds=server.settings.token_cache_seconds))
    assert deploy.post(VIEWER).status_code == 401
    again = run_cli("revoke-token", "--account", account, rows[0][0], env=env, cwd=tmp_path)
    assert again.returncode == 5  # not found (api/commands/console.py EXIT_NOT_FOUND)
    assert f"account {account!r} has no token {rows[0][0]}" in again.stderr
    after = run_cli("tokens", "--account", account, env=env, cwd=tmp_path).stdout
    assert [line.split("\t")[0] for line in after.splitlines()] == [rows[1][0]]


def test_cli_refuses_bad_expiry(tmp_path: Path) -> None:
    env = {"LISTKEEPER_DATA_DIR": str(tmp_path / "data")}
    past = run_cli(
        "create-token", "--account", "a", "--expires-at", "2001-01-01", env=env, cwd=tmp_path
    )
    garbled = run_cli("create-token", "--account", "a", "--expires-in", "3x", env=env, cwd=tmp_path)
    both = run_cli(
        "create-token", "--account", "a", "--expires-in", "1d", "--expires-at", "2999-01-01",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert (past.returncode, past.stdout) == (2, "")
    assert "expiry must lie in the future" in past.stderr
    assert (garbled.returncode, both.returncode) == (2, 2)
    assert "not a duration: '3x'" in garbled.stderr
