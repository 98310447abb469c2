"""The account of the token used: its backup switches and its API tokens."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry
from strawberry import relay

from api.global_ids import node_db_id
from api.graphql.context import Info
from api.graphql.tokens import ApiToken, account_tokens
from storage.reads import AccountRow


@strawberry.type(description="The account of the token used.")
class Account(relay.Node):
    id: relay.NodeID[int]
    name: str
    backups_enabled: bool = strawberry.field(description="The account-wide backup switch.")
    backup_retention_days: int = strawberry.field(
        description="Days a backup is kept after it was taken: 30 unless changed"
        " (updateAccountSettings, retentionDays)."
    )
    time_zone: str = strawberry.field(
        description="IANA time zone name of the account (UTC unless changed): the backups"
        " screen's days are in it."
    )
    api_backup_window_minutes: int = strawberry.field(
        description="An API write backs its group up when the group's latest backup is older"
        " than this many minutes (60 unless changed; 0: every API write)."
    )

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        return cls(
            id=row.id,
            name=row.name,
            backups_enabled=row.backups_enabled,
            backup_retention_days=row.backup_retention_days,
            time_zone=row.time_zone,
            api_backup_window_minutes=row.api_backup_window_minutes,
        )

    @strawberry.field(description="The account's API tokens, oldest first (never their secrets).")
    async def tokens(self, info: Info) -> list[ApiToken]:
        return await account_tokens(info)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Account | None]:
        own = await info.context.loaders.account.load(info.context.account_id)
        return [cls.from_row(own) if node_db_id(i) == own.id else None for i in node_ids]


async def viewer(info: Info) -> Account:
    """The request's own account."""
    return Account.from_row(await info.context.loaders.account.load(info.context.account_id))
