"""Use-cases of imports: accept an upload as a job, then run it in one transaction."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api import parse_process
from api.downloads import rejects_headers
from api.errors import FileTooLarge, InvalidInput, NotFound, UnsupportedFile, UserFacingError
from api.jobs import JobKind, ProgressSink, check_target, target_group
from api.rejects import RejectsWriter
from storage import codec
from storage.db import is_sqlite, read_transaction, write_transaction
from storage.files import FileStore, TooLarge
from storage.jobs import (
    JobRow,
    RowErrorRow,
    create_job,
    create_row_error_stage,
    drop_row_error_stage,
    file_name_of,
    finish,
    keep_row_errors,
    stage_row_errors,
)
from storage.staged_files import staged_file_by_id
from storage.statistics import refresh_soon
from storage.store.backups import BackupReason, take_backup
from storage.store.groups import live_group_id
from storage.store.write_path import (
    Checkpoint,
    StagedSource,
    WriteMode,
    create_stage,
    drop_stage,
    no_checkpoint,
    stage_rows,
    write_recipients,
)

CHUNK_ROWS = 10_000
# What the check before queueing reads of an upload (the codec's sniff sample, the header and
# the start of the records): a ranged GET on S3 instead of the whole object.
HEAD_BYTES = 1024 * 1024
# SQLite: after staging this many rows the import's connection is closed, not its tables dropped.
CLOSE_AFTER_ROWS = 100_000


@dataclass(frozen=True)
class UploadSource:
    """An uploaded file: its name and a coroutine function reading the next bytes."""

    filename: str | None
    read: Callable[[int], Awaitable[bytes]]


def check_mapping(mapping: Sequence[tuple[str, str]] | None) -> list[tuple[str, str]] | None:
    """Field mapping pairs, trimmed; None for the header's own names."""
    if mapping is None:
        return None
    return [(column.strip(), field.strip()) for column, field in mapping]


async def start_import(
    *,
    engine: AsyncEngine,
    files: FileStore,
    account_id: int,
    upload: UploadSource,
    group_id: int | None,
    group_name: str | None,
    mode: str,
    field_mapping: Sequence[tuple[str, str]] | None,
    max_bytes: int,
    now: datetime,
    started_by: str | None = None,
) -> int:
    """Check the request, keep the upload in the file store and queue the job; its id.

    `started_by` is the name of the API token that asked (None from the command line).
    """
    name = check_target(group_id, group_name)
    mapping = check_mapping(field_mapping)
    if group_id is not None:
        async with write_transaction(engine) as conn:
            if await live_group_id(conn, account_id=account_id, group_id=group_id) is None:
                raise NotFound("No group with this id.", field=["groupId"])
    counted = codec.Utf8Count()  # the sniff's one look at the whole file, as it is saved
    try:
        key = await files.save(upload.read, max_bytes=max_bytes, on_chunk=counted.feed)
    except TooLarge:
        raise FileTooLarge(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB.", field=["file"]
        ) from None
    job = QueuedImport(account_id, group_id, name, mode, mapping, started_by)
    saved = SavedFile(key, file_name_of(upload.filename), None, counted)
    return await _queue_import(engine, files, saved, job, now)


async def start_staged_import(
    *,
    engine: AsyncEngine,
    files: FileStore,
    account_id: int,
    staged_file_id: int,
    group_id: int | None,
    group_name: str | None,
    mode: str,
    field_mapping: Sequence[tuple[str, str]] | None,
    now: datetime,
    started_by: str | None = None,
) -> int:
    """Queue the import of a staged file (api/staged_files.py); the job's id.

    The job gets its own link to the staged file's bytes (`FileStore.link`), so the job's
    upload stays the job's alone, as for a direct upload: the worker and the retention sweep
    delete it when the job ends, and the staged file's own upload stays for further imports
    until the staged file expires (and the job's stays while it runs, expired or not).
    """
    name = check_target(group_id, group_name)
    mapping = check_mapping(field_mapping)
    async with read_transaction(engine) as conn:
        if (
            group_id is not None
            and await live_group_id(conn, account_id=account_id, group_id=group_id) is None
        ):
            raise NotFound("No group with this id.", field=["groupId"])
        staged = await staged_file_by_id(
            conn, account_id=account_id, staged_file_id=staged_file_id, now=now
        )
    gone = NotFound("No staged file with this id.", field=["stagedFileId"])
    if staged is None:
        raise gone
    try:
        key = await files.link(staged.upload_key)
    except FileNotFoundError:
        raise gone from None  # expired and swept since it was read
    job = QueuedImport(account_id, group_id, name, mode, mapping, started_by)
    encoding = codec.KnownEncoding(staged.encoding)  # its sniff's, from its whole upload
    saved = SavedFile(key, staged.file_name, staged.size_bytes, encoding)
    return await _queue_import(engine, files, saved, job, now)


