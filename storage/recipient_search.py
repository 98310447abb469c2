"""Finding a group's recipients: a prefix of the email or of a name, a status, keyset pages.

A prefix is searched as a range (`key >= prefix AND key < successor(prefix)`) on an index
(migration 0009), never with `LIKE`: SQLite's `LIKE` index use needs case-sensitive `LIKE`
and PostgreSQL's needs a `text_pattern_ops` index, and a range needs no escaping. Ranges
are prefixes only in code point order, so the keys are compared byte-wise: SQLite's
BINARY collation, PostgreSQL's `COLLATE "C"` (whatever the database's collation is; stored
emails carry it since migration 0012).

Emails are stored canonical (lower case, NFC), so one lower-cased NFC range finds them.
Names are stored as written: their key is `lower(name)`, and SQLite's `lower()` folds
ASCII letters only (PostgreSQL's folds what the database's character type knows). So the
search tries each spelling of the prefix's other cased letters that `lower()` may have
left (`É` or `é` for `é`), for the first `MAX_CASED_LETTERS` of them (beyond, the
lower-case letter only), in NFC and in NFD (names are not normalised on import).

SQLite reads each name spelling's range on its `lower(name)` index. PostgreSQL keeps one GIN
index over the lexemes `<group id>:<lower(name)>` (migration 0013: its upkeep is batched, a
btree's is not) and reads every spelling of both names in one prefix query on it.

A page is the union of one bounded, index-driven branch per range, ordered by email in code
point order (the search's cursor is an email); its cost follows the matches, never the size
of the group. A keyset window (`storage.keyset.Window`) bounds every branch by email on
both sides, and a backward window reads each branch and the union in descending order:
the last rows before a cursor are among the last rows of each branch, and every range
index is walked backward as readily as forward.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
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
# PostgreSQL's name key: migration 0013's GIN index is on this very expression.
NAME_LEXEMES = (
    "array_to_tsvector(array_remove(ARRAY[group_id::text || ':' || lower(first_name),"
    " group_id::text || ':' || lower(last_name)], NULL))"
)
# No name key is longer (255 characters of at most 4 bytes): a longer spelling finds nothing,
# and a lexeme of a query may not pass 2,047 bytes.
MAX_NAME_KEY_BYTES = 1020


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


# PostgreSQL's name branch is sorted in an email order that no index gives (`email || ''`):
# the planner, which takes no hints, is then left the GIN index, not a walk of the email's.
LEXEME_ORDER = "(email || '') COLLATE \"C\""


def _name_source(column: str) -> str:
    """SQLite: where a name's range is read. Its planner would rather walk the email index
    from the page's cursor (an order with no sort), filtering by name: a scan of the group
    when few names match. So it is told the name's index."""
    return f"recipient INDEXED BY ix_recipient_{column}_lower"


def _keys(dialect: str) -> dict[str, str]:
    """The indexed key expressions (migration 0009), per column searched: the email's is the
    unique (group_id, email) index's, in code point order on both (migration 0012)."""
    return {"email": "email"} | {c: f"lower({c})" for c in NAME_COLUMNS}


def prefix_ranges(prefix: str, dialect: str) -> list[PrefixRange]:
    """The index ranges to read for `prefix`: the email's (first), then on SQLite each name
    spelling's (PostgreSQL reads the names by `name_spellings`)."""
    keys = _keys(dialect)
    ranges = [PrefixRange(keys["email"], prefix, successor(prefix), order=keys["email"])]
    if dialect != "sqlite":
        return ranges
    for spelling in name_prefixes(prefix):
        for column in NAME_COLUMNS:
            source = _name_source(column)
            ranges.append(PrefixRange(keys[column], spelling, successor(spelling), source))
    return ranges


def name_spellings(prefix: str, dialect: str) -> list[str]:
    """PostgreSQL: the spellings its one lexeme query looks for (none that no name can have)."""
    if dialect == "sqlite":
        return []
    return [s for s in name_prefixes(prefix) if len(s.encode()) <= MAX_NAME_KEY_BYTES]


def lexeme_query(group_id: int, spellings: list[str]) -> str:
    """The `tsquery` of the lexemes `<group_id>:<spelling>...`, quoted (backslashes and quotes
    doubled, every other character as it is)."""
    terms = (f"{group_id}:{s}".replace("\\", "\\\\").replace("'", "''") for s in spellings)
    return " | ".join(f"'{term}':*" for term in terms)


