"""Use-case of import previews: what importing a staged file would do now, writing nothing.

The file is parsed by the import's codec and staged as an import stages it, on a connection
of the preview's own, in one transaction that is rolled back: its temp tables vanish with
it and nothing else is written (no recipient, version, backup, group seq or job). The
counts come from `storage.store.preview`, which shares the merge's expressions. The pages
of changes and row errors a request selects are read in that same transaction, before it
ends (the GraphQL layer names them up front).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.errors import InvalidInput, NotFound, UnsupportedFile, UserFacingError
from api.imports import CHUNK_ROWS, check_mapping
from api.jobs import check_target
from storage import codec
from storage.db import is_sqlite
from storage.files import FileStore
from storage.staged_files import staged_file_by_id
from storage.store.groups import live_group_id
from storage.store.preview import (
    NEW_GROUP,
    ChangeKind,
    PreviewChange,
    PreviewCounts,
    PreviewRowError,
    add_row_errors,
    allow_preview_memory,
    create_row_error_table,
    preview_changes,
    preview_counts,
    row_error_page,
)
from storage.store.write_path import WriteMode, create_stage, stage_rows


@dataclass(frozen=True)
class ChangePage:
    """A page of changes a request selects: `first` after the email `after`, of one kind or all."""

    kind: ChangeKind | None
    after: str | None
    first: int


@dataclass(frozen=True)
class RowErrorPage:
    """A page of row errors a request selects: `first` after the error numbered `after`."""

    after: int | None
    first: int


@dataclass(frozen=True)
class PreviewRequest:
    """What to preview: the staged file, the target, the mode and mapping, and the pages."""

    account_id: int
    staged_file_id: int
    group_id: int | None
    group_name: str | None
    mode: WriteMode
    field_mapping: Sequence[tuple[str, str]] | None
    change_pages: Sequence[ChangePage] = ()
    row_error_pages: Sequence[RowErrorPage] = ()


@dataclass
class ImportPreview:
    """The counts, and each requested page read one row past its size (more follow if it came)."""

    counts: PreviewCounts
    rejected: int
    row_error_count: int
    changes: dict[ChangePage, list[PreviewChange]]
    row_errors: dict[RowErrorPage, list[PreviewRowError]]


@dataclass
class _Parsed:
    rejected: int = 0
    errors: int = 0


async def preview_import(
    *, engine: AsyncEngine, files: FileStore, request: PreviewRequest, now: datetime
) -> ImportPreview:
    """What importing the staged file into the group would do now; NotFound, InvalidInput."""
    check_target(request.group_id, request.group_name)
    mapping = check_mapping(request.field_mapping)
    async with engine.connect() as conn:
        if not is_sqlite(conn):
            # One snapshot for every statement: the counts and pages agree with each other.
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        transaction = await conn.begin()
        try:
            await allow_preview_memory(conn)
            key = await _staged_key(conn, request, now)
            try:
                # The codec reads a local path: the store's own file, or (S3) a download.
                async with files.local_copy(key) as path:
                    parsed = await _stage(conn, path, mapping)
            except FileNotFoundError:
                # expired and swept since it was read
                raise NotFound("No staged file with this id.", field=["stagedFileId"]) from None
            return await _read_preview(conn, request, parsed)
        finally:
            await transaction.rollback()


async def _staged_key(conn: AsyncConnection, request: PreviewRequest, now: datetime) -> str:
    """The staged file's key, after checking the group and the file are the account's."""
    if (
        request.group_id is not None
        and await live_group_id(conn, account_id=request.account_id, group_id=request.group_id)
        is None
    ):
        raise NotFound("No group with this id.", field=["groupId"])
    staged = await staged_file_by_id(
        conn, account_id=request.account_id, staged_file_id=request.staged_file_id, now=now
    )
    if staged is None:
        raise NotFound("No staged file with this id.", field=["stagedFileId"])
    return staged.upload_key


async def _read_preview(
    conn: AsyncConnection, request: PreviewRequest, parsed: _Parsed
) -> ImportPreview:
    group_id = request.group_id if request.group_id is not None else NEW_GROUP
    counts = await preview_counts(conn, group_id=group_id, mode=request.mode)
    changes = {
        page: await preview_changes(
            conn,
            group_id=group_id,
            mode=request.mode,
            kind=page.kind,
            after_email=page.after,
            limit=page.first + 1,
        )
        for page in set(request.change_pages)
    }
    errors = {
        page: await row_error_page(conn, after_n=page.after, limit=page.first + 1)
        for page in set(request.row_error_pages)
    }
    return ImportPreview(counts, parsed.rejected, parsed.errors, changes, errors)


async def _stage(
    conn: AsyncConnection, path: Path, mapping: list[tuple[str, str]] | None
) -> _Parsed:
    """Parse in a worker thread while the previous chunk is staged, as an import does."""
    reader = await asyncio.to_thread(_open, path, mapping)
    parsed = _Parsed()
    pending: asyncio.Future[codec.Chunk | None] | None = None
    try:
        await create_stage(conn)
        await create_row_error_table(conn)
        chunks = reader.chunks(CHUNK_ROWS)
        pending = asyncio.ensure_future(asyncio.to_thread(_next_chunk, chunks))
        while (chunk := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(_next_chunk, chunks))
            if chunk.rows:
                await stage_rows(conn, chunk.rows)
            await add_row_errors(conn, _numbered(chunk.errors, parsed.errors))
            parsed.rejected += len({e.row for e in chunk.errors})
            parsed.errors += len(chunk.errors)
    finally:
        if pending is not None and not pending.done():
            with contextlib.suppress(Exception):
                await pending
        await asyncio.to_thread(reader.close)
    return parsed


def _numbered(errors: list[codec.RowError], first: int) -> list[PreviewRowError]:
    return [
        PreviewRowError(first + i + 1, e.row, e.column, e.message, e.code)
        for i, e in enumerate(errors)
    ]


def _open(path: Path, mapping: list[tuple[str, str]] | None) -> codec.CsvImportReader:
    """The reader the import would use; its refusals are the import's (importRecipients')."""
    try:
        return codec.open_import(path, mapping)
    except codec.CsvFileError as error:
        field = [error.field] if error.field else None
        if error.code == "UNSUPPORTED_FILE":
            raise UnsupportedFile(str(error), field=field) from None
        raise InvalidInput(str(error), field=field) from None


def _next_chunk(chunks: Iterator[codec.Chunk]) -> codec.Chunk | None:
    try:
        return next(chunks, None)
    except codec.CsvFileError as error:
        # The import would fail on it (an unclosed quote that swallows the rest of the file).
        raise UserFacingError(f"The file could not be read to the end: {error}") from None
