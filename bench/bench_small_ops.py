"""Small GraphQL operations against a bare strawberry app (issue 12 point 1).

Three servers, each a uvicorn process of its own on loopback, measured in turns by one load
client (this process: asyncio, raw HTTP/1.1 keep-alive, `--connections` connections, each
sending its next request as soon as the previous answer is read):

- bare: a default strawberry + Starlette app answering `{ viewer { id name backupsEnabled } }`
  from memory (no extensions, no authentication, uvicorn's access log off);
- listkeeper: `listkeeper serve`'s app (LISTKEEPER_ENV=production: JSON access log, token,
  the account as the token cache keeps it, docs/decisions.md 24), the same document as text;
- listkeeper, trusted: the same app with LISTKEEPER_TRUSTED_DOCUMENTS_ONLY and a manifest
  holding that document; the requests send only its hash, as a POST and (measured apart) as a
  GET with the hash in its `extensions` parameter.

Each round measures every server for `--seconds` (after a warm-up); the figure is each
listkeeper server's median req/s over the bare app's in the same rounds (target: 2.0x), with
p50/p99 latency of all its requests.

    .venv/bin/python -m bench.bench_small_ops [--seconds S] [--rounds N] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import orjson

from bench.common import (
    BACKENDS,
    REPO,
    Result,
    fresh_database,
    log,
    migrated_engine,
    new_account,
    print_table,
)

QUERY = "{ viewer { id name backupsEnabled } }"
TARGET = 2.0
BARE_APP = """
import sys, strawberry, uvicorn
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

@strawberry.type
class Account:
    id: strawberry.ID
    name: str
    backups_enabled: bool

ACCOUNT = Account(id=strawberry.ID("QWNjb3VudDox"), name="bench", backups_enabled=True)

@strawberry.type
class Query:
    @strawberry.field
    def viewer(self) -> Account:
        return ACCOUNT

