"""Cursor connections with keyset pagination (never OFFSET), both ways, as Relay describes.

Every connection pages through `paged`: `first`/`after` walk forward, `last`/`before` walk
backward (the page keeps list order), and `after` with `before` bound a page on both sides.
With neither `first` nor `last` a page holds the first 20 (the last 20 when only `before` is
given). Both page flags are exact in both directions: the flag of the direction walked
comes from one extra row read with the page, the other from a one-row read past the page's
start (only when a cursor was given on that side), so `hasPreviousPage` is true exactly
when `last: n, before: startCursor` would find a row, and `hasNextPage` exactly when
`first: n, after: endCursor` would.

Forward-only still: `ImportPreview.changes` and `ImportPreview.rowErrors` page through
`connection` (below), take no `last`/`before`, and their `hasPreviousPage` only says
whether `after` was given. They read the preview's keyed temp tables, which were being
reworked when the other lists moved to `paged`; moving them is what is left of "every
connection pages both ways" (tests/api/test_paging.py lists them as PENDING).
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
import strawberry

from api.errors import RequestErrorCode
from storage.keyset import Window
from storage.sql import MAX_ID

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")
DEFAULT_PAGE = 20
MAX_PAGE = 100


class PageArgumentError(ValueError):
    """A page argument is not acceptable: told to the client as is, with `code`."""

    code = RequestErrorCode.INVALID_CURSOR


class PageSizeError(PageArgumentError):
    """`first` or `last` is out of range, or both are given."""

    code = RequestErrorCode.INVALID_PAGE_SIZE


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether `first: n, after: endCursor` would find more (exact both ways)."
    )
    has_previous_page: bool = strawberry.field(
        description="Whether `last: n, before: startCursor` would find more (exact both ways)."
    )
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many items the whole list has.")


@dataclass(frozen=True)
class PageArgs:
    """A connection's arguments as the client gave them."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None


# The cursor of a row: its keyset position as JSON values.
CursorKey = Callable[[R], Sequence[Any]]
# A cursor's JSON values back to the key a read compares; ValueError, TypeError or
# IndexError for values that are no key of this list.
DecodeKey = Callable[[list[Any]], K]
ReadWindow = Callable[[Window[K]], Awaitable[Sequence[R]]]


@dataclass(frozen=True)
class Keyset(Generic[R, K]):
    """How a list's rows are read by window and named by cursors."""

    read: ReadWindow[K, R]
    key: CursorKey[R]
    decode: DecodeKey[K]


