"""Jobs (imports and restores) and the rows an import rejected."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

# The modules, not their names: groups.py and backups.py import this module too (a group's
# jobs, a backup's job), and names are looked up when a resolver runs, once all are loaded.
from api.graphql import backups as job_backups
from api.graphql import groups as job_groups
from api.graphql.context import Info
from api.graphql.loaders import load_nodes
from api.graphql.pagination import (
    Connection,
    Keyset,
    PageArgs,
    int_key,
    int_pair_key,
    paged,
)
from api.rejects import RejectsLink, rejects_link
from storage.db import read_transaction
from storage.jobs import (
    JobKind,
    JobRow,
    JobStatus,
    RowErrorRow,
    jobs_page,
    row_errors,
)
from storage.keyset import Window
from storage.row_errors import RowErrorKey, row_error_count, row_errors_window
from storage.store.write_path import WriteMode

if TYPE_CHECKING:
    from api.graphql.backups import Backup
    from api.graphql.groups import Group

strawberry.enum(JobStatus, description="Where a job is.")
strawberry.enum(JobKind, description="What a job does: import a file, or restore a backup.")
# Lazy references: the types are defined in modules that import this one.
LazyBackup = Annotated["Backup", strawberry.lazy("api.graphql.backups")]
LazyGroup = Annotated["Group", strawberry.lazy("api.graphql.groups")]


# The write modes a client may name; each member's value is the storage mode it stands for.
@strawberry.enum(
    description="ADD: only new addresses. REFRESH_AND_ADD: update existing, add new. REFRESH: update existing only."
)
class ImportMode(enum.Enum):
    ADD = WriteMode.ADD
    REFRESH_AND_ADD = WriteMode.REFRESH_AND_ADD
    REFRESH = WriteMode.REFRESH


@strawberry.enum(
    description="REFRESH_AND_ADD: update and add, keep recipients added since. REPLACE: make the group exactly as it was."
)
class RestoreStrategy(enum.Enum):
    REFRESH_AND_ADD = WriteMode.REFRESH_AND_ADD
    REPLACE = WriteMode.REPLACE


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
    status_kept: int = strawberry.field(
        description="Rows of the file (or backup) for an existing recipient that asked to lift an UNSUBSCRIBED or BOUNCED status (ACTIVE, INACTIVE): the status was kept. Such a row is never counted as unchanged; it is also counted as updated when other values of it changed. 0 for ADD (existing recipients are left alone) and for jobs from before this was counted."
    )
    error: str | None = strawberry.field(description="Why a FAILED job failed.")
    created_at: datetime
    finished_at: datetime | None
    file_name: str | None = strawberry.field(
        description="For an import: the uploaded file's name as the client sent it (at most 255 characters); null for restores."
    )
    size_bytes: int | None = strawberry.field(
        description="For an import: the uploaded file's size in bytes; null for restores."
    )
    started_by: str | None = strawberry.field(
        description="The name of the API token that started the job; null for the command line, unnamed tokens and jobs from before this was recorded."
    )
    raw: strawberry.Private[JobRow]
    # The signed link of this request: its URL and its expiry are told from one signature.
    signed_rejects: strawberry.Private[list[RejectsLink]] = dataclasses.field(default_factory=list)

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
            status_kept=row.status_kept,
            error=row.error,
            created_at=row.created_at,
            finished_at=row.finished_at,
            file_name=row.file_name,
            size_bytes=row.size_bytes,
            started_by=row.started_by,
            raw=row,
        )

    @strawberry.field(
        description="The import mode (a REPLACE restore shows REFRESH_AND_ADD; see restoreStrategy)."
    )
    def mode(self) -> ImportMode:
        if self.raw.mode == WriteMode.REPLACE:
            return ImportMode.REFRESH_AND_ADD
        return ImportMode(WriteMode(self.raw.mode))

    @strawberry.field(description="For a restore: how it was applied.")
    def restore_strategy(self) -> RestoreStrategy | None:
        if self.raw.kind != JobKind.RESTORE:
            return None
        if self.raw.mode == WriteMode.REPLACE:
            return RestoreStrategy.REPLACE
        return RestoreStrategy.REFRESH_AND_ADD

    @strawberry.field(
        description="The group written to (null until a new group is created, or once deleted)."
    )
    async def group(self, info: Info) -> LazyGroup | None:
        return await job_groups.live_group(info, self.raw.group_id)

    @strawberry.field(description="The automatic backup made first; null when backups are off.")
    async def backup(self, info: Info) -> LazyBackup | None:
        return await job_backups.backup_by_id(info, self.raw.backup_id)

    @strawberry.field(description="For a restore: the backup restored.")
    async def source_backup(self, info: Info) -> LazyBackup | None:
        return await job_backups.backup_by_id(info, self.raw.source_backup_id)

    @strawberry.field(
        description="The first row errors in row order, at most 1,000 per request; every one is kept: rowErrorConnection pages through them all, rejectedRowsUrl gives them as a file."
    )
    async def row_errors(self, info: Info, first: int | None = 100) -> list[RowError]:
        limit = max(0, min(first if first is not None else 100, 1000))
        async with read_transaction(info.context.engine) as conn:
            rows = await row_errors(conn, job_id=self.id, first=limit)
        return [_row_error(r) for r in rows]

    @strawberry.field(
        description="Every row error of the job, in row order (a row may have several), as a connection."
    )
    async def row_error_connection(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[RowError]:
        async with read_transaction(info.context.engine) as conn:

            async def read(window: Window[RowErrorKey]) -> list[RowErrorRow]:
                return await row_errors_window(conn, job_id=self.id, window=window)

            async def total() -> int:
                return await row_error_count(conn, job_id=self.id)

            keyset = Keyset(read=read, key=lambda r: (r.row, r.id), decode=int_pair_key)
            return await paged(
                PageArgs(first, after, last, before), keyset, node=_row_error, total=total
            )

    @strawberry.field(
        description="Short-lived URL of a CSV of every rejected row: the file's own columns, then error_row, error_column, error_code, error_message; fixed, it re-imports as is (the error columns are ignored). A plain GET with no Authorization header. Null when the job rejected nothing, has not finished, or the file was deleted (after the account's backup retention, or by an erasure)."
    )
    def rejected_rows_url(self, info: Info) -> str | None:
        link = self._rejects_link(info)
        if link is None:
            return None
        services = info.context.services
        base = services.settings.public_url or _request_base(info)
        return base.rstrip("/") + link.path

    @strawberry.field(
        description="When rejectedRowsUrl stops working; read it again for a new one."
    )
    def rejected_rows_url_expires_at(self, info: Info) -> datetime | None:
        link = self._rejects_link(info)
        return link.expires_at if link is not None else None

    def _rejects_link(self, info: Info) -> RejectsLink | None:
        if self.raw.rejects_key is None:
            return None
        if not self.signed_rejects:
            services = info.context.services
            self.signed_rejects.append(
                rejects_link(
                    secret=services.settings.signing_key,
                    account_id=info.context.account_id,
                    job_id=self.id,
                    now=services.clock.now(),
                    ttl=services.settings.download_url_ttl_seconds,
                )
            )
        return self.signed_rejects[0]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ImportJob | None]:
        rows = await load_nodes(info.context.loaders.jobs, node_ids)
        return [cls.from_row(row) if row is not None else None for row in rows]


def _row_error(row: RowErrorRow) -> RowError:
    return RowError(row=row.row, column=row.column, message=row.message, code=row.code)


def _request_base(info: Info) -> str:
    request = info.context.request
    return str(request.base_url) if request is not None else ""


async def job_by_id(info: Info, job_id: int) -> ImportJob | None:
    """The account's job of this id, batched; None if there is none."""
    row = await info.context.loaders.jobs.load(job_id)
    return ImportJob.from_row(row) if row is not None else None


async def job_of_backup(info: Info, backup_id: int) -> ImportJob | None:
    """The job whose automatic backup this is, batched; None for other backups."""
    row = await info.context.loaders.jobs_of_backups.load(backup_id)
    return ImportJob.from_row(row) if row is not None else None


async def jobs_connection(
    info: Info,
    *,
    group_id: int | None,
    kind: JobKind | None,
    status: JobStatus | None,
    args: PageArgs,
) -> Connection[ImportJob]:
    """The account's jobs newest first, of one group or all, of one kind and status or all."""
    totals: list[int] = []  # each read counts the filtered jobs too: the first count serves
    async with read_transaction(info.context.engine) as conn:

        async def read(window: Window[int]) -> list[JobRow]:
            rows, total = await jobs_page(
                conn,
                account_id=info.context.account_id,
                group_id=group_id,
                kind=kind.value if kind is not None else None,
                status=status.value if status is not None else None,
                window=window,
            )
            totals.append(total)
            return rows

        async def total() -> int:
            return totals[0]

        keyset = Keyset(read=read, key=lambda r: (r.id,), decode=int_key)
        return await paged(args, keyset, node=ImportJob.from_row, total=total)
