"""Use-cases of backups: deleting a group (backed up first), restoring, the switches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import Conflict, NotFound, UserFacingError
from api.jobs import JobKind, ProgressSink, check_target, target_group
from storage.db import write_transaction
from storage.files import FileStore
from storage.jobs import JobRow, create_job, finish, group_has_active_job
from storage.store.backup_reads import BackupRow, backups_by_id
from storage.store.backups import BackupReason, take_backup
from storage.store.groups import hold_against_retention, live_group_id, mark_deleted
from storage.store.switches import set_account_backups, set_group_backups
from storage.store.write_path import (
    BackupSource,
    Checkpoint,
    WriteMode,
    lock_group,
    no_checkpoint,
    write_recipients,
)


async def delete_group(
    *, engine: AsyncEngine, account_id: int, group_id: int, now: datetime
) -> int | None:
    """Back the group up (when the switches are on) and hide it, in O(1); the backup id."""
    async with write_transaction(engine) as conn:
        if await live_group_id(conn, account_id=account_id, group_id=group_id) is None:
            raise NotFound("No group with this id.", field=["groupId"])
        if await group_has_active_job(conn, group_id=group_id):
            # Deleting now would make that job fail ("deleted before the job ran") and lose
            # its upload: the client retries once the job has ended.
            raise Conflict(
                "An import or restore is queued or running on this group; delete it once the"
                " job has ended.",
                field=["groupId"],
            )
        group = await lock_group(conn, group_id=group_id)
        if group is None:  # live a moment ago, in this same write transaction
            raise RuntimeError(f"group {group_id} could not be locked")
        backup_id = await take_backup(
            conn, group=group, reason=BackupReason.GROUP_DELETION, now=now
        )
        await mark_deleted(conn, group_id=group_id, seq=group.seq, now=now)
    return backup_id


def default_restore_name(backup: BackupRow) -> str:
    """A new group named after the backup's group and date."""
    return f"{backup.group_name} (restored {backup.created_at:%Y-%m-%d %H:%M})"[:200]


async def start_restore(
    *,
    engine: AsyncEngine,
    account_id: int,
    backup_id: int,
    group_id: int | None,
    group_name: str | None,
    strategy: str,
    now: datetime,
    started_by: str | None = None,
) -> int:
    """Queue a restore of a backup into an existing or a new group; the job id.

    `started_by` is the name of the API token that asked (None from the command line).
    """
    async with write_transaction(engine) as conn:
        backup = (await backups_by_id(conn, account_id=account_id, ids=[backup_id])).get(backup_id)
        if backup is None:
            raise NotFound("No backup with this id.", field=["backupId"])
        # The backup cannot be deleted between this check and the job row that protects it.
        await hold_against_retention(conn, group_id=backup.group_id)
        if group_id is not None or group_name is not None:
            name = check_target(group_id, group_name)
        else:
            name = default_restore_name(backup)
        if (
            group_id is not None
            and await live_group_id(conn, account_id=account_id, group_id=group_id) is None
        ):
            raise NotFound("No group with this id.", field=["groupId"])
        return await create_job(
            conn,
            now=now,
            account_id=account_id,
            kind=JobKind.RESTORE.value,
            mode=strategy,
            group_id=group_id,
            new_group_name=name,
            source_backup_id=backup_id,
            started_by=started_by,
        )


async def run_restore(
    job: JobRow,
    *,
    engine: AsyncEngine,
    files: FileStore,
    now: Callable[[], datetime],
    progress: ProgressSink,
    checkpoint: Checkpoint = no_checkpoint,
) -> None:
    """Apply the backup's state to the target group, set-based, in one transaction.

    `checkpoint` is awaited between the write's statements.
    """
    if job.source_backup_id is None:
        raise ValueError(f"restore job {job.id} names no backup")
    async with write_transaction(engine) as conn:
        backup = (
            await backups_by_id(conn, account_id=job.account_id, ids=[job.source_backup_id])
        ).get(job.source_backup_id)
        if backup is None:
            raise UserFacingError("The backup expired before the restore ran.")
        await checkpoint()
        group = await target_group(conn, job, now())
        backup_id = None
        if job.group_id is not None:
            backup_id = await take_backup(conn, group=group, reason=BackupReason.RESTORE, now=now())
        outcome = await write_recipients(
            conn,
            group=group,
            source=BackupSource(group_id=backup.group_id, seq=backup.seq),
            mode=WriteMode(job.mode),
            now=now(),
            attribute_names=_names(backup),
            checkpoint=checkpoint,
        )
        total = outcome.source_rows
        await finish(
            conn,
            job_id=job.id,
            attempt=job.attempts,
            now=now(),
            group_id=group.id,
            backup_id=backup_id,
            total_rows=total,
            processed_rows=total,
            added=outcome.added,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            removed=outcome.removed,
            status_kept=outcome.status_kept,
        )


def _names(backup: BackupRow) -> tuple[str, ...]:
    return tuple(orjson.loads(backup.attribute_names))


async def set_backup_enabled(
    *, engine: AsyncEngine, account_id: int, group_id: int | None, enabled: bool
) -> None:
    """Set the account-wide switch (no group) or one group's switch; effective at once."""
    async with write_transaction(engine) as conn:
        if group_id is None:
            await set_account_backups(conn, account_id=account_id, enabled=enabled)
            return
        if await live_group_id(conn, account_id=account_id, group_id=group_id) is None:
            raise NotFound("No group with this id.", field=["groupId"])
        await set_group_backups(conn, group_id=group_id, enabled=enabled)
