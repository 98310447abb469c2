"""Recipients given as values (the API's JSON), checked by exactly the rules of a file's rows.

A record becomes the cells of a one-row file whose header is the field names (`email`,
`firstName`, `lastName`, `status`, then its attribute names), mapped by name, and goes through
`row_parser`: the address's validity and canonical form, the lengths, NUL and undecodable
characters and the status words are those of an import, and so are the codes of its
`RowError`s (the column is the field or attribute name). An attribute name is checked as a
file's header name is: a bad one refuses the whole call (`CsvFileError`), as it refuses a file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from storage.codec.errors import CsvFileError, RowError
from storage.codec.export import RECIPIENT_FIELDS
from storage.codec.header import layout_of, map_columns
from storage.codec.rows import RowOutcome, StagedRow, row_parser

Parser = Callable[[int, list[str]], RowOutcome]


@dataclass(frozen=True)
class RecipientRecord:
    """One recipient as a client sends it; None or an empty value is no value (as a cell)."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    status: str | None = None
    attributes: tuple[tuple[str, str | None], ...] = ()


class RecordChecker:
    """Checks records one by one; keeps one parser per set of attribute names."""

    def __init__(self) -> None:
        self._parsers: dict[tuple[str, ...], Parser] = {}

    def check(self, row: int, record: RecipientRecord) -> StagedRow | list[RowError]:
        """The staged row of `record` (row number `row`), or the errors that reject it."""
        names = tuple(name.strip() for name, _ in record.attributes)
        cells = [
            record.email,
            record.first_name or "",
            record.last_name or "",
            record.status or "",
            *(value or "" for _, value in record.attributes),
        ]
        outcome = self._parser(names)(row, cells)
        if outcome is None:  # every value empty: a file skips a blank line, a call names it
            return [RowError(row, "email", "The email address is empty.", "MISSING_EMAIL")]
        return outcome

    def _parser(self, names: tuple[str, ...]) -> Parser:
        parser = self._parsers.get(names)
        if parser is None:
            parser = self._parsers[names] = _parser_for(names)
        return parser


def _parser_for(names: tuple[str, ...]) -> Parser:
    """A row parser for a header of the fields and these attribute names; CsvFileError."""
    for index, name in enumerate(names):
        if name in names[:index]:
            message = f"The attribute {name!r} is given twice."
            raise CsvFileError(message, code="INVALID_INPUT", field="name")
        if not name:
            raise CsvFileError("An attribute name is empty.", code="INVALID_INPUT", field="name")
        if name in RECIPIENT_FIELDS:
            message = f"{name!r} is a recipient field, not an attribute name."
            raise CsvFileError(message, code="INVALID_INPUT", field="name")
    header = (*RECIPIENT_FIELDS, *names)
    columns = map_columns(header, [(name, name) for name in header])
    # Values are taken as they are: the export's formula escape belongs to files only.
    layout = replace(layout_of("utf-8", ",", header, columns), is_export=False)
    return row_parser(layout)
