"""Read recipient CSV files: sniff, decode, map the header, validate and stage the rows.

`open_import` refuses a file it cannot read at all with `CsvFileError`; otherwise
`CsvImportReader.chunks` streams the records in constant memory as `Chunk`s of staged rows and
`RowError`s (a row with any problem is rejected whole). Writing files lives in
`storage.csv_export`, re-exported here.
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import TextIO

import orjson
from email_validator import EmailNotValidError, validate_email

from storage.csv_export import (
    RECIPIENT_FIELDS,
    STATUSES,
    export_header,
    export_row,
    neutralise_cell,
    restore_cell,
)

__all__ = [
    "RECIPIENT_FIELDS",
    "STATUSES",
    "Chunk",
    "CsvFileError",
    "CsvImportReader",
    "CsvLayout",
    "RowError",
    "StagedRow",
    "export_header",
    "export_row",
    "neutralise_cell",
    "normalise_email",
    "open_import",
    "restore_cell",
]

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 255
MAX_ATTRIBUTE_LENGTH = 4_000
MAX_ATTRIBUTE_NAME_LENGTH = 100

# (row_number, email, first_name, last_name, status, attributes_json)
StagedRow = tuple[int, str, str | None, str | None, str | None, str | None]
# What one record turns into: a staged row, its errors, or None for a blank line.
_Outcome = StagedRow | list["RowError"] | None

_SAMPLE_BYTES = 64 * 1024
_SNIFF_CHARS = 8 * 1024  # "a few KB"; the sniffer is quadratic on some inputs
_DELIMITERS = ",;\t|"
# Far above any valid field, so a long field becomes FIELD_TOO_LONG instead of a csv.Error.
_FIELD_SIZE_LIMIT = 10 * 1024 * 1024
_UNDECODABLE = "listkeeper.undecodable"

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (xlsx, docx, ods or zip)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (xls) or Word document"),
    *((b"BZh%d1AY&SY" % level, "a bzip2 file") for level in range(1, 10)),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\xfd7zXZ\x00", "an xz file"),
    (b"\x28\xb5\x2f\xfd", "a zstd file"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)

_EMAIL_PATTERN = re.compile(
    r"(?=[^@]{1,64}@)"  # local part at most 64 characters
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?![0-9]+\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"  # the top-level domain is not numeric
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_FOLD_DROPPED = re.compile(r"[\s\-_.]+")

_HEADER_ALIASES = {
    "email": (
        "email", "e-mail", "email address", "e-mail address", "e-mail-adresse", "emailadresse",
        "mail", "mail address", "courriel", "adresse e-mail", "adresse mail", "correo",
        "correo electrónico", "e-mailadres",
    ),
    "firstName": (
        "first name", "firstname", "first", "given name", "forename", "vorname", "prénom",
        "nombre",
    ),
    "lastName": (
        "last name", "lastname", "last", "surname", "family name", "nachname", "nom",
        "nom de famille", "apellido", "apellidos",
    ),
    "status": ("status", "statut", "state", "estado"),
}  # fmt: skip
_STATUS_ALIASES = {
    "ACTIVE": ("active", "aktiv", "actif", "subscribed", "abonniert"),
    "INACTIVE": ("inactive", "inaktiv", "inactif"),
    "UNSUBSCRIBED": ("unsubscribed", "abgemeldet", "désabonné", "opted out", "opt-out"),
    "BOUNCED": ("bounced", "bounce", "hard bounce"),
}


def _fold(text: str) -> str:
    """Compare names loosely: case, accents, spaces, `-`, `_` and `.` do not count."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _FOLD_DROPPED.sub("", bare)


def _folded_lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_fold(alias): target for target, names in aliases.items() for alias in names}


_FIELD_BY_HEADER = _folded_lookup(_HEADER_ALIASES)
_STATUS_BY_WORD = _folded_lookup(_STATUS_ALIASES)


def _as_surrogates(error: UnicodeError) -> tuple[str, int]:
    """Like `surrogateescape`, but for any byte: UTF-16 errors include bytes below 0x80."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(_UNDECODABLE, _as_surrogates)


class CsvFileError(Exception):
    """The whole file cannot be imported; `code` and `field` feed the API's user error."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one rejected record (row 1 is the header)."""

    row: int
    column: str | None
    message: str
    code: str


