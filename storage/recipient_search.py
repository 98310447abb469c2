"""Finding a group's recipients: a prefix of the email or of a name, a status, keyset pages.

A prefix is searched as a range (`key >= prefix AND key < successor(prefix)`) on an index
(migration 0009), never with `LIKE`: SQLite's `LIKE` index use needs case-sensitive `LIKE`
and PostgreSQL's needs a `text_pattern_ops` index, and a range needs no escaping. Ranges
are prefixes only in code point order, so the keys are compared byte-wise: SQLite's
BINARY collation, PostgreSQL's `COLLATE "C"` (whatever the database's collation is; stored
emails carry it since migration 0012).

Emails are stored canonical (lower case, NFC), so one lower-cased NFC range finds them.
Names are stored as written: their index key is `lower(name)`, and SQLite's `lower()` folds
ASCII letters only (PostgreSQL's folds what the database's character type knows). So the
search tries each spelling of the prefix's other cased letters that `lower()` may have
left (`É` or `é` for `é`), for the first `MAX_CASED_LETTERS` of them (beyond, the
lower-case letter only), in NFC and in NFD (names are not normalised on import).

A page is the union of one bounded, index-driven branch per range, ordered by email in code
point order (the search's cursor is an email); its cost follows the matches, never the size
of the group. A keyset window (`storage.keyset.Window`) bounds every branch by email on
both sides, and a backward window reads each branch and the union in descending order:
the last rows before a cursor are among the last rows of each branch, and every range
index is walked backward as readily as forward.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.keyset import Window
from storage.models import Recipient
from storage.sql import run

MAX_CASED_LETTERS = 3
MAX_CODE_POINT = 0x10FFFF
SURROGATES = range(0xD800, 0xE000)
NAME_COLUMNS = ("first_name", "last_name")


@dataclass(frozen=True)
class PrefixRange:
    """Keys `key` with `low <= key < high` (no `high`: up to the end), read from `source`."""

    key: str
    low: str
    high: str | None
    source: str = "recipient"
    order: str = "email"


def successor(prefix: str) -> str | None:
    """The least string after every string starting with `prefix` (code point order)."""
    chars = list(prefix)
    while chars:
        following = ord(chars.pop()) + 1
        if following in SURROGATES:
            following = SURROGATES.stop
        if following <= MAX_CODE_POINT:
            return "".join(chars) + chr(following)
    return None


def search_prefix(search: str | None) -> str | None:
    """The search as a lower-case NFC prefix; None when it is empty once trimmed."""
    if search is None or not search.strip():
        return None
    return unicodedata.normalize("NFC", search.strip()).lower()


def _letter_spellings(letter: str) -> list[str]:
    """What `lower()` may have left of a letter whose lower case is `letter`."""
    spellings = {letter, letter.upper(), letter.title()}
    return sorted(s for s in spellings if len(s) == 1)


def case_spellings(prefix: str) -> list[str]:
    """The spellings of the lower-case `prefix` that a `lower(name)` key may start with."""
    spellings = [""]
    cased = 0
    for letter in prefix:
        options = [letter]
        if not letter.isascii() and cased < MAX_CASED_LETTERS:
            options = _letter_spellings(letter)
            cased += len(options) > 1
        spellings = [s + option for s in spellings for option in options]
    return spellings


def name_prefixes(prefix: str) -> list[str]:
    """Every spelling to look for in the names: case variants, in NFC and NFD."""
    forms = dict.fromkeys([prefix, unicodedata.normalize("NFD", prefix)])
    return list(dict.fromkeys(s for form in forms for s in case_spellings(form)))


def _name_branch(dialect: str, column: str) -> tuple[str, str]:
    """Where a name's range is read and the email order its branch sorts by.

    Both planners would rather walk the email index from the page's cursor (an order with
    no sort), filtering by name: a scan of the group when few names match. SQLite is told
    the name's index; PostgreSQL, which takes no hints, gets an email order that no index
    gives (`email || ''`), so that only the name's range is left to it.
    """
    if dialect == "sqlite":
        return f"recipient INDEXED BY ix_recipient_{column}_lower", "email"
    return "recipient", "(email || '') COLLATE \"C\""


def _keys(dialect: str) -> dict[str, str]:
    """The indexed key expressions (migration 0009), per column searched: the email's is the
    unique (group_id, email) index's, in code point order on both (migration 0012)."""
    if dialect == "sqlite":
        return {"email": "email"} | {c: f"lower({c})" for c in NAME_COLUMNS}
    return {"email": "email"} | {c: f'lower({c}) COLLATE "C"' for c in NAME_COLUMNS}


def prefix_ranges(prefix: str, dialect: str) -> list[PrefixRange]:
    """The index ranges to read for `prefix`: the email's (first), then each name spelling's."""
    keys = _keys(dialect)
    ranges = [PrefixRange(keys["email"], prefix, successor(prefix), order=keys["email"])]
    for spelling in name_prefixes(prefix):
        for column in NAME_COLUMNS:
            source, order = _name_branch(dialect, column)
            ranges.append(PrefixRange(keys[column], spelling, successor(spelling), source, order))
    return ranges