async def paged(
    args: PageArgs,
    keyset: Keyset[R, K],
    *,
    node: Callable[[R], T],
    total: int | Callable[[], Awaitable[int]],
) -> Connection[T]:
    """The page `args` asks for, with exact page flags and the list's total."""
    window = page_window(args, keyset.decode)
    rows = list(await keyset.read(window))
    page = rows[: window.limit - 1]
    more = len(rows) >= window.limit
    other_side = window.before if window.backward else window.after
    anchor = _key(keyset, rows[0]) if rows else (window.after if window.backward else window.before)
    beyond = other_side is not None and await _exists_past(keyset, anchor, window.backward)
    if window.backward:
        page.reverse()
    edges = [Edge(node=node(r), cursor=encode_cursor(keyset.key(r))) for r in page]
    info = PageInfo(
        has_next_page=beyond if window.backward else more,
        has_previous_page=more if window.backward else beyond,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    count = total if isinstance(total, int) else await total()
    return Connection(edges=edges, page_info=info, total_count=count)


def page_window(args: PageArgs, decode: DecodeKey[K]) -> Window[K]:
    """The window to read for `args`: the page size plus one row (more follow if it comes)."""
    if args.first is not None and args.last is not None:
        raise PageSizeError("Give `first` or `last`, not both.")
    backward = args.last is not None or (args.first is None and args.before and not args.after)
    size = _checked_size(args.last if backward else args.first, "last" if backward else "first")
    return Window(
        after=_decoded(args.after, "after", decode),
        before=_decoded(args.before, "before", decode),
        limit=size + 1,
        backward=bool(backward),
    )


async def _exists_past(keyset: Keyset[R, K], anchor: K | None, backward: bool) -> bool:
    # Rows past the page's far end from the direction walked: before its first row when
    # walking forward, after its last when walking backward.
    probe = (
        Window(after=anchor, before=None, limit=1)
        if backward
        else Window(after=None, before=anchor, limit=1, backward=True)
    )
    return len(await keyset.read(probe)) > 0


def _key(keyset: Keyset[R, K], row: R) -> K:
    return keyset.decode(orjson.loads(orjson.dumps(list(keyset.key(row)))))


def _checked_size(size: int | None, name: str) -> int:
    chosen = DEFAULT_PAGE if size is None else size
    if not 0 <= chosen <= MAX_PAGE:
        raise PageSizeError(f"`{name}` must be between 0 and {MAX_PAGE}.")
    return chosen


def _decoded(cursor: str | None, name: str, decode: DecodeKey[K]) -> K | None:
    values = decode_cursor(cursor, name)
    if values is None:
        return None
    try:
        return decode(values)
    except (ValueError, TypeError, IndexError):
        raise PageArgumentError(f"`{name}` is not a cursor of this list.") from None


def page_size(first: int | None) -> int:
    """The page size asked for, checked."""
    return _checked_size(first, "first")


def encode_cursor(key: Sequence[Any]) -> str:
    """An opaque cursor for a keyset position."""
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode()


def decode_cursor(cursor: str | None, name: str = "after") -> list[Any] | None:
    """The keyset position of a cursor; a bad cursor is a PageArgumentError."""
    if cursor is None:
        return None
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, orjson.JSONDecodeError):
        raise PageArgumentError(f"`{name}` is not a cursor of this list.") from None
    if not isinstance(value, list) or not value:
        raise PageArgumentError(f"`{name}` is not a cursor of this list.")
    return value


# Keys of the lists, from a cursor's JSON values (see DecodeKey).


def int_key(values: list[Any]) -> int:
    """An id key."""
    return _id(values[0])


def text_key(values: list[Any]) -> str:
    """A text key (an email)."""
    if not isinstance(values[0], str):
        raise TypeError("not text")
    return values[0]


def int_pair_key(values: list[Any]) -> tuple[int, int]:
    """A (number, id) key, such as a row error's (row, id)."""
    if len(values) != 2:
        raise ValueError("not a pair")
    return _id(values[0]), _id(values[1])


def time_key(values: list[Any]) -> tuple[datetime, int]:
    """A (time, id) key."""
    if not isinstance(values[0], str) or not isinstance(values[1], int):
        raise TypeError("not a time key")
    at = datetime.fromisoformat(values[0])
    if at.tzinfo is None:
        raise ValueError("not a time key")
    return at, _id(values[1])


def _id(value: Any) -> int:
    # The ids of these lists are 32-bit (storage.sql.MAX_ID): PostgreSQL refuses a larger
    # parameter, and no row has one.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
        raise ValueError("not an id")
    return value


def connection(
    rows: Sequence[R],
    *,
    size: int,
    total: int,
    after: str | None,
    key: Callable[[R], Sequence[Any]],
    node: Callable[[R], T],
) -> Connection[T]:
    """A forward-only page from `size + 1` fetched rows (kept for lists not yet on `paged`)."""
    page = rows[:size]
    edges = [Edge(node=node(r), cursor=encode_cursor(key(r))) for r in page]
    info = PageInfo(
        has_next_page=len(rows) > size,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, total_count=total)


def decode_int_cursor(cursor: str | None) -> int | None:
    """The id keyset position of a cursor."""
    return _decoded(cursor, "after", int_key)


def decode_text_cursor(cursor: str | None) -> str | None:
    """The text keyset position of a cursor."""
    return _decoded(cursor, "after", text_key)


def decode_time_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) keyset position of a newest-first list's cursor."""
    return _decoded(cursor, "after", time_key)
