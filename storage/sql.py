"""Small helpers to run textual SQL with typed parameters on either dialect."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection

UTC_DATETIME = sa.DateTime(timezone=True)
TIME_PARAMS = frozenset({"now", "expires_at", "cutoff", "as_of", "occurred_at"})


def statement(sql: str) -> sa.TextClause:
    """A text clause whose datetime parameters are converted per dialect."""
    clause = sa.text(sql)
    params = [name for name in TIME_PARAMS if f":{name}" in sql]
    if params:
        clause = clause.bindparams(*(sa.bindparam(p, type_=UTC_DATETIME) for p in params))
    return clause


async def run(conn: AsyncConnection, sql: str, **params: Any) -> CursorResult[Any]:
    """Execute `sql` with keyword parameters."""
    return await conn.execute(statement(sql), params)


async def scalar(conn: AsyncConnection, sql: str, **params: Any) -> Any:
    """The first column of the first row, or None."""
    return (await run(conn, sql, **params)).scalar()


def as_utc(value: datetime | str | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite gives naive ones back)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def row_dict(row: Mapping[str, Any] | sa.Row[Any]) -> dict[str, Any]:
    """A result row as a plain dict."""
    return dict(row._mapping) if isinstance(row, sa.Row) else dict(row)


MAX_ID = 2**31 - 1  # ids of groups, backups and jobs are 32-bit integers