@dataclass(frozen=True)
class CsvLayout:
    """What `open_import` found out about a file and how its columns map to fields."""

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    columns: tuple[tuple[int, str], ...]
    has_first_name: bool
    has_last_name: bool
    has_status: bool
    attribute_names: tuple[str, ...]


@dataclass
class Chunk:
    """Consecutive records: the staged rows, the errors of the rejected ones, how many in all."""

    rows: list[StagedRow]
    errors: list[RowError]
    records: int


def normalise_email(value: str) -> str:
    """Return the stored form of an email address: stripped and lower-case."""
    return value.strip().lower()


def open_import(
    path: Path, field_mapping: Sequence[tuple[str, str]] | None = None
) -> CsvImportReader:
    """Sniff the file at `path` and return a reader; raises CsvFileError."""
    with path.open("rb") as raw:
        sample = raw.read(_SAMPLE_BYTES)
    complete = len(sample) < _SAMPLE_BYTES
    encoding = _sniff_encoding(sample, complete)
    if encoding == "utf-8" and not complete:
        encoding = _confirm_utf8(path)
    delimiter = _sniff_delimiter(_decode_sample(sample, encoding, complete), complete)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    stream = path.open(encoding=encoding, errors=_UNDECODABLE, newline="")
    try:
        # skipinitialspace lets `a, "b, c"` parse as two cells; cells are stripped anyway.
        records = csv.reader(stream, delimiter=delimiter, skipinitialspace=True)
        header_row, header = _read_header(records)
        columns = _map_columns(header, field_mapping)
    except BaseException:
        stream.close()
        raise
    layout = _layout(encoding, delimiter, header, columns)
    return CsvImportReader(stream, records, layout, header_row)


def _sniff_encoding(sample: bytes, complete: bool) -> str:
    """Refuse binary files, then pick the encoding: BOM, else UTF-8 if it decodes, else cp1252."""
    if not sample:
        raise CsvFileError("The file is empty.", code="INVALID_INPUT", field="file")
    for signature, kind in _BINARY_SIGNATURES:
        if sample.startswith(signature):
            raise _unsupported(f"The file is {kind}, not a CSV file.")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise _unsupported("The file contains binary data, not CSV text.")
    try:
        # Incremental, so a multi-byte character cut at the end of the sample still decodes.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _confirm_utf8(path: Path) -> str:
    """Check the whole file (C speed, ~1 GB/s): a plain-ASCII start may hide a cp1252 file.

    A file with valid multi-byte UTF-8 before its first bad byte stays UTF-8 (the bad
    bytes become row errors); one with no UTF-8 character before it is cp1252.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen_multibyte = False
    with path.open("rb") as raw:
        while chunk := raw.read(1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                seen_multibyte = seen_multibyte or not chunk[: error.start].isascii()
                return "utf-8" if seen_multibyte else "cp1252"
            seen_multibyte = seen_multibyte or not chunk.isascii()
    return "utf-8"


def _unsupported(message: str) -> CsvFileError:
    hint = " Save it from your spreadsheet as CSV (comma or semicolon separated) and retry."
    return CsvFileError(message + hint, code="UNSUPPORTED_FILE", field="file")


def _decode_sample(sample: bytes, encoding: str, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors=_UNDECODABLE)
    text: str = decoder.decode(sample, final=complete)
    return text[:_SNIFF_CHARS]


def _sniff_delimiter(text: str, complete: bool) -> str:
    """Ask csv.Sniffer, but only believe a delimiter the header line contains."""
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not complete or len(text) == _SNIFF_CHARS:
        # The sniffer judges lines by consistency: drop the cut-off last one.
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text
    try:
        found = csv.Sniffer().sniff(text, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header_line:
        return found
    # The most frequent candidate in the header; `,` (first) when there is none: one column.
    return max(_DELIMITERS, key=header_line.count)


def _read_header(records: Iterator[list[str]]) -> tuple[int, tuple[str, ...]]:
    """Return the row number and the stripped names of the first non-blank record."""
    row = 0
    try:
        for cells in records:
            row += 1
            names = tuple(restore_cell(cell).strip() for cell in cells)
            if any(names):
                return row, names
    except csv.Error as exc:
        message = f"The header cannot be read: {exc}."
        raise CsvFileError(message, code="INVALID_INPUT", field="file") from exc
    raise CsvFileError("The file has no header row.", code="INVALID_INPUT", field="file")


def _map_columns(
    header: tuple[str, ...], field_mapping: Sequence[tuple[str, str]] | None
) -> list[tuple[int, str]]:
    """Return (column index, target field) pairs, checked; raises CsvFileError."""
    _check_header(header)
    if field_mapping is None:
        columns = [(i, _FIELD_BY_HEADER.get(_fold(h), h)) for i, h in enumerate(header) if h]
        source = "file"
    else:
        columns = _explicit_columns(header, field_mapping)
        source = "fieldMapping"
    _check_targets(header, columns, source)
    return columns


def _check_header(header: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            message = f"The header has two columns named {name!r}; rename one of them."
            raise CsvFileError(message, code="INVALID_INPUT", field="file")
        if name:
            seen.add(name)
        if "\x00" in name or _SURROGATE.search(name):
            message = f"The header name {name!r} contains characters that cannot be read."
            raise CsvFileError(message, code="INVALID_INPUT", field="file")


def _explicit_columns(
    header: tuple[str, ...], field_mapping: Sequence[tuple[str, str]]
) -> list[tuple[int, str]]:
    """Apply a client's mapping: empty target skips a column, unmapped columns are skipped."""
    position = {name: index for index, name in enumerate(header) if name}
    columns: dict[int, str] = {}
    for column, field in field_mapping:
        index = position.get(column.strip())
        if index is None:
            found = ", ".join(repr(name) for name in header if name)
            message = f"The file has no column {column.strip()!r}; its columns are {found}."
            raise CsvFileError(message, code="INVALID_INPUT", field="fieldMapping")
        if index in columns:
            message = f"The column {column.strip()!r} is mapped more than once."
            raise CsvFileError(message, code="INVALID_INPUT", field="fieldMapping")
        columns[index] = field.strip()
    return sorted((index, target) for index, target in columns.items() if target)


