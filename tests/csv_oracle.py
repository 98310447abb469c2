"""What a recipient CSV file should become, from the documented rules, for the property tests.

The rules (README, schema descriptions, issue 7), written out here on their own so that the tests
do not merely repeat the codec:

- a cell's value is the cell stripped of surrounding whitespace (Python's `str.strip`: every
  character `str.isspace` accepts, NBSP and U+2028 included); an empty value is absent;
- only listkeeper's own exports (first header cells, stripped, exactly
  `email,firstName,lastName,status`) get the spreadsheet escape undone: one leading `'` is dropped when the next character is one
  of `= + - @ TAB CR '`, before stripping; every other file is stored verbatim;
- an address is stored in its canonical form (`storage.codec.normalise_email` is the canonical
  function; `check_canonical_email` checks independently that it is NFC, lower-case and keeps the
  domain in one of its two forms);
- an export writes every value with the escape applied and the status as its enum name.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from storage.codec.rows import normalise_email

OWN_EXPORT_HEADER = ("email", "firstName", "lastName", "status")
ESCAPED_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
STATUSES = ("ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED")
DEFAULT_STATUS = "ACTIVE"

# The oracle's own stand-in for a byte an encoding cannot decode (a lone surrogate, as Python's
# surrogateescape does, but for every byte value: UTF-16 errors include bytes below 0x80).
ORACLE_UNDECODABLE = "tests.csv_oracle.undecodable"


def _as_surrogates(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(ORACLE_UNDECODABLE, _as_surrogates)


@dataclass(frozen=True)
class Person:
    """A recipient as the GraphQL API shows it (attributes as a dict)."""

    email: str
    first_name: str | None
    last_name: str | None
    status: str
    attributes: dict[str, str] = field(default_factory=dict)


def is_own_export(header: list[str]) -> bool:
    """Whether a file's header row (cells as read) is a listkeeper export's, names stripped."""
    return tuple(cell.strip() for cell in header[:4]) == OWN_EXPORT_HEADER


def escape(value: str) -> str:
    """The exported cell of a stored value."""
    return "'" + value if value[:1] in ESCAPED_STARTS else value


def unescape(cell: str) -> str:
    """Undo `escape` (applied to cells of listkeeper's own exports only)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ESCAPED_STARTS else cell


def cell_value(cell: str, own_export: bool) -> str:
    """The value a file cell holds: unescaped (own exports only), then stripped."""
    return (unescape(cell) if own_export else cell).strip()


def person(raw: dict[str, Any]) -> Person:
    """A recipient node of the GraphQL API as a Person."""
    return Person(
        email=raw["email"],
        first_name=raw["firstName"],
        last_name=raw["lastName"],
        status=raw["status"],
        attributes={a["name"]: a["value"] for a in raw["attributes"]},
    )


def people(raw: list[dict[str, Any]]) -> dict[str, Person]:
    """Recipient nodes keyed by address."""
    found = {node["email"]: person(node) for node in raw}
    assert len(found) == len(raw), "two recipients with one address"
    return found


def status_of(word: str) -> str:
    """The stored status of a status cell's value (the words the tests write)."""
    if not word:
        return DEFAULT_STATUS
    upper = word.upper()
    assert upper in STATUSES, f"the tests write only status names, not {word!r}"
    return upper


def expected_people(records: list[list[str]]) -> dict[str, Person]:
    """What importing the file `records` (header first) into a new group gives, by address.

    The tests' files name the fields exactly (`email`, `firstName`, `lastName`, `status`); every
    other column is an attribute. The last row of an address wins.
    """
    header, *rows = records
    own = is_own_export(header)
    names = [cell_value(name, own) for name in header]
    found: dict[str, Person] = {}
    for row in rows:
        values = dict(zip(names, (cell_value(cell, own) for cell in row), strict=True))
        email = normalise_email(values.pop("email"))
        first_name = values.pop("firstName", "") or None
        last_name = values.pop("lastName", "") or None
        status = status_of(values.pop("status", ""))
        attributes = {name: value for name, value in values.items() if value}
        found[email] = Person(email, first_name, last_name, status, attributes)
    return found


def csv_bytes(records: list[list[str]]) -> bytes:
    """A file as most tools write it: UTF-8, minimal quoting, CRLF line ends."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(records)
    return buffer.getvalue().encode("utf-8")


def parse_csv(text: str, delimiter: str = ",") -> list[list[str]]:
    """Records of a decoded file, read the documented way (cells are stripped anyway)."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def check_canonical_email(spellings: list[str], local: str, domains: tuple[str, str]) -> str:
    """Check that every spelling of one address has one canonical form, and return it.

    `local` is the local part as generated and `domains` the domain as Unicode and as punycode:
    the canonical form is NFC and lower-case, with the domain in one of its two forms.
    """
    canonical = {normalise_email(spelling) for spelling in spellings}
    assert len(canonical) == 1, f"one address, several stored forms: {sorted(canonical)}"
    (stored,) = canonical
    wanted_local = unicodedata.normalize("NFC", local.lower())
    allowed = {f"{wanted_local}@{unicodedata.normalize('NFC', d.lower())}" for d in domains}
    assert stored in allowed, f"{spellings!a} is stored as {stored!a}, not in {allowed!a}"
    return stored
