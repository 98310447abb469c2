"""updateAccountSettings: its input, its payload and its resolver."""

from __future__ import annotations

import strawberry

from api.account_settings import SettingsChange, change_account_settings
from api.errors import UserFacingError
from api.graphql.accounts import Account
from api.graphql.context import Info
from api.graphql.payloads import UserError
from storage.db import read_transaction
from storage.reads import account


@strawberry.input(description="The settings to change; a field left out stays as it is.")
class UpdateAccountSettingsInput:
    retention_days: int | None = strawberry.field(
        default=None,
        description="Days a backup is kept after it was taken, 1 to 365. It applies to the"
        " backups already taken: their expiresAt changes at once, and the next retention sweep"
        " deletes those then past it.",
    )
    time_zone: str | None = strawberry.field(
        default=None, description="An IANA time zone name, such as Europe/Paris or UTC."
    )
    api_backup_window_minutes: int | None = strawberry.field(
        default=None,
        description="0 to 1440 minutes: an API write backs its group up when the group's"
        " latest backup is older than this (0: every API write).",
    )


@strawberry.type
class UpdateAccountSettingsPayload:
    account: Account | None = None
    backups_to_remove: int = strawberry.field(
        default=0,
        description="How many of the account's backups the next retention sweep will delete"
        " (those past their expiry, not read by a queued or running restore).",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def update_account_settings(
    info: Info, input: UpdateAccountSettingsInput
) -> UpdateAccountSettingsPayload:
    """Check and store the settings; the account as it now is."""
    services = info.context.services
    account_id = info.context.account_id
    change = SettingsChange(
        retention_days=input.retention_days,
        time_zone=input.time_zone,
        api_backup_window_minutes=input.api_backup_window_minutes,
    )
    try:
        to_remove = await change_account_settings(
            services=services, account_id=account_id, change=change
        )
    except UserFacingError as error:
        return UpdateAccountSettingsPayload(user_errors=[UserError.from_error(error)])
    async with read_transaction(services.engine) as conn:
        updated = Account.from_row(await account(conn, account_id=account_id))
    return UpdateAccountSettingsPayload(account=updated, backups_to_remove=to_remove)
