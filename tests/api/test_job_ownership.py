"""A job runs exactly once, whatever the topology, and a dead worker's job reruns within seconds.

Real `listkeeper serve` and `listkeeper worker` processes share one database (and data
folder): a worker started (or restarted) beside a running job leaves it alone, and a job
whose worker is killed with SIGKILL is taken over by another worker without waiting out
any lease.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from storage.job_locks import NAMESPACE
from tests.client import GraphQLClient
from tests.conftest import BACKENDS, database_url
from tests.support.processes import free_port

ROWS = 800_000
STARTED = "job worker started"
SUCCEEDED = "job succeeded"
# Far below the old ten-minute lease, far above the few seconds a take-over needs.
TAKE_OVER_SECONDS = 60


def big_file() -> bytes:
    """An import long enough to be caught while it runs."""
    return b"email,first name\n" + b"".join(
        f"person{i}@example.com,Person {i}\n".encode() for i in range(ROWS)
    )


def environment(url: str, folder: Path) -> dict[str, str]:
    """The variables every process of one deployment shares."""
    env = dict(os.environ)
    env.update(
        LISTKEEPER_DATABASE_URL=url,
        LISTKEEPER_DATA_DIR=str(folder / "data"),
        LISTKEEPER_SECRET_KEY="job-ownership-secret",
        LISTKEEPER_JOB_POLL_SECONDS="0.2",
    )
    return env


@pytest.fixture(params=BACKENDS)
def env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A fresh database of each backend, and its data folder."""
    return environment(database_url(request.param, tmp_path), tmp_path)


class Process:
    """A `listkeeper` command in its own process, its log in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "api.cli", *args],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )

    def text(self) -> str:
        """What it has logged so far."""
        return self.log.read_text(errors="replace")

    def wait_for(self, line: str, times: int = 1) -> None:
        """Wait until it has logged `line` (`times` times)."""
        deadline = time.monotonic() + 60
        while self.text().count(line) < times:
            assert self.popen.poll() is None, f"the process exited:\n{self.text()}"
            assert time.monotonic() < deadline, f"no {line!r} in:\n{self.text()}"
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM, and wait for a clean exit (uvicorn re-raises the signal once shut down)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        assert self.popen.wait(timeout=60) in (0, -signal.SIGTERM), self.text()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)


@contextmanager
def processes() -> Iterator[list[Process]]:
    """Processes started in the block; any still alive at its end are killed."""
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in started:
            if process.popen.poll() is None:
                process.kill()


def worker(env: dict[str, str], log: Path) -> Process:
    """`listkeeper worker`, polling for jobs as soon as it logs STARTED."""
    return Process(env, log, "worker")


def api(env: dict[str, str], log: Path, port: int) -> Process:
    """`listkeeper serve`, once it answers."""
    server = Process(env, log, "serve", "--port", str(port))
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return server
        except httpx.TransportError:
            assert server.popen.poll() is None, f"the server exited:\n{server.text()}"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)


def token(env: dict[str, str]) -> str:
    """A new account's API token, from the command line."""
    command = [sys.executable, "-m", "api.cli", "create-token", "--account", "owner"]
    done = subprocess.run(command, env=env, capture_output=True, check=True, text=True)
    return done.stdout.strip()


def attempts(url: str) -> int:
    """How many times the latest job was claimed (read from the database itself)."""
    query = "SELECT attempts FROM job ORDER BY id DESC LIMIT 1"
    if url.startswith("sqlite:///"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            return int(db.execute(query).fetchone()[0])
    return postgres_count(url, query)


def postgres_count(url: str, query: str, *args: object) -> int:
    """The number `query` gives on the PostgreSQL database at `url`."""

    async def read() -> int:
        conn = await asyncpg.connect(url)
        try:
            return int(await conn.fetchval(query, *args))
        finally:
            await conn.close()

    return asyncio.run(read())


def wait_until_running(client: GraphQLClient, job_id: str) -> None:
    """Wait for a worker to claim the job; fail if it ended first."""
    deadline = time.monotonic() + 60
    while (status := client.job_status(job_id)) != "RUNNING":
        assert status == "QUEUED", f"the job ended before it could be watched: {status}"
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.01)


def assert_still_running(client: GraphQLClient, job_id: str, polls: int) -> None:
    """The job stays RUNNING while a second worker polls `polls` times (0.2 s apart)."""
    for _ in range(polls):
        status = client.job_status(job_id)
        assert status == "RUNNING", f"the job ended too soon to show anything: {status}"
        time.sleep(0.2)


def assert_imported_once(client: GraphQLClient, group_id: str) -> None:
    """The group holds its first recipient and the big file's, with one backup (one run)."""
    group = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { recipientCount backups { totalCount } } } }",
        {"id": group_id},
    )["node"]
    assert group == {"recipientCount": ROWS + 1, "backups": {"totalCount": 1}}


