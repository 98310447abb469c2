"""The per-request context: who asks, the database, and this request's loaders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.dataloader import DataLoader

from api.clock import Clock
from api.progress import JobEvents
from api.settings import Settings
from storage.db import read_transaction
from storage.files import FileStore
from storage.reads import AccountRow, GroupRow, account, groups_by_id


@dataclass(frozen=True)
class Services:
    """What the app holds for its whole life."""

    settings: Settings
    engine: AsyncEngine
    files: FileStore
    clock: Clock
    events: JobEvents
    wake_worker: Callable[[], None]


@dataclass
class Context:
    """Built once per request (or WebSocket operation) by `get_context`."""

    services: Services
    account_id: int
    request: Any = None
    connection_params: dict[str, Any] | None = None
    loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def engine(self) -> AsyncEngine:
        """The database engine."""
        return self.services.engine

    def loader(self, name: str, load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
        """This request's loader called `name`, made on first use."""
        if name not in self.loaders:
            self.loaders[name] = DataLoader(load_fn=load)
        return self.loaders[name]

    def account_loader(self) -> DataLoader[int, AccountRow]:
        """The account (its switches), read once per request however many groups ask."""

        async def load(ids: list[int]) -> list[AccountRow]:
            async with read_transaction(self.engine) as conn:
                return [await account(conn, account_id=i) for i in ids]

        return self.loader("accounts", load)

    def group_loader(self, *, include_deleted: bool = False) -> DataLoader[int, GroupRow | None]:
        """Groups of this account by id (deleted ones only when asked)."""

        async def load(ids: list[int]) -> list[GroupRow | None]:
            async with read_transaction(self.engine) as conn:
                found = await groups_by_id(
                    conn, account_id=self.account_id, ids=ids, include_deleted=include_deleted
                )
            return [found.get(i) for i in ids]

        return self.loader(f"groups:{include_deleted}", load)


Info: TypeAlias = strawberry.Info[Context, None]
