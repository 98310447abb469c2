"""An account's version: how many changes of the data its backups page shows have committed.

Triggers (migration 0010) add a row `(account_id, 1)` to `account_change` after every
INSERT, UPDATE or DELETE of the account's row, its groups and its backups, whatever code
wrote them. The version is the sum of the account's weights: a committed change adds to it,
so two reads that give the same version saw the same data (a snapshot sees every change
committed before it, and the sum of a larger set is larger). Compaction replaces the rows
up to an id by one row of their summed weight, in one transaction: the sum, hence the
version, stays what it was.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.sql import run, scalar


async def account_version(conn: AsyncConnection, *, account_id: int) -> int:
    """The account's version as of `conn`'s snapshot (one index range, index only)."""
    value = await scalar(
        conn,
        "SELECT coalesce(sum(weight), 0) FROM account_change WHERE account_id = :a",
        a=account_id,
    )
    return int(value)


async def compact_account_changes(conn: AsyncConnection, *, account_id: int) -> int:
    """Fold the account's change rows into one of the same total weight; how many it folded.

    Inside the caller's write transaction. On PostgreSQL one statement (rows a concurrent
    writer has not committed yet are not seen, so not deleted, and count later as they
    would have); SQLite has one writer, so two statements are as exact.
    """
    found = (
        await run(
            conn,
            "SELECT count(*) AS n, max(id) AS last FROM account_change WHERE account_id = :a",
            a=account_id,
        )
    ).one()
    if found.n < 2:  # nothing to fold
        return 0
    last = int(found.last)
    if conn.dialect.name == "postgresql":
        folded = await scalar(
            conn,
            "WITH gone AS (DELETE FROM account_change WHERE account_id = :a AND id <= :m"
            " RETURNING weight), kept AS (INSERT INTO account_change (account_id, weight)"
            " SELECT :a, sum(weight) FROM gone HAVING count(*) > 0 RETURNING 1)"
            " SELECT count(*) FROM gone",
            a=account_id,
            m=last,
        )
        return int(folded)
    total = await scalar(
        conn,
        "SELECT coalesce(sum(weight), 0) FROM account_change WHERE account_id = :a AND id <= :m",
        a=account_id,
        m=last,
    )
    deleted = await run(
        conn,
        "DELETE FROM account_change WHERE account_id = :a AND id <= :m",
        a=account_id,
        m=last,
    )
    if deleted.rowcount:
        await run(
            conn,
            "INSERT INTO account_change (account_id, weight) VALUES (:a, :w)",
            a=account_id,
            w=int(total),
        )
    return int(deleted.rowcount)


async def accounts_to_compact(conn: AsyncConnection, *, more_than: int) -> list[int]:
    """Accounts with more than `more_than` change rows (the sweep folds theirs)."""
    rows = await run(
        conn,
        "SELECT account_id FROM account_change GROUP BY account_id HAVING count(*) > :n"
        " ORDER BY account_id",
        n=more_than,
    )
    return [int(row.account_id) for row in rows]
