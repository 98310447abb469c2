"""Liveness locks: a running job is held by a lock that dies with its worker's process.

A worker takes the job's lock before it claims the job and holds it until the job has ended,
so a job whose lock anyone can take has no live worker (orphaned) and is taken over at once.

- PostgreSQL: a session-level advisory lock, `pg_try_advisory_lock(NAMESPACE, job_id)`, on a
  connection of its own held for the whole run. The server drops it when that session ends
  (process killed, machine gone, network cut), whichever instance the worker ran on.
- SQLite: every process sharing the database runs on one machine, so an OS file lock
  (`flock`, exclusive, non-blocking) on `<database>-joblocks/job-<id>.lock`, kept open for the
  run. The kernel drops it when the process dies, SIGKILL included. `flock` (unlike `fcntl`
  record locks) also excludes a second descriptor of the same process, so two workers of one
  process exclude each other too. The folder sits beside the database file because the
  database, not the data folder, is what processes share.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import is_sqlite
from storage.sql import scalar

# The first key of our advisory locks, so that other users of the database never collide
# with a job id ("LKJB").
NAMESPACE = 0x4C4B4A42


class JobLock(Protocol):
    """The lock of one job, held by this process."""

    async def alive(self) -> bool:
        """Whether the lock is certainly still ours."""
        ...

    async def release(self, *, ended: bool) -> None:
        """Let go; `ended` when the job's final status is committed (its lock is not needed)."""
        ...


class JobLocks(Protocol):
    """Takes the lock of a job if nobody holds it."""

    async def try_lock(self, job_id: int) -> JobLock | None:
        """The job's lock, or None when a live worker (or a claim under way) holds it."""
        ...


def job_locks(engine: AsyncEngine) -> JobLocks:
    """The liveness locks of `engine`'s database."""
    if is_sqlite(engine):
        return FileJobLocks(lock_folder(engine.url.database))
    return SessionJobLocks(engine)


def lock_folder(database: str | None) -> Path:
    """Where the lock files of a SQLite database live."""
    if not database or database == ":memory:":
        # A private database: no other process can see its jobs.
        return Path(tempfile.mkdtemp(prefix="listkeeper-joblocks-"))
    return Path(database + "-joblocks")


@dataclass(frozen=True)
class FileJobLocks:
    """`flock` on one file per job."""

    folder: Path

    async def try_lock(self, job_id: int) -> JobLock | None:
        """The job's lock file, locked; None if another descriptor holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"job-{job_id}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        return FileJobLock(fd, path)


@dataclass
class FileJobLock:
    """A locked job file: the lock lasts as long as the descriptor is open."""

    fd: int
    path: Path

    async def alive(self) -> bool:
        """A descriptor cannot lose its lock while it is open."""
        return True

    async def release(self, *, ended: bool) -> None:
        """Close the file; remove it first if the job has ended."""
        # Removed only once the job's end is committed: a worker that opened the old file
        # just before then finds the job ended and leaves it, whichever file it locked.
        if ended:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        os.close(self.fd)


@dataclass(frozen=True)
class SessionJobLocks:
    """PostgreSQL session-level advisory locks, one connection per held lock."""

    engine: AsyncEngine

    async def try_lock(self, job_id: int) -> JobLock | None:
        """The job's advisory lock on a new session; None if another session holds it."""
        conn = await self.engine.connect()
        try:
            taken = await scalar(
                conn,
                "SELECT pg_try_advisory_lock(CAST(:ns AS integer), CAST(:j AS integer))",
                ns=NAMESPACE,
                j=job_id,
            )
            # End the implicit transaction: a session idle in a transaction for the whole
            # run would hold back vacuum (and the lock outlives the transaction anyway).
            await conn.commit()
        except BaseException:
            await conn.invalidate()
            await conn.close()
            raise
        if not taken:
            await conn.close()
            return None
        return SessionJobLock(conn, job_id)


@dataclass
class SessionJobLock:
    """An advisory lock held by a connection kept out of the pool."""

    conn: AsyncConnection
    job_id: int

    async def alive(self) -> bool:
        """Whether the session still answers (a session that answers still holds its locks)."""
        try:
            await scalar(self.conn, "SELECT 1")
            await self.conn.commit()
        except Exception:
            return False
        return True

    async def release(self, *, ended: bool) -> None:
        """Unlock and give the connection back; drop the session if unlocking fails."""
        try:
            await scalar(
                self.conn,
                "SELECT pg_advisory_unlock(CAST(:ns AS integer), CAST(:j AS integer))",
                ns=NAMESPACE,
                j=self.job_id,
            )
            await self.conn.commit()
        except Exception:
            # A pooled session must never keep a job's lock: closing it for good drops it.
            await self.conn.invalidate()
        except BaseException:
            await self.conn.invalidate()
            raise
        finally:
            await self.conn.close()
