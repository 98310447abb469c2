"""Backups of groups: the type, its comparison with the group now, lists and the overview."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from api.backups import group_moment
from api.downloads import download_expiry, download_path
from api.global_ids import encode_id

# The module, not its names: groups.py imports this module too (a group's backups), and
# names are looked up when a resolver runs, once both modules are loaded.
from api.graphql import groups, jobs
from api.graphql.context import Info
from api.graphql.loaders import load_nodes
from api.graphql.pagination import (
    Connection,
    Keyset,
    PageArgs,
    paged,
    text_key,
    time_key,
)
from api.moment_downloads import moment_download_path
from storage.db import read_transaction
from storage.keyset import Window
from storage.store.backup_reads import BackupRow, backup_count, backups_window
from storage.store.backups import BackupReason
from storage.store.compare import Difference, compare_with_current, differences

if TYPE_CHECKING:
    from api.graphql.groups import Group
    from api.graphql.jobs import ImportJob

strawberry.enum(BackupReason, description="Why a backup was made.")
# A lazy reference: the Group type is defined in groups.py, which imports this module.
LazyGroup = Annotated["Group", strawberry.lazy("api.graphql.groups")]
LazyJob = Annotated["ImportJob", strawberry.lazy("api.graphql.jobs")]
NODE_ID_DESCRIPTION = "The Globally Unique ID of this object"
_REASONS = {reason.value: reason for reason in BackupReason}
# A Backup's group or job not read yet (None: a deleted group, no job).
UNREAD: Any = object()


def node_id_field() -> Any:
    """relay.Node's `id`, as a plain attribute holding the encoded global ID.

    Declared as `_id`, the name of relay.Node's resolver, it replaces that resolver: a
    resolver costs strawberry an Info object and graphql-core a call per object, and the
    backups page shows 1,150 ids. Same SDL (`id: ID!`), same value (encode_id).
    """
    return strawberry.field(name="id", description=NODE_ID_DESCRIPTION)


@strawberry.enum(description="How an address differs between a backup and its group now.")
class DifferenceKind(enum.Enum):
    ADDED = "ADDED"
    REMOVED = "REMOVED"
    CHANGED = "CHANGED"


@strawberry.type(description="An address that differs between a backup and its group now.")
class BackupDifference:
    email: str
    kind: DifferenceKind


@strawberry.type(description="A backup compared with its group as it is now, in recipients.")
class BackupComparison:
    unchanged: int
    changed: int = strawberry.field(description="In both, with other master data now.")
    added: int = strawberry.field(description="In the group now, not in the backup.")
    removed: int = strawberry.field(description="In the backup, not in the group now.")
    group_id: strawberry.Private[int]
    seq: strawberry.Private[int]

    @strawberry.field(description="The differing addresses, ordered by email.")
    async def differences(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[BackupDifference]:
        async with read_transaction(info.context.engine) as conn:

            async def read(window: Window[str]) -> list[Difference]:
                return await differences(conn, group_id=self.group_id, seq=self.seq, window=window)

            return await paged(
                PageArgs(first, after, last, before),
                Keyset(read=read, key=lambda d: (d.email,), decode=text_key),
                node=lambda d: BackupDifference(email=d.email, kind=DifferenceKind(d.kind)),
                total=self.changed + self.added + self.removed,
            )


@strawberry.type(description="The state of a group at one point in time, kept until `expiresAt`.")
class Backup(relay.Node):
    id: relay.NodeID[int]
    _id: strawberry.ID = node_id_field()
    group_name: str = strawberry.field(description="The group's name when the backup was made.")
    reason: BackupReason
    created_at: datetime
    expires_at: datetime
    recipient_count: int
    group_id: strawberry.Private[int]
    seq: strawberry.Private[int]
    # The group and the job when the reader already has them (the backups page): no load
    # per backup.
    live_group: strawberry.Private[Any] = UNREAD
    made_by: strawberry.Private[Any] = UNREAD

    @classmethod
    def from_row(
        cls, row: BackupRow, live_group: Group | None = UNREAD, made_by: ImportJob | None = UNREAD
    ) -> Backup:
        """The backup of `row`; `live_group`: its group (None: deleted) and `made_by`: its job
        (None: none), when already read."""
        return cls(
            id=row.id,
            _id=strawberry.ID(encode_id("Backup", row.id)),
            group_name=row.group_name,
            reason=BackupReason(row.reason),
            created_at=row.created_at,
            expires_at=row.expires_at,
            recipient_count=row.recipient_count,
            group_id=row.group_id,
            seq=row.seq,
            live_group=live_group,
            made_by=made_by,
        )

    @classmethod
    def from_read_row(
        cls, row: BackupRow, live_group: Group | None, made_by: ImportJob | None
    ) -> Backup:
        """`from_row` for a row storage.sql's builder made (its values in its `__dict__`, as
        the days read's rows have them): read without the instrumented attributes, and the
        id encoded as encode_id does (the backups page makes 350 of these a request)."""
        values = row.__dict__
        backup_id = values["id"]
        reason = values["reason"]
        return cls(
            id=backup_id,
            _id=strawberry.ID(encode_id("Backup", backup_id)),
            group_name=values["group_name"],
            reason=_REASONS.get(reason) or BackupReason(reason),
            created_at=values["created_at"],
            expires_at=values["expires_at"],
            recipient_count=values["recipient_count"],
            group_id=values["group_id"],
            seq=values["seq"],
            live_group=live_group,
            made_by=made_by,
        )

    # Not async: a group already read is returned as is (no coroutine for graphql-core to
    # await per backup); else the batched load's awaitable, which graphql-core awaits.
    @strawberry.field(
        description="The group, or null once it is deleted.", graphql_type=LazyGroup | None
    )
    def group(self, info: Info) -> Any:
        if self.live_group is not UNREAD:
            return self.live_group
        return groups.live_group(info, self.group_id)

    @strawberry.field(
        description="The import or restore that made this backup before it wrote; null for other backups (a group deletion's).",
        graphql_type=LazyJob | None,
    )
    def job(self, info: Info) -> Any:
        # As `group`: the job already read, else the batched load's awaitable.
        if self.made_by is not UNREAD:
            return self.made_by
        return jobs.job_of_backup(info, self.id)

    @strawberry.field(
        description="This backup compared with its group now (null once the group is deleted)."
    )
    async def comparison(self, info: Info) -> BackupComparison | None:
        if await info.context.loaders.groups.load(self.group_id) is None:
            return None
        async with read_transaction(info.context.engine) as conn:
            found = await compare_with_current(conn, group_id=self.group_id, seq=self.seq)
        return BackupComparison(
            unchanged=found.unchanged,
            changed=found.changed,
            added=found.added,
            removed=found.removed,
            group_id=self.group_id,
            seq=self.seq,
        )

    @strawberry.field(
        description="Short-lived URL of the CSV export: a plain GET with no Authorization header streams it."
    )
    def download_url(self, info: Info) -> str:
        services = info.context.services
        path = download_path(
            secret=services.settings.signing_key,
            account_id=info.context.account_id,
            backup_id=self.id,
            now=services.clock.now(),
            ttl=services.settings.download_url_ttl_seconds,
        )
        base = services.settings.public_url or _request_base(info)
        return base.rstrip("/") + path

    @strawberry.field(
        description="When `downloadUrl` stops working. Reads within one window (a third of the"
        " URL's lifetime, 5 minutes by default) give the same URL, with at least two thirds of"
        " its lifetime (10 minutes) left."
    )
    def download_url_expires_at(self, info: Info) -> datetime:
        services = info.context.services
        ttl = services.settings.download_url_ttl_seconds
        return download_expiry(now=services.clock.now(), ttl=ttl)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Backup | None]:
        rows = await load_nodes(info.context.loaders.backups, node_ids)
        return [cls.from_row(row) if row is not None else None for row in rows]


async def comparison_as_of(info: Info, *, group_id: int, as_of: datetime) -> BackupComparison:
    """The group now compared with its state as of `as_of` (a userError raised when refused)."""
    services = info.context.services
    async with read_transaction(info.context.engine) as conn:
        moment = await group_moment(
            conn,
            account_id=info.context.account_id,
            group_id=group_id,
            moment=as_of,
            now=services.clock.now(),
        )
        found = await compare_with_current(conn, group_id=group_id, seq=moment.seq)
    return BackupComparison(
        unchanged=found.unchanged,
        changed=found.changed,
        added=found.added,
        removed=found.removed,
        group_id=group_id,
        seq=moment.seq,
    )


async def download_url_as_of(info: Info, *, group_id: int, as_of: datetime) -> str:
    """A signed URL of the group's CSV as of `as_of`, once the moment is checked."""
    services = info.context.services
    now = services.clock.now()
    async with read_transaction(info.context.engine) as conn:
        moment = await group_moment(
            conn, account_id=info.context.account_id, group_id=group_id, moment=as_of, now=now
        )
    path = moment_download_path(
        secret=services.settings.signing_key,
        account_id=info.context.account_id,
        group_id=group_id,
        moment=moment.moment,
        now=now,
        ttl=services.settings.download_url_ttl_seconds,
    )
    return (services.settings.public_url or _request_base(info)).rstrip("/") + path


def _request_base(info: Info) -> str:
    request = info.context.request
    return str(request.base_url) if request is not None else ""


async def backup_by_id(info: Info, backup_id: int | None) -> Backup | None:
    """The account's backup of this id, batched; None if there is none."""
    if backup_id is None:
        return None
    row = await info.context.loaders.backups.load(backup_id)
    return Backup.from_row(row) if row is not None else None


async def backups_connection(
    info: Info, *, group_id: int | None, args: PageArgs
) -> Connection[Backup]:
    """Backups newest first, of one group or of the whole account."""
    account_id = info.context.account_id
    async with read_transaction(info.context.engine) as conn:

        async def read(window: Window[tuple[datetime, int]]) -> list[BackupRow]:
            return await backups_window(
                conn, account_id=account_id, group_id=group_id, window=window
            )

        async def total() -> int:
            return await backup_count(conn, account_id=account_id, group_id=group_id)

        keyset = Keyset(read=read, key=lambda r: (r.created_at.isoformat(), r.id), decode=time_key)
        return await paged(args, keyset, node=Backup.from_row, total=total)
