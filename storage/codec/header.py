"""Which column is which field: read the header, map it by aliases or a client's mapping, check it.

Without a mapping, a header name that is an alias of a recipient field (`E-Mail`, `Vorname`,
`Nom de famille`..., compared by `fold`) maps to that field and every other named column becomes an
attribute. A listkeeper export (`is_export_header`) is read as it was written instead: its first
four columns are the fields, every other column the attribute of exactly that name (an attribute
may be called `First Name`), and its names and cells lose the formula escape (`restore_cell`).
The result is a `CsvLayout`; every problem is a `CsvFileError`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from storage.codec.errors import CsvFileError
from storage.codec.export import RECIPIENT_FIELDS, is_export_header, restore_cell
from storage.codec.sniff import SURROGATE

MAX_ATTRIBUTE_NAME_LENGTH = 100

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
    # A listkeeper export: every cell carries `neutralise_cell`'s escape, which the import undoes.
    # Cells of any other file are taken verbatim.
    is_export: bool


def fold(text: str) -> str:
    """Compare names loosely: case, accents, spaces, `-`, `_` and `.` do not count."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _FOLD_DROPPED.sub("", bare)


def folded_lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Turn {target: aliases} into {folded alias: target}."""
    return {fold(alias): target for target, names in aliases.items() for alias in names}


_FIELD_BY_HEADER = folded_lookup(_HEADER_ALIASES)


def field_of_header(name: str) -> str | None:
    """The recipient field a header name is an alias of (`E-Mail`, `Vorname`...), else None."""
    return _FIELD_BY_HEADER.get(fold(name))


def read_header(records: Iterator[list[str]]) -> tuple[int, tuple[str, ...]]:
    """Return the row number and the stripped names of the first non-blank record.

    The names of an export are restored; restoring never changes the four field names, so
    `is_export_header` gives the same answer before and after (`layout_of` asks it again).
    """
    row = 0
    try:
        for cells in records:
            row += 1
            names = tuple(cell.strip() for cell in cells)
            if is_export_header(names):
                names = tuple(restore_cell(cell).strip() for cell in cells)
            if any(names):
                return row, names
    except csv.Error as exc:
        message = f"The header cannot be read: {exc}."
        raise CsvFileError(message, code="INVALID_INPUT", field="file") from exc
    raise CsvFileError("The file has no header row.", code="INVALID_INPUT", field="file")


def map_columns(
    header: tuple[str, ...], field_mapping: Sequence[tuple[str, str]] | None
) -> list[tuple[int, str]]:
    """Return (column index, target field) pairs, checked; raises CsvFileError."""
    _check_header(header)
    if field_mapping is None and is_export_header(header):
        # Exact names, no aliases: an export re-imports as it was written.
        columns = [(i, h) for i, h in enumerate(header) if h]
        source = "file"
    elif field_mapping is None:
        columns = [(i, _FIELD_BY_HEADER.get(fold(h), h)) for i, h in enumerate(header) if h]
        source = "file"
    else:
        columns = _explicit_columns(header, field_mapping)
        source = "fieldMapping"
    _check_targets(header, columns, source)
    return columns


def layout_of(
    encoding: str, delimiter: str, header: tuple[str, ...], columns: list[tuple[int, str]]
) -> CsvLayout:
    """Describe a sniffed file whose header maps to `columns` (from `map_columns`)."""
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
        is_export=is_export_header(header),
    )


def _check_header(header: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            message = f"The header has two columns named {name!r}; rename one of them."
            raise CsvFileError(message, code="INVALID_INPUT", field="file")
        if name:
            seen.add(name)
        if "\x00" in name or SURROGATE.search(name):
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
    if "\x00" in name or SURROGATE.search(name):
        message = f"The attribute name {name!r} contains characters that cannot be stored."
        raise CsvFileError(message, code="INVALID_INPUT", field=source)
