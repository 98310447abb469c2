"""The per-request context: who asks, the database, and this request's loaders."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.dataloader import DataLoader

from api.auth import account_cache, cached_account
from api.graphql.loaders import Loaders
from api.services import Services
from storage.reads import AccountRow


class AccountLoader(DataLoader[int, AccountRow]):
    """The request's account, from the process's brief account cache when it is there
    (api.auth.AccountCache: as fresh as the token cache; forgotten on any account write)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__(load_fn=self._read)

    def _seconds(self) -> float:
        return self.services.settings.token_cache_seconds

    def load(self, key: int) -> Awaitable[AccountRow]:
        """The account `key`: a finished future when kept, else one read batched as usual."""
        seconds = self._seconds()
        if seconds > 0:
            now = self.services.clock.now()
            found = account_cache(self.services.engine).fresh(key, now=now, seconds=seconds)
            if found is not None:
                future = self.loop.create_future()
                future.set_result(found)
                return future
        return super().load(key)

    async def _read(self, ids: list[int]) -> list[AccountRow]:
        engine, now = self.services.engine, self.services.clock.now()
        return [await cached_account(engine, i, now=now, seconds=self._seconds()) for i in ids]


class RequestLoaders(Loaders):
    """Loaders whose account comes through the account cache."""

    def __init__(self, services: Services, account_id: int) -> None:
        super().__init__(services.engine, account_id)
        self.services = services

    @cached_property
    def account(self) -> DataLoader[int, AccountRow]:
        """The request's account (kept briefly across requests)."""
        return AccountLoader(self.services)


@dataclass
class Context:
    """Built once per request (or WebSocket operation) by `get_context`."""

    services: Services
    account_id: int
    request: Any = None
    # The name of the API token the request was sent with; None if it has none.
    token_name: str | None = None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # Made with the context, so their cache lives exactly one request.
        self.loaders = RequestLoaders(self.services, self.account_id)

    def signed_in(self, account_id: int, token_name: str | None) -> None:
        """Set who asks once a WebSocket's token was read (its context is made before)."""
        self.account_id = account_id
        self.token_name = token_name
        # Loaders made for nobody would read every object as not found.
        self.renew_loaders()

    def renew_loaders(self) -> None:
        """Forget what was loaded: a subscription's next message must not show old objects."""
        self.loaders = RequestLoaders(self.services, self.account_id)

    @property
    def engine(self) -> AsyncEngine:
        """The database engine."""
        return self.services.engine


Info: TypeAlias = strawberry.Info[Context, None]
