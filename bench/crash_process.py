"""Processes the crash harness starts and kills: `listkeeper serve` and a retention sweeper.

The server is the installed command (`.venv/bin/listkeeper serve`) configured by environment
variables only, logging JSON lines to a file that every restart of the same world appends to,
so the "job succeeded" lines of all its lifetimes can be counted per job.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sys
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx
import orjson

SECRET_KEY = "crash-trials-secret-key"
START_TIMEOUT = 60.0
SWEEPER_MODULE = "bench.crash_sweeper"
REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def listkeeper_command() -> list[str]:
    """The installed `listkeeper` script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("listkeeper")
    return [str(script)] if script.exists() else [sys.executable, "-m", "api.cli"]


def server_env(*, database_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a server (and of `create-token`) on this database and folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
    env.update(
        LISTKEEPER_DATABASE_URL=database_url,
        LISTKEEPER_DATA_DIR=str(data_dir),
        LISTKEEPER_SECRET_KEY=SECRET_KEY,
        LISTKEEPER_LOG_JSON="true",
        LISTKEEPER_JOB_POLL_SECONDS="0.2",
    )
    return env


async def create_token(env: dict[str, str], cwd: Path) -> str:
    """`listkeeper create-token` (which also migrates the database); the token."""
    process = await asyncio.create_subprocess_exec(
        *listkeeper_command(),
        "create-token",
        "--account",
        "crash",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"create-token failed: {err.decode()}")
    return out.decode().strip()


class ServerProcess:
    """`listkeeper serve` on a free port, its stderr appended to `log_path`."""

    def __init__(self, env: dict[str, str], *, cwd: Path, log_path: Path) -> None:
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start the server and wait until /healthz answers (migrations and recovery done)."""
        self.port = free_port()
        _end_partial_line(self.log_path)
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *listkeeper_command(),
                "serve",
                "--port",
                str(self.port),
                env=self.env,
                cwd=self.cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        await self._wait_healthy()

    async def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                if self.process.returncode is not None:
                    raise RuntimeError(f"the server exited at start; see {self.log_path}")
                try:
                    if (await client.get(f"{self.url}/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {self.log_path}")
                await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL the server and reap it."""
        await kill_process(self.process)
        self.process = None


async def kill_process(process: asyncio.subprocess.Process | None) -> None:
    """SIGKILL a child (if it still runs) and wait for it."""
    if process is None:
        return
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
    if process.stdin is not None:
        process.stdin.close()
    await process.wait()


def _end_partial_line(path: Path) -> None:
    """A killed server may leave half a line: start the next lifetime's log on a new line."""
    if path.exists() and path.stat().st_size:
        with path.open("rb+") as log:
            log.seek(-1, os.SEEK_END)
            if log.read(1) != b"\n":
                log.write(b"\n")


class ServerLog:
    """Reads a world's JSON log incrementally: successes per job, errors logged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.successes: Counter[int] = Counter()
        self.errors: list[str] = []

    def read(self) -> None:
        """Take in the complete lines written since the last read."""
        if not self.path.exists():
            return
        with self.path.open("rb") as log:
            log.seek(self.offset)
            data = log.read()
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        for line in complete.splitlines():
            self._take(line)

    def _take(self, line: bytes) -> None:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            return  # half a line cut by SIGKILL
        if not isinstance(record, dict):
            return
        if record.get("message") == "job succeeded" and isinstance(record.get("job_id"), int):
            self.successes[record["job_id"]] += 1
        elif record.get("level") in ("ERROR", "CRITICAL"):
            self.errors.append(str(record.get("message")))


class Sweeper:
    """A process that runs one retention sweep when told to: the harness kills it mid-sweep."""

    def __init__(self, database_url: str, *, log_path: Path) -> None:
        self.database_url = database_url
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.result: bytes | None = None

    async def start(self) -> None:
        """Start it and wait until it has loaded everything and connected."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                SWEEPER_MODULE,
                self.database_url,
                cwd=REPO,  # where `bench` is importable
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
        assert self.process.stdout is not None
        ready = await asyncio.wait_for(self.process.stdout.readline(), START_TIMEOUT)
        if ready.strip() != b"ready":
            raise RuntimeError(f"the sweeper did not start; see {self.log_path}")

    async def sweep(self, as_of: str, purge_batch: int) -> None:
        """Start the sweep and wait for its report (unless killed first)."""
        assert self.process is not None
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(f"{as_of} {purge_batch}\n".encode())
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if line.startswith(b"done"):
            self.result = line

    async def kill(self) -> None:
        """SIGKILL it (if it still runs) and reap it."""
        await kill_process(self.process)


async def create_database(backend: str, folder: Path) -> str:
    """A fresh empty database: a SQLite file in `folder`, or a new PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'listkeeper.db'}"
    admin = postgres_admin_url()
    name = "listkeeper_crash_" + secrets.token_hex(4)
    await _postgres_admin(admin, f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + "/" + name


async def drop_database(url: str) -> None:
    """Drop a PostgreSQL database `create_database` made (SQLite files go with their folder)."""
    if url.startswith("postgresql"):
        name = url.rsplit("/", 1)[1]
        await _postgres_admin(
            postgres_admin_url(), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        )


def postgres_admin_url() -> str:
    """The PostgreSQL server to create databases in."""
    url = os.environ.get("LISTKEEPER_TEST_POSTGRES_URL")
    if not url:
        raise RuntimeError("PostgreSQL needs LISTKEEPER_TEST_POSTGRES_URL (an admin URL)")
    return url


async def _postgres_admin(admin_url: str, sql: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()
