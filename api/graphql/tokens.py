"""The account's API tokens in GraphQL (their mutations' inputs and payloads are in payloads.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from starlette.websockets import WebSocket
from strawberry import relay

from api.auth import bearer_token, hash_token, list_tokens
from api.graphql.context import Context, Info
from api.graphql.loaders import load_nodes
from storage.tokens import TokenRow


@strawberry.type(
    description="An API token of the account. Its secret is shown once, by createToken, and never stored."
)
class ApiToken(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Empty for tokens made before tokens had names.")
    created_at: datetime
    expires_at: datetime | None = strawberry.field(
        description="From then on the token is refused; null: it never expires."
    )
    last_used_at: datetime | None = strawberry.field(
        description="When a request last used it (recorded at most once a minute); null: never."
    )
    token_hash: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: TokenRow) -> ApiToken:
        return cls(
            id=row.id,
            name=row.name,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            token_hash=row.token_hash,
        )

    @strawberry.field(description="Whether this is the token the current request was sent with.")
    def current(self, info: Info) -> bool:
        return self.token_hash == request_token_hash(info.context)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ApiToken | None]:
        rows = await load_nodes(info.context.loaders.tokens, node_ids)
        return [cls.from_row(row) if row is not None else None for row in rows]


def request_token_hash(context: Context) -> str | None:
    """The hash of the token this request (or WebSocket connection) authenticated with."""
    if isinstance(context.request, WebSocket):
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
    else:
        header = context.request.headers.get("authorization") if context.request else None
    token = bearer_token(header if isinstance(header, str) else None)
    return hash_token(token) if token is not None else None


async def account_tokens(info: Info) -> list[ApiToken]:
    """The tokens of the request's account, oldest first."""
    rows = await list_tokens(engine=info.context.engine, account_id=info.context.account_id)
    return [ApiToken.from_row(row) for row in rows]
