"""Cancel requests a running job's worker sees without taking the database's write lock.

On SQLite the one writer is the running job itself for the whole of its write: a cancelJob
served by another process would wait for it to mark the job CANCELLING. So the request is an
empty file beside the job's lock file (`<database>-joblocks/job-<id>.cancel`); the job's worker
looks for it every few tens of milliseconds (a `stat`) and stops the job, which releases the
write lock. The mark in the database follows when the lock is free at once; when it is held,
cancelJob answers CANCELLING from the file alone, which stays until the job has ended (a
worker that takes the job over after a crash sees it too).

Answering without the lock must never promise a cancel that a job's successful end beats. The
job, just before it commits SUCCEEDED (`storage.jobs.finish`), records that it is ending
(`job-<id>.ending`) and then looks for a request; cancelJob records its request and then looks
for that mark. Each writes before it looks, so at least one sees the other: a job that saw no
request was seen ending, and cancelJob then waits for the lock and reads how the job ended;
a job that saw the request rolls back and ends CANCELLED. Job ids are never reused
(AUTOINCREMENT) and both files go when the job has ended, so a file names no later job.

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

    @property
    def outside_database(self) -> bool:
        """Whether a request recorded here reaches the job's worker without the database."""
        ...

    def ask(self, job_id: int) -> None:
        """Record that `job_id` must stop."""
        ...

    def asked(self, job_id: int) -> bool:
        """Whether a request to stop `job_id` is recorded."""
        ...

    def forget(self, job_id: int) -> None:
        """Remove the request and the ending mark (the job has ended)."""
        ...

    def end_unless_asked(self, job_id: int) -> bool:
        """Mark the job as ending (about to commit SUCCEEDED), then tell whether a request
        came first: True means it must not succeed."""
        ...

    def ending(self, job_id: int) -> bool:
        """Whether the job was marked as ending (its success may be committing)."""
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
    outside_database: bool = True

    def _path(self, job_id: int, kind: str = "cancel") -> Path:
        return self.folder / f"job-{job_id}.{kind}"

    def ask(self, job_id: int) -> None:
        """Create the job's request file (asking twice is no error)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path(job_id).touch()

    def asked(self, job_id: int) -> bool:
        """Whether the job's request file exists."""
        return self._path(job_id).exists()

    def forget(self, job_id: int) -> None:
        """Remove the job's request file and ending mark, if any."""
        for kind in ("cancel", "ending"):
            with contextlib.suppress(FileNotFoundError):
                self._path(job_id, kind).unlink()

    def end_unless_asked(self, job_id: int) -> bool:
        """Create the job's ending mark, then look for its request file (in this order)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._path(job_id, "ending").touch()
        return self.asked(job_id)

    def ending(self, job_id: int) -> bool:
        """Whether the job's ending mark exists."""
        return self._path(job_id, "ending").exists()


class NoCancelRequests:
    """The database flag alone carries requests (PostgreSQL, a private SQLite database)."""

    outside_database = False

    def ask(self, job_id: int) -> None:
        """Nothing to record outside the database."""

    def asked(self, job_id: int) -> bool:
        """Never asked here."""
        return False

    def forget(self, job_id: int) -> None:
        """Nothing to remove."""

    def end_unless_asked(self, job_id: int) -> bool:
        """The database flag is read by `finish` itself."""
        return False

    def ending(self, job_id: int) -> bool:
        """Never marked here."""
        return False
