"""What a write of the staged rows would do to a group, computed without writing.

The rows are staged as an import stages them (`import_stage`, then `fill_final`), and every
figure comes from the merge's own expressions (`merged_values`, `changed_predicate`,
`STATUS_REFUSED`, `count_matched`, `merge_outcome` in `storage/store/merge.py`), so a
preview counts exactly what `merge_into_group` would do in the same snapshot. Each statement
is set-based: a count over the staged rows joined to the group, or one page of changes in
email order. The caller runs all of it in one transaction of its own and rolls it back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run, scalar
from storage.store.merge import (
    STATUS_REFUSED,
    MergeCounts,
    changed_predicate,
    count_matched,
    fill_final,
    matched_from,
    merge_outcome,
    merged_values,
)
from storage.store.writes import StagedSource, WriteMode, WriteOutcome

# No group has this id: a new group's preview matches nothing.
NEW_GROUP = 0
ROW_ERROR_TABLE = "preview_row_error"


class ChangeKind(enum.StrEnum):
    """What a write does to one address of the file (or, REMOVED, of the group)."""

    ADDED = "ADDED"
    UPDATED = "UPDATED"
    # Matched, nothing changed, but the file's status was refused by the guard.
    STATUS_KEPT = "STATUS_KEPT"
    # Left aside by the mode: an existing address in ADD, a new one in REFRESH.
    SKIPPED = "SKIPPED"
    REMOVED = "REMOVED"


@dataclass(frozen=True)
class RecipientValues:
    """A recipient's values (attributes as stored JSON text)."""

    email: str
    first_name: str | None
    last_name: str | None
    status: str
    attributes: str | None


@dataclass(frozen=True)
class PreviewChange:
    """One address the write would touch: its values before and after (None: not in the group)."""

    email: str
    kind: ChangeKind
    before: RecipientValues | None
    after: RecipientValues | None
    # The guard refused the file's status (also on an UPDATED row whose other values change).
    status_kept: bool


@dataclass(frozen=True)
class PreviewCounts:
    """The write's outcome, and how many addresses each kind of change lists."""

    outcome: WriteOutcome
    by_kind: dict[ChangeKind, int]


async def preview_counts(conn: AsyncConnection, *, group_id: int, mode: WriteMode) -> PreviewCounts:
    """Stage `import_stage` into `stage_final` and count what the write would do."""
    staged = await fill_final(conn, StagedSource())
    matched, kept = await count_matched(conn, group_id=group_id, mode=mode)
    updated = kept_updated = 0
    if mode is not WriteMode.ADD and matched:
        updated, kept_updated = await _count_changed(conn, group_id=group_id, mode=mode)
    removed = 0
    if mode is WriteMode.REPLACE:
        in_group = await scalar(
            conn, "SELECT count(*) FROM recipient WHERE group_id = :g", g=group_id
        )
        removed = int(in_group) - matched
    added = staged - matched if mode is not WriteMode.REFRESH else 0
    outcome = merge_outcome(
        mode, MergeCounts(staged, matched, updated, kept, kept_updated, added, removed)
    )
    by_kind = {
        ChangeKind.ADDED: outcome.added,
        ChangeKind.UPDATED: outcome.updated,
        ChangeKind.STATUS_KEPT: outcome.status_kept - kept_updated,
        ChangeKind.SKIPPED: outcome.skipped,
        ChangeKind.REMOVED: outcome.removed,
    }
    return PreviewCounts(outcome, by_kind)


async def _count_changed(
    conn: AsyncConnection, *, group_id: int, mode: WriteMode
) -> tuple[int, int]:
    """Matched rows the merge would change, and those of them whose status the guard keeps."""
    changed = changed_predicate(conn, merged_values(conn, mode))
    row = (
        await run(
            conn,
            f"SELECT count(*), count(CASE WHEN {STATUS_REFUSED} THEN 1 END)"
            f" FROM {matched_from(conn)} WHERE {changed}",
            g=group_id,
        )
    ).one()
    total, kept = tuple(row)
    return int(total), int(kept)


def _kind_of(conn: AsyncConnection, mode: WriteMode) -> str:
    """The change kind of a staged row `s` left-joined to the group's row `r` (NULL: none)."""
    unmatched = "'SKIPPED'" if mode is WriteMode.REFRESH else "'ADDED'"
    if mode is WriteMode.ADD:
        return f"(CASE WHEN r.id IS NULL THEN {unmatched} ELSE 'SKIPPED' END)"
    changed = changed_predicate(conn, merged_values(conn, mode))
    return (
        f"(CASE WHEN r.id IS NULL THEN {unmatched} WHEN {changed} THEN 'UPDATED'"
        f" WHEN {STATUS_REFUSED} THEN 'STATUS_KEPT' END)"
    )


async def preview_changes(
    conn: AsyncConnection,
    *,
    group_id: int,
    mode: WriteMode,
    kind: ChangeKind | None,
    after_email: str | None,
    limit: int,
) -> list[PreviewChange]:
    """Up to `limit` changes in email order after `after_email` (`preview_counts` staged them)."""
    changes: list[PreviewChange] = []
    if kind is not ChangeKind.REMOVED:
        changes += await _staged_changes(conn, group_id, mode, kind, after_email, limit)
    if mode is WriteMode.REPLACE and kind in (None, ChangeKind.REMOVED):
        changes += await _removed(conn, group_id, after_email, limit)
    return sorted(changes, key=lambda change: change.email)[:limit]


