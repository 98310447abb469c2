"""The GraphQL object types (contract names), each built from a storage row."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import strawberry
from strawberry import relay

from api.errors import UserFacingError
from api.graphql.context import Info
from api.graphql.pagination import Connection, connection, decode_text_cursor, page_size
from storage.db import read_transaction

if TYPE_CHECKING:
    from api.graphql.backup_types import Backup
    from api.graphql.token_types import ApiToken
from storage.reads import AccountRow, GroupRow, RecipientRow, recipients_by_id, recipients_page


@strawberry.enum(description="Where a recipient stands for sending.")
class RecipientStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    UNSUBSCRIBED = "UNSUBSCRIBED"
    BOUNCED = "BOUNCED"


@strawberry.enum(
    description="ADD: only new addresses. REFRESH_AND_ADD: update existing, add new. REFRESH: update existing only."
)
class ImportMode(enum.Enum):
    ADD = "ADD"
    REFRESH_AND_ADD = "REFRESH_AND_ADD"
    REFRESH = "REFRESH"


@strawberry.enum(description="Where a job is.")
class JobStatus(enum.Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@strawberry.enum(description="What a job does: import a file, or restore a backup.")
class JobKind(enum.Enum):
    IMPORT = "IMPORT"
    RESTORE = "RESTORE"


@strawberry.enum(description="Stable codes of expected failures.")
class UserErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    UNSUPPORTED_FILE = "UNSUPPORTED_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    CONFLICT = "CONFLICT"
    LIMIT_REACHED = "LIMIT_REACHED"


@strawberry.type(description="An expected failure of a mutation: nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(description="The input path at fault, if any.")
    message: str
    code: UserErrorCode

    @classmethod
    def from_error(cls, error: UserFacingError) -> UserError:
        return cls(field=error.field, message=error.message, code=UserErrorCode(error.code.value))


@strawberry.type(description="A custom master-data field of a recipient.")
class Attribute:
    name: str
    value: str


def attributes_of(raw: str | None) -> list[Attribute]:
    """Attributes from their stored JSON, sorted by name."""
    if not raw:
        return []
    values: dict[str, Any] = orjson.loads(raw)
    return [Attribute(name=k, value=str(values[k])) for k in sorted(values)]


@strawberry.type(description="The account of the token used.")
class Account(relay.Node):
    id: relay.NodeID[int]
    name: str
    backups_enabled: bool = strawberry.field(description="The account-wide backup switch.")
    backup_retention_days: int = strawberry.field(
        description="Days a backup is kept: 30 unless changed."
    )

    @classmethod
    def from_row(cls, row: AccountRow) -> Account:
        return cls(
            id=row.id,
            name=row.name,
            backups_enabled=row.backups_enabled,
            backup_retention_days=row.backup_retention_days,
        )

    @strawberry.field(description="The account's API tokens, oldest first (never their secrets).")
    async def tokens(
        self, info: Info
    ) -> list[Annotated[ApiToken, strawberry.lazy("api.graphql.token_types")]]:
        from api.graphql.token_types import account_tokens

        return await account_tokens(info)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Account | None]:
        from storage.reads import account

        async with read_transaction(info.context.engine) as conn:
            own = await account(conn, account_id=info.context.account_id)
        return [cls.from_row(own) if _int(i) == own.id else None for i in node_ids]


@strawberry.type(description="A recipient list.")
class Group(relay.Node):
    id: relay.NodeID[int]
    name: str
    created_at: datetime
    recipient_count: int
    backups_enabled: bool = strawberry.field(description="This group's own backup switch.")
    account_backups_enabled: strawberry.Private[bool | None] = None

    @classmethod
    def from_row(cls, row: GroupRow) -> Group:
        return cls(
            id=row.id,
            name=row.name,
            created_at=row.created_at,
            recipient_count=row.recipient_count,
            backups_enabled=row.backups_enabled,
        )

    @strawberry.field(
        description="Whether imports, deletions and restores of this group make backups: the account switch AND the group switch."
    )
    async def backups_active(self, info: Info) -> bool:
        if not self.backups_enabled:
            return False
        owner = await info.context.account_loader().load(info.context.account_id)
        return owner.backups_enabled

    @strawberry.field(description="The group's recipients, ordered by email.")
    async def recipients(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Recipient]:
        size = page_size(first)
        after_email = decode_text_cursor(after)
        async with read_transaction(info.context.engine) as conn:
            rows = await recipients_page(
                conn, group_id=self.id, first=size, after_email=after_email
            )
        return connection(
            rows,
            size=size,
            total=self.recipient_count,
            after=after,
            key=lambda r: (r.email,),
            node=Recipient.from_row,
        )

    @strawberry.field(description="This group's backups, newest first.")
    async def backups(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Backup, strawberry.lazy("api.graphql.backup_types")]]:
        result: Connection[Any] = await group_backups(info, self.id, first, after)
        return result

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Group | None]:
        ids = [_int(i) for i in node_ids]
        rows = await info.context.group_loader().load_many([i for i in ids if i is not None])
        found = {r.id: r for r in rows if r is not None}
        return [cls.from_row(found[i]) if i in found else None for i in ids]


@strawberry.type(description="A recipient of a group: its master data and status.")
class Recipient(relay.Node):
    id: relay.NodeID[int]
    email: str = strawberry.field(
        description="Canonical form: trimmed, lower-case, Unicode NFC, the domain in Unicode (IDNA)."
    )
    first_name: str | None
    last_name: str | None
    status: RecipientStatus
    created_at: datetime
    updated_at: datetime
    raw_attributes: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: RecipientRow) -> Recipient:
        return cls(
            id=row.id,
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            status=RecipientStatus(row.status),
            created_at=row.created_at,
            updated_at=row.updated_at,
            raw_attributes=row.attributes,
        )

    @strawberry.field(description="Custom master data, sorted by name.")
    def attributes(self) -> list[Attribute]:
        return attributes_of(self.raw_attributes)

    @strawberry.field(description="Opens and clicks, newest first: never backed up or restored.")
    async def activities(self, info: Info) -> list[Activity]:
        from api.graphql.activities import activity_loader

        return await activity_loader(info).load(self.id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Recipient | None]:
        ids = [i for i in (_int(n) for n in node_ids)]
        async with read_transaction(info.context.engine) as conn:
            found = await recipients_by_id(
                conn, account_id=info.context.account_id, ids=[i for i in ids if i is not None]
            )
        return [cls.from_row(found[i]) if i is not None and i in found else None for i in ids]


@strawberry.enum(description="What a recipient did with a mailing.")
class ActivityKind(enum.Enum):
    OPEN = "OPEN"
    CLICK = "CLICK"


@strawberry.type(description="An open or a click.")
class Activity:
    kind: ActivityKind
    occurred_at: datetime
    detail: str | None


def _int(node_id: str | int) -> int | None:
    try:
        return int(node_id)
    except (TypeError, ValueError):
        return None


DateScalar = Annotated[date, strawberry.argument(description="YYYY-MM-DD")]


async def group_backups(info: Info, group_id: int, first: int | None, after: str | None) -> Any:
    """A group's backups, newest first (the type lives in backup_types)."""
    from api.graphql.backup_types import backups_connection

    return await backups_connection(info, group_id=group_id, first=first, after=after)
