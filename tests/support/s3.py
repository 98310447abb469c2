"""A live server whose file store is a bucket of moto's S3 server, for the S3 API tests.

Modules use the fixtures by importing them (`from tests.support.s3 import s3_client, ...`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.clock import FrozenClock
from tests.client import GraphQLClient
from tests.conftest import BACKENDS, database_url, new_client
from tests.s3_server import CREDENTIALS, S3Server, running_s3_server
from tests.server import LiveServer


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server for this module."""
    with running_s3_server() as server:
        yield server


@pytest.fixture(scope="module", params=BACKENDS)
def s3_live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, s3_server: S3Server
) -> Iterator[LiveServer]:
    """A live server on each database whose file store is a bucket of the S3 server."""
    folder = tmp_path_factory.mktemp(f"s3-{request.param}")
    with pytest.MonkeyPatch.context() as environment:
        for name, value in CREDENTIALS.items():
            environment.setenv(name, value)
        live = LiveServer(
            database_url=database_url(request.param, folder),
            data_dir=folder / "data",
            clock=FrozenClock(),
            files_url=f"s3://{s3_server.new_bucket()}/listkeeper-{secrets.token_hex(2)}",
            s3_endpoint_url=s3_server.endpoint_url,
        )
    live.start()
    yield live
    live.stop()


@pytest.fixture
def s3_client(s3_live: LiveServer) -> Iterator[GraphQLClient]:
    """A client of a new account on the S3-backed server."""
    made = new_client(s3_live)
    yield made
    made.close()


def local_files(server: LiveServer) -> list[Path]:
    """Every file the server left in its data folder, but the database and its secret."""
    data = server.settings.data_dir
    kept = {"listkeeper.db", "listkeeper.db-wal", "listkeeper.db-shm", "secret_key"}
    return [path for path in data.rglob("*") if path.is_file() and path.name not in kept]