def _check_targets(header: tuple[str, ...], columns: list[tuple[int, str]], source: str) -> None:
    """Refuse two columns for one field, a missing email column and unusable attribute names."""
    column_of: dict[str, str] = {}
    for index, target in columns:
        if target in column_of:
            message = (
                f"The columns {column_of[target]!r} and {header[index]!r} "
                f"are both mapped to {target!r}."
            )
            raise CsvFileError(message, code="INVALID_INPUT", field=source)
        column_of[target] = header[index]
        if target not in RECIPIENT_FIELDS:
            _check_attribute_name(target, source)
    if "email" in column_of:
        return
    if source == "fieldMapping":
        message = "The field mapping maps no column to email."
    else:
        found = ", ".join(repr(name) for name in header if name)
        message = f"The file has no email column; its header has {found}."
    raise CsvFileError(message, code="INVALID_INPUT", field=source)


def _check_attribute_name(name: str, source: str) -> None:
    if len(name) > MAX_ATTRIBUTE_NAME_LENGTH:
        message = (
            f"The attribute name {name[:40]!r}... is longer than "
            f"{MAX_ATTRIBUTE_NAME_LENGTH} characters."
        )
        raise CsvFileError(message, code="INVALID_INPUT", field=source)
    if "\x00" in name or _SURROGATE.search(name):
        message = f"The attribute name {name!r} contains characters that cannot be stored."
        raise CsvFileError(message, code="INVALID_INPUT", field=source)


def _layout(
    encoding: str, delimiter: str, header: tuple[str, ...], columns: list[tuple[int, str]]
) -> CsvLayout:
    targets = {target for _, target in columns}
    return CsvLayout(
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        columns=tuple(columns),
        has_first_name="firstName" in targets,
        has_last_name="lastName" in targets,
        has_status="status" in targets,
        attribute_names=tuple(sorted(targets.difference(RECIPIENT_FIELDS))),
    )


