"""API instances without a worker, and `listkeeper worker` processes beside them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.conftest import new_client
from tests.server import LiveServer


def test_jobs_wait_for_a_worker_then_run_in_its_process(api_only: LiveServer) -> None:
    client = new_client(api_only)
    payload = client.start_import(b"email,first name\na@x.io,Ann\nb@x.io,Bob\n", groupName="later")
    job_id = payload["job"]["id"]
    assert client.job_status(job_id) == "QUEUED"
    env = dict(os.environ)
    env.update(
        LISTKEEPER_DATABASE_URL=str(api_only.settings.database_url),
        LISTKEEPER_DATA_DIR=str(api_only.settings.data_dir),
        LISTKEEPER_SECRET_KEY="worker-process-secret",
        LISTKEEPER_JOB_POLL_SECONDS="0.2",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        job = client.wait_job(job_id)
        assert (job["status"], job["added"]) == ("SUCCEEDED", 2)
        assert [p["email"] for p in client.recipients(job["group"]["id"])] == ["a@x.io", "b@x.io"]
    finally:
        client.close()
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=30)
    assert worker.returncode == 0, errors.decode()
    assert b"Traceback" not in errors