app = Starlette(routes=[Route("/graphql", GraphQL(strawberry.Schema(query=Query)), methods=["GET", "POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""
LISTKEEPER_APP = (
    "import sys, uvicorn; from api.app import create_asgi_app;"
    " uvicorn.run(create_asgi_app(), host='127.0.0.1', port=int(sys.argv[1]), log_config=None)"
)


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """One uvicorn process serving `code`."""

    name: str
    code: str
    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start it and wait until it accepts connections."""
        with self.log_path.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", self.code, str(self.port),
                env={**os.environ, **self.env}, cwd=REPO, stdout=out, stderr=out,
            )  # fmt: skip
        for _ in range(600):
            if self.process.returncode is not None:
                break
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.1)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{self.name} did not start:\n{tail}")

    async def stop(self) -> None:
        """SIGTERM, and wait."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


def http_request(port: int, body: Mapping[str, object], token: str | None) -> bytes:
    """The bytes of one keep-alive POST /graphql."""
    payload = orjson.dumps(body)
    headers = [
        "POST /graphql HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
    ]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + payload


def http_get(port: int, params: Mapping[str, object], token: str | None) -> bytes:
    """The bytes of one keep-alive GET /graphql with the query's parameters (JSON-encoded
    `extensions` and `variables`), as a client that lets proxies cache sends it."""
    query = urlencode(
        {k: v if isinstance(v, str) else orjson.dumps(v).decode() for k, v in params.items()}
    )
    headers = [
        f"GET /graphql?{query} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: application/json",
    ]
    if token:
        headers.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode()


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    """Send one request; its status and body."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


@dataclass
class Load:
    """What one measurement saw."""

    requests: int
    seconds: float
    latencies: list[float]
    failures: int

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return self.requests / self.seconds


async def load(port: int, request: bytes, *, connections: int, seconds: float) -> Load:
    """`connections` keep-alive connections sending `request` back to back for `seconds`."""
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (started := time.perf_counter()) < deadline:
                status, body = await exchange(reader, writer, request)
                latencies.append(time.perf_counter() - started)
                if status != 200 or b'"errors"' in body:
                    failures += 1
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*[connection() for _ in range(connections)])
    return Load(len(latencies), time.perf_counter() - began, latencies, failures)


async def checked_answer(port: int, request: bytes) -> dict[str, object]:
    """One request that must succeed; its data (so that no server is timed answering errors)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        status, body = await exchange(reader, writer, request)
    finally:
        writer.close()
    answer = orjson.loads(body)
    if status != 200 or "errors" in answer:
        raise RuntimeError(f"port {port} answered {status}: {body[:500]!r}")
    data: dict[str, object] = answer["data"]
    return data


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie, in ms."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


@dataclass
class Case:
    """A server and the request it is measured with."""

    server: Server
    request: bytes
    method: str = ""  # shown after the server's name when one server is measured twice
    rates: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def name(self) -> str:
        """The server's name, with the method when it is not a plain POST."""
        return f"{self.server.name} {self.method}".rstrip()


async def measure(cases: list[Case], *, rounds: int, seconds: float, connections: int) -> None:
    """Warm every server up, then `rounds` turns of `seconds` each."""
    for case in cases:
        await load(case.server.port, case.request, connections=connections, seconds=1.0)
    for round_number in range(rounds):
        for case in cases:
            done = await load(
                case.server.port, case.request, connections=connections, seconds=seconds
            )
            case.rates.append(done.rate)
            case.latencies += done.latencies
            case.failures += done.failures
            log(f"round {round_number + 1}: {case.name} {done.rate:,.0f} req/s")


def results(cases: list[Case], backend: str) -> list[Result]:
    """The table's rows: each listkeeper case against the bare app, then latencies."""
    bare, *ours = cases
    bare_rate = statistics.median(bare.rates)
    rows = []
    for case in ours:
        rate = statistics.median(case.rates)
        rows.append(
            Result(
                f"{case.name}: req/s vs bare",
                backend,
                rate / bare_rate,
                "x",
                target=TARGET,
                floor=f"{rate:,.0f} vs bare {bare_rate:,.0f} req/s (median of {len(case.rates)})",
            )
        )
    for case in cases:
        p50, p99 = percentile(case.latencies, 0.50), percentile(case.latencies, 0.99)
        rows.append(
            Result(
                f"{case.name}: p99 latency",
                backend,
                p99,
                "ms",
                higher_is_better=False,
                floor=f"p50 {p50:.2f} ms, {len(case.latencies):,} requests, {case.failures} failed",
            )
        )
    return rows


async def run(backend: str, *, rounds: int, seconds: float, connections: int) -> list[Result]:
    """Start the three servers on a fresh database, measure, stop them."""
    with tempfile.TemporaryDirectory(prefix="bench-small-ops-") as tmp:
        folder = Path(tmp)
        async with fresh_database(backend, folder) as database:
            async with migrated_engine(database) as engine:
                _, token = await new_account(engine, "bench")
            manifest = folder / "documents.json"
            sha256 = hashlib.sha256(QUERY.encode()).hexdigest()
            manifest.write_bytes(orjson.dumps({"sha256:" + sha256: QUERY}))
            ours = {
                "LISTKEEPER_ENV": "production",
                "LISTKEEPER_DATABASE_URL": database.url,
                "LISTKEEPER_DATA_DIR": str(folder / "data"),
                "LISTKEEPER_SECRET_KEY": secrets.token_urlsafe(32),
            }
            trusted = {
                **ours,
                "LISTKEEPER_WORKER": "false",
                "LISTKEEPER_TRUSTED_DOCUMENTS_ONLY": "true",
                "LISTKEEPER_PERSISTED_DOCUMENTS_FILE": str(manifest),
            }
            servers = [
                Server("bare strawberry", BARE_APP, {}, folder / "bare.log"),
                Server("listkeeper, document", LISTKEEPER_APP, ours, folder / "lk.log"),
                Server("listkeeper, trusted hash", LISTKEEPER_APP, trusted, folder / "lk-t.log"),
            ]
            hashed = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256}}}
            cases = [
                Case(servers[0], http_request(servers[0].port, {"query": QUERY}, None)),
                Case(servers[1], http_request(servers[1].port, {"query": QUERY}, token)),
                Case(servers[2], http_request(servers[2].port, hashed, token)),
                Case(servers[2], http_get(servers[2].port, hashed, token), "by GET"),
            ]
            try:
                for server in servers:
                    await server.start()
                for case in cases:
                    log(f"{case.name}: {await checked_answer(case.server.port, case.request)}")
                await measure(cases, rounds=rounds, seconds=seconds, connections=connections)
            finally:
                for server in servers:
                    await server.stop()
    return results(cases, backend)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=BACKENDS, default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)
    rows = asyncio.run(
        run(args.backend, rounds=args.rounds, seconds=args.seconds, connections=args.connections)
    )
    print_table("Small operations (issue 12 point 1)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