class CsvImportReader:
    """Streams the data records of an opened file; use it as a context manager."""

    def __init__(
        self, stream: TextIO, records: Iterator[list[str]], layout: CsvLayout, header_row: int
    ) -> None:
        self.layout = layout
        self._stream = stream
        self._records = records
        self._row = header_row
        self._parse = _row_parser(layout)

    def chunks(self, size: int = 10_000) -> Iterator[Chunk]:
        """Yield the remaining records in chunks of `size` records; raises CsvFileError."""
        if size < 1:
            raise ValueError("size must be at least 1")
        parse = self._parse
        rows: list[StagedRow] = []
        errors: list[RowError] = []
        count = 0
        row = self._row
        try:
            for cells in self._records:
                row += 1
                outcome = parse(row, cells)
                if outcome is None:
                    continue
                if isinstance(outcome, tuple):
                    rows.append(outcome)
                else:
                    errors.extend(outcome)
                count += 1
                if count == size:
                    self._row = row
                    yield Chunk(rows, errors, count)
                    rows, errors, count = [], [], 0
        except csv.Error as exc:
            # Only a field beyond _FIELD_SIZE_LIMIT gets here: an unclosed quote, most likely.
            message = f"Row {row + 1} cannot be read ({exc}); is a quote character missing?"
            raise CsvFileError(message, code="INVALID_INPUT", field="file") from exc
        self._row = row
        if count:
            yield Chunk(rows, errors, count)

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


@dataclass(frozen=True)
class _Plan:
    """Column indexes (-1 when absent) and names the row functions need."""

    width: int
    email: int
    first_name: int
    last_name: int
    status: int
    attributes: tuple[tuple[str, int], ...]  # (name, index), sorted by name
    header: tuple[str, ...]
    encoding: str


def _plan(layout: CsvLayout) -> _Plan:
    index = {target: column for column, target in layout.columns}
    attributes = sorted((t, c) for c, t in layout.columns if t not in RECIPIENT_FIELDS)
    return _Plan(
        width=len(layout.header),
        email=index["email"],
        first_name=index.get("firstName", -1),
        last_name=index.get("lastName", -1),
        status=index.get("status", -1),
        attributes=tuple(attributes),
        header=layout.header,
        encoding=layout.encoding,
    )


def _row_parser(layout: CsvLayout) -> Callable[[int, list[str]], _Outcome]:
    """Build the per-record function: a fast path for clean rows, `_check_row` for the rest."""
    plan = _plan(layout)
    width, email_at, first_at, last_at, status_at = (
        plan.width, plan.email, plan.first_name, plan.last_name, plan.status
    )  # fmt: skip
    attributes = plan.attributes
    email_match = _EMAIL_PATTERN.fullmatch
    has_surrogate = _SURROGATE.search
    dumps, sort_keys = orjson.dumps, orjson.OPT_SORT_KEYS

    def parse(row: int, cells: list[str]) -> _Outcome:
        # Hot path (1M rows): closure variables, no per-row objects beyond the staged tuple.
        if len(cells) != width:
            if not cells or len(cells) > width:
                return _check_row(plan, row, cells)
            cells = cells + [""] * (width - len(cells))
        joined = "\x1f".join(cells)
        # Attribute values have the highest limit: a shorter row leaves only the fields to check.
        if len(joined) > MAX_ATTRIBUTE_LENGTH or "\x00" in joined:
            return _check_row(plan, row, cells)
        if not joined.isascii() and has_surrogate(joined):
            return _check_row(plan, row, cells)
        values = cells
        if "'" in joined and (joined[0] == "'" or "\x1f'" in joined):
            values = [restore_cell(cell) for cell in cells]
        email = values[email_at].strip().lower()
        if len(email) > MAX_EMAIL_LENGTH or (
            email_match(email) is None and (email.isascii() or _unicode_email_problem(email))
        ):
            return _check_row(plan, row, cells)
        first_name = values[first_at].strip() if first_at >= 0 else ""
        last_name = values[last_at].strip() if last_at >= 0 else ""
        if len(first_name) > MAX_NAME_LENGTH or len(last_name) > MAX_NAME_LENGTH:
            return _check_row(plan, row, cells)
        status = None
        if status_at >= 0 and (word := values[status_at].strip()):
            status = _status_of(word)
            if status is None:
                return _check_row(plan, row, cells)
        attributes_json = None
        if attributes:
            found = {name: value for name, i in attributes if (value := values[i].strip())}
            if found:
                attributes_json = dumps(found, option=sort_keys).decode()
        return (row, email, first_name or None, last_name or None, status, attributes_json)

    return parse