def _branch(number: int, found: PrefixRange, filters: str) -> str:
    """SQL of the ids (and emails) in one range, named parameters suffixed by `number`."""
    bounded = f" AND {found.key} < :high{number}" if found.high is not None else ""
    return (
        f"SELECT id FROM {found.source} WHERE group_id = :group_id"
        f" AND {found.key} >= :low{number}"
        f"{bounded}{filters}"
    )


def _parameters(ranges: list[PrefixRange]) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, found in enumerate(ranges):
        values[f"low{number}"] = found.low
        if found.high is not None:
            values[f"high{number}"] = found.high
    return values


def _filters(status: str | None, order: str, bounds: WindowShape) -> str:
    status_filter = " AND status = :status" if status is not None else ""
    after = f" AND {order} > :after" if bounds.after else ""
    before = f" AND {order} < :before" if bounds.before else ""
    return status_filter + after + before


@dataclass(frozen=True)
class WindowShape:
    """Which bounds a window query has, and its direction: what its SQL depends on."""

    after: bool = False
    before: bool = False
    backward: bool = False

    @classmethod
    def of(cls, window: Window[str]) -> WindowShape:
        return cls(window.after is not None, window.before is not None, window.backward)


def search_window_sql(
    dialect: str, *, prefix: str, status: str | None, shape: WindowShape
) -> tuple[str, dict[str, str]]:
    """The window query (parameters :group_id, :limit, [:status], [:after], [:before]) and
    its ranges'; rows in list order, or nearest `before` first when backward."""
    email_key = _keys(dialect)["email"]
    ranges = prefix_ranges(prefix, dialect)
    direction = " DESC" if shape.backward else ""
    # Each branch stops after `limit` rows in the window's order; the union is as small.
    branches = " UNION ".join(
        f"SELECT id FROM ({_branch(n, r, _filters(status, r.order, shape))}"
        f" ORDER BY {r.order}{direction} LIMIT :limit) AS b{n}"
        for n, r in enumerate(ranges)
    )
    sql = (
        f"SELECT * FROM recipient WHERE id IN ({branches})"
        f" ORDER BY {email_key}{direction} LIMIT :limit"
    )
    return sql, _parameters(ranges)


def search_page_sql(
    dialect: str, *, prefix: str, status: str | None, paged: bool
) -> tuple[str, dict[str, str]]:
    """The forward page query (parameters :group_id, :limit, [:status], [:after])."""
    return search_window_sql(dialect, prefix=prefix, status=status, shape=WindowShape(paged))


def email_range_within(window: Window[str], ranges: dict[str, str]) -> dict[str, str]:
    """The ranges' parameters, the email's (the first) narrowed to the window's cursors.

    The email branch has two lower bounds on its key (the prefix's, the `after` cursor) and
    two upper ones, and SQLite's index walk starts from one of each, whichever it meets
    first: from the prefix's, a page deep in a large match walked every row before it
    (measured: 154 ms backward, 218 ms forward from the middle of 1,000,000 matches). Both
    bounds of a side made the tighter one, either serves. Python compares in code point
    order, as the keys are compared.
    """
    narrowed = dict(ranges)
    if window.after is not None:
        narrowed["low0"] = max(ranges["low0"], window.after)
    if window.before is not None and "high0" in ranges:
        narrowed["high0"] = min(ranges["high0"], window.before)
    return narrowed


async def search_window(
    conn: AsyncConnection, *, group_id: int, prefix: str, status: str | None, window: Window[str]
) -> list[Recipient]:
    """The recipients matching `prefix` (and `status`) in the keyset window, by email."""
    sql, ranges = search_window_sql(
        conn.dialect.name, prefix=prefix, status=status, shape=WindowShape.of(window)
    )
    typed = sa.text(sql).columns(*Recipient.__table__.columns)  # type: ignore[attr-defined]
    bounds = email_range_within(window, ranges)
    params: dict[str, object] = {"group_id": group_id, "limit": window.limit, **bounds}
    params |= {"status": status} if status is not None else {}
    params |= {"after": window.after} if window.after is not None else {}
    params |= {"before": window.before} if window.before is not None else {}
    result = await conn.execute(typed, params)
    return [Recipient.model_construct(**row._mapping) for row in result]


async def search_page(
    conn: AsyncConnection,
    *,
    group_id: int,
    prefix: str,
    status: str | None,
    first: int,
    after_email: str | None,
) -> list[Recipient]:
    """Up to `first + 1` recipients matching `prefix` after `after_email`, by email."""
    window = Window(after=after_email, before=None, limit=first + 1)
    return await search_window(conn, group_id=group_id, prefix=prefix, status=status, window=window)


async def search_count(
    conn: AsyncConnection, *, group_id: int, prefix: str, status: str | None
) -> int:
    """How many recipients match `prefix` (and `status`)."""
    ranges = prefix_ranges(prefix, conn.dialect.name)
    filters = _filters(status, "", WindowShape())
    branches = " UNION ".join(_branch(n, r, filters) for n, r in enumerate(ranges))
    params: dict[str, object] = {"group_id": group_id, **_parameters(ranges)}
    params |= {"status": status} if status is not None else {}
    result = await run(conn, f"SELECT count(*) FROM ({branches}) AS matched", **params)
    return int(result.scalar_one())
