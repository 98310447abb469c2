"""A server killed in the middle of an import loses nothing: the job reruns after restart."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import httpx

from tests.client import GraphQLClient
from tests.support.processes import free_port

ROWS = 400_000


@contextmanager
def serve(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`listkeeper serve` in its own process, until it is killed or the block ends."""
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def test_a_killed_import_reruns_after_restart_and_nothing_is_half_applied(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        LISTKEEPER_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}",
        LISTKEEPER_DATA_DIR=str(tmp_path / "data"),
        LISTKEEPER_SECRET_KEY="crash-test-secret-key",
        LISTKEEPER_JOB_POLL_SECONDS="0.2",
    )
    command = [sys.executable, "-m", "api.cli", "create-token", "--account", "crash"]
    token = subprocess.run(
        command, env=env, capture_output=True, check=True, text=True
    ).stdout.strip()
    content = b"email,first name\n" + b"".join(
        f"person{i}@example.com,Person {i}\n".encode() for i in range(ROWS)
    )
    port = free_port()
    client = GraphQLClient(f"http://127.0.0.1:{port}", token)
    with serve(env, port) as process:
        group_id = client.import_file(b"email\nfirst@x.io\n", groupName="kept")["group"]["id"]
        job_id = client.start_import(content, groupId=group_id, mode="ADD")["job"]["id"]
        deadline = time.monotonic() + 60
        while (status := client.job_status(job_id)) != "RUNNING":
            assert status == "QUEUED", f"the job ended before it could be interrupted: {status}"
            assert time.monotonic() < deadline, "the job never started"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    client.close()
    with closing(sqlite3.connect(tmp_path / "db.sqlite")) as db:
        # Killed mid-job: still RUNNING, and the group exactly as before (its one recipient).
        status = db.execute("SELECT status FROM job ORDER BY id DESC LIMIT 1").fetchone()
        count = db.execute("SELECT count(*) FROM recipient").fetchone()
    assert (status, count) == (("RUNNING",), (1,))

    port = free_port()
    client = GraphQLClient(f"http://127.0.0.1:{port}", token)
    with serve(env, port):
        job = client.wait_job(job_id)
        assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", ROWS, 0)
        group = client.execute(
            "query($id: ID!) { node(id: $id) { ... on Group { recipientCount backups { totalCount } } } }",
            {"id": group_id},
        )["node"]
        # One backup: the killed attempt's backup was rolled back with the rest of it.
        assert group == {"recipientCount": ROWS + 1, "backups": {"totalCount": 1}}
    client.close()
