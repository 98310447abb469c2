"""Keyset windows: which rows of an ordered list a page read returns, never by OFFSET."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

Key = TypeVar("Key")


@dataclass(frozen=True)
class Window(Generic[Key]):
    """The rows strictly between the keys `after` and `before` (None: no bound), in list order.

    A read returns `limit` of them: the first ones in list order, or with `backward` the last
    ones, nearest `before` first (reversed). Keys compare in the list's own order, so for a
    newest-first list `after` is the older bound.
    """

    after: Key | None
    before: Key | None
    limit: int
    backward: bool = False
