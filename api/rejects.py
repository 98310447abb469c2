"""The file of a job's rejected rows: written while the job parses its file, fetched by a signed URL.

The file (`ImportJob.rejectedRowsUrl`, the CLI's `--rejects FILE`) is UTF-8 without a BOM,
comma-separated, LF line ends, cells quoted as exports quote them (`export_text`):

- the header: the file's own header cells (a listkeeper export's names neutralised as the
  export wrote them), then `REJECT_COLUMNS`: error_row, error_column, error_code, error_message;
- one line per rejected row, in file order: its cells as read, padded to the header's width,
  then the four error cells, then any cells past the header's width (TOO_MANY_COLUMNS), so no
  cell is lost and the error columns stay in place. A row with several errors gets the first
  one's column and code (the order `_check_row` finds them: extra cells, email, names, status,
  attributes) and every message, joined with " | ", each after the first led by its column;
- a NUL or a byte that was not text cannot be written as UTF-8: U+FFFD stands in its place.

Data cells are written as read, so the fixed file re-imports as the original would have; an
import ignores the four error columns (`storage.codec.reader.is_rejects_header`). The error
cells are neutralised for spreadsheets: no import reads them.

The file is written to a local temp file (the store's `temp_dir`) while the job parses, then
stored whole (`FileStore.put_file`: a rename in the folder store, an upload to S3) as
`rejects-<job id>-<random>.csv`, named by `job.rejects_key` once the job has finished (the
same transaction); a file its job does not name (the job failed, was cancelled, or its worker
died) is deleted by `sweep_orphan_rejects`, a temp file left by a process that died by
`sweep_old_reject_temps`.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import TextIOWrapper
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from api.downloads import REJECTS_PATH, REJECTS_SALT, download_token
from storage.addresses import normalise_email
from storage.codec import Chunk, RowError, neutralise_cell
from storage.codec.export import export_text
from storage.codec.reader import REJECT_COLUMNS, OpenedFile
from storage.codec.sniff import SURROGATE
from storage.db import read_transaction, write_transaction
from storage.files import FileStore, sweep_old_temps
from storage.jobs import (
    ACTIVE_STATUSES,
    expired_rejects,
    forget_rejects,
    job_by_id,
    rejects_claims,
    rejects_of_account,
)

_KEY = re.compile(r"rejects-(\d+)-[0-9a-f]{24}\.csv")
# Expired files of rejects forgotten per transaction.
EXPIRED_BATCH = 1000
TEMP_SUFFIX = ".tmp"
TEMP_SECONDS = 3600.0  # a temp file untouched this long was left by a process that died


def rejects_key(job_id: int) -> str:
    """A new file store key for a job's file of rejects (the job's id, then a random part)."""
    return f"rejects-{job_id}-{secrets.token_hex(12)}.csv"


def job_of_key(key: str) -> int | None:
    """The job id a file of rejects' key names; None for any other file."""
    found = _KEY.fullmatch(key)
    return int(found.group(1)) if found else None


class RejectsWriter:
    """Writes the rejected rows of a job's chunks to a local temp file; `write` runs in a
    thread, `finish` stores the file.

    The file is created with the first rejected row: a job that rejects nothing has none.
    """

    def __init__(
        self,
        files: FileStore,
        job_id: int,
        reader: OpenedFile,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.files = files
        # Stored with the file: what a presigned download of it answers.
        self.headers = headers
        self.key: str | None = None
        self._job_id = job_id
        layout = reader.layout
        names = list(reader.data_header)
        if layout.is_export:
            names = [neutralise_cell(name) for name in names]
        self._header = [*names, *REJECT_COLUMNS]
        self._data_width = len(reader.data_header)
        self._read_width = len(layout.header)
        self._out: TextIOWrapper | None = None

    def write(self, chunk: Chunk) -> None:
        """Append the chunk's rejected rows (blocking: call it in a thread)."""
        if not chunk.rejected:
            return
        out = self._out if self._out is not None else self._open()
        errors: dict[int, list[RowError]] = {}
        for error in chunk.errors:
            errors.setdefault(error.row, []).append(error)
        lines = [self._line(row, cells, errors.get(row, [])) for row, cells in chunk.rejected]
        out.write(export_text(lines))

    async def finish(self) -> str | None:
        """Close the file and store it; its key, or None when nothing was rejected."""
        await asyncio.to_thread(self._close)
        if self.key is None:
            return None
        await self.files.put_file(self.key, self._temp_path(self.key), headers=self.headers)
        return self.key

    def discard(self) -> None:
        """Close and delete the temp file (the job did not finish). A file already stored is
        named by no job: `sweep_orphan_rejects` deletes it."""
        self._close()
        if self.key is not None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._temp_path(self.key))
            self.key = None

    def _close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def _temp_path(self, key: str) -> Path:
        return self.files.temp_dir / (key + TEMP_SUFFIX)

    def _open(self) -> TextIOWrapper:
        self.files.temp_dir.mkdir(parents=True, exist_ok=True)
        self.key = rejects_key(self._job_id)
        out = open(self._temp_path(self.key), "w", encoding="utf-8", newline="")  # noqa: SIM115
        out.write(export_text([self._header]))
        self._out = out
        return out

    def _line(self, row: int, cells: list[str], errors: Sequence[RowError]) -> list[str]:
        data = [_text(cell) for cell in cells[: self._data_width]]
        data += [""] * (self._data_width - len(data))
        extra = [_text(cell) for cell in cells[self._read_width :]]
        while extra and not extra[-1].strip():
            extra.pop()
        return [*data, *_error_cells(row, errors), *extra]


