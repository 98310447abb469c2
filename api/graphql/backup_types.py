"""Backups, jobs and their row errors as GraphQL types."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime

import strawberry
from strawberry import relay

from api.downloads import download_path
from api.graphql.context import Info
from api.graphql.pagination import (
    Connection,
    connection,
    decode_text_cursor,
    decode_time_cursor,
    page_size,
)
from api.graphql.types import Group, ImportMode, JobKind, JobStatus, _int
from storage.db import read_transaction
from storage.jobs import JobRow, job_by_id, row_errors
from storage.store.backup_reads import BackupRow, backups_by_id, backups_page
from storage.store.compare import compare_with_current, differences


@strawberry.enum(description="Why a backup was made.")
class BackupReason(enum.Enum):
    IMPORT = "IMPORT"
    GROUP_DELETION = "GROUP_DELETION"
    RESTORE = "RESTORE"


@strawberry.enum(
    description="REFRESH_AND_ADD: update and add, keep recipients added since. REPLACE: make the group exactly as it was."
)
class RestoreStrategy(enum.Enum):
    REFRESH_AND_ADD = "REFRESH_AND_ADD"
    REPLACE = "REPLACE"


async def backup_loader_load(info: Info, backup_id: int) -> BackupRow | None:
    """One backup of this account, batched per request."""

    async def load(ids: list[int]) -> list[BackupRow | None]:
        async with read_transaction(info.context.engine) as conn:
            found = await backups_by_id(conn, account_id=info.context.account_id, ids=ids)
        return [found.get(i) for i in ids]

    row: BackupRow | None = await info.context.loader("backups", load).load(backup_id)
    return row


@strawberry.enum(description="How an address differs between a backup and its group now.")
class DifferenceKind(enum.Enum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"


@strawberry.type(description="An address that differs between a backup and its group now.")
class BackupDifference:
    email: str
    kind: DifferenceKind


@strawberry.type(description="A backup compared with its group as it is now, in recipients.")
class BackupComparison:
    unchanged: int
    changed: int = strawberry.field(description="In both, with other master data now.")
    added: int = strawberry.field(description="In the group now, not in the backup.")
    removed: int = strawberry.field(description="In the backup, not in the group now.")
    group_id: strawberry.Private[int]
    seq: strawberry.Private[int]

    @strawberry.field(description="The differing addresses, ordered by email.")
    async def differences(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[BackupDifference]:
        size = page_size(first)
        async with read_transaction(info.context.engine) as conn:
            rows = await differences(
                conn,
                group_id=self.group_id,
                seq=self.seq,
                first=size,
                after_email=decode_text_cursor(after),
            )
        total = self.changed + self.added + self.removed
        return connection(
            rows,
            size=size,
            total=total,
            after=after,
            key=lambda d: (d.email,),
            node=lambda d: BackupDifference(email=d.email, kind=DifferenceKind(d.kind)),
        )


@strawberry.type(description="The state of a group at one point in time, kept until `expiresAt`.")
class Backup(relay.Node):
    id: relay.NodeID[int]
    group_name: str = strawberry.field(description="The group's name when the backup was made.")
    reason: BackupReason
    created_at: datetime
    expires_at: datetime
    recipient_count: int
    group_id: strawberry.Private[int]
    seq: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: BackupRow) -> Backup:
        return cls(
            id=row.id,
            group_name=row.group_name,
            reason=BackupReason(row.reason),
            created_at=row.created_at,
            expires_at=row.expires_at,
            recipient_count=row.recipient_count,
            group_id=row.group_id,
            seq=row.seq,
        )

    @strawberry.field(description="The group, or null once it is deleted.")
    async def group(self, info: Info) -> Group | None:
        row = await info.context.group_loader().load(self.group_id)
        return Group.from_row(row) if row is not None else None

    @strawberry.field(
        description="This backup compared with its group now (null once the group is deleted)."
    )
    async def comparison(self, info: Info) -> BackupComparison | None:
        if await info.context.group_loader().load(self.group_id) is None:
            return None
        async with read_transaction(info.context.engine) as conn:
            found = await compare_with_current(conn, group_id=self.group_id, seq=self.seq)
        return BackupComparison(
            unchanged=found.unchanged,
            changed=found.changed,
            added=found.added,
            removed=found.removed,
            group_id=self.group_id,
            seq=self.seq,
        )

    @strawberry.field(
        description="Short-lived URL of the CSV export: a plain GET with no Authorization header streams it."
    )
    def download_url(self, info: Info) -> str:
        services = info.context.services
        path = download_path(
            secret=services.settings.signing_key,
            account_id=info.context.account_id,
            backup_id=self.id,
            now=services.clock.now(),
            ttl=services.settings.download_url_ttl_seconds,
        )
        base = services.settings.public_url or _request_base(info)
        return base.rstrip("/") + path

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Backup | None]:
        rows = [
            await backup_loader_load(info, i) if (i := _int(n)) is not None else None
            for n in node_ids
        ]
        return [cls.from_row(r) if r is not None else None for r in rows]


def _request_base(info: Info) -> str:
    request = info.context.request
    return str(request.base_url) if request is not None else ""


async def backups_connection(
    info: Info, *, group_id: int | None, first: int | None, after: str | None
) -> Connection[Backup]:
    """Backups newest first, of one group or of the whole account."""
    size = page_size(first)
    async with read_transaction(info.context.engine) as conn:
        rows, total = await backups_page(
            conn,
            account_id=info.context.account_id,
            group_id=group_id,
            first=size,
            before=decode_time_cursor(after),
        )
    return connection(
        rows,
        size=size,
        total=total,
        after=after,
        key=lambda r: (r.created_at.isoformat(), r.id),
        node=Backup.from_row,
    )


@strawberry.type(description="The backups of one day, newest first.")
class BackupDay:
    date: date
    backups: list[Backup]


@strawberry.type(description="A row of the file that was not imported, and why.")
class RowError:
    row: int = strawberry.field(
        description="The row number as a spreadsheet shows it (the header is row 1)."
    )
    column: str | None
    message: str
    code: str = strawberry.field(
        description="INVALID_EMAIL, MISSING_EMAIL, FIELD_TOO_LONG, UNDECODABLE_BYTES, INVALID_CHARACTER, INVALID_STATUS, ..."
    )


@strawberry.type(description="An import or a restore, run in the background in one transaction.")
class ImportJob(relay.Node):
    id: relay.NodeID[int]
    kind: JobKind
    status: JobStatus
    total_rows: int | None = strawberry.field(
        description="Data rows in the file: an estimate while the file is read, exact once it has been."
    )
    processed_rows: int
    added: int
    updated: int
    unchanged: int
    skipped: int = strawberry.field(
        description="Rows the mode left aside: existing addresses in ADD, new ones in REFRESH."
    )
    removed: int = strawberry.field(description="Recipients a REPLACE restore removed.")
    rejected: int
    error: str | None = strawberry.field(description="Why a FAILED job failed.")
    created_at: datetime
    finished_at: datetime | None
    raw: strawberry.Private[JobRow]

    @classmethod
    def from_row(cls, row: JobRow) -> ImportJob:
        return cls(
            id=row.id,
            kind=JobKind(row.kind),
            status=JobStatus(row.status),
            total_rows=row.total_rows,
            processed_rows=row.processed_rows,
            added=row.added,
            updated=row.updated,
            unchanged=row.unchanged,
            skipped=row.skipped,
            removed=row.removed,
            rejected=row.rejected,
            error=row.error,
            created_at=row.created_at,
            finished_at=row.finished_at,
            raw=row,
        )

    @strawberry.field(
        description="The import mode (a REPLACE restore shows REFRESH_AND_ADD; see restoreStrategy)."
    )
    def mode(self) -> ImportMode:
        return (
            ImportMode.REFRESH_AND_ADD if self.raw.mode == "REPLACE" else ImportMode(self.raw.mode)
        )

    @strawberry.field(description="For a restore: how it was applied.")
    def restore_strategy(self) -> RestoreStrategy | None:
        if self.raw.kind != "RESTORE":
            return None
        return (
            RestoreStrategy.REPLACE
            if self.raw.mode == "REPLACE"
            else RestoreStrategy.REFRESH_AND_ADD
        )

    @strawberry.field(
        description="The group written to (null until a new group is created, or once deleted)."
    )
    async def group(self, info: Info) -> Group | None:
        if self.raw.group_id is None:
            return None
        row = await info.context.group_loader().load(self.raw.group_id)
        return Group.from_row(row) if row is not None else None

    @strawberry.field(description="The automatic backup made first; null when backups are off.")
    async def backup(self, info: Info) -> Backup | None:
        if self.raw.backup_id is None:
            return None
        row = await backup_loader_load(info, self.raw.backup_id)
        return Backup.from_row(row) if row is not None else None

    @strawberry.field(description="For a restore: the backup restored.")
    async def source_backup(self, info: Info) -> Backup | None:
        if self.raw.source_backup_id is None:
            return None
        row = await backup_loader_load(info, self.raw.source_backup_id)
        return Backup.from_row(row) if row is not None else None

    @strawberry.field(description="The first rejected rows (at most 1,000 are kept).")
    async def row_errors(self, info: Info, first: int | None = 100) -> list[RowError]:
        limit = max(0, min(first if first is not None else 100, 1000))
        async with read_transaction(info.context.engine) as conn:
            rows = await row_errors(conn, job_id=self.id, first=limit)
        return [RowError(row=r.row, column=r.column, message=r.message, code=r.code) for r in rows]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ImportJob | None]:
        result: list[ImportJob | None] = []
        async with read_transaction(info.context.engine) as conn:
            for node_id in node_ids:
                job_id = _int(node_id)
                row = None
                if job_id is not None:
                    row = await job_by_id(conn, job_id=job_id, account_id=info.context.account_id)
                result.append(cls.from_row(row) if row is not None else None)
        return result
