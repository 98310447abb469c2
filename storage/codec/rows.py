"""Turn one CSV record into a staged recipient row, or into the errors that reject it.

`row_parser` builds the per-record function for a `CsvLayout`: a hot path that accepts clean rows
with as little work as possible (imports run to a million rows), and `_check_row`, the slow path
that checks field by field and reports every problem. Both must agree on every row they accept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import orjson
from email_validator import EmailNotValidError, validate_email

from storage.addresses import canonical_email
from storage.addresses import normalise_email as normalise_email  # re-exported
from storage.codec.errors import RowError
from storage.codec.export import RECIPIENT_FIELDS, STATUSES, restore_cell
from storage.codec.header import CsvLayout, fold, folded_lookup
from storage.codec.sniff import SURROGATE

try:
    from storage.codec import _fastrow
except ImportError:  # not built (no C compiler at install): the Python code does every record
    _fastrow = None  # type: ignore[assignment]

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 255
MAX_ATTRIBUTE_LENGTH = 4_000

# (row_number, email, first_name, last_name, status, attributes_json)
StagedRow = tuple[int, str, str | None, str | None, str | None, str | None]
# What one record turns into: a staged row, its errors, or None for a blank line.
RowOutcome = StagedRow | list[RowError] | None

_EMAIL_PATTERN = re.compile(
    r"(?=[^@]{1,64}@)"  # local part at most 64 characters
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?![0-9]+\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"  # the top-level domain is not numeric
)

_STATUS_ALIASES = {
    "ACTIVE": ("active", "aktiv", "actif", "subscribed", "abonniert"),
    "INACTIVE": ("inactive", "inaktiv", "inactif"),
    "UNSUBSCRIBED": ("unsubscribed", "abgemeldet", "désabonné", "opted out", "opt-out"),
    "BOUNCED": ("bounced", "bounce", "hard bounce"),
}
_STATUS_BY_WORD = folded_lookup(_STATUS_ALIASES)


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
    escaped: bool  # cells carry the export's formula escape (`CsvLayout.is_export`)


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
        escaped=layout.is_export,
    )


def row_parser(layout: CsvLayout) -> Callable[[int, list[str]], RowOutcome]:
    """Build the per-record function: a fast path for clean rows, `_check_row` for the rest."""
    plan = _plan(layout)
    width, email_at, first_at, last_at, status_at = (
        plan.width, plan.email, plan.first_name, plan.last_name, plan.status
    )  # fmt: skip
    attributes, escaped = plan.attributes, plan.escaped
    email_match = _EMAIL_PATTERN.fullmatch
    has_surrogate = SURROGATE.search
    dumps, sort_keys = orjson.dumps, orjson.OPT_SORT_KEYS

    def parse(row: int, cells: list[str]) -> RowOutcome:
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
        if escaped and "'" in joined and (joined[0] == "'" or "\x1f'" in joined):
            values = [restore_cell(cell) for cell in cells]
        email = values[email_at].strip().lower()
        # ASCII is canonical once lower-cased; Unicode and punycode take `canonical_email`.
        if not email.isascii() or "xn--" in email:
            return _check_row(plan, row, cells)
        if len(email) > MAX_EMAIL_LENGTH or email_match(email) is None:
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
            # A plain loop: 0.52 us a row for three attributes, 0.74 as a comprehension.
            found: dict[str, str] = {}
            for name, i in attributes:
                value = values[i].strip()
                if value:
                    found[name] = value
            if found:
                attributes_json = dumps(found, option=sort_keys).decode()
        return (row, email, first_name or None, last_name or None, status, attributes_json)

    return parse


def fast_row_parser(layout: CsvLayout) -> Callable[[int, list[str]], StagedRow | None] | None:
    """The C hot path (`_fastrow.c`) for this layout, or None where it is not built.

    It gives what `row_parser` gives for the records it takes (an ASCII email cell, none of the
    slow path's checks needed; decision 42 lists its rules), and None for every other record:
    `row_parser`'s function decides those. About 0.35 us a record against 2.1 for the Python
    fast path.
    """
    if _fastrow is None:
        return None
    plan = _plan(layout)
    names = [name for name, _ in plan.attributes]
    if len(set(names)) != len(names):
        return None
    try:
        keys = [(orjson.dumps(name), index) for name, index in plan.attributes]
    except orjson.JSONEncodeError:  # a name orjson cannot write (a lone surrogate)
        return None
    parser = _fastrow.FastRows(
        plan.width,
        plan.email,
        plan.first_name,
        plan.last_name,
        plan.status,
        plan.escaped,
        keys,
        _status_of,
    )
    return parser.parse


def _check_row(plan: _Plan, row: int, cells: list[str]) -> RowOutcome:
    """Check a record field by field and report every problem; None for a blank line."""
    if plan.escaped:
        values = [restore_cell(cell).strip() for cell in cells]
    else:
        values = [cell.strip() for cell in cells]
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
        email, problem = _canonical_or_problem(value, plan.encoding)
        if problem is None:
            return email
    errors.append(RowError(row, plan.header[plan.email], problem[1], problem[0]))
    return ""


def _canonical_or_problem(value: str, encoding: str) -> tuple[str, tuple[str, str] | None]:
    """The canonical address, or (code, message) saying why `value` is none."""
    if not value:
        return "", ("MISSING_EMAIL", "The email address is empty.")
    try:
        email = canonical_email(value)
    except ValueError as error:
        return "", ("INVALID_EMAIL", f"{_shown(value)} is not a valid email address: {error}.")
    if message := _email_problem(email):
        return "", ("INVALID_EMAIL", message)
    # The canonical form may be longer than the cell (`İ` lower-cases to two characters).
    return email, _cell_problem(email, MAX_EMAIL_LENGTH, encoding)


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
    if undecodable := SURROGATE.search(value):
        byte = ord(undecodable.group()) - 0xDC00
        name = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16"}.get(encoding, encoding)
        message = f"The value contains the byte 0x{byte:02X}, which is not valid {name} text."
        return ("UNDECODABLE_BYTES", message)
    if len(value) > limit:
        message = f"The value has {len(value):,} characters; at most {limit:,} are allowed."
        return ("FIELD_TOO_LONG", message)
    return None


def _email_problem(email: str) -> str | None:
    """Say why a canonical address is invalid, or None; the library only runs on non-ASCII."""
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
    return _STATUS_BY_WORD.get(fold(word))


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")
