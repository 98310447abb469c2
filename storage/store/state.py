"""Point-in-time reads: the state of a group at a seq, a backup's or any other.

The one query behind exports, comparisons, restores, erasure and retention: the current
rows written at or before the seq, plus the history rows current at it. `seen_at` is its
predicate, `state_sql` the query; nothing else writes either. Any seq a backup stands for
can be rebuilt, and, under continuous protection, any seq of the retention period: a moment
is mapped to its seq by the write log (`storage.store.write_log`), then read here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

StatePart = Literal["current", "history"]
StateRow = tuple[str, str | None, str | None, str, str | None]

STATE_COLUMNS = "email, first_name, last_name, status, attributes"
BOTH_PARTS: tuple[StatePart, ...] = ("current", "history")
_TABLES: dict[StatePart, str] = {"current": "recipient", "history": "recipient_version"}


def seen_at(seq: str, part: StatePart, alias: str = "") -> str:
    """The predicate: a row of `part` (`recipient` or `recipient_version`, maybe under
    `alias`) is in its group's state at `seq`, an SQL expression (a literal, `b.seq`, `?`)."""
    prefix = f"{alias}." if alias else ""
    if part == "current":
        return f"{prefix}version <= {seq}"
    return f"{prefix}valid_to > {seq} AND {prefix}valid_from <= {seq}"


def state_sql(
    group_id: int,
    seq: int,
    *,
    parts: Sequence[StatePart] = BOTH_PARTS,
    columns: str = STATE_COLUMNS,
    ordered: bool = False,
) -> str:
    """SQL for the rows of `group_id` as they were at `seq` (both trusted ints), any seq whose
    versions are kept.

    `parts` picks the current rows, the history rows or both (UNION ALL). `ordered` sorts
    by email: the current part alone by walking the (group_id, email) index, no sort.
    """
    group_id, seq = int(group_id), int(seq)
    selects = [
        f"SELECT {columns} FROM {_TABLES[part]} WHERE group_id = {group_id}"
        f" AND {seen_at(str(seq), part)}"
        for part in parts
    ]
    sql = " UNION ALL ".join(selects)
    if not ordered:
        return sql
    return sql + (
        " ORDER BY group_id, email" if tuple(parts) == ("current",) else " ORDER BY email"
    )
