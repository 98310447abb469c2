"""The recipient CSV columns, spreadsheet-safe cells and export rows.

Exported files are opened in spreadsheets, where a cell starting with `=`, `+`, `-`, `@`, TAB or
CR runs as a formula (OWASP "CSV injection"). `neutralise_cell` prefixes such cells with `'`;
`restore_cell` undoes exactly that on import, so an export re-imports losslessly.
`storage.csv_codec` re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

RECIPIENT_FIELDS = ("email", "firstName", "lastName", "status")
STATUSES = ("ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED")

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


def _attribute_text(value: object) -> str:
    """Show an attribute value as a cell; imports only store strings, JSON covers the rest."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()