async def _staged_changes(
    conn: AsyncConnection,
    group_id: int,
    mode: WriteMode,
    kind: ChangeKind | None,
    after_email: str | None,
    limit: int,
) -> list[PreviewChange]:
    merged = merged_values(conn, mode)
    kind_sql = _kind_of(conn, mode)
    wanted, params = f"{kind_sql} IS NOT NULL", {}
    if kind is not None:
        wanted, params = f"{kind_sql} = :kind", {"kind": kind.value}
    # The staged side drives, in its key (email) order: a page stops after `limit` changes.
    rows = await run(
        conn,
        f"SELECT s.email, {kind_sql} AS kind, r.first_name, r.last_name, r.status, r.attributes,"
        f" {merged['first_name']}, {merged['last_name']}, {merged['status']},"
        f" {merged['attributes']}, s.first_name, s.last_name, COALESCE(s.status, 'ACTIVE'),"
        f" s.attributes, CASE WHEN {STATUS_REFUSED} THEN 1 ELSE 0 END"
        " FROM stage_final AS s LEFT JOIN recipient AS r ON r.group_id = :g AND r.email = s.email"
        f" WHERE s.email > :after AND {wanted} ORDER BY s.email LIMIT :n",
        g=group_id,
        after=after_email or "",
        n=limit,
        **params,
    )
    return [_staged_change(tuple(row)) for row in rows]


def _staged_change(row: tuple[object, ...]) -> PreviewChange:
    email, kind = str(row[0]), ChangeKind(str(row[1]))
    if kind is ChangeKind.ADDED:
        return PreviewChange(email, kind, None, _values(email, row[10:14]), status_kept=False)
    if kind is ChangeKind.SKIPPED and row[4] is None:  # a new address REFRESH leaves aside
        return PreviewChange(email, kind, None, None, status_kept=False)
    before = _values(email, row[2:6])
    if kind is ChangeKind.SKIPPED:  # an existing address ADD leaves as it is
        return PreviewChange(email, kind, before, before, status_kept=False)
    return PreviewChange(email, kind, before, _values(email, row[6:10]), status_kept=row[14] == 1)


def _values(email: str, cells: tuple[object, ...]) -> RecipientValues:
    first_name, last_name, status, attributes = cells
    return RecipientValues(
        email=email,
        first_name=_text(first_name),
        last_name=_text(last_name),
        status=str(status),
        attributes=_text(attributes),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


async def _removed(
    conn: AsyncConnection, group_id: int, after_email: str | None, limit: int
) -> list[PreviewChange]:
    """REPLACE: the group's rows the source lacks, along the (group_id, email) index."""
    rows = await run(
        conn,
        "SELECT r.email, r.first_name, r.last_name, r.status, r.attributes FROM recipient AS r"
        " WHERE r.group_id = :g AND r.email > :after AND NOT EXISTS"
        " (SELECT 1 FROM stage_final AS s WHERE s.email = r.email) ORDER BY r.email LIMIT :n",
        g=group_id,
        after=after_email or "",
        n=limit,
    )
    return [
        PreviewChange(str(r[0]), ChangeKind.REMOVED, _values(str(r[0]), tuple(r[1:5])), None, False)
        for r in rows
    ]


async def create_row_error_table(conn: AsyncConnection) -> None:
    """This connection's temp table of every row error of the previewed file."""
    await run(conn, f"DROP TABLE IF EXISTS {ROW_ERROR_TABLE}")
    await run(
        conn,
        f"CREATE TEMP TABLE {ROW_ERROR_TABLE} (n INTEGER PRIMARY KEY, rn INTEGER,"
        " col TEXT, message TEXT, code TEXT)",
    )


@dataclass(frozen=True)
class PreviewRowError:
    """A row error; `n` orders the errors (row, then column order) and keys the pages."""

    n: int
    row: int
    column: str | None
    message: str
    code: str


async def add_row_errors(conn: AsyncConnection, errors: list[PreviewRowError]) -> None:
    """Keep a chunk's row errors (numbered by the caller, in file order)."""
    if not errors:
        return
    await conn.execute(
        sa.text(
            f"INSERT INTO {ROW_ERROR_TABLE} (n, rn, col, message, code)"
            " VALUES (:n, :rn, :col, :message, :code)"
        ),
        [
            {"n": e.n, "rn": e.row, "col": e.column, "message": e.message, "code": e.code}
            for e in errors
        ],
    )


async def row_error_page(
    conn: AsyncConnection, *, after_n: int | None, limit: int
) -> list[PreviewRowError]:
    """Up to `limit` row errors in file order after the error numbered `after_n`."""
    rows = await run(
        conn,
        f"SELECT n, rn, col, message, code FROM {ROW_ERROR_TABLE} WHERE n > :after"
        " ORDER BY n LIMIT :limit",
        after=after_n if after_n is not None else -1,
        limit=limit,
    )
    return [
        PreviewRowError(int(n), int(rn), c, str(m), str(code))
        for n, rn, c, m, code in map(tuple, rows)
    ]
