"""Use-cases of staged files: keep an upload, inspect it once, import it later (api/imports.py).

Inspecting reads the encoding and delimiter (as the import will), the header, and the first
rows: a few samples per column, and the rows' average size for an estimate of how many the
file has. The one part of the sniff that needs the whole file, how much of it is UTF-8, is
counted while the upload is saved (`FileStore.save` feeds each chunk to a `Utf8Count`), so
that after the upload only the file's first KB are read. Each column gets the field an import would likely want: a recipient field its
header is an alias of, else the account's attribute of that name, else a new attribute.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import overload

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import FileTooLarge, InvalidInput, UnsupportedFile
from api.imports import HEAD_BYTES, UploadSource
from storage.codec.errors import CsvFileError
from storage.codec.export import is_export_header
from storage.codec.header import MAX_ATTRIBUTE_NAME_LENGTH, field_of_header, read_header
from storage.codec.sniff import SURROGATE, UNDECODABLE, Utf8Count, sniff_file
from storage.db import read_transaction, write_transaction
from storage.files import FileStore, TooLarge
from storage.jobs import file_name_of
from storage.staged_files import account_attribute_names, create_staged_file

SAMPLES_PER_COLUMN = 5
# Records read for the size estimate (a file with fewer is counted exactly).
ESTIMATE_ROWS = 1000
MAX_SAMPLE_CHARS = 200
# The encoding a row's bytes are counted in: without the BOM each encode would add.
_COUNTED_AS = {"utf-8-sig": "utf-8", "utf-16": "utf-16-le"}


@dataclass(frozen=True)
class DetectedColumn:
    """A column of a staged file: its header, the field it likely is, its first values."""

    index: int
    header: str
    suggested_field: str | None
    samples: list[str]


@dataclass(frozen=True)
class Inspection:
    """What one read of a file's start told."""

    encoding: str
    delimiter: str
    row_estimate: int
    columns: list[DetectedColumn]


def columns_json(columns: Sequence[DetectedColumn]) -> str:
    """The columns as stored (`staged_file.columns`)."""
    return orjson.dumps(
        [[c.index, c.header, c.suggested_field, c.samples] for c in columns]
    ).decode()


def columns_of(text: str) -> list[DetectedColumn]:
    """The stored columns read back."""
    return [DetectedColumn(i, h, f, list(s)) for i, h, f, s in orjson.loads(text)]


async def stage_file(
    *,
    engine: AsyncEngine,
    files: FileStore,
    account_id: int,
    upload: UploadSource,
    max_bytes: int,
    now: datetime,
    keep_for: timedelta,
) -> int:
    """Keep the upload, inspect it and store the staged file; its id.

    A file no import could read at all (binary, empty, no header) is refused with the
    import's own errors, and not kept.
    """
    counted = Utf8Count()
    try:
        key = await files.save(upload.read, max_bytes=max_bytes, on_chunk=counted.feed)
    except TooLarge:
        raise FileTooLarge(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB.", field=["file"]
        ) from None
    try:
        async with read_transaction(engine) as conn:
            names = await account_attribute_names(conn, account_id=account_id)
        # The file's first bytes tell (a ranged GET on S3); the whole of it only if they cannot.
        async with files.head_copy(key, HEAD_BYTES) as head:
            size = head.size
            found = await asyncio.to_thread(
                _inspect_or_refuse, head.path, size, names, counted, head.whole
            )
        if found is None:
            async with files.local_copy(key) as path:
                found = await asyncio.to_thread(_inspect_or_refuse, path, size, names, counted)
        assert found is not None  # a whole file always tells
        async with write_transaction(engine) as conn:
            return await create_staged_file(
                conn,
                account_id=account_id,
                upload_key=key,
                file_name=file_name_of(upload.filename),
                size_bytes=size,
                encoding=found.encoding,
                delimiter=found.delimiter,
                row_estimate=found.row_estimate,
                columns=columns_json(found.columns),
                created_at=now,
                expires_at=now + keep_for,
            )
    except BaseException:
        await files.delete(key)
        raise


def _inspect_or_refuse(
    path: Path, size: int, attribute_names: Sequence[str], counted: Utf8Count, whole: bool = True
) -> Inspection | None:
    try:
        return inspect_file(path, size, attribute_names, counted, whole=whole)
    except CsvFileError as error:
        field = [error.field] if error.field else None
        if error.code == "UNSUPPORTED_FILE":
            raise UnsupportedFile(str(error), field=field) from None
        raise InvalidInput(str(error), field=field) from None


@overload
def inspect_file(
    path: Path, size: int, attribute_names: Sequence[str], counted: Utf8Count | None = None
) -> Inspection: ...


@overload
def inspect_file(
    path: Path, size: int, attribute_names: Sequence[str], counted: Utf8Count, *, whole: bool
) -> Inspection | None: ...


