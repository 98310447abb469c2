"""What a write of the staged rows would do to a group, computed without writing.

The rows are staged as an import stages them (`import_stage`, then `fill_final`), and every
figure comes from the merge's own expressions (`merged_values`, `changed_predicate`,
`STATUS_REFUSED`, `merge_outcome` in `storage/store/merge.py`), so a preview counts exactly
what `merge_into_group` would do in the same snapshot. Each statement is set-based: one pass
over the staged rows joined to the group keeps the addresses that change, with their kind
(`preview_change`); the counts and the pages of changes read that table. The caller runs
all of it in one transaction of its own and rolls it back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import is_sqlite
from storage.sql import run, scalar
from storage.store.merge import (
    STATUS_REFUSED,
    MergeCounts,
    changed_predicate,
    fill_final,
    merge_outcome,
    merged_values,
)
from storage.store.writes import (
    StagedSource,
    WriteMode,
    WriteOutcome,
    analyze_temp,
    create_temp,
    email_text,
)

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


CHANGE_TABLE = "preview_change"
# PostgreSQL's memory for the hash join of a big file to a big group, in the preview's own
# transaction only (SET LOCAL): with the default 4 MB, 1,000,000 staged rows hash in 32
# batches written to disk (12.2 s for the pass, EXPLAIN ANALYZE, loaded machine, before
# merge.changed_predicate skipped equal attributes); with this in one (8.1 s). Per
# backend, and only while a preview runs.
PREVIEW_WORK_MEM = "128MB"


async def allow_preview_memory(conn: AsyncConnection) -> None:
    """Let the preview's transaction hash a big file in memory (PostgreSQL; SQLite: nothing)."""
    if not is_sqlite(conn):
        await run(conn, f"SET LOCAL work_mem = '{PREVIEW_WORK_MEM}'")


async def preview_counts(conn: AsyncConnection, *, group_id: int, mode: WriteMode) -> PreviewCounts:
    """Stage `import_stage` into `stage_final`, keep what changes, and count what the write does.

    One pass over the staged rows joined to the group keeps every address that has a kind
    (all but the unchanged matches) in `preview_change`, keyed by email: the counts come
    from it, and a page of changes reads it along its key, however sparse the changes are.
    """
    staged = await fill_final(conn, StagedSource())
    await _keep_changes(conn, group_id=group_id, mode=mode)
    found = await _count_kinds(conn)
    counts = _merge_counts(mode, staged, found)
    removed = 0
    if mode is WriteMode.REPLACE:
        in_group = await scalar(
            conn, "SELECT count(*) FROM recipient WHERE group_id = :g", g=group_id
        )
        removed = int(in_group) - counts.matched
        if removed:
            await _keep_removed(conn, group_id=group_id)
    outcome = merge_outcome(mode, replace(counts, removed=removed))
    by_kind = {
        ChangeKind.ADDED: outcome.added,
        ChangeKind.UPDATED: outcome.updated,
        ChangeKind.STATUS_KEPT: outcome.status_kept - counts.kept_updated,
        ChangeKind.SKIPPED: outcome.skipped,
        ChangeKind.REMOVED: outcome.removed,
    }
    return PreviewCounts(outcome, by_kind)


async def _keep_changes(conn: AsyncConnection, *, group_id: int, mode: WriteMode) -> None:
    """Fill `preview_change` with each staged address's kind and whether its status is kept."""
    await create_temp(
        conn, CHANGE_TABLE, f"email {email_text(conn)} PRIMARY KEY, kind TEXT, kept INTEGER"
    )
    kept = "0" if mode is WriteMode.ADD else f"CASE WHEN {STATUS_REFUSED} THEN 1 ELSE 0 END"
    # In email order: SQLite then walks stage_final along its key, so the group's
    # (group_id, email) index is read in order too, and the kept rows go in key order
    # (at 100,000 rows: 0.35 s instead of 1.7 s when nothing changes, loaded machine).
    await run(
        conn,
        f"INSERT INTO {CHANGE_TABLE} (email, kind, kept) SELECT email, kind, kept FROM"
        f" (SELECT s.email AS email, {_kind_of(conn, mode)} AS kind, {kept} AS kept"
        " FROM stage_final AS s LEFT JOIN recipient AS r"
        " ON r.group_id = :g AND r.email = s.email) AS k WHERE kind IS NOT NULL ORDER BY email",
        g=group_id,
    )
    await analyze_temp(conn, CHANGE_TABLE)


