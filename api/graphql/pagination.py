"""Cursor connections with keyset pagination (never OFFSET)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
import strawberry

from api.errors import RequestErrorCode

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_PAGE = 20
MAX_PAGE = 100


class PageArgumentError(ValueError):
    """`first` or `after` is not acceptable: told to the client as is, with `code`."""

    code = RequestErrorCode.INVALID_CURSOR


class PageSizeError(PageArgumentError):
    """`first` is out of range."""

    code = RequestErrorCode.INVALID_PAGE_SIZE


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
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


def page_size(first: int | None) -> int:
    """The page size asked for, checked."""
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise PageSizeError(f"`first` must be between 0 and {MAX_PAGE}.")
    return size


def encode_cursor(key: Sequence[Any]) -> str:
    """An opaque cursor for a keyset position."""
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode()


def decode_cursor(cursor: str | None) -> list[Any] | None:
    """The keyset position of a cursor; a bad cursor is a PageArgumentError."""
    if cursor is None:
        return None
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, orjson.JSONDecodeError):
        raise PageArgumentError("`after` is not a cursor of this list.") from None
    if not isinstance(value, list):
        raise PageArgumentError("`after` is not a cursor of this list.")
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
    """A page from `size + 1` fetched rows (the extra one tells whether more follow)."""
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
    key = decode_cursor(cursor)
    if key is None:
        return None
    if not key or not isinstance(key[0], int) or isinstance(key[0], bool):
        raise PageArgumentError("`after` is not a cursor of this list.")
    return key[0]


def decode_text_cursor(cursor: str | None) -> str | None:
    """The text keyset position of a cursor."""
    key = decode_cursor(cursor)
    if key is None:
        return None
    if not key or not isinstance(key[0], str):
        raise PageArgumentError("`after` is not a cursor of this list.")
    return key[0]


def decode_time_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) keyset position of a newest-first list's cursor."""
    key = decode_cursor(cursor)
    if key is None:
        return None
    try:
        return datetime.fromisoformat(str(key[0])), int(key[1])
    except (ValueError, IndexError, TypeError):
        raise PageArgumentError("`after` is not a cursor of this list.") from None
