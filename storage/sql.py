"""Running SQL on either dialect: model reads, and text statements with typed parameters.

Simple reads select the table models (`select(Backup)`) and get the model instances back
(`fetch_models`); the hot ones (per request, per loader batch, on the import path) are
built once at import with `sa.bindparam` placeholders, which bench/bench_reads.py measures
against the same reads as text SQL; simple writes are Core `insert()`/`update()` on the model tables. Text
SQL is kept for the tuned set-based statements (imports, merges, history copies, exports,
retention purges), which `run` executes: a list or tuple parameter there is an `IN :name`
list, and `row_lock` is the dialect's row-lock clause.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import UTC_DATETIME

TIME_PARAMS = frozenset({"now", "expires_at", "cutoff", "as_of", "occurred_at"})
MAX_ID = 2**31 - 1  # ids of groups, backups, tokens and jobs are 32-bit integers
MAX_BIG_ID = 2**63 - 1  # ids of recipients, history rows and activities

Model = TypeVar("Model")


def statement(sql: str, *, lists: Iterable[str] = ()) -> sa.TextClause:
    """A text clause whose datetime parameters are converted per dialect.

    Each parameter named in `lists` is an expanding `IN :name` list (one bound
    parameter per value, as many as the list holds).
    """
    binds = [sa.bindparam(p, type_=UTC_DATETIME) for p in TIME_PARAMS if f":{p}" in sql]
    binds += [sa.bindparam(name, expanding=True) for name in lists]
    clause = sa.text(sql)
    return clause.bindparams(*binds) if binds else clause


async def run(conn: AsyncConnection, sql: str, **params: Any) -> CursorResult[Any]:
    """Execute `sql` with keyword parameters; a list or tuple value is an `IN :name` list."""
    lists = [name for name, value in params.items() if isinstance(value, list | tuple)]
    return await conn.execute(statement(sql, lists=lists), params)


async def scalar(conn: AsyncConnection, sql: str, **params: Any) -> Any:
    """The first column of the first row, or None."""
    return (await run(conn, sql, **params)).scalar()


def row_lock(conn: AsyncConnection, strength: str = "UPDATE") -> str:
    """` FOR <strength>` on PostgreSQL; nothing on SQLite, whose writers `BEGIN IMMEDIATE`.

    Core statements say `.with_for_update()`, which SQLite's compiler leaves out the same way.
    """
    return "" if conn.dialect.name == "sqlite" else f" FOR {strength}"


def possible_ids(ids: Iterable[int], *, largest: int = MAX_ID) -> list[int]:
    """The ids among `ids` that a row can have (PostgreSQL refuses a parameter out of range)."""
    return [i for i in ids if 0 < i <= largest]


async def fetch_models(
    conn: AsyncConnection, query: SelectOfScalar[Model], params: Mapping[str, Any] | None = None
) -> list[Model]:
    """The model instances `query` (a `select(SomeModel)`) selects, read in `conn`'s transaction.

    Hot reads build `query` once, at import, with `sa.bindparam` placeholders that `params`
    fills: a statement built per call costs more than the SQL it runs (its cache key is
    computed again each time).
    """
    build = _builder(query)
    result = await conn.execute(query, params)
    return build(tuple(result.keys()), result)


async def fetch_model(
    conn: AsyncConnection, query: SelectOfScalar[Model], params: Mapping[str, Any] | None = None
) -> Model | None:
    """The first model instance `query` selects, or None (say `.limit(1)` in `query`)."""
    found = await fetch_models(conn, query, params)
    return found[0] if found else None


RowsToModels = Callable[[tuple[str, ...], Iterable[Sequence[Any]]], list[Any]]


def models_of_rows(
    model: type[Model],
) -> Callable[[tuple[str, ...], Iterable[Sequence[Any]]], list[Model]]:
    """fetch_models' cheap builder, for rows that carry a model's columns under their names
    beside others (the caller cuts the others off)."""
    return _rows_to_models(model)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=512)  # the statements built once; keeps the entity lookup off calls
def _builder(query: SelectOfScalar[Any]) -> RowsToModels:
    return _rows_to_models(query.column_descriptions[0]["entity"])


@functools.cache
def _rows_to_models(model: type[SQLModel]) -> RowsToModels:
    """The instances `model_construct` makes, at a third of its cost per row (1,000 backups).

    No validation (the values come from the typed columns) and no session: the instance is
    a bare object whose `__dict__` holds the row, with pydantic's three slots set as
    `model_construct` sets them. Reads go through SQLAlchemy's instrumented attributes,
    which find the value in `__dict__`; like `model_construct`'s, the instance has no ORM
    state, so it is read-only (assigning to a column attribute raises).
    """
    fields = frozenset(model.model_fields)
    plain = not model.__pydantic_post_init__ and model.model_config.get("extra") != "allow"
    new = object.__new__
    set_slot = object.__setattr__

    def build(names: tuple[str, ...], rows: Iterable[Sequence[Any]]) -> list[Any]:
        if not plain or frozenset(names) != fields:  # defaults or hooks to apply: pydantic's way
            return [model.model_construct(**dict(zip(names, row, strict=True))) for row in rows]
        built = []
        for row in rows:
            instance = new(model)
            instance.__dict__.update(zip(names, row, strict=True))
            set_slot(instance, "__pydantic_fields_set__", set(names))
            set_slot(instance, "__pydantic_extra__", None)
            set_slot(instance, "__pydantic_private__", None)
            built.append(instance)
        return built

    return build


def as_utc(value: datetime | str | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite gives naive ones back)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
