"""The recipient CSV columns, spreadsheet-safe cells and export rows.

Exported files are opened in spreadsheets, where a cell starting with `=`, `+`, `-`, `@`, TAB or
CR runs as a formula (OWASP "CSV injection"). The rule, one for every cell of an export (header
attribute names included): `neutralise_cell` prefixes `'` to a cell starting with one of those
characters or with `'` itself, so `restore_cell(neutralise_cell(v)) == v` for every string `v`.

An import undoes the prefix only in a listkeeper export, recognised by its header
(`is_export_header`); any other file's cells are taken as they are, so a file from another tool
that holds `''two` or `'=x` is stored as it is, never "restored".
`storage.codec` re-exports everything here.
"""

from __future__ import annotations

import csv
import enum
import io
from collections.abc import Iterator, Sequence
from typing import Any

import orjson

RECIPIENT_FIELDS = ("email", "firstName", "lastName", "status")


class RecipientStatus(enum.StrEnum):
    """Where a recipient stands for sending: the `status` column's values, in export order."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    UNSUBSCRIBED = "UNSUBSCRIBED"
    BOUNCED = "BOUNCED"


STATUSES = tuple(status.value for status in RecipientStatus)

# A leading `'` is escaped too: otherwise a value that really starts with `'=` could not be told
# apart from a neutralised `=` on re-import.
_ESCAPED_STARTS = frozenset(("=", "+", "-", "@", "\t", "\r", "'"))


def neutralise_cell(value: str) -> str:
    """Prefix `'` to a value a spreadsheet would run as a formula (or that starts with `'`)."""
    return "'" + value if value[:1] in _ESCAPED_STARTS else value


def restore_cell(value: str) -> str:
    """Undo `neutralise_cell`: drop one leading `'` that precedes an escaped start."""
    if value[:1] == "'" and value[1:2] in _ESCAPED_STARTS:
        return value[1:]
    return value


def is_export_header(names: Sequence[str]) -> bool:
    """Whether a header (names stripped) is one `export_header` wrote: its cells are escaped."""
    return tuple(names[: len(RECIPIENT_FIELDS)]) == RECIPIENT_FIELDS


def export_header(attribute_names: Sequence[str]) -> list[str]:
    """Return the header row: the recipient fields, then the attribute names, neutralised."""
    return [*RECIPIENT_FIELDS, *(neutralise_cell(name) for name in attribute_names)]


def export_row(
    email: str,
    first_name: str | None,
    last_name: str | None,
    status: str,
    attributes_json: str | None,
    attribute_names: Sequence[str],
) -> list[str]:
    """Return one recipient's cells in `export_header` order, neutralised."""
    attributes = orjson.loads(attributes_json) if attributes_json else {}
    cells = [email, first_name or "", last_name or "", status]
    cells.extend(_attribute_text(attributes.get(name)) for name in attribute_names)
    escaped = _ESCAPED_STARTS
    return ["'" + cell if cell[:1] in escaped else cell for cell in cells]


def export_text(rows: Sequence[Sequence[Any]]) -> str:
    """Write rows as export CSV: lines end with LF; a cell holding `,`, `"`, CR or LF is quoted.

    LF, not RFC 4180's CRLF, because PostgreSQL's COPY writes the rows of an export and cannot
    end them otherwise: both databases give the same bytes.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    # csv quotes a cell for the characters of its line terminator only: not for a lone CR.
    return text if "\r" not in text else "".join(_cr_quoted_lines(rows))


class _Echo:
    """A file for `csv.writer` whose `write` hands the line back to `writerow`'s caller."""

    def write(self, line: str) -> str:
        return line


def _cr_quoted_lines(rows: Sequence[Sequence[Any]]) -> Iterator[str]:
    """The lines `export_text` writes, but with every cell holding a CR quoted too."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")  # quotes a cell holding CR or LF
    for row in rows:
        line: str = writer.writerow(row)
        yield line[:-2] + "\n"


def _attribute_text(value: object) -> str:
    """Show an attribute value as a cell; imports only store strings, JSON covers the rest."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()
