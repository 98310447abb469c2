"""Retention: expired backups go, then the history and the deleted groups no backup needs.

A sweep as of a time handles one group at a time. For each group with expired
backups, one short transaction deletes them and purges the group's history rows
that no remaining backup sees and no moment of its retention period needs, so a crash
never leaves unneeded rows behind. Then each group whose write log reaches past its
period loses the versions and log rows only those older moments needed.
Then each deleted group that no backup references is purged, in batches.
An item that fails is logged and skipped; the next sweep tries it again.
Backups that a queued or running restore reads are kept until the job ends.

Files go too (`sweep_uploads`): the uploads of ended jobs, expired staged files, and the files
of rejected rows (api/rejects.py) once their account's backup retention period has passed since
their job ended (they hold the same people's data as backups do), or at once when no job names
them (a job that failed, was cancelled, or whose worker died). The materialised exports of
deleted backups go after their group's transaction, and `sweep_uploads` deletes any left by a
crash (api/export_cache.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from api.export_cache import forget_exports, sweep_stale_exports
from api.rejects import sweep_expired_rejects, sweep_orphan_rejects
from api.services import Services
from storage.account_changes import accounts_to_compact, compact_account_changes
from storage.db import read_transaction, write_transaction
from storage.files import FileStore
from storage.jobs import ACTIVE_STATUSES, upload_key_statuses
from storage.staged_files import (
    delete_staged_files,
    expired_staged_files,
    staged_upload_keys,
)
from storage.store import history_retention, retention
from storage.store.retention import ExpiredBackup, GroupPurge

log = logging.getLogger("listkeeper.retention")
PURGE_BATCH = 20_000
# A staged file is written chunk by chunk (each write renews its time) and its job row is
# stored right after the last chunk: one untouched this long, with no job waiting for it, was
# left by a process that died in between (or after its job ended, before deleting it).
ORPHAN_UPLOAD_SECONDS = 600.0
# Expired staged files deleted per transaction.
STAGED_BATCH = 1000


@dataclass
class SweepReport:
    """What one sweep deleted, or would delete when `dry_run`."""

    as_of: datetime
    dry_run: bool
    deleted_backup_ids: list[int] = field(default_factory=list)
    kept_backup_ids: list[int] = field(default_factory=list)
    purged_group_ids: list[int] = field(default_factory=list)
    history_rows_purged: int = 0
    recipient_rows_purged: int = 0
    activity_rows_purged: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def deleted_backups(self) -> int:
        """How many backups were (or would be) deleted."""
        return len(self.deleted_backup_ids)

    @property
    def purged_groups(self) -> int:
        """How many deleted groups were (or would be) purged."""
        return len(self.purged_group_ids)

    @property
    def changed_anything(self) -> bool:
        """Whether the sweep deleted (or would delete) anything or skipped a failing item."""
        return bool(
            self.deleted_backup_ids
            or self.purged_group_ids
            or self.history_rows_purged
            or self.failures
        )

    def counts(self) -> dict[str, int]:
        """The figures of the sweep (for the log)."""
        return {
            "deleted_backups": self.deleted_backups,
            "kept_backups": len(self.kept_backup_ids),
            "purged_groups": self.purged_groups,
            "history_rows": self.history_rows_purged,
            "recipient_rows": self.recipient_rows_purged,
            "activity_rows": self.activity_rows_purged,
            "failures": len(self.failures),
        }

    def add_purge(self, purge: GroupPurge) -> None:
        """Count the rows of one group purge step."""
        self.recipient_rows_purged += purge.recipients
        self.history_rows_purged += purge.history
        self.activity_rows_purged += purge.activities


async def retention_loop(services: Services) -> None:
    """Sweep now, then every `retention_interval_seconds`, forever; a failure is logged."""
    while True:
        try:
            report = await sweep(
                engine=services.engine, as_of=services.clock.now(), files=services.files
            )
            if report.changed_anything:
                log.info("retention sweep", extra=report.counts())
            removed = await sweep_uploads(
                engine=services.engine, files=services.files, as_of=services.clock.now()
            )
            if removed:
                log.info("removed uploads", extra={"count": removed})
        except Exception:
            log.exception("retention sweep failed; next try after the interval")
        await asyncio.sleep(services.settings.retention_interval_seconds)


async def sweep(
    *,
    engine: AsyncEngine,
    as_of: datetime,
    dry_run: bool = False,
    purge_batch: int = PURGE_BATCH,
    files: FileStore | None = None,
) -> SweepReport:
    """One retention pass as of `as_of` (naive means UTC); what it deleted or would delete.

    With `files`, the materialised exports of the deleted backups go right after each
    group's transaction (without, `sweep_uploads` finds them later).
    """
    as_of = as_of.replace(tzinfo=UTC) if as_of.tzinfo is None else as_of.astimezone(UTC)
    report = SweepReport(as_of=as_of, dry_run=dry_run)
    async with read_transaction(engine) as conn:
        expired = await retention.expired_backups(conn, as_of=as_of)
    report.kept_backup_ids = [b.id for b in expired if b.in_use]
    deleted_ids = report.deleted_backup_ids  # filled by the loop below
    counted: dict[int, int] = {}
    for group_id, ids in _deletable_by_group(expired).items():
        expire = partial(_expire_group, engine, report, counted, group_id=group_id, ids=ids)
        await _attempt(report, f"backups of group {group_id}", expire)
    if files is not None and not dry_run:
        await _attempt(
            report, "exports of deleted backups", partial(forget_exports, files, deleted_ids)
        )
    async with read_transaction(engine) as conn:
        aged = await history_retention.groups_with_old_writes(conn, as_of=as_of)
    for group_id in aged:
        trim = partial(_trim_history, engine, report, counted, group_id=group_id)
        await _attempt(report, f"history of group {group_id}", trim)
    async with read_transaction(engine) as conn:
        if dry_run:
            purgeable = await retention.groups_purgeable_after(conn, as_of=as_of)
        else:
            purgeable = await retention.purgeable_groups(conn)
    for group_id in purgeable:
        purge = partial(_purge_group, engine, report, counted, group_id=group_id, batch=purge_batch)
        await _attempt(report, f"deleted group {group_id}", purge)
    if not dry_run:
        await _attempt(report, "change counters", partial(_compact_changes, engine))
    return report


# An account's version is the sum over its change rows (storage/account_changes.py): folded
# once they pass this many, so the read behind each backups page stays a short index range.
COMPACT_CHANGES_ABOVE = 1_000


async def _compact_changes(engine: AsyncEngine) -> None:
    """Fold the change rows of every account that has many (its version stays the same)."""
    async with read_transaction(engine) as conn:
        accounts = await accounts_to_compact(conn, more_than=COMPACT_CHANGES_ABOVE)
    for account_id in accounts:
        async with write_transaction(engine) as conn:
            await compact_account_changes(conn, account_id=account_id)


async def sweep_uploads(
    *,
    engine: AsyncEngine,
    files: FileStore,
    older_than: float = ORPHAN_UPLOAD_SECONDS,
    as_of: datetime | None = None,
) -> int:
    """Delete the uploads of ended jobs, and old ones nothing names; how many went.

    With `as_of`, staged files expired by then go first, rows and uploads, and files of
    rejected rows past their account's backup retention. A live staged file's upload is
    never deleted: it is named by its row until the row is deleted. Files of rejects no
    ended job names go too.
    """
    removed = 0
    if as_of is not None:
        removed += await _sweep_staged_files(engine, files, as_of)
        removed += await sweep_expired_rejects(engine=engine, files=files, as_of=as_of)
    removed += await sweep_orphan_rejects(engine=engine, files=files)
    removed += await sweep_stale_exports(engine=engine, files=files)
    ages = await files.upload_ages()
    if not ages:
        return removed
    # Ages are read before the jobs and staged files: a file whose row is stored meanwhile
    # was written to moments ago, so it is younger than `older_than` and kept.
    async with read_transaction(engine) as conn:
        statuses = await upload_key_statuses(conn, sorted(ages))
        staged = await staged_upload_keys(conn, sorted(ages))
    orphans = [
        key
        for key, age in ages.items()
        if key not in staged
        and (
            statuses.get(key) not in (None, *ACTIVE_STATUSES)
            or (key not in statuses and age > older_than)
        )
    ]
    for key in orphans:
        await files.delete(key)
    return removed + len(orphans)


async def _sweep_staged_files(engine: AsyncEngine, files: FileStore, as_of: datetime) -> int:
    """Delete the staged files expired at `as_of`: each row, then its upload; how many."""
    removed = 0
    while True:
        async with write_transaction(engine) as conn:
            expired = await expired_staged_files(conn, as_of=as_of, limit=STAGED_BATCH)
            await delete_staged_files(conn, ids=[staged_id for staged_id, _ in expired])
        # A crash between the two leaves an upload no row names: an orphan, swept later.
        for _, key in expired:
            await files.delete(key)
        removed += len(expired)
        if len(expired) < STAGED_BATCH:
            return removed


def _deletable_by_group(expired: list[ExpiredBackup]) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for backup in expired:
        if not backup.in_use:
            groups.setdefault(backup.group_id, []).append(backup.id)
    return dict(sorted(groups.items()))


async def _attempt(report: SweepReport, item: str, step: Callable[[], Awaitable[None]]) -> None:
    """Run one item; if it fails, log it and go on: one bad item must not stop the rest."""
    try:
        await step()
    except Exception:
        log.exception("retention: %s failed; skipped until the next sweep", item)
        report.failures.append(item)


async def _expire_group(
    engine: AsyncEngine,
    report: SweepReport,
    counted: dict[int, int],
    *,
    group_id: int,
    ids: list[int],
) -> None:
    if report.dry_run:
        async with read_transaction(engine) as conn:
            history = await retention.count_history_purge(
                conn, group_id=group_id, as_of=report.as_of
            )
        deleted = ids
    else:
        async with write_transaction(engine) as conn:
            await retention.lock_group_row(conn, group_id=group_id)
            deleted = await retention.delete_expired_backups(
                conn, group_id=group_id, ids=ids, as_of=report.as_of
            )
            history = await retention.purge_history(conn, group_id=group_id, as_of=report.as_of)
    report.deleted_backup_ids += deleted
    report.history_rows_purged += history
    counted[group_id] = history


async def _trim_history(
    engine: AsyncEngine, report: SweepReport, counted: dict[int, int], *, group_id: int
) -> None:
    """Continuous protection: the versions and log rows older than the group's period."""
    if report.dry_run:
        if group_id not in counted:  # its expiry step counted the same rows
            async with read_transaction(engine) as conn:
                history = await retention.count_history_purge(
                    conn, group_id=group_id, as_of=report.as_of
                )
            report.history_rows_purged += history
            counted[group_id] = history
        return
    async with write_transaction(engine) as conn:
        if await retention.lock_group_row(conn, group_id=group_id):
            history = await history_retention.trim_group_history(
                conn, group_id=group_id, as_of=report.as_of
            )
            report.history_rows_purged += history
            counted[group_id] = counted.get(group_id, 0) + history


async def _purge_group(
    engine: AsyncEngine, report: SweepReport, counted: dict[int, int], *, group_id: int, batch: int
) -> None:
    if report.dry_run:
        async with read_transaction(engine) as conn:
            purge = await retention.count_group_purge(conn, group_id=group_id)
        # History rows the group's expiry step already counted would be gone by now.
        report.add_purge(
            dataclasses.replace(purge, history=purge.history - counted.get(group_id, 0))
        )
        report.purged_group_ids.append(group_id)
        return
    while True:
        async with write_transaction(engine) as conn:
            step = await retention.purge_group_step(conn, group_id=group_id, limit=batch)
        if step is None:
            return  # purged meanwhile by another instance, or referenced again
        report.add_purge(step)
        if step.finished:
            report.purged_group_ids.append(group_id)
            return
