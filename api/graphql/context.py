"""The per-request context: who asks, the database, and this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine

from api.graphql.loaders import Loaders
from api.services import Services


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
        self.loaders = Loaders.for_request(self.services.engine, self.account_id)

    def signed_in(self, account_id: int, token_name: str | None) -> None:
        """Set who asks once a WebSocket's token was read (its context is made before)."""
        self.account_id = account_id
        self.token_name = token_name
        # Loaders made for nobody would read every object as not found.
        self.renew_loaders()

    def renew_loaders(self) -> None:
        """Forget what was loaded: a subscription's next message must not show old objects."""
        self.loaders = Loaders.for_request(self.services.engine, self.account_id)

    @property
    def engine(self) -> AsyncEngine:
        """The database engine."""
        return self.services.engine


Info: TypeAlias = strawberry.Info[Context, None]