def inspect_file(
    path: Path,
    size: int,
    attribute_names: Sequence[str],
    counted: Utf8Count | None = None,
    *,
    whole: bool = True,
) -> Inspection | None:
    """Sniff the file, read its header and first rows; raises CsvFileError.

    `counted`: the file's bytes counted as they were saved (else the sniff reads them all).
    Without `whole`, `path` holds only the file's start (at least the sniff's sample): its
    last record may be cut, so it is not used, and None when no record is left after the
    header (which may be cut too), or when the start fails to read: the whole file must tell.
    """
    try:
        encoding, delimiter = sniff_file(path, counted)
        with path.open(encoding=encoding, errors=UNDECODABLE, newline="") as stream:
            records = csv.reader(stream, delimiter=delimiter, skipinitialspace=True)
            _, header = read_header(records)
            rows, complete = _first_rows(records, whole=whole)
    except CsvFileError:
        if whole:
            raise
        return None
    if not whole and not rows:
        return None
    counted_as = _COUNTED_AS.get(encoding, encoding)
    ending = _line_ending(path, encoding)
    samples: list[list[str]] = [[] for _ in header]
    for cells in rows[:SAMPLES_PER_COLUMN]:
        for index, cell in enumerate(cells[: len(header)]):
            samples[index].append(_readable(cell.strip())[:MAX_SAMPLE_CHARS])
    return Inspection(
        encoding=encoding,
        delimiter=delimiter,
        row_estimate=_estimate(rows, complete, header, (delimiter, ending, counted_as), size),
        columns=[
            DetectedColumn(index, _readable(name), field, samples[index])
            for index, (name, field) in enumerate(
                zip(header, suggested_fields(header, attribute_names), strict=True)
            )
        ],
    )


def suggested_fields(header: Sequence[str], attribute_names: Sequence[str]) -> list[str | None]:
    """For each column: the field an import would likely map it to; None when none fits.

    A recipient field by its aliases (once: a second `E-Mail` column gets None), else an
    existing attribute of that name (case and spaces aside), else the header as a new
    attribute; a listkeeper export's columns are their exact names.
    """
    if is_export_header(tuple(header)):
        return [name or None for name in header]
    existing = {name.strip().casefold(): name for name in attribute_names}
    taken: set[str] = set()
    suggestions: list[str | None] = []
    for name in header:
        field = field_of_header(name) if name else None
        if field is None and name:
            field = existing.get(name.strip().casefold(), name)
            if len(field) > MAX_ATTRIBUTE_NAME_LENGTH or "\x00" in field or SURROGATE.search(field):
                field = None
        if field is not None and field in taken:
            field = None
        if field is not None:
            taken.add(field)
        suggestions.append(field)
    return suggestions


def _first_rows(
    records: Iterator[list[str]], *, whole: bool = True
) -> tuple[list[list[str]], bool]:
    """Up to ESTIMATE_ROWS non-blank records, and whether they were all the file had.

    Not `whole`: the records of a file's start, whose last one may be cut: never used.
    """
    rows: list[list[str]] = []
    wanted = ESTIMATE_ROWS if whole else ESTIMATE_ROWS + 1
    try:
        for cells in records:
            if any(cell.strip() for cell in cells):
                rows.append(cells)
                if len(rows) == wanted:
                    return rows[:ESTIMATE_ROWS], False
    except csv.Error:
        return rows, False  # a broken row: the import reports it; the estimate uses what read
    if not whole:
        return rows[:-1], False
    return rows, True


def _estimate(
    rows: list[list[str]],
    complete: bool,
    header: Sequence[str],
    written: tuple[str, str, str],
    size: int,
) -> int:
    """The data rows of the file: exact when all were read, else the bytes over a row's average.

    `written`: the delimiter, line ending and encoding the rows are measured in, written back
    as a spreadsheet writes them (quoted where needed: a quote or delimiter in a cell costs
    its bytes too).
    """
    if complete or not rows:
        return len(rows)
    delimiter, ending, encoding = written

    def length(records: Sequence[Sequence[str]]) -> int:
        text = io.StringIO()
        csv.writer(text, delimiter=delimiter, lineterminator=ending).writerows(records)
        return len(text.getvalue().encode(encoding, errors="replace"))

    average = length(rows) / len(rows)
    return max(len(rows), round((size - length([header])) / average))


def _line_ending(path: Path, encoding: str) -> str:
    """The file's line ending, from its first one: CRLF (Excel's), LF or a lone CR."""
    with path.open(encoding=encoding, errors=UNDECODABLE, newline="") as stream:
        start = stream.read(64 * 1024)
    for index, char in enumerate(start):
        if char == "\n":
            return "\n"
        if char == "\r":
            return "\r\n" if start[index + 1 : index + 2] == "\n" else "\r"
    return "\n"


def _readable(text: str) -> str:
    """Text a response can carry: an undecodable byte shows as U+FFFD."""
    return SURROGATE.sub("\ufffd", text)
