"""Cancel requests a running job's worker sees without taking the database's write lock.

On SQLite the one writer is the running job itself for the whole of its write: a cancelJob
served by another process would wait for it (30 s busy timeout) to mark the job CANCELLING.
So the request is first recorded as an empty file beside the job's lock file
(`<database>-joblocks/job-<id>.cancel`); the job's worker looks for it every few tens of
milliseconds (a `stat`) and stops the job, which releases the write lock. The CANCELLING
mark still follows, in the database, as the lasting record. Job ids are never reused
(AUTOINCREMENT), so a file left by a crash can only name a job that has ended or should end.

PostgreSQL needs no file: the job's transaction does not lock its row, the mark is written at
once and read by the worker's watcher.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import is_sqlite
from storage.job_locks import lock_folder


class CancelRequests(Protocol):
    """Where cancel requests wait for the job's worker, outside the database."""

    def ask(self, job_id: int) -> None:
        """Record that `job_id` must stop."""
        ...

    def asked(self, job_id: int) -> bool:
        """Whether a request to stop `job_id` is recorded."""
        ...

    def forget(self, job_id: int) -> None:
        """Remove the request (the job has ended)."""
        ...


def cancel_requests(engine: AsyncEngine) -> CancelRequests:
    """The cancel requests of `engine`'s database (files for a SQLite file; else none)."""
    database = engine.url.database
    if is_sqlite(engine) and database and database != ":memory:":
        return FileCancelRequests(lock_folder(database))
    return NoCancelRequests()


@dataclass(frozen=True)
class FileCancelRequests:
    """One empty file per requested job, beside the jobs' lock files."""

    folder: Path

    def _path(self, job_id: int) -> Path:
        return self.folder / f"job-{job_id}.cancel"

    def ask(self, job_id: int) -> None:
        """Create the job's request file (asking twice is no error)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path(job_id).touch()

    def asked(self, job_id: int) -> bool:
        """Whether the job's request file exists."""
        return self._path(job_id).exists()

    def forget(self, job_id: int) -> None:
        """Remove the job's request file, if any."""
        with contextlib.suppress(FileNotFoundError):
            self._path(job_id).unlink()


class NoCancelRequests:
    """The database flag alone carries requests (PostgreSQL, a private SQLite database)."""

    def ask(self, job_id: int) -> None:
        """Nothing to record outside the database."""

    def asked(self, job_id: int) -> bool:
        """Never asked here."""
        return False

    def forget(self, job_id: int) -> None:
        """Nothing to remove."""
