"""A multi-host deployment on one machine: `listkeeper serve` and `listkeeper worker` processes.

Each process has a data folder of its own (as on separate hosts) and shares only the
PostgreSQL database and the S3 bucket (moto's server, tests/s3_server.py) with the others,
and the secret key that signs download URLs. Each logs JSON lines to a file of its own,
which the tests read (`Process.events`). Used by tests/api/test_multi_host.py and
bench/bench_topology.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from api.auth import create_token
from api.clock import SystemClock
from api.services import open_engine
from api.settings import async_database_url
from tests.s3_server import CREDENTIALS
from tests.support.processes import REPO, free_port

START_SECONDS = 60
WORKER_STARTED = "job worker started"


class Process:
    """One `listkeeper` command in a process of its own, its JSON log in a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], folder: Path) -> None:
        self.name, self.args, self.env, self.folder = name, args, env, folder
        self.log = folder / f"{name}-{time.monotonic_ns()}.log"
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "api.cli", *args],
                env=env,
                cwd=folder,  # no .env of the repository is read
                stdout=subprocess.DEVNULL,
                stderr=out,
            )

    def text(self) -> str:
        """What it has logged so far."""
        return self.log.read_text(errors="replace")

    def events(self, message: str | None = None) -> list[dict[str, Any]]:
        """Its log lines (JSON objects), those with `message` if given."""
        found = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                event: dict[str, Any] = orjson.loads(line)
                if message is None or event.get("message") == message:
                    found.append(event)
        return found

    def wait_for(self, message: str, times: int = 1) -> None:
        """Wait until it has logged `message` (`times` times); fail if it exits first."""
        deadline = time.monotonic() + START_SECONDS
        while len(self.events(message)) < times:
            assert self.popen.poll() is None, f"{self.name} exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {message!r} from {self.name}:\n{self.text()}"
            time.sleep(0.02)

    def stop(self) -> int | None:
        """SIGTERM and wait; the exit code (uvicorn re-raises the signal: -SIGTERM)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout=60)

    def kill(self) -> None:
        """SIGKILL: a lost host, no clean-up of any kind."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)


class Instance(Process):
    """`listkeeper serve` without a worker, on a free loopback port."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["serve", "--host", "127.0.0.1", "--port", str(self.port)]
        super().__init__(name, args, env | {"LISTKEEPER_WORKER": "false"}, folder)

    def wait_ready(self) -> None:
        """Wait until /readyz answers 200 (database, migrations and the bucket checked)."""
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.popen.poll() is None, f"{self.name} exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"{self.name} not ready:\n{self.text()}"
            time.sleep(0.05)

    def address(self, url: str) -> str:
        """`url` (made by any instance) pointed at this instance."""
        path = url.split("://", 1)[1].split("/", 1)[1]
        return f"{self.url}/{path}"


@dataclass
class Deployment:
    """The shared services of a deployment and the processes started on them."""

    database_url: str
    files_url: str
    s3_endpoint_url: str
    folder: Path
    settings: dict[str, str] = field(default_factory=dict)
    started: list[Process] = field(default_factory=list)

    def env(self, name: str, **settings: str) -> dict[str, str]:
        """The environment of process `name`: the shared settings, its own data folder."""
        home = self.folder / name
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
        return (
            env
            | CREDENTIALS
            | {
                "PYTHONPATH": str(REPO),
                "LISTKEEPER_DATABASE_URL": self.database_url,
                "LISTKEEPER_FILES_URL": self.files_url,
                "LISTKEEPER_S3_ENDPOINT_URL": self.s3_endpoint_url,
                "LISTKEEPER_DATA_DIR": str(home / "data"),
                "LISTKEEPER_SECRET_KEY": "topology-secret-shared-by-every-host",
                "LISTKEEPER_LOG_JSON": "true",
                **self.settings,
                **settings,
            }
        )

    def token(self, account: str) -> str:
        """A new account's token; the database is migrated here first, once, before any
        process starts (two processes starting on an older database would both migrate)."""

        async def made() -> str:
            async with open_engine(async_database_url(self.database_url)) as engine:
                return await create_token(
                    engine=engine, account_name=account, now=SystemClock().now()
                )

        return asyncio.run(made())

    def start(
        self, instances: Sequence[str], workers: Sequence[str], **settings: str
    ) -> tuple[list[Instance], list[Process]]:
        """API instances and workers (with `settings`) started side by side; once every
        instance is ready and every worker polls the queue."""
        api = [Instance(name, self.env(name), self.folder / name) for name in instances]
        work = [
            Process(name, ["worker"], self.env(name, **settings), self.folder / name)
            for name in workers
        ]
        self.started += [*api, *work]
        for instance in api:
            instance.wait_ready()
        for worker in work:
            worker.wait_for(WORKER_STARTED)
        return api, work

    def restart(self, worker: Process) -> Process:
        """A worker started again as it was (its settings, its data folder), once it polls."""
        again = Process(worker.name, worker.args, worker.env, worker.folder)
        self.started.append(again)
        again.wait_for(WORKER_STARTED)
        return again

    def stop_all(self) -> None:
        """SIGTERM every live process and wait; kill any that does not end."""
        for process in self.started:
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def deployment(
    *, database_url: str, files_url: str, s3_endpoint_url: str, folder: Path, **settings: str
) -> Iterator[Deployment]:
    """A deployment whose processes are all stopped when the block ends."""
    made = Deployment(database_url, files_url, s3_endpoint_url, folder, dict(settings))
    try:
        yield made
    finally:
        made.stop_all()
