"""The backups page's response cache (api/graphql/response_cache.py): a repeat is answered
from memory, and every write to what the page shows, through any process, refreshes it.

Two servers share one database of each backend: `a` keeps answers, `b` keeps none (the
uncached answer to compare with, and "another process" for writes `a` cannot see).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

import api.retention as retention_module
from api.clock import FrozenClock
from api.global_ids import parse_global_id
from api.graphql.fast_path import FastGraphQL
from api.graphql.persisted import read_manifest
from api.graphql.persisted_manifest import MANIFEST
from api.graphql.response_cache import ResponseCache
from api.retention import sweep
from api.settings import async_database_url
from storage.account_changes import account_version, compact_account_changes
from storage.db import create_engine, read_transaction, write_transaction
from tests.client import GraphQLClient
from tests.conftest import BACKENDS, database_url, new_client
from tests.server import LiveServer
from tests.support.documents import DELETE, ERASE, RESTORE

PAGE_HASH, PAGE = next(
    (h, t) for h, t in read_manifest(MANIFEST).items() if "query BackupsPage(" in t
)
VARIABLES: dict[str, Any] = {"first": 50}
CREATE = (
    "mutation($n: String!) { createGroup(input: {name: $n}) { group { id } userErrors { code } } }"
)
RENAME = "mutation($g: ID!, $n: String!) { renameGroup(input: {groupId: $g, name: $n}) { userErrors { code } } }"
UPSERT = """mutation($g: ID!, $r: [RecipientInput!]!) { upsertRecipients(input: {groupId: $g,
  recipients: $r}) { added userErrors { code } } }"""
SWITCH = """mutation($g: ID, $on: Boolean!) { setBackupEnabled(input: {groupId: $g, enabled: $on}) {
  userErrors { code } } }"""
SETTINGS = """mutation($i: UpdateAccountSettingsInput!) { updateAccountSettings(input: $i) {
  userErrors { code } } }"""


@dataclass
class Pair:
    a: LiveServer  # keeps answers
    b: LiveServer  # keeps none, same database

    def cache(self) -> ResponseCache:
        fast: FastGraphQL = self.a.app.state.fast_graphql
        return fast.responses


@pytest.fixture(scope="module", params=BACKENDS)
def pair(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    folder = tmp_path_factory.mktemp("response-cache-" + request.param)
    url = database_url(request.param, folder)
    clock = FrozenClock()
    a = LiveServer(database_url=url, data_dir=folder / "data", clock=clock)
    a.start()
    b = LiveServer(
        database_url=url,
        data_dir=folder / "data",
        clock=clock,
        response_cache_entries=0,
        token_cache_seconds=0,  # reads the account every time: the truth to compare with
    )
    b.start()
    yield Pair(a, b)
    b.stop()
    a.stop()


def page(server: LiveServer, client: GraphQLClient, *, by_hash: bool = False) -> bytes:
    """The backups page's response body, the document sent as text or as its hash."""
    body: dict[str, Any] = {"variables": VARIABLES}
    if by_hash:
        body["extensions"] = {"persistedQuery": {"version": 1, "sha256Hash": PAGE_HASH}}
    else:
        body["query"] = PAGE
    response = httpx.post(
        f"{server.url}/graphql",
        content=orjson.dumps(body),
        headers={"Authorization": f"Bearer {client.token}", "Content-Type": "application/json"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert b'"errors"' not in response.content, response.text
    return response.content


def runs(pair: Pair, client: GraphQLClient, *, by_hash: bool = False) -> tuple[bytes, int, int]:
    """The page from `a`, and how many times `a` ran it and answered it from memory."""
    cache = pair.cache()
    misses, hits = cache.misses, cache.hits
    body = page(pair.a, client, by_hash=by_hash)
    return body, cache.misses - misses, cache.hits - hits


def check_fresh(pair: Pair, client: GraphQLClient) -> bytes:
    """After a write: `a` runs the page once, then answers it from memory, the same bytes as
    `b` (no cache) gives."""
    first, ran, kept = runs(pair, client)
    assert (ran, kept) == (1, 0), "the write did not refresh the kept answer"
    again, ran, kept = runs(pair, client, by_hash=True)
    assert (ran, kept) == (0, 1)
    assert first == again == page(pair.b, client)
    return first


def account_id(pair: Pair, client: GraphQLClient) -> int:
    data = client.execute("{ viewer { id } }")
    found = parse_global_id(data["viewer"]["id"])
    assert found is not None
    return found[1]


def csv(*emails: str) -> bytes:
    return (
        "email,first_name\n" + "".join(f"{e},{secrets.token_hex(2)}\n" for e in emails)
    ).encode()


def new_group(client: GraphQLClient, *emails: str) -> str:
    """A group made by an import, with a backup taken by a second import into it."""
    job = client.import_file(csv(*emails), groupName="g-" + secrets.token_hex(3))
    group_id: str = job["group"]["id"]
    assert client.import_file(csv(*emails), groupId=group_id)["status"] == "SUCCEEDED"
    return group_id


def latest_backup(client: GraphQLClient) -> str:
    data = client.execute("{ backups(first: 1) { edges { node { id } } } }")
    backup_id: str = data["backups"]["edges"][0]["node"]["id"]
    return backup_id


def warm(pair: Pair, client: GraphQLClient) -> None:
    """Both servers have parsed the page's document (the first request of a document goes
    through strawberry's view), and `a` keeps the page's answer."""
    page(pair.a, client)
    page(pair.b, client)
    page(pair.a, client)


def test_every_write_through_the_api_refreshes_the_page(pair: Pair) -> None:
    client = new_client(pair.a)
    group_id = new_group(client, "a@example.com", "b@example.com")
    warm(pair, client)
    _, ran, kept = runs(pair, client)
    assert (ran, kept) == (0, 1), "a repeat is answered from memory"

    writes: list[tuple[str, Any]] = [
        ("import", lambda: client.import_file(csv("c@example.com"), groupId=group_id)),
        (
            "upsert",
            lambda: client.execute(UPSERT, {"g": group_id, "r": [{"email": "d@example.com"}]}),
        ),
        ("create group", lambda: client.execute(CREATE, {"n": "new-" + secrets.token_hex(3)})),
        ("rename", lambda: client.execute(RENAME, {"g": group_id, "n": "renamed"})),
        ("group switch", lambda: client.execute(SWITCH, {"g": group_id, "on": False})),
        ("group switch back", lambda: client.execute(SWITCH, {"g": group_id, "on": True})),
        ("account switch", lambda: client.execute(SWITCH, {"g": None, "on": False})),
        ("account switch back", lambda: client.execute(SWITCH, {"g": None, "on": True})),
        ("retention", lambda: client.execute(SETTINGS, {"i": {"retentionDays": 7}})),
        ("time zone", lambda: client.execute(SETTINGS, {"i": {"timeZone": "Europe/Paris"}})),
        (
            "restore",
            lambda: client.wait_job(
                client.execute(RESTORE, {"input": {"backupId": latest_backup(client)}})[
                    "restoreBackup"
                ]["job"]["id"]
            ),
        ),
        ("erasure", lambda: client.execute(ERASE, {"input": {"email": "a@example.com"}})),
        ("delete group", lambda: client.execute(DELETE, {"input": {"groupId": group_id}})),
    ]
    seen = set()
    for name, write in writes:
        write()
        body = check_fresh(pair, client)
        seen.add(body)
        assert name  # (the failing step's name is in the traceback's locals)
    assert len(seen) > 5  # the page did change
    client.close()


def test_writes_another_process_makes_refresh_the_page(pair: Pair) -> None:
    client = new_client(pair.a)
    group_id = new_group(client, "a@example.com")
    warm(pair, client)
    # Through the other server: `a`'s process sees nothing of it but the version.
    other = GraphQLClient(pair.b.url, client.token)
    other.execute(RENAME, {"g": group_id, "n": "renamed-elsewhere"})
    assert b"renamed-elsewhere" in check_fresh(pair, client)
    other.execute(SETTINGS, {"i": {"timeZone": "Asia/Tokyo"}})
    assert b"Asia/Tokyo" in check_fresh(pair, client)
    other.close()
    # SQL typed on a connection of its own.
    own = account_id(pair, client)

    async def by_hand() -> None:
        assert pair.a.settings.database_url is not None
        engine = create_engine(async_database_url(pair.a.settings.database_url))
        try:
            async with write_transaction(engine) as conn:
                await conn.execute(
                    sa.text("UPDATE recipient_group SET name = 'typed' WHERE account_id = :a"),
                    {"a": own},
                )
                await conn.execute(
                    sa.text("UPDATE account SET time_zone = 'America/Lima' WHERE id = :a"),
                    {"a": own},
                )
        finally:
            await engine.dispose()

    pair.a.run(by_hand())
    body = check_fresh(pair, client)
    assert b'"typed"' in body
    assert b"America/Lima" in body
    client.close()


def test_other_accounts_neither_refresh_nor_share_answers(pair: Pair) -> None:
    client, other = new_client(pair.a), new_client(pair.a)
    mine_group = new_group(client, "a@example.com")
    new_group(other, "b@example.com")
    warm(pair, client)
    warm(pair, other)
    mine, _, _ = runs(pair, client)
    theirs, ran, kept = runs(pair, other)
    assert (ran, kept) == (0, 1)
    assert theirs != mine
    assert mine_group.encode() not in theirs
    assert mine_group.encode() in mine
    other.import_file(csv("c@example.com"), groupName="more")
    other.execute(CREATE, {"n": "x"})
    again, ran, kept = runs(pair, client)
    assert (ran, kept) == (0, 1)
    assert again == mine
    client.close()
    other.close()


def test_compaction_keeps_the_version_and_a_sweep_that_deletes_refreshes(pair: Pair) -> None:
    client = new_client(pair.a)
    new_group(client, "a@example.com")
    client.execute(SETTINGS, {"i": {"retentionDays": 1}})
    own = account_id(pair, client)
    warm(pair, client)
    engine = pair.a.services.engine

    async def compact() -> tuple[int, int, int]:
        async with read_transaction(engine) as conn:
            before = await account_version(conn, account_id=own)
        async with write_transaction(engine) as conn:
            folded = await compact_account_changes(conn, account_id=own)
        async with read_transaction(engine) as conn:
            after = await account_version(conn, account_id=own)
            rows = await conn.scalar(
                sa.text("SELECT count(*) FROM account_change WHERE account_id = :a"), {"a": own}
            )
        assert after == before
        return folded, before, int(rows)

    folded, version, rows = pair.a.run(compact())
    assert folded > 1
    assert rows == 1
    assert version > 1
    _, ran, kept = runs(pair, client)
    assert (ran, kept) == (0, 1), "compaction does not refresh"
    # A sweep two days on deletes the backup (and compacts again).
    as_of = pair.a.clock.now() + timedelta(days=2)
    report = pair.a.run(sweep(engine=engine, as_of=as_of))
    assert report.deleted_backups >= 1
    assert b'"totalCount":0' in check_fresh(pair, client)
    client.close()


def test_a_sweep_folds_the_changes_of_accounts_whose_backups_stay(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = new_client(pair.a)
    new_group(client, "a@example.com")
    own = account_id(pair, client)
    warm(pair, client)
    engine = pair.a.services.engine

    async def version_and_rows() -> tuple[int, int]:
        async with read_transaction(engine) as conn:
            version = await account_version(conn, account_id=own)
            rows = await conn.scalar(
                sa.text("SELECT count(*) FROM account_change WHERE account_id = :a"), {"a": own}
            )
        return version, int(rows)

    before, rows = pair.a.run(version_and_rows())
    assert rows > 2
    monkeypatch.setattr(retention_module, "COMPACT_CHANGES_ABOVE", 2)
    # A sweep that deletes nothing (the backups are young) still folds the change rows.
    report = pair.a.run(sweep(engine=engine, as_of=pair.a.clock.now()))
    assert report.deleted_backups == 0
    assert pair.a.run(version_and_rows()) == (before, 1)
    _, ran, kept = runs(pair, client)
    assert (ran, kept) == (0, 1), "folding does not refresh"
    client.close()


def test_random_writes_read_the_same_page_with_and_without_the_cache(pair: Pair) -> None:
    rng = random.Random(12)
    client = new_client(pair.a)
    group_id = new_group(client, "a@example.com")
    warm(pair, client)
    for step in range(12):
        kind = rng.choice(["upsert", "rename", "zone", "none", "none"])
        if kind == "upsert":
            client.execute(UPSERT, {"g": group_id, "r": [{"email": f"r{step}@example.com"}]})
        elif kind == "rename":
            client.execute(RENAME, {"g": group_id, "n": f"name {step}"})
        elif kind == "zone":
            client.execute(SETTINGS, {"i": {"timeZone": rng.choice(["UTC", "Asia/Tokyo"])}})
        cached, ran, kept = runs(pair, client, by_hash=rng.random() < 0.5)
        assert cached == page(pair.b, client), (step, kind)
        assert ran + kept == 1
    client.close()