@dataclass(frozen=True)
class QueuedImport:
    """What an import job is asked to do, checked."""

    account_id: int
    group_id: int | None
    group_name: str | None
    mode: str
    mapping: list[tuple[str, str]] | None
    started_by: str | None


@dataclass(frozen=True)
class SavedFile:
    """An upload kept for a job: its key, name, size (None: the store's), and its encoding
    as counted while it was saved (or decided when a staged file was)."""

    key: str
    file_name: str | None
    size: int | None
    counted: codec.Utf8Count | codec.KnownEncoding


async def _queue_import(
    engine: AsyncEngine, files: FileStore, saved: SavedFile, job: QueuedImport, now: datetime
) -> int:
    """Refuse at once a file the job could never read, else queue the job; the upload is
    deleted if anything fails.

    The check reads the file's first HEAD_BYTES (a ranged GET on S3, not the whole object),
    and the whole file only when they cannot tell.
    """
    key = saved.key
    try:
        async with files.head_copy(key, HEAD_BYTES) as head:
            size = head.size if saved.size is None else saved.size
            told = await asyncio.to_thread(
                _sniff, head.path, job.mapping, saved.counted, head.whole
            )
        if not told:
            async with files.local_copy(key) as path:
                await asyncio.to_thread(_sniff, path, job.mapping, saved.counted, True)
        async with write_transaction(engine) as conn:
            return await create_job(
                conn,
                now=now,
                account_id=job.account_id,
                kind=JobKind.IMPORT.value,
                mode=job.mode,
                group_id=job.group_id,
                new_group_name=job.group_name,
                upload_key=key,
                field_mapping=(
                    orjson.dumps(job.mapping).decode() if job.mapping is not None else None
                ),
                file_name=saved.file_name,
                size_bytes=size,
                started_by=job.started_by,
            )
    except BaseException:
        await files.delete(key)
        raise


def _sniff(
    path: Path,
    mapping: list[tuple[str, str]] | None,
    counted: codec.Utf8Count | codec.KnownEncoding,
    whole: bool,
) -> bool:
    """Refuse at once what the job could never read: binaries, no email column, bad mapping.

    `path` holds the file's start (all of it when `whole`); False when that cannot tell.
    """
    try:
        return codec.import_head_checked(path, mapping, counted, whole=whole)
    except codec.CsvFileError as error:
        field = [error.field] if error.field else None
        if error.code == "UNSUPPORTED_FILE":
            raise UnsupportedFile(str(error), field=field) from None
        raise InvalidInput(str(error), field=field) from None


@dataclass
class StageResult:
    """What parsing the file gave (its row errors wait in the connection's temp table)."""

    records: int
    rejected: int
    errors: int
    attribute_names: tuple[str, ...]
    # Writes the file of the rejected rows (api/rejects.py) once the file is open.
    rejects: RejectsWriter | None = None


async def run_import(
    job: JobRow,
    *,
    engine: AsyncEngine,
    files: FileStore,
    now: Callable[[], datetime],
    progress: ProgressSink,
    checkpoint: Checkpoint = no_checkpoint,
) -> None:
    """Parse, stage and apply the job's file in one transaction; raises on failure.

    `checkpoint` is awaited after each parsed chunk and between the write's statements.
    """
    if job.upload_key is None:
        raise ValueError(f"import job {job.id} names no uploaded file")
    mapping = orjson.loads(job.field_mapping) if job.field_mapping else None
    async with engine.connect() as conn:
        staged = StageResult(0, 0, 0, ())
        try:
            await _stage_file(
                conn, staged, job, files, mapping, progress=progress, checkpoint=checkpoint
            )
            await conn.execution_options(immediate=True)
            async with conn.begin():
                await checkpoint()
                group = await target_group(conn, job, now())
                backup_id = None
                if job.group_id is not None:
                    backup_id = await take_backup(
                        conn, group=group, reason=BackupReason.IMPORT, now=now()
                    )
                outcome = await write_recipients(
                    conn,
                    group=group,
                    source=StagedSource(),
                    mode=WriteMode(job.mode),
                    now=now(),
                    attribute_names=staged.attribute_names,
                    checkpoint=checkpoint,
                )
                await keep_row_errors(conn, job_id=job.id)
                rejects_key = await _finish_rejects(staged)
                await finish(
                    conn,
                    job_id=job.id,
                    attempt=job.attempts,
                    now=now(),
                    group_id=group.id,
                    backup_id=backup_id,
                    total_rows=staged.records,
                    processed_rows=staged.records,
                    rejected=staged.rejected,
                    added=outcome.added,
                    updated=outcome.updated,
                    unchanged=outcome.unchanged,
                    skipped=outcome.skipped,
                    status_kept=outcome.status_kept,
                    rejects_key=rejects_key,
                )
            if outcome.statistics_stale:
                refresh_soon(engine)
        except BaseException:
            # Failed, cancelled or taken over: no job names the file, it goes now.
            if staged.rejects is not None:
                staged.rejects.discard()  # a close and a local unlink: no thread, even when cancelled
            raise
        finally:
            await _drop_stage_quietly(conn, close=staged.records >= CLOSE_AFTER_ROWS)