def _lexeme_branch(filters: str) -> str:
    """PostgreSQL's names: the ids whose name lexemes match `:names`. The group is in the
    lexemes; its test here is no index's (`group_id + 0`), or the planner, not knowing a new
    group's size yet, walks the group's email index and builds each row's lexemes (measured:
    53 ms for 50,000 rows, against 1 ms from the GIN index)."""
    return (
        f"SELECT id FROM recipient WHERE group_id + 0 = :group_id"
        f" AND {NAME_LEXEMES} @@ CAST(:names AS tsquery){filters}"
    )


def _branch(number: int, found: PrefixRange, filters: str) -> str:
    """SQL of the ids (and emails) in one range, named parameters suffixed by `number`."""
    bounded = f" AND {found.key} < :high{number}" if found.high is not None else ""
    return (
        f"SELECT id FROM {found.source} WHERE group_id = :group_id"
        f" AND {found.key} >= :low{number}"
        f"{bounded}{filters}"
    )


def _parameters(ranges: list[PrefixRange], group_id: int, spellings: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, found in enumerate(ranges):
        values[f"low{number}"] = found.low
        if found.high is not None:
            values[f"high{number}"] = found.high
    if spellings:
        values["names"] = lexeme_query(group_id, spellings)
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


def _branches(
    dialect: str, prefix: str, filters: Callable[[str], str]
) -> tuple[list[tuple[str, str]], list[PrefixRange], list[str]]:
    """Each branch's SQL with `filters` of its order key, and that key; then the ranges and
    PostgreSQL's name spellings they read."""
    ranges = prefix_ranges(prefix, dialect)
    spellings = name_spellings(prefix, dialect)
    branches = [(_branch(n, r, filters(r.order)), r.order) for n, r in enumerate(ranges)]
    if spellings:
        branches.append((_lexeme_branch(filters(LEXEME_ORDER)), LEXEME_ORDER))
    return branches, ranges, spellings


def search_window_sql(
    dialect: str, *, group_id: int, prefix: str, status: str | None, shape: WindowShape
) -> tuple[str, dict[str, str]]:
    """The window query (parameters :group_id, :limit, [:status], [:after], [:before]) and
    its branches'; rows in list order, or nearest `before` first when backward."""
    email_key = _keys(dialect)["email"]
    direction = " DESC" if shape.backward else ""
    branches, ranges, spellings = _branches(
        dialect, prefix, lambda order: _filters(status, order, shape)
    )
    # Each branch stops after `limit` rows in the window's order; the union is as small.
    union = " UNION ".join(
        f"SELECT id FROM ({sql} ORDER BY {order}{direction} LIMIT :limit) AS b{n}"
        for n, (sql, order) in enumerate(branches)
    )
    sql = (
        f"SELECT * FROM recipient WHERE id IN ({union})"
        f" ORDER BY {email_key}{direction} LIMIT :limit"
    )
    return sql, _parameters(ranges, group_id, spellings)


def search_page_sql(
    dialect: str, *, group_id: int, prefix: str, status: str | None, paged: bool
) -> tuple[str, dict[str, str]]:
    """The forward page query (parameters :group_id, :limit, [:status], [:after])."""
    return search_window_sql(
        dialect, group_id=group_id, prefix=prefix, status=status, shape=WindowShape(paged)
    )


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


async def _serial_plans(conn: AsyncConnection) -> None:
    """PostgreSQL, for the rest of the transaction: no parallel workers. The planner guesses
    a name prefix's matches without looking (40,000 of 1,000,000 rows for any prefix) and
    would start two workers for them: 8 ms of start-up for a search that finds nothing."""
    if conn.dialect.name == "postgresql":
        await conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")


async def search_window(
    conn: AsyncConnection, *, group_id: int, prefix: str, status: str | None, window: Window[str]
) -> list[Recipient]:
    """The recipients matching `prefix` (and `status`) in the keyset window, by email."""
    sql, ranges = search_window_sql(
        conn.dialect.name,
        group_id=group_id,
        prefix=prefix,
        status=status,
        shape=WindowShape.of(window),
    )
    await _serial_plans(conn)
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
    filters = _filters(status, "", WindowShape())
    branches, ranges, spellings = _branches(conn.dialect.name, prefix, lambda _: filters)
    params: dict[str, object] = {"group_id": group_id, **_parameters(ranges, group_id, spellings)}
    params |= {"status": status} if status is not None else {}
    await _serial_plans(conn)
    union = " UNION ".join(sql for sql, _ in branches)
    result = await run(conn, f"SELECT count(*) FROM ({union}) AS matched", **params)
    return int(result.scalar_one())
