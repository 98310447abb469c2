"""This request's DataLoaders, one per kind of row a resolver may ask for by id.

Made with the request's context (`Context.loaders`), so their cache lives one request:
every id asked for in one tick of the event loop is read with one `IN` query, and an
object asked for twice is read once. Every loader is scoped to the request's account: an
id of another account's object loads as None.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import cached_property
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.dataloader import DataLoader

from api.global_ids import node_db_id
from storage.activities import ActivityRow, activities_of
from storage.db import read_transaction
from storage.jobs import JobRow, jobs_by_backup_id, jobs_by_id
from storage.reads import (
    AccountRow,
    GroupRow,
    RecipientRow,
    account,
    groups_by_id,
    recipients_by_id,
)
from storage.store.backup_reads import BackupRow, backups_by_id
from storage.tokens import TokenRow, tokens_by_id

Row = TypeVar("Row")
# Reads the account's rows among the ids; absent ids are unknown or another account's.
ReadByIds = Callable[[AsyncConnection, int, list[int]], Awaitable[Mapping[int, Row]]]


class Loaders:
    """The loaders of one request (or one WebSocket operation), each made when first used:
    most requests use one or two of them, and a DataLoader costs to make."""

    def __init__(self, engine: AsyncEngine, account_id: int) -> None:
        self.engine = engine
        self.account_id = account_id

    @classmethod
    def for_request(cls, engine: AsyncEngine, account_id: int) -> Loaders:
        """Fresh loaders for a request of `account_id`."""
        return cls(engine, account_id)

    @cached_property
    def account(self) -> DataLoader[int, AccountRow]:
        """The request's account."""
        engine = self.engine
        return DataLoader(load_fn=lambda ids: _accounts(engine, ids))

    @cached_property
    def groups(self) -> DataLoader[int, GroupRow | None]:
        """Live groups by id."""
        return _by_id(self.engine, self.account_id, _live_groups)

    @cached_property
    def recipients(self) -> DataLoader[int, RecipientRow | None]:
        """Recipients by id."""
        return _by_id(self.engine, self.account_id, _recipients)

    @cached_property
    def activities(self) -> DataLoader[int, list[ActivityRow]]:
        """A recipient's activities by recipient id."""
        engine = self.engine
        return DataLoader(load_fn=lambda ids: _activities(engine, ids))

    @cached_property
    def backups(self) -> DataLoader[int, BackupRow | None]:
        """Backups by id."""
        return _by_id(self.engine, self.account_id, _backups)

    @cached_property
    def jobs(self) -> DataLoader[int, JobRow | None]:
        """Jobs by id."""
        return _by_id(self.engine, self.account_id, _jobs)

    @cached_property
    def jobs_of_backups(self) -> DataLoader[int, JobRow | None]:
        """By backup id: the job whose automatic backup it is (None for other backups)."""
        return _by_id(self.engine, self.account_id, _jobs_of_backups)

    @cached_property
    def tokens(self) -> DataLoader[int, TokenRow | None]:
        """API tokens by id."""
        return _by_id(self.engine, self.account_id, _tokens)


async def load_nodes(
    loader: DataLoader[int, Row | None], node_ids: Iterable[str]
) -> list[Row | None]:
    """The rows relay node ids name, in one batch; None where an id names none of the account's."""
    ids = [node_db_id(node_id) for node_id in node_ids]
    found = iter(await loader.load_many([i for i in ids if i is not None]))
    return [next(found) if i is not None else None for i in ids]


def _by_id(
    engine: AsyncEngine, account_id: int, read: ReadByIds[Row]
) -> DataLoader[int, Row | None]:
    async def load(ids: list[int]) -> list[Row | None]:
        async with read_transaction(engine) as conn:
            found = await read(conn, account_id, ids)
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


async def _accounts(engine: AsyncEngine, ids: list[int]) -> list[AccountRow]:
    # Only the request's own account is ever asked for: one id, one query.
    async with read_transaction(engine) as conn:
        return [await account(conn, account_id=i) for i in ids]


async def _activities(engine: AsyncEngine, ids: list[int]) -> list[list[ActivityRow]]:
    async with read_transaction(engine) as conn:
        found = await activities_of(conn, recipient_ids=ids)
    return [found[i] for i in ids]


async def _live_groups(
    conn: AsyncConnection, account_id: int, ids: list[int]
) -> Mapping[int, GroupRow]:
    return await groups_by_id(conn, account_id=account_id, ids=ids)


async def _recipients(
    conn: AsyncConnection, account_id: int, ids: list[int]
) -> Mapping[int, RecipientRow]:
    return await recipients_by_id(conn, account_id=account_id, ids=ids)


async def _backups(
    conn: AsyncConnection, account_id: int, ids: list[int]
) -> Mapping[int, BackupRow]:
    return await backups_by_id(conn, account_id=account_id, ids=ids)


async def _jobs(conn: AsyncConnection, account_id: int, ids: list[int]) -> Mapping[int, JobRow]:
    return await jobs_by_id(conn, account_id=account_id, ids=ids)


async def _jobs_of_backups(
    conn: AsyncConnection, account_id: int, backup_ids: list[int]
) -> Mapping[int, JobRow]:
    return await jobs_by_backup_id(conn, account_id=account_id, backup_ids=backup_ids)


async def _tokens(conn: AsyncConnection, account_id: int, ids: list[int]) -> Mapping[int, TokenRow]:
    return await tokens_by_id(conn, account_id=account_id, ids=ids)