async def _stage_file(
    conn: AsyncConnection,
    result: StageResult,
    job: JobRow,
    files: FileStore,
    mapping: list[list[str]] | None,
    *,
    progress: ProgressSink,
    checkpoint: Checkpoint,
) -> None:
    """Parse in the parse process (api/parse_process.py) while earlier chunks are written.

    Valid rows go to the staging table; rejected ones to the temp table of row errors and,
    with their cells, to the job's file of rejects (`result.rejects`).
    """
    if job.upload_key is None:
        raise ValueError(f"import job {job.id} names no uploaded file")
    pairs = [(column, field) for column, field in mapping] if mapping is not None else None
    # Recorded when the job was queued (a request to the store less); older jobs ask it.
    size = job.size_bytes if job.size_bytes is not None else await files.size(job.upload_key)
    # The codec reads a local path: the store's own file, or (S3) a download removed after.
    async with files.local_copy(job.upload_key) as path, _opened(path, pairs) as parsed:
        result.attribute_names = parsed.layout.attribute_names
        result.rejects = RejectsWriter(files, job.id, parsed, rejects_headers(job))
        await create_stage(conn)
        await create_row_error_stage(conn)
        while (chunk := await _next_chunk(parsed)) is not None:
            if chunk.rows:
                await stage_rows(conn, chunk.rows)
            if chunk.errors:
                await _stage_rejects(conn, result, chunk)
            _count(result, chunk)
            await progress(result.records, result.rejected, _estimate(chunk, size, result.records))
            await checkpoint()
        await conn.commit()


async def _stage_rejects(conn: AsyncConnection, result: StageResult, chunk: codec.Chunk) -> None:
    """Keep a chunk's row errors (temp table) and write its rejected rows to the file."""
    errors = [RowErrorRow(e.row, e.column, e.message, e.code) for e in chunk.errors]
    await stage_row_errors(conn, first_seq=result.errors, errors=errors)
    if result.rejects is not None:
        await asyncio.to_thread(result.rejects.write, chunk)


async def _finish_rejects(staged: StageResult) -> str | None:
    """Close and store the file of rejects; its key, None when nothing was rejected."""
    if staged.rejects is None:
        return None
    return await staged.rejects.finish()


def _estimate(chunk: codec.Chunk, size: int, records: int) -> int | None:
    """The rows the whole file likely has, from the bytes the records so far took."""
    position = chunk.bytes_read
    if not records or not position:
        return None
    if position >= size:
        return records
    return max(records, round(records * size / position))


@contextlib.asynccontextmanager
async def _opened(
    path: Path, mapping: list[tuple[str, str]] | None
) -> AsyncIterator[parse_process.ParsedFile]:
    try:
        parsed = await parse_process.open_parsed(path, mapping, chunk_rows=CHUNK_ROWS)
    except codec.CsvFileError as error:
        raise UserFacingError(str(error)) from None
    async with contextlib.aclosing(parsed):
        yield parsed


async def _next_chunk(parsed: parse_process.ParsedFile) -> codec.Chunk | None:
    try:
        return await parsed.next_chunk()
    except codec.CsvFileError as error:
        # e.g. an unclosed quote that swallows the rest of the file
        raise UserFacingError(f"The file could not be read to the end: {error}") from None


def _count(result: StageResult, chunk: codec.Chunk) -> None:
    result.records += chunk.records
    result.rejected += len(chunk.rejected)
    result.errors += len(chunk.errors)


async def _drop_stage_quietly(conn: AsyncConnection, *, close: bool = False) -> None:
    """Drop the staging tables, or with `close` on SQLite close the connection instead."""
    if close and is_sqlite(conn):
        # Closing discards the connection's temp file at once; a DROP of a 1,000,000-row
        # staging table frees its pages one by one (0.2-0.3 CPU s, 0.5 s and more of wall).
        # The pool opens a new connection for its next user (its pragmas: about a millisecond).
        await conn.invalidate()
        return
    try:
        if conn.in_transaction():
            await conn.rollback()
        await drop_stage(conn)
        await drop_row_error_stage(conn)
        await conn.commit()
    except Exception:  # the connection is going back to the pool; a failure here loses nothing
        await conn.invalidate()
