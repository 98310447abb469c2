"""Read recipient CSV files: `open_import` and the streaming `CsvImportReader`.

`open_import` refuses a file it cannot read at all with `CsvFileError`; otherwise
`CsvImportReader.chunks` streams the records in constant memory as `Chunk`s of staged rows and
`RowError`s (a row with any problem is rejected whole), with the cells of each rejected record
as read, for the job's file of rejects (api/rejects.py).

A file of rejects, recognised by a header ending in `REJECT_COLUMNS`, imports as the file it was
made from: those four columns are ignored (their names blanked, so no field or attribute takes
them, even through a field mapping). Any other file's `error_code` column is an attribute.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Protocol, TextIO

from storage.codec.errors import CsvFileError, RowError
from storage.codec.header import CsvLayout, layout_of, map_columns, read_header
from storage.codec.rows import RowOutcome, StagedRow, fast_row_parser, row_parser
from storage.codec.sniff import UNDECODABLE, KnownEncoding, Utf8Count, sniff_file

# Far above any valid field, so a long field becomes FIELD_TOO_LONG instead of a csv.Error.
_FIELD_SIZE_LIMIT = 10 * 1024 * 1024
# The columns a file of rejects adds after the file's own (api/rejects.py writes them).
REJECT_COLUMNS = ("error_row", "error_column", "error_code", "error_message")


@dataclass
class Chunk:
    """Consecutive records: the staged rows, the errors of the rejected ones, how many in all."""

    rows: list[StagedRow]
    errors: list[RowError]
    records: int
    # How far into the file the reader was after these records (for progress estimates).
    bytes_read: int = field(default=0, compare=False)
    # (row, cells as read) of each rejected record, in row order: one entry per row of `errors`.
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)


class OpenedFile(Protocol):
    """What opening a file found: its layout and its own columns (a reader, here or elsewhere)."""

    @property
    def layout(self) -> CsvLayout: ...

    @property
    def data_header(self) -> tuple[str, ...]: ...


def open_import(
    path: Path,
    field_mapping: Sequence[tuple[str, str]] | None = None,
    counted: Utf8Count | KnownEncoding | None = None,
) -> CsvImportReader:
    """Sniff the file at `path` and return a reader; raises CsvFileError.

    `counted`: the file's bytes counted as they were saved, or their decision (`sniff_file`).
    """
    encoding, delimiter = sniff_file(path, counted)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    stream = path.open(encoding=encoding, errors=UNDECODABLE, newline="")
    try:
        # skipinitialspace lets `a, "b, c"` parse as two cells; cells are stripped anyway.
        records = csv.reader(stream, delimiter=delimiter, skipinitialspace=True)
        header_row, own_header = read_header(records)
        header, field_mapping = _without_reject_columns(own_header, field_mapping)
        columns = map_columns(header, field_mapping)
    except BaseException:
        stream.close()
        raise
    layout = layout_of(encoding, delimiter, header, columns)
    data_width = len(header) - (len(REJECT_COLUMNS) if is_rejects_header(own_header) else 0)
    return CsvImportReader(stream, records, layout, header_row, own_header[:data_width])


def import_head_checked(
    path: Path,
    field_mapping: Sequence[tuple[str, str]] | None,
    counted: Utf8Count | KnownEncoding,
    *,
    whole: bool,
) -> bool:
    """Check, from a file's first bytes at `path` (all of them when `whole`), what an import
    of it checks before it runs: raises CsvFileError for a file no import could read.

    False when those bytes cannot tell: they end before a record follows the header (which
    may then be cut short), or a cut file fails; the whole file must then be checked.
    """
    try:
        with open_import(path, field_mapping, counted) as reader:
            return whole or next(reader.records_after_header(), None) is not None
    except CsvFileError:
        if whole:
            raise
        return False


def is_rejects_header(header: Sequence[str]) -> bool:
    """Whether a header (names stripped) is that of a file of rejects."""
    return (
        len(header) > len(REJECT_COLUMNS)
        and tuple(header[-len(REJECT_COLUMNS) :]) == REJECT_COLUMNS
    )


def _without_reject_columns(
    header: tuple[str, ...], field_mapping: Sequence[tuple[str, str]] | None
) -> tuple[tuple[str, ...], Sequence[tuple[str, str]] | None]:
    """A file of rejects' header with its four error columns blanked, and a mapping without them.

    Blanked, not dropped: rows keep their width, and a blank header name maps to nothing.
    """
    if not is_rejects_header(header):
        return header, field_mapping
    blanked = header[: -len(REJECT_COLUMNS)] + ("",) * len(REJECT_COLUMNS)
    if field_mapping is not None:
        field_mapping = [pair for pair in field_mapping if pair[0].strip() not in REJECT_COLUMNS]
    return blanked, field_mapping


class CsvImportReader:
    """Streams the data records of an opened file; use it as a context manager."""

    def __init__(
        self,
        stream: TextIO,
        records: Iterator[list[str]],
        layout: CsvLayout,
        header_row: int,
        data_header: tuple[str, ...] | None = None,
    ) -> None:
        self.layout = layout
        # The file's own columns: its header as read, without a file of rejects' error columns.
        self.data_header = layout.header if data_header is None else data_header
        self._stream = stream
        self._records = records
        self._row = header_row
        self._parse = row_parser(layout)
        self._fast = fast_row_parser(layout)

    def records_after_header(self) -> Iterator[list[str]]:
        """The records as read, without their checks (a sniff's look ahead)."""
        return self._records

    @property
    def bytes_read(self) -> int:
        """How far into the file the reader is, in bytes (ahead by at most a buffer)."""
        return self._stream.buffer.tell()

    def chunks(self, size: int = 10_000) -> Iterator[Chunk]:
        """Yield the remaining records in chunks of `size` records; raises CsvFileError."""
        if size < 1:
            raise ValueError("size must be at least 1")
        parse, fast = self._parse, self._fast
        rows: list[StagedRow] = []
        errors: list[RowError] = []
        rejected: list[tuple[int, list[str]]] = []
        count = 0
        row = self._row
        try:
            for cells in self._records:
                row += 1
                # The C hot path first: None means the record is the Python code's to decide.
                outcome: RowOutcome = fast(row, cells) if fast is not None else None
                if outcome is None and (outcome := parse(row, cells)) is None:
                    continue
                if isinstance(outcome, tuple):
                    rows.append(outcome)
                else:
                    errors.extend(outcome)
                    rejected.append((row, cells))
                count += 1
                if count == size:
                    self._row = row
                    yield Chunk(rows, errors, count, self.bytes_read, rejected)
                    rows, errors, rejected, count = [], [], [], 0
        except csv.Error as exc:
            # Only a field beyond _FIELD_SIZE_LIMIT gets here: an unclosed quote, most likely.
            message = f"Row {row + 1} cannot be read ({exc}); is a quote character missing?"
            raise CsvFileError(message, code="INVALID_INPUT", field="file") from exc
        self._row = row
        if count:
            yield Chunk(rows, errors, count, self.bytes_read, rejected)

    def close(self) -> None:
        """Close the file."""
        self._stream.close()

    def __enter__(self) -> CsvImportReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