def test_a_worker_started_beside_a_running_job_leaves_it_alone(
    env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    client = GraphQLClient(f"http://127.0.0.1:{port}", token(env))
    with processes() as started:
        started.append(server := api(env, tmp_path / "serve.log", port))
        group_id = client.import_file(b"email\nfirst@x.io\n", groupName="kept")["group"]["id"]
        job_id = client.start_import(big_file(), groupId=group_id, mode="ADD")["job"]["id"]
        wait_until_running(client, job_id)
        # A worker process (re)starts beside serve's own worker: a deployment of workers.
        started.append(other := worker(env, tmp_path / "worker.log"))
        other.wait_for(STARTED)
        assert_still_running(client, job_id, polls=5)
        job = client.wait_job(job_id)
        assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", ROWS, 0)
        assert_imported_once(client, group_id)
        server.wait_for(SUCCEEDED, times=2)  # "kept", then the big one
        other.stop()
        server.stop()
    client.close()
    # Claimed once, by serve's worker: nobody put it back in the queue or took it over.
    assert attempts(env["LISTKEEPER_DATABASE_URL"]) == 1
    logs = [p.text() for p in started]
    assert [log.count(SUCCEEDED) for log in logs] == [2, 0]  # "kept", then the big one
    assert not any("Traceback" in log for log in logs), logs


def test_the_job_of_a_killed_worker_is_taken_over_within_seconds(
    env: dict[str, str], tmp_path: Path
) -> None:
    env_api = dict(env, LISTKEEPER_WORKER="false")
    port = free_port()
    client = GraphQLClient(f"http://127.0.0.1:{port}", token(env))
    with processes() as started:
        started.append(api(env_api, tmp_path / "serve.log", port))
        started.append(doomed := worker(env, tmp_path / "doomed.log"))
        doomed.wait_for(STARTED)
        group_id = client.import_file(b"email\nfirst@x.io\n", groupName="kept")["group"]["id"]
        job_id = client.start_import(big_file(), groupId=group_id, mode="ADD")["job"]["id"]
        wait_until_running(client, job_id)
        started.append(survivor := worker(env, tmp_path / "survivor.log"))
        survivor.wait_for(STARTED)
        assert_still_running(client, job_id, polls=2)
        doomed.kill()
        job = client.wait_job(job_id, timeout=TAKE_OVER_SECONDS)
        assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", ROWS, 0)
        assert_imported_once(client, group_id)
        survivor.wait_for(SUCCEEDED)
        survivor.stop()
    client.close()
    assert attempts(env["LISTKEEPER_DATABASE_URL"]) == 2  # the killed run, then the one that ran
    assert survivor.text().count(SUCCEEDED) == 1
    assert "Traceback" not in survivor.text()


def test_an_attempt_whose_lock_session_is_cut_commits_nothing(tmp_path: Path) -> None:
    """PostgreSQL: the lock's session ends while its worker lives; the job still runs once."""
    env = environment(database_url("postgresql", tmp_path), tmp_path)
    url = env["LISTKEEPER_DATABASE_URL"]
    port = free_port()
    client = GraphQLClient(f"http://127.0.0.1:{port}", token(env))
    with processes() as started:
        started.append(api(dict(env, LISTKEEPER_WORKER="false"), tmp_path / "serve.log", port))
        started.append(cut := worker(env, tmp_path / "cut.log"))
        cut.wait_for(STARTED)
        group_id = client.import_file(b"email\nfirst@x.io\n", groupName="kept")["group"]["id"]
        job_id = client.start_import(big_file(), groupId=group_id, mode="ADD")["job"]["id"]
        wait_until_running(client, job_id)
        started.append(other := worker(env, tmp_path / "other.log"))
        other.wait_for(STARTED)
        assert_still_running(client, job_id, polls=2)
        # As an idle-session reaper or a network cut would: the worker itself lives on.
        cut_sessions = postgres_count(
            url,
            "SELECT count(pg_terminate_backend(pid, 30000)) FROM pg_locks WHERE"
            " locktype = 'advisory' AND classid = $1 AND objid = (SELECT max(id) FROM job)"
            " AND granted",
            NAMESPACE,
        )
        assert cut_sessions == 1
        job = client.wait_job(job_id, timeout=TAKE_OVER_SECONDS)
        assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", ROWS, 0)
        other.wait_for(SUCCEEDED)
        cut.wait_for("this attempt")  # stopped (lock lost) or fenced (taken over): rolled back
        assert_imported_once(client, group_id)
        cut.stop()
        other.stop()
    client.close()
    assert attempts(url) == 2
    assert (cut.text().count(SUCCEEDED), other.text().count(SUCCEEDED)) == (1, 1)  # 1: "kept"
    assert not any("Traceback" in p.text() for p in started)
