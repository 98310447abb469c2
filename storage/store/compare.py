"""Comparing a group's state at a seq (a backup's, or a moment's) with the group as it is now.

The versions make this cheap to reason about: a current row written at or before the
backup's seq is the very row the backup saw (unchanged); the rest of the current rows
and the history rows current at that seq are the only candidates for a difference.
Finding the current rows written since is one pass over the group's rows (a read, like
an export); everything else is index lookups.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col, select

from storage.db import is_sqlite
from storage.keyset import Window
from storage.models import RecipientGroup
from storage.sql import run
from storage.store.state import state_sql

VALUES = ("first_name", "last_name", "status", "attributes")


@dataclass(frozen=True)
class Comparison:
    """How the group now differs from the backup, in recipients."""

    unchanged: int
    changed: int
    added: int
    removed: int


@dataclass(frozen=True)
class Difference:
    """One address that differs: ADDED since, REMOVED since, or CHANGED."""

    email: str
    kind: str


def _parts(group_id: int, seq: int) -> tuple[str, str]:
    """The backup's history rows, and the current rows written since the backup."""
    columns = "email, " + ", ".join(VALUES)
    past = state_sql(group_id, seq, parts=("history",), columns=columns)
    newer = (
        f"SELECT {columns} FROM recipient WHERE group_id = {int(group_id)} AND version > {int(seq)}"
    )
    return past, newer


def _same(a: str, b: str, *, sqlite: bool) -> str:
    def equal(c: str) -> str:
        if c == "attributes" and not sqlite:
            # PostgreSQL may store equal attributes as differently spaced JSON text.
            return f"{a}.{c}::jsonb = {b}.{c}::jsonb"
        if c == "attributes":
            return _same_attributes_sqlite(f"{a}.{c}", f"{b}.{c}")
        return f"{a}.{c} = {b}.{c}"

    # COALESCE: a comparison with one NULL side is NULL, and NOT (NULL) would hide a value
    # that appeared or went (a first name given where there was none) as "unchanged".
    return " AND ".join(
        f"(COALESCE({equal(c)}, false) OR ({a}.{c} IS NULL AND {b}.{c} IS NULL))" for c in VALUES
    )


def _same_attributes_sqlite(a: str, b: str) -> str:
    """Equal JSON objects on SQLite: the same text, or the same (key, value) pairs.

    `json_patch` keeps the old keys' order and appends new ones, so equal attributes may be
    written in another order; the pairs are compared (decoded keys, whatever they hold) only
    when the texts differ.
    """
    missing = (
        f"SELECT 1 FROM json_each({a}) AS x WHERE NOT EXISTS (SELECT 1 FROM json_each({b}) AS y"
        " WHERE y.key = x.key AND y.type = x.type AND y.value IS x.value)"
    )
    return (
        f"{a} = {b} OR ({a} IS NOT NULL AND {b} IS NOT NULL"
        f" AND (SELECT count(*) FROM json_each({a})) = (SELECT count(*) FROM json_each({b}))"
        f" AND NOT EXISTS ({missing}))"
    )


def _kinds_sql(group_id: int, seq: int, *, sqlite: bool) -> str:
    """Every differing address with its kind (no order)."""
    past, newer = _parts(group_id, seq)
    return (
        f"SELECT n.email, CASE WHEN p.email IS NULL THEN 'ADDED' ELSE 'CHANGED' END AS kind"
        f" FROM ({newer}) AS n LEFT JOIN ({past}) AS p ON p.email = n.email"
        f" WHERE p.email IS NULL OR NOT ({_same('n', 'p', sqlite=sqlite)})"
        f" UNION ALL SELECT p.email, 'REMOVED' FROM ({past}) AS p"
        " WHERE NOT EXISTS (SELECT 1 FROM recipient AS r"
        f" WHERE r.group_id = {int(group_id)} AND r.email = p.email)"
    )


async def compare_with_current(conn: AsyncConnection, *, group_id: int, seq: int) -> Comparison:
    """Counts of unchanged, changed, added and removed recipients since the backup."""
    # Text: one set-based diff, its equality written per dialect (JSON on each).
    kinds = await run(
        conn,
        f"SELECT kind, count(*) AS n FROM ({_kinds_sql(group_id, seq, sqlite=is_sqlite(conn))}) AS d GROUP BY kind",
    )
    counts = {row.kind: int(row.n) for row in kinds}
    total = await conn.scalar(
        select(RecipientGroup.recipient_count).where(col(RecipientGroup.id) == group_id)
    )
    current = int(total or 0)
    changed, added = counts.get("CHANGED", 0), counts.get("ADDED", 0)
    return Comparison(
        unchanged=current - changed - added,
        changed=changed,
        added=added,
        removed=counts.get("REMOVED", 0),
    )


async def differences(
    conn: AsyncConnection, *, group_id: int, seq: int, window: Window[str]
) -> list[Difference]:
    """The differing addresses in email order, in the keyset window (storage.keyset)."""
    # Text: the same set-based diff, paged by email.
    order = "DESC" if window.backward else "ASC"
    before = "" if window.before is None else " AND email < :before"
    bounds = {} if window.before is None else {"before": window.before}
    rows = await run(
        conn,
        f"SELECT email, kind FROM ({_kinds_sql(group_id, seq, sqlite=is_sqlite(conn))}) AS d"
        f" WHERE email > :after{before} ORDER BY email {order} LIMIT :limit",
        after=window.after or "",
        limit=window.limit,
        **bounds,
    )
    return [Difference(row.email, row.kind) for row in rows]
