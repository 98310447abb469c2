"""Staged files a crash left behind are swept; files a job still needs never are."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth import create_token
from api.retention import ORPHAN_UPLOAD_SECONDS, sweep_uploads
from storage.db import write_transaction
from storage.files import FileStore, FolderStore, folder_of
from storage.jobs import create_job
from storage.sql import run, scalar

NOW = datetime(2026, 11, 30, tzinfo=UTC)


async def stage(files: FileStore, *, age: float) -> str:
    """A staged file last written `age` seconds ago."""
    chunks = [b"email\na@x.io\n", b""]

    async def read(_size: int) -> bytes:
        return chunks.pop(0)

    key = await files.save(read, max_bytes=1_000)
    written = time.time() - age
    os.utime(folder_of(files).path(key), (written, written))
    return key


async def job_for(engine: AsyncEngine, key: str, status: str) -> None:
    """A job that names the staged file `key`, in `status`."""
    await create_token(engine=engine, account_name="uploads", now=NOW)
    async with write_transaction(engine) as conn:
        account = await scalar(conn, "SELECT id FROM account WHERE name = 'uploads'")
        job = await create_job(
            conn, now=NOW, account_id=account, kind="IMPORT", mode="ADD", upload_key=key
        )
        await run(conn, "UPDATE job SET status = :s WHERE id = :j", s=status, j=job)


async def test_orphans_go_and_what_a_job_needs_stays(engine: AsyncEngine, tmp_path: Path) -> None:
    files = FolderStore(tmp_path)
    old = ORPHAN_UPLOAD_SECONDS * 2
    stale_orphan = await stage(files, age=old)  # its request died before its job was stored
    fresh_orphan = await stage(files, age=1)  # may be a request storing its job right now
    ended = await stage(files, age=1)  # its worker died after the job's end was committed
    failed = await stage(files, age=old)
    queued = await stage(files, age=old)  # waiting in a long queue
    running = await stage(files, age=old)
    await job_for(engine, ended, "SUCCEEDED")
    await job_for(engine, failed, "FAILED")
    await job_for(engine, queued, "QUEUED")
    await job_for(engine, running, "RUNNING")

    removed = await sweep_uploads(engine=engine, files=files)

    assert removed == 3
    left = sorted(path.name for path in files.uploads.iterdir())
    assert left == sorted([fresh_orphan, queued, running])
    assert not folder_of(files).path(stale_orphan).exists()
    assert await sweep_uploads(engine=engine, files=files) == 0


async def test_no_upload_folder_is_nothing_to_sweep(engine: AsyncEngine, tmp_path: Path) -> None:
    assert await sweep_uploads(engine=engine, files=FolderStore(tmp_path / "new")) == 0
