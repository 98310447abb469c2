"""Jobs: the runner of each kind, and what imports and restores share.

A job is queued by a use-case (`api.imports.start_import`, `api.backups.start_restore`) and
run later by a worker (`api.worker`), which calls the runner of its kind with the job row.
Both kinds write into a target group: an existing one, or a new one the job names. The
kinds (`JobKind`) are the `kind` column's values, so `storage.jobs` defines them.

A job is cancelled (`cancel_job`) at once while queued; a running one is marked CANCELLING
(on SQLite a request file first, `storage.cancel_requests`, seen without the write lock the
job holds; while that lock is held, the file alone, answered CANCELLING) and its worker stops the statement it is running (`api.worker`) or its runner's
next `checkpoint` raises JobCancelled, so that its one transaction rolls back: nothing
changed, no backup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import Conflict, InvalidInput, NotFound, UserFacingError
from api.progress import JobEvents
from storage.cancel_requests import CancelRequests, cancel_requests
from storage.db import read_transaction, write_transaction
from storage.files import FileStore
from storage.jobs import JobKind as JobKind  # stored (the `kind` column): defined in storage
from storage.jobs import (
    JobRow,
    JobStatus,
    ask_to_stop,
    ask_to_stop_unless_locked,
    cancel_queued,
    job_by_id,
)
from storage.store.groups import create_group
from storage.store.write_path import Checkpoint, LockedGroup, lock_group, no_checkpoint

GROUP_NAME_MAX = 200

# (rows read, rows rejected, estimated rows in the file)
ProgressSink = Callable[[int, int, int | None], Awaitable[None]]


class JobRunner(Protocol):
    """Runs a claimed job to its end in one transaction; raises when it fails."""

    def __call__(
        self,
        job: JobRow,
        *,
        engine: AsyncEngine,
        files: FileStore,
        now: Callable[[], datetime],
        progress: ProgressSink,
        checkpoint: Checkpoint = no_checkpoint,
    ) -> Awaitable[None]:
        """Run `job`; `progress` is told how far it got, `now` gives the time of its writes.

        `checkpoint` raises JobCancelled once the job was asked to stop; the runner awaits
        it often (each chunk, each write statement) and lets the error roll it back.
        """
        ...


def job_runners() -> Mapping[JobKind, JobRunner]:
    """The runner of each job kind."""
    # Imported here: both runners' modules import this one (the target group, ProgressSink).
    from api.backups import run_restore
    from api.imports import run_import

    return {JobKind.IMPORT: run_import, JobKind.RESTORE: run_restore}


def check_target(group_id: int | None, group_name: str | None) -> str | None:
    """Exactly one of an existing group or a new group's name; the clean name."""
    if group_id is not None and group_name is not None:
        raise InvalidInput("Give either groupId or groupName, not both.", field=["groupName"])
    if group_id is None and group_name is None:
        raise InvalidInput(
            "Give groupId (an existing group) or groupName (a new group).", field=["groupId"]
        )
    if group_name is None:
        return None
    name = group_name.strip()
    if not name or len(name) > GROUP_NAME_MAX:
        raise InvalidInput(
            f"A group name has 1 to {GROUP_NAME_MAX} characters.", field=["groupName"]
        )
    return name


async def target_group(conn: AsyncConnection, job: JobRow, now: datetime) -> LockedGroup:
    """Lock the job's group, creating it first when the job names a new one."""
    group_id = job.group_id
    if group_id is None:
        if job.new_group_name is None:
            raise ValueError(f"job {job.id} names neither a group nor a new group's name")
        group_id = await create_group(
            conn, account_id=job.account_id, name=job.new_group_name, now=now
        )
    group = await lock_group(conn, group_id=group_id, now=now)
    if group is None:
        raise UserFacingError("The group was deleted before the job ran.")
    return group


async def cancel_job(
    *, engine: AsyncEngine, events: JobEvents, account_id: int, job_id: int, now: datetime
) -> JobRow:
    """Cancel a job: a queued one at once, a running one at its next checkpoint; the job as
    this request leaves it (CANCELLED, or CANCELLING until its worker has stopped it).

    A job already being cancelled is left so (asking twice is no error); a finished one is a
    Conflict; another account's job is NotFound.
    """
    # Read first, not written: on SQLite a write waits for the one writer, maybe this job.
    async with read_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id, account_id=account_id)
    if job is None:
        raise NotFound("No job with this id.", field=["jobId"])
    _check_cancellable(job)
    cancelled = False
    if job.status == JobStatus.QUEUED:
        async with write_transaction(engine) as conn:
            cancelled = await cancel_queued(conn, job_id=job_id, now=now)
    answered = None if cancelled else await _stop_running(engine, events, job_id)
    events.publish(job_id)
    return answered or await _read_job(engine, job_id)


async def _stop_running(engine: AsyncEngine, events: JobEvents, job_id: int) -> JobRow | None:
    """Mark a running job CANCELLING; its worker hears it first in process or from a file.

    Told before the mark: on SQLite the mark needs the database's one writer, which is the
    job itself while it writes. There the request file is enough when that lock is held: the
    job is answered CANCELLING at once (returned), unless its end may be committing. None:
    the mark was written, or waited for; read the job.
    """
    events.ask_to_cancel(job_id)
    requests = cancel_requests(engine)
    requests.ask(job_id)
    try:
        marked = None
        if requests.outside_database:
            marked = await ask_to_stop_unless_locked(engine, job_id=job_id)
            if marked is None and (
                answered := await _stopping_without_lock(engine, requests, job_id)
            ):
                return answered
        if marked is None:  # no file, or the job's end may be committing: wait for the lock
            async with write_transaction(engine) as conn:
                marked = await ask_to_stop(conn, job_id=job_id)
        if not marked:
            await _ended_meanwhile(engine, requests, await _read_job(engine, job_id))
        return None
    finally:
        events.forget_cancel(job_id)


async def _stopping_without_lock(
    engine: AsyncEngine, requests: CancelRequests, job_id: int
) -> JobRow | None:
    """The job, CANCELLING, if its request file is sure to stop it; None when its end may be
    committing (wait for it). Conflict if it has ended otherwise than CANCELLED.

    The job marks its end before it looks for a request (`finish`); here the request was
    made before its end is looked for, and that before the job is read: a job that saw no
    request either shows its mark here or, once the mark is gone, its committed end.
    """
    if requests.ending(job_id):
        return None
    job = await _read_job(engine, job_id)
    if job.finished:
        await _ended_meanwhile(engine, requests, job)
        return job
    return dataclasses.replace(job, status=JobStatus.CANCELLING.value)


async def _ended_meanwhile(engine: AsyncEngine, requests: CancelRequests, job: JobRow) -> None:
    """A job not marked CANCELLING here: cancelled by this request or another, or finished
    (Conflict), or already CANCELLING. The request of an ended job has no reader left."""
    if job.finished:
        requests.forget(job.id)
    if job.status != JobStatus.CANCELLED:
        _check_cancellable(job)


async def _read_job(engine: AsyncEngine, job_id: int) -> JobRow:
    async with read_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id)
    if job is None:
        raise ValueError(f"job {job_id} vanished while it was being cancelled")
    return job


def _check_cancellable(job: JobRow) -> None:
    if job.finished:
        raise Conflict(f"The job has already finished ({job.status}).", field=["jobId"])
