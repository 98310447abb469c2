"""Use-cases of backups: deleting a group (backed up first), restoring, the switches.

A restore reads a backup, or a live group as of a moment (continuous protection: every
version of the retention period is kept while both switches are on, and the write log maps
a moment to a seq, `storage.store.write_log`). Both run as the same job, with the same
strategies and guards, from the same state-at-a-seq query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import Conflict, InvalidInput, NotFound, UserFacingError
from api.jobs import JobKind, ProgressSink, check_target, target_group
from storage.db import write_transaction
from storage.files import FileStore
from storage.jobs import JobRow, create_job, finish, group_has_active_job
from storage.statistics import refresh_soon
from storage.store.backup_reads import BackupRow, backups_by_id
from storage.store.backups import BackupReason, take_backup
from storage.store.groups import hold_against_retention, live_group_id, mark_deleted
from storage.store.switches import set_account_backups, set_group_backups
from storage.store.write_log import protection, write_at
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
        group = await lock_group(conn, group_id=group_id, now=now)
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


@dataclass(frozen=True)
class GroupMoment:
    """A live group as of a moment: the seq its state was at then, and its attribute names."""

    group_id: int
    group_name: str
    moment: datetime
    seq: int
    attribute_names: tuple[str, ...]


async def group_moment(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int,
    moment: datetime,
    now: datetime,
    group_field: str = "groupId",
) -> GroupMoment:
    """The account's live group as of `moment`, or a userError saying why it cannot be had.

    Refused (INVALID_INPUT on `asOf`): a moment in the future, before the retention period,
    before the group's first logged write; backups off for the group or the account (no
    history is kept then: the switches promise no copies); a write since the moment made
    while they were off (the versions it replaced were not kept).
    """
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    found = await protection(conn, account_id=account_id, group_id=group_id)
    if found is None:
        raise NotFound("No group with this id.", field=[group_field])
    if moment > now:
        raise InvalidInput("asOf is in the future.", field=["asOf"])
    if not found.backups_active:
        raise InvalidInput(
            "Backups are off for this group or its account: no history is kept, so it"
            " cannot be restored, compared or downloaded as of a moment.",
            field=["asOf"],
        )
    start = now - timedelta(days=found.retention_days)
    if moment < start:
        raise InvalidInput(
            f"asOf is outside the retention period of {found.retention_days} days: the"
            f" earliest moment is {start.isoformat()}.",
            field=["asOf"],
        )
    logged = await write_at(conn, group_id=group_id, moment=moment)
    if logged is None:
        first = found.first_write_at.isoformat() if found.first_write_at else "none yet"
        raise InvalidInput(
            f"asOf is before the group's first recorded write ({first}).", field=["asOf"]
        )
    if not logged.rebuildable:
        raise InvalidInput(
            "The group was written while backups were off after asOf: its state at that"
            " moment was not kept.",
            field=["asOf"],
        )
    return GroupMoment(group_id, found.name, moment, logged.seq, logged.attribute_names)


def moment_restore_name(moment: GroupMoment) -> str:
    """A new group named after the source group and the moment."""
    return f"{moment.group_name} (as of {moment.moment:%Y-%m-%d %H:%M:%S})"[:200]


async def start_restore(
    *,
    engine: AsyncEngine,
    account_id: int,
    backup_id: int | None,
    group_id: int | None,
    group_name: str | None,
    strategy: str,
    now: datetime,
    started_by: str | None = None,
    as_of: datetime | None = None,
    source_group_id: int | None = None,
) -> int:
    """Queue a restore of a backup, or of a group as of a moment, into an existing or a new
    group; the job id.

    Exactly one of `backup_id` and `as_of`. As of a moment the source is `source_group_id`,
    else the target `group_id` (a group restored into itself). `started_by` is the name of
    the API token that asked (None from the command line).
    """
    if (backup_id is None) == (as_of is None):
        raise InvalidInput("Give either backupId or asOf (exactly one).", field=["backupId"])
    if as_of is None and source_group_id is not None:
        raise InvalidInput(
            "sourceGroupId goes with asOf, not with backupId.", field=["sourceGroupId"]
        )
    name: str | None
    async with write_transaction(engine) as conn:
        if backup_id is not None:
            source, name = await _backup_source(conn, account_id=account_id, backup_id=backup_id)
        else:
            source, name = await _moment_source(
                conn,
                account_id=account_id,
                group_id=source_group_id if source_group_id is not None else group_id,
                moment=as_of,
                now=now,
                group_field="sourceGroupId" if source_group_id is not None else "groupId",
            )
        if group_id is not None or group_name is not None:
            name = check_target(group_id, group_name)
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
            started_by=started_by,
            **source,
        )


async def _backup_source(
    conn: AsyncConnection, *, account_id: int, backup_id: int
) -> tuple[dict[str, object], str]:
    """The job's source columns for a backup, and the default new group's name."""
    backup = (await backups_by_id(conn, account_id=account_id, ids=[backup_id])).get(backup_id)
    if backup is None:
        raise NotFound("No backup with this id.", field=["backupId"])
    # The backup cannot be deleted between this check and the job row that protects it.
    await hold_against_retention(conn, group_id=backup.group_id)
    return {"source_backup_id": backup_id}, default_restore_name(backup)


async def _moment_source(
    conn: AsyncConnection,
    *,
    account_id: int,
    group_id: int | None,
    moment: datetime | None,
    now: datetime,
    group_field: str,
) -> tuple[dict[str, object], str]:
    """The job's source columns for a group as of a moment, and the default new group's name."""
    if group_id is None or moment is None:
        raise InvalidInput(
            "With asOf, name the group to restore: sourceGroupId (or groupId to restore a"
            " group into itself).",
            field=["sourceGroupId"],
        )
    found = await group_moment(
        conn,
        account_id=account_id,
        group_id=group_id,
        moment=moment,
        now=now,
        group_field=group_field,
    )
    columns: dict[str, object] = {"source_group_id": group_id, "source_as_of": found.moment}
    return columns, moment_restore_name(found)


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
    async with write_transaction(engine) as conn:
        source, names = await _restore_source(conn, job, now())
        await checkpoint()
        group = await target_group(conn, job, now())
        backup_id = None
        if job.group_id is not None:
            backup_id = await take_backup(conn, group=group, reason=BackupReason.RESTORE, now=now())
        outcome = await write_recipients(
            conn,
            group=group,
            source=source,
            mode=WriteMode(job.mode),
            now=now(),
            attribute_names=names,
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
    if outcome.statistics_stale:
        refresh_soon(engine)


async def _restore_source(
    conn: AsyncConnection, job: JobRow, now: datetime
) -> tuple[BackupSource, tuple[str, ...]]:
    """The state a restore job writes (a backup's, or its group's as of the moment) and
    that state's attribute names; read before the target is locked."""
    if job.source_backup_id is not None:
        backup = (
            await backups_by_id(conn, account_id=job.account_id, ids=[job.source_backup_id])
        ).get(job.source_backup_id)
        if backup is None:
            raise UserFacingError("The backup expired before the restore ran.")
        return BackupSource(group_id=backup.group_id, seq=backup.seq), _names(backup)
    if job.source_group_id is None or job.source_as_of is None:
        raise ValueError(f"restore job {job.id} names neither a backup nor a group and moment")
    # Checked again when it runs: the moment may have left the retention period, or the
    # switches been turned off, since the job was queued.
    found = await group_moment(
        conn,
        account_id=job.account_id,
        group_id=job.source_group_id,
        moment=job.source_as_of,
        now=now,
        group_field="sourceGroupId",
    )
    return BackupSource(group_id=found.group_id, seq=found.seq), found.attribute_names


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