def _check_row(plan: _Plan, row: int, cells: list[str]) -> _Outcome:
    """Check a record field by field and report every problem; None for a blank line."""
    values = [restore_cell(cell).strip() for cell in cells]
    if not any(values):
        return None
    errors: list[RowError] = []
    if any(values[plan.width :]):
        message = f"The row has {len(values)} cells but the header only {plan.width} columns."
        errors.append(RowError(row, None, message, "TOO_MANY_COLUMNS"))
    values += [""] * (plan.width - len(values))
    email = _checked_email(plan, row, values, errors)
    first_name = _checked_text(plan, row, values, plan.first_name, MAX_NAME_LENGTH, errors)
    last_name = _checked_text(plan, row, values, plan.last_name, MAX_NAME_LENGTH, errors)
    status = _checked_status(plan, row, values, errors)
    attributes = {
        name: value
        for name, index in plan.attributes
        if (value := _checked_text(plan, row, values, index, MAX_ATTRIBUTE_LENGTH, errors))
    }
    if errors:
        return errors
    attributes_json = None
    if attributes:
        attributes_json = orjson.dumps(attributes, option=orjson.OPT_SORT_KEYS).decode()
    return (row, email, first_name, last_name, status, attributes_json)


def _checked_email(plan: _Plan, row: int, values: list[str], errors: list[RowError]) -> str:
    value = values[plan.email]
    problem = _cell_problem(value, MAX_EMAIL_LENGTH, plan.encoding)
    if problem is None:
        email = normalise_email(value)
        if not email:
            problem = ("MISSING_EMAIL", "The email address is empty.")
        elif message := _email_problem(email):
            problem = ("INVALID_EMAIL", message)
        else:
            return email
    errors.append(RowError(row, plan.header[plan.email], problem[1], problem[0]))
    return ""


def _checked_text(
    plan: _Plan, row: int, values: list[str], index: int, limit: int, errors: list[RowError]
) -> str | None:
    if index < 0:
        return None
    value = values[index]
    problem = _cell_problem(value, limit, plan.encoding)
    if problem is None:
        return value or None
    errors.append(RowError(row, plan.header[index], problem[1], problem[0]))
    return None


def _checked_status(plan: _Plan, row: int, values: list[str], errors: list[RowError]) -> str | None:
    word = _checked_text(plan, row, values, plan.status, MAX_NAME_LENGTH, errors)
    if word is None:
        return None
    status = _status_of(word)
    if status is None:
        message = f"{_shown(word)} is not a status; use one of {', '.join(STATUSES)}."
        errors.append(RowError(row, plan.header[plan.status], message, "INVALID_STATUS"))
    return status


def _cell_problem(value: str, limit: int, encoding: str) -> tuple[str, str] | None:
    """Return (code, message) for a value that cannot be stored as it is, else None."""
    if "\x00" in value:
        return ("INVALID_CHARACTER", "The value contains a NUL character, which cannot be stored.")
    if undecodable := _SURROGATE.search(value):
        byte = ord(undecodable.group()) - 0xDC00
        name = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}.get(encoding, encoding)
        message = f"The value contains the byte 0x{byte:02X}, which is not valid {name} text."
        return ("UNDECODABLE_BYTES", message)
    if len(value) > limit:
        message = f"The value has {len(value):,} characters; at most {limit:,} are allowed."
        return ("FIELD_TOO_LONG", message)
    return None


def _email_problem(email: str) -> str | None:
    """Say why a normalised address is invalid, or None; the library only runs on non-ASCII."""
    if _EMAIL_PATTERN.fullmatch(email):
        return None
    if email.isascii():
        return f"{_shown(email)} is not a valid email address."
    return _unicode_email_problem(email)


def _unicode_email_problem(email: str) -> str | None:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return f"{_shown(email)} is not a valid email address: {exc}"
    return None


@lru_cache(maxsize=256)
def _status_of(word: str) -> str | None:
    """Map a status word (any case, several languages) to a STATUSES value, or None."""
    return _STATUS_BY_WORD.get(_fold(word))


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")
