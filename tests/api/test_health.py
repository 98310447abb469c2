"""/healthz and /readyz through a live server on both databases, without a token.

PostgreSQL is reached through a TCP relay the test controls, so that "the database is
stopped" (the relay closed: connections cut, new ones refused) and "the database hangs"
(the relay holds every byte) happen for real between the app and its server.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.clock import FrozenClock
from api.health import code_migrations
from tests.conftest import BACKENDS, database_url, required_postgres
from tests.server import LiveServer

# The key LiveServer sets: it must not show in a probe's answer.
SECRET_KEY = "test-secret-key-of-some-length"


class Relay:
    """A TCP relay on a fixed loopback port to `target`: stopped, held or forwarding."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self.flowing = threading.Event()
        self.flowing.set()
        self.listener: socket.socket | None = None
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()

    def start(self) -> None:
        """Accept on the port and forward both ways."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """As a stopped server: every connection cut, new ones refused."""
        listener, self.listener = self.listener, None
        if listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would leave it
            # accepting on the socket it still holds.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def hold(self) -> None:
        """As a hung server: connections stay open, nothing goes through."""
        self.flowing.clear()

    def release(self) -> None:
        """Forward again."""
        self.flowing.set()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                self.flowing.wait()
                sink.sendall(chunk)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def live_server(backend: str, folder: Path) -> Iterator[tuple[LiveServer, Relay | None]]:
    """A server on a fresh database; on PostgreSQL, reached through a relay."""
    url = database_url(backend, folder)
    relay: Relay | None = None
    if backend == "postgresql":
        real = make_url(url)
        relay = Relay((real.host or "127.0.0.1", real.port or 5432))
        relay.start()
        url = real.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    server = LiveServer(database_url=url, data_dir=folder / "data", clock=FrozenClock())
    server.start()
    try:
        yield server, relay
    finally:
        if relay is not None:
            # Back up, so that the server stops as it would (engine disposed, worker drained).
            relay.release()
            if relay.listener is None:
                relay.start()
        server.stop()
        if relay is not None:
            relay.stop()


@pytest.fixture(params=BACKENDS)
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A server on a fresh database of each backend."""
    with live_server(request.param, tmp_path) as (server, _):
        yield server


@pytest.fixture
def behind_relay(tmp_path: Path) -> Iterator[tuple[LiveServer, Relay]]:
    """A server whose PostgreSQL is reached through a relay the test stops or holds.

    PostgreSQL only: an SQLite database is a file this very process opens.
    """
    required_postgres()
    with live_server("postgresql", tmp_path) as (server, relay):
        assert relay is not None
        yield server, relay


def get(server: LiveServer, path: str) -> httpx.Response:
    """A GET with no token and no cookie, as a load balancer's probe sends it."""
    return httpx.get(server.url + path, timeout=30)


def readiness(server: LiveServer) -> tuple[int, dict[str, Any]]:
    """The status and body of /readyz."""
    response = get(server, "/readyz")
    assert response.headers["cache-control"] == "no-store"
    body: dict[str, Any] = response.json()
    return response.status_code, body


def failed_checks(body: dict[str, Any]) -> set[str]:
    """The names of the checks that did not pass."""
    return {name for name, check in body["checks"].items() if not check["ok"]}


def test_live_and_ready_without_a_token(live: LiveServer) -> None:
    server = live
    response = get(server, "/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    status, body = readiness(server)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "files"}
    assert failed_checks(body) == set()
    head = code_migrations().head
    assert body["checks"]["migrations"] == {
        "ok": True,
        "state": "head",
        "revision": head,
        "head": head,
    }
    # The probe's file went again: only what jobs left (nothing here) is in the uploads.
    uploads = server.settings.data_dir / "uploads"
    assert list(uploads.iterdir()) == []
    # Nothing secret or revealing in the body: no URL, key, user or folder.
    answer = get(server, "/readyz").text
    for secret in (SECRET_KEY, str(server.settings.database_url), str(server.settings.data_dir)):
        assert secret not in answer
    # /graphql beside them still wants a token.
    assert (
        httpx.post(server.url + "/graphql", json={"query": "{ viewer { id } }"}).status_code == 401
    )


def test_a_file_store_that_cannot_be_written_is_not_ready(live: LiveServer) -> None:
    server = live
    uploads = server.settings.data_dir / "uploads"
    # A file where the folder should be: no file can be made there, even by root.
    shutil.rmtree(uploads, ignore_errors=True)
    uploads.write_bytes(b"")
    status, body = readiness(server)
    assert status == 503, body
    assert body["status"] == "unavailable"
    assert failed_checks(body) == {"files"}
    assert body["checks"]["files"]["reason"] in {"FileExistsError", "NotADirectoryError"}
    assert get(server, "/healthz").status_code == 200
    uploads.unlink()
    status, body = readiness(server)
    assert status == 200, body


def test_a_stopped_postgresql_is_not_ready(behind_relay: tuple[LiveServer, Relay]) -> None:
    server, relay = behind_relay
    assert readiness(server)[0] == 200
    relay.stop()
    status, body = readiness(server)
    assert status == 503, body
    assert {"database", "migrations"} <= failed_checks(body)
    assert "files" not in failed_checks(body)
    assert get(server, "/healthz").status_code == 200
    relay.start()
    status, body = readiness(server)
    assert status == 200, body


def test_a_postgresql_that_does_not_answer_is_not_ready(
    behind_relay: tuple[LiveServer, Relay],
) -> None:
    server, relay = behind_relay
    assert readiness(server)[0] == 200
    relay.hold()
    try:
        status, body = readiness(server)
    finally:
        relay.release()
    assert status == 503, body
    assert body["checks"]["database"] == {"ok": False, "reason": "timeout"}
    assert readiness(server)[0] == 200


@pytest.mark.parametrize(
    ("revision", "status", "state"),
    [("0001", 503, "behind"), ("9999", 200, "ahead")],
)
def test_migrations_behind_the_code_are_not_ready_ahead_are(
    live: LiveServer, revision: str, status: int, state: str
) -> None:
    server = live
    assert "0001" in code_migrations().known
    head = code_migrations().head
    set_revision(server, revision)
    try:
        answer, body = readiness(server)
    finally:
        set_revision(server, head)
    assert answer == status, body
    assert body["checks"]["migrations"]["state"] == state
    assert body["checks"]["migrations"]["revision"] == revision
    assert readiness(server)[0] == 200


def set_revision(server: LiveServer, revision: str) -> None:
    """Write `revision` as the database's migration state."""

    async def write() -> None:
        async with server.services.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})

    server.run(write())