def _error_cells(row: int, errors: Sequence[RowError]) -> list[str]:
    """error_row, error_column, error_code, error_message of one rejected row."""
    if not errors:  # never: a rejected record has at least one error
        return [str(row), "", "", ""]
    first = errors[0]
    messages = [first.message] + [
        f"{error.column}: {error.message}" if error.column else error.message
        for error in errors[1:]
    ]
    cells = [str(row), first.column or "", first.code, " | ".join(messages)]
    return [neutralise_cell(_text(cell)) for cell in cells]


def _text(cell: str) -> str:
    """The cell as UTF-8 can hold it: U+FFFD for a NUL or an undecodable byte."""
    if "\x00" in cell:
        cell = cell.replace("\x00", "\ufffd")
    if not cell.isascii() and SURROGATE.search(cell):
        cell = SURROGATE.sub("\ufffd", cell)
    return cell


async def kept_rejects_key(*, engine: AsyncEngine, account_id: int, job_id: int) -> str | None:
    """The file store key of the job's file of rejects; None if the account has no such job
    or the job kept none (nothing rejected, not finished, or deleted since)."""
    async with read_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id, account_id=account_id)
    return None if job is None else job.rejects_key


# The signed link ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RejectsLink:
    """A signed path to a job's file of rejects and when it stops working."""

    path: str
    expires_at: datetime


def rejects_link(
    *, secret: str, account_id: int, job_id: int, now: datetime, ttl: int
) -> RejectsLink:
    """The path of a signed URL valid for `ttl` seconds from `now` (to the second)."""
    expires = datetime.fromtimestamp(int((now + timedelta(seconds=ttl)).timestamp()), UTC)
    token = download_token(
        secret=secret, account_id=account_id, item_id=job_id, expires_at=expires, salt=REJECTS_SALT
    )
    return RejectsLink(REJECTS_PATH + token, expires)


# Lifetime and erasure ----------------------------------------------------------------------


async def sweep_expired_rejects(*, engine: AsyncEngine, files: FileStore, as_of: datetime) -> int:
    """Delete the files of rejects older than their account's backup retention; how many."""
    removed = 0
    while True:
        async with write_transaction(engine) as conn:
            expired = await expired_rejects(conn, as_of=as_of, limit=EXPIRED_BATCH)
            await forget_rejects(conn, job_ids=[job_id for job_id, _ in expired])
        # A crash between the two leaves a file no job names: an orphan, swept next.
        for _, key in expired:
            await files.delete(key)
        removed += len(expired)
        if len(expired) < EXPIRED_BATCH:
            return removed


async def sweep_orphan_rejects(*, engine: AsyncEngine, files: FileStore) -> int:
    """Delete the files of rejects their job does not name once it has ended; how many.

    A running job's file is kept: its job names it when it finishes, in the same transaction.
    Temp files of rejects a dead process left go too (not counted).
    """
    await asyncio.to_thread(sweep_old_reject_temps, files)
    keys = {
        key: job_id
        for key in await files.keys("rejects-")
        if (job_id := job_of_key(key)) is not None
    }
    if not keys:
        return 0
    async with read_transaction(engine) as conn:
        claims = await rejects_claims(conn, job_ids=sorted(set(keys.values())))
    orphans = []
    for key, job_id in keys.items():
        status, named = claims.get(job_id, (None, None))
        if status not in ACTIVE_STATUSES and named != key:
            orphans.append(key)
    for key in orphans:
        await files.delete(key)
    return len(orphans)


def sweep_old_reject_temps(files: FileStore, older_than: float = TEMP_SECONDS) -> int:
    """Delete temp files of rejects untouched for `older_than` seconds (left by a process that
    died while its job ran); how many. Blocking: call it in a thread."""

    def ours(name: str) -> bool:
        return name.endswith(TEMP_SUFFIX) and job_of_key(name[:-4]) is not None

    return sweep_old_temps(files.temp_dir, older_than, ours)


async def forget_rejects_holding(
    conn: AsyncConnection, *, files: FileStore, account_id: int, address: str
) -> list[str]:
    """In an erasure's transaction: the account's jobs stop naming the files of rejects that
    hold `address` (canonical); their keys, for the caller to delete once committed.

    Whole files go rather than rewritten ones: the file is a convenience (the job keeps its
    counts and row errors), and a deleted file cannot keep a spelling a rewrite missed.
    """
    holding = []
    for job_id, key in await rejects_of_account(conn, account_id=account_id):
        if await _file_holds(files, key, address):
            holding.append((job_id, key))
    await forget_rejects(conn, job_ids=[job_id for job_id, _ in holding])
    return [key for _, key in holding]


async def _file_holds(files: FileStore, key: str, address: str) -> bool:
    """Whether the stored file `key` holds `address` (a file gone since holds nothing)."""
    try:
        async with files.local_copy(key) as path:
            return await asyncio.to_thread(holds_address, path, address)
    except FileNotFoundError:
        return False


def holds_address(path: Path, address: str) -> bool:
    """Whether a cell of the file holds `address` in any spelling (case, NFC/NFD, punycode)."""
    try:
        stream = path.open(encoding="utf-8", errors="replace", newline="")
    except FileNotFoundError:
        return False
    with stream:
        for cells in csv.reader(stream):
            for cell in cells:
                if "@" in cell and _cell_holds(cell, address):
                    return True
    return False


def _cell_holds(cell: str, address: str) -> bool:
    if address in unicodedata.normalize("NFC", cell.lower()):
        return True
    return normalise_email(cell) == address
