"""Groups (recipient lists): their switches, recipients and backups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from api.downloads import export_link_expiry, export_path

# The module, not its names: backups.py imports this module too (a backup's group), and
# names are looked up when a resolver runs, once both modules are loaded.
from api.graphql import backups as group_backups
from api.graphql import jobs as group_jobs
from api.graphql.context import Info
from api.graphql.loaders import load_nodes
from api.graphql.pagination import Connection, PageArgs
from api.graphql.recipients import Recipient, RecipientFilter, recipients_connection
from storage.codec import RecipientStatus
from storage.jobs import JobKind, JobStatus
from storage.reads import GroupRow
from storage.recipient_search import search_prefix

if TYPE_CHECKING:
    from api.graphql.backups import Backup, BackupComparison
    from api.graphql.jobs import ImportJob


@strawberry.type(description="A recipient list.")
class Group(relay.Node):
    id: relay.NodeID[int]
    name: str
    created_at: datetime
    recipient_count: int
    backups_enabled: bool = strawberry.field(description="This group's own backup switch.")

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
        owner = await info.context.loaders.account.load(info.context.account_id)
        return owner.backups_enabled

    @strawberry.field(
        description="The group's recipients, ordered by email. `search`: those whose email, first"
        " name or last name starts with it (case-insensitive; results then in code point order"
        " of the email); `status`: those of this status. `totalCount` counts the matches."
    )
    async def recipients(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
        status: RecipientStatus | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Recipient]:
        return await recipients_connection(
            info,
            group_id=self.id,
            recipient_count=self.recipient_count,
            found=RecipientFilter(search_prefix(search), status.value if status else None),
            args=PageArgs(first, after, last, before),
        )

    @strawberry.field(
        description="Signed URL of the group's CSV export as it is when the URL is opened (the"
        " same CSV as a backup's downloadUrl): a plain GET with no Authorization header. The"
        " same URL is given for a quarter of its lifetime; see exportUrlExpiresAt."
    )
    def export_url(self, info: Info) -> str:
        services = info.context.services
        path = export_path(
            secret=services.settings.signing_key,
            account_id=info.context.account_id,
            group_id=self.id,
            expires_at=_export_expiry(info),
        )
        return (services.settings.public_url or _request_base(info)).rstrip("/") + path

    @strawberry.field(description="When exportUrl stops working (410 after it).")
    def export_url_expires_at(self, info: Info) -> datetime:
        return _export_expiry(info)

    @strawberry.field(description="This group's backups, newest first.")
    async def backups(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[Backup, strawberry.lazy("api.graphql.backups")]]:
        return await group_backups.backups_connection(
            info, group_id=self.id, args=PageArgs(first, after, last, before)
        )

    @strawberry.field(
        description="The group now compared with its state as of a moment of the retention"
        " period (continuous protection): what restoreBackup(asOf) would undo. A moment that"
        " cannot be had (future, outside the period, backups off): an INVALID_INPUT error."
    )
    async def comparison(
        self, info: Info, as_of: datetime
    ) -> Annotated[BackupComparison, strawberry.lazy("api.graphql.backups")]:
        return await group_backups.comparison_as_of(info, group_id=self.id, as_of=as_of)

    @strawberry.field(
        description="Short-lived URL of the CSV export of the group as of a moment (the same"
        " CSV as a backup's downloadUrl): a plain GET with no Authorization header."
    )
    async def download_url(self, info: Info, as_of: datetime) -> str:
        return await group_backups.download_url_as_of(info, group_id=self.id, as_of=as_of)

    @strawberry.field(description="This group's imports and restores, newest first.")
    async def jobs(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: JobKind | None = None,
        status: JobStatus | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[ImportJob, strawberry.lazy("api.graphql.jobs")]]:
        return await group_jobs.jobs_connection(
            info,
            group_id=self.id,
            kind=kind,
            status=status,
            args=PageArgs(first, after, last, before),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Group | None]:
        rows = await load_nodes(info.context.loaders.groups, node_ids)
        return [cls.from_row(row) if row is not None else None for row in rows]


def _export_expiry(info: Info) -> datetime:
    services = info.context.services
    return export_link_expiry(
        now=services.clock.now(), ttl=services.settings.download_url_ttl_seconds
    )


def _request_base(info: Info) -> str:
    request = info.context.request
    return str(request.base_url) if request is not None else ""


async def live_group(info: Info, group_id: int | None) -> Group | None:
    """The account's live group of this id, batched; None once it is deleted."""
    if group_id is None:
        return None
    row = await info.context.loaders.groups.load(group_id)
    return Group.from_row(row) if row is not None else None
