"""Finding a group's recipients: a prefix of the email or of a name, a status, keyset pages.

A prefix is searched as a range (`key >= prefix AND key < successor(prefix)`) on an index
(migration 0009), never with `LIKE`: SQLite's `LIKE` index use needs case-sensitive `LIKE`
and PostgreSQL's needs a `text_pattern_ops` index, and a range needs no escaping. Ranges
are prefixes only in code point order, so the keys are compared byte-wise: SQLite's
BINARY collation, PostgreSQL's `COLLATE "C"` (whatever the database's collation is).

Emails are stored canonical (lower case, NFC), so one lower-cased NFC range finds them.
Names are stored as written: their index key is `lower(name)`, and SQLite's `lower()` folds
ASCII letters only (PostgreSQL's folds what the database's character type knows). So the
search tries each spelling of the prefix's other cased letters that `lower()` may have
left (`É` or `é` for `é`), for the first `MAX_CASED_LETTERS` of them (beyond, the
lower-case letter only), in NFC and in NFD (names are not normalised on import).

A page is the union of one bounded, index-driven branch per range, ordered by email in code
point order (the search's cursor is the last email); its cost follows the matches, never
the size of the group.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

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
    """The indexed key expressions (migration 0009), per column searched."""
    if dialect == "sqlite":
        return {"email": "email"} | {c: f"lower({c})" for c in NAME_COLUMNS}
    return {"email": 'email COLLATE "C"'} | {c: f'lower({c}) COLLATE "C"' for c in NAME_COLUMNS}


def prefix_ranges(prefix: str, dialect: str) -> list[PrefixRange]:
    """The index ranges to read for `prefix`: the email's, then each name spelling's."""
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


def _filters(status: str | None, order: str, paged: bool) -> str:
    status_filter = " AND status = :status" if status is not None else ""
    after = f" AND {order} > :after" if paged else ""
    return status_filter + after


def search_page_sql(
    dialect: str, *, prefix: str, status: str | None, paged: bool
) -> tuple[str, dict[str, str]]:
    """The page query (parameters :group_id, :limit, [:status], [:after]) and its ranges'."""
    email_key = _keys(dialect)["email"]
    ranges = prefix_ranges(prefix, dialect)
    # Each branch stops after `limit` rows in email order; the union is as small.
    branches = " UNION ".join(
        f"SELECT id FROM ({_branch(n, r, _filters(status, r.order, paged))}"
        f" ORDER BY {r.order} LIMIT :limit) AS b{n}"
        for n, r in enumerate(ranges)
    )
    sql = f"SELECT * FROM recipient WHERE id IN ({branches}) ORDER BY {email_key} LIMIT :limit"
    return sql, _parameters(ranges)


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
    sql, ranges = search_page_sql(
        conn.dialect.name, prefix=prefix, status=status, paged=after_email is not None
    )
    typed = sa.text(sql).columns(*Recipient.__table__.columns)  # type: ignore[attr-defined]
    params: dict[str, object] = {"group_id": group_id, "limit": first + 1, **ranges}
    params |= {"status": status} if status is not None else {}
    params |= {"after": after_email} if after_email is not None else {}
    result = await conn.execute(typed, params)
    return [Recipient.model_construct(**row._mapping) for row in result]


async def search_count(
    conn: AsyncConnection, *, group_id: int, prefix: str, status: str | None
) -> int:
    """How many recipients match `prefix` (and `status`)."""
    ranges = prefix_ranges(prefix, conn.dialect.name)
    filters = _filters(status, "", paged=False)
    branches = " UNION ".join(_branch(n, r, filters) for n, r in enumerate(ranges))
    params: dict[str, object] = {"group_id": group_id, **_parameters(ranges)}
    params |= {"status": status} if status is not None else {}
    result = await run(conn, f"SELECT count(*) FROM ({branches}) AS matched", **params)
    return int(result.scalar_one())
