"""Fixtures: a live server per database (SQLite file, real PostgreSQL), one account per test."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from api.auth import create_token
from api.clock import FrozenClock
from tests.client import GraphQLClient
from tests.server import LiveServer

BACKENDS = ("sqlite", "postgresql")


def postgres_admin_url() -> str | None:
    """The PostgreSQL the suite may create databases in (set by scripts/test)."""
    return os.environ.get("LISTKEEPER_TEST_POSTGRES_URL")


# The databases this process created: dropped when its session ends (pytest_sessionfinish).
CREATED_DATABASES: list[str] = []


async def create_postgres_database(admin_url: str, options: str = "") -> str:
    """A new empty database (`options`: more of its CREATE DATABASE); its URL."""
    name = "listkeeper_test_" + secrets.token_hex(4)
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" {options}')
    finally:
        await conn.close()
    CREATED_DATABASES.append(name)
    return admin_url.rsplit("/", 1)[0] + "/" + name


async def drop_postgres_databases(admin_url: str, names: list[str]) -> None:
    """Drop `names` (a connection still open to one is closed: the session is over)."""
    conn = await asyncpg.connect(admin_url)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The suite's databases do not outlive it (a run made ~100, about 2 GB). Last, after
    the session's fixtures (its live servers) are torn down."""
    admin = postgres_admin_url()
    if admin is not None and CREATED_DATABASES:
        asyncio.run(drop_postgres_databases(admin, CREATED_DATABASES))
        CREATED_DATABASES.clear()


def required_postgres() -> str:
    """The PostgreSQL admin URL; skips only outside CI when none is configured."""
    admin = postgres_admin_url()
    if admin is None:
        if os.environ.get("CI"):
            pytest.fail("LISTKEEPER_TEST_POSTGRES_URL is required in CI")
        pytest.skip("no PostgreSQL configured (LISTKEEPER_TEST_POSTGRES_URL)")
    return admin


def database_url(backend: str, folder: Path) -> str:
    """A fresh database of `backend` (call outside a running event loop)."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'listkeeper.db'}"
    return asyncio.run(create_postgres_database(required_postgres()))


@pytest.fixture(scope="session", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A live server on a fresh database of each backend."""
    folder = tmp_path_factory.mktemp(request.param)
    live = LiveServer(
        database_url=database_url(request.param, folder),
        data_dir=folder / "data",
        clock=FrozenClock(),
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def backend(server: LiveServer) -> str:
    """The database the current server runs on."""
    return server.services.engine.dialect.name


@pytest.fixture(params=BACKENDS)
def api_only(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A server on a fresh database that runs no jobs itself."""
    live = LiveServer(
        database_url=database_url(request.param, tmp_path),
        data_dir=tmp_path / "data",
        clock=FrozenClock(),
        worker=False,
    )
    live.start()
    yield live
    live.stop()


def new_client(server: LiveServer, account: str | None = None) -> GraphQLClient:
    """A client for a new account (or the named one) with a fresh token."""
    name = account or "account-" + secrets.token_hex(6)
    token = server.run(
        create_token(engine=server.services.engine, account_name=name, now=server.clock.now())
    )
    return GraphQLClient(server.url, token)


@pytest.fixture
def client(server: LiveServer) -> Iterator[GraphQLClient]:
    """A client of a new account."""
    made = new_client(server)
    yield made
    made.close()


@pytest.fixture
def other_client(server: LiveServer) -> Iterator[GraphQLClient]:
    """A client of a second, unrelated account."""
    made = new_client(server)
    yield made
    made.close()
