"""Jobs: the runner of each kind, and what imports and restores share.

A job is queued by a use-case (`api.imports.start_import`, `api.backups.start_restore`) and
run later by a worker (`api.worker`), which calls the runner of its kind with the job row.
Both kinds write into a target group: an existing one, or a new one the job names. The
kinds (`JobKind`) are the `kind` column's values, so `storage.jobs` defines them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import InvalidInput, UserFacingError
from storage.files import FileStore
from storage.jobs import JobKind as JobKind  # stored (the `kind` column): defined in storage
from storage.jobs import JobRow
from storage.store.groups import create_group
from storage.store.write_path import LockedGroup, lock_group

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
    ) -> Awaitable[None]:
        """Run `job`; `progress` is told how far it got, `now` gives the time of its writes."""
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
    group = await lock_group(conn, group_id=group_id)
    if group is None:
        raise UserFacingError("The group was deleted before the job ran.")
    return group