async def _count_kinds(conn: AsyncConnection) -> dict[str, tuple[int, int]]:
    """Per kind: the addresses kept in `preview_change`, and those whose status is kept."""
    rows = await run(conn, f"SELECT kind, count(*), sum(kept) FROM {CHANGE_TABLE} GROUP BY kind")
    return {str(kind): (int(n), int(kept or 0)) for kind, n, kept in map(tuple, rows)}


def _merge_counts(mode: WriteMode, staged: int, found: dict[str, tuple[int, int]]) -> MergeCounts:
    """What `merge_into_group` would count, from the kinds (unchanged matches have none)."""
    added, _ = found.get(ChangeKind.ADDED, (0, 0))
    skipped, _ = found.get(ChangeKind.SKIPPED, (0, 0))
    updated, kept_updated = found.get(ChangeKind.UPDATED, (0, 0))
    only_kept, _ = found.get(ChangeKind.STATUS_KEPT, (0, 0))
    if mode is WriteMode.ADD:
        matched = skipped  # ADD leaves every match aside
    elif mode is WriteMode.REFRESH:
        matched = staged - skipped  # REFRESH leaves every new address aside
    else:
        matched = staged - added
    return MergeCounts(
        staged,
        matched,
        updated,
        kept=kept_updated + only_kept,
        kept_updated=kept_updated,
        added=staged - matched if mode is not WriteMode.REFRESH else 0,
        removed=0,
    )


async def _keep_removed(conn: AsyncConnection, *, group_id: int) -> None:
    """REPLACE: the group's rows the source lacks, kept as REMOVED (a walk of the group)."""
    await run(
        conn,
        f"INSERT INTO {CHANGE_TABLE} (email, kind, kept) SELECT r.email, 'REMOVED', 0"
        " FROM recipient AS r WHERE r.group_id = :g AND NOT EXISTS"
        " (SELECT 1 FROM stage_final AS s WHERE s.email = r.email)",
        g=group_id,
    )
    await analyze_temp(conn, CHANGE_TABLE)


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
    """Up to `limit` changes in email order after `after_email` (`preview_counts` kept them).

    The page walks `preview_change` along its key and reads the values of its own rows only.
    """
    merged = merged_values(conn, mode)
    wanted, params = "", {}
    if kind is not None:
        wanted, params = " AND c.kind = :kind", {"kind": kind.value}
    rows = await run(
        conn,
        f"SELECT c.email, c.kind, r.first_name, r.last_name, r.status, r.attributes,"
        f" {merged['first_name']}, {merged['last_name']}, {merged['status']},"
        f" {merged['attributes']}, s.first_name, s.last_name, COALESCE(s.status, 'ACTIVE'),"
        f" s.attributes, c.kept FROM {CHANGE_TABLE} AS c"
        " LEFT JOIN stage_final AS s ON s.email = c.email"
        " LEFT JOIN recipient AS r ON r.group_id = :g AND r.email = c.email"
        f" WHERE c.email > :after{wanted} ORDER BY c.email LIMIT :n",
        g=group_id,
        after=after_email or "",
        n=limit,
        **params,
    )
    return [_change(tuple(row)) for row in rows]


def _change(row: tuple[object, ...]) -> PreviewChange:
    email, kind = str(row[0]), ChangeKind(str(row[1]))
    if kind is ChangeKind.ADDED:
        return PreviewChange(email, kind, None, _values(email, row[10:14]), status_kept=False)
    if kind is ChangeKind.REMOVED:
        return PreviewChange(email, kind, _values(email, row[2:6]), None, status_kept=False)
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
