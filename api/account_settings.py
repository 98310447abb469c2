"""The account's settings: how long backups are kept, its time zone, the API backup window.

Retention applies to the backups already taken: a change sets every backup of the account to
expire that many days after it was taken (its `expiresAt` says so at once). Shortened, the
next retention sweep deletes what is then past it (the payload tells how many); lengthened,
the backups not yet swept are kept longer. Backups already deleted are not brought back.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from zoneinfo import available_timezones

from api.errors import InvalidInput
from api.services import Services
from storage.account_settings import lock_account_groups, update_account_settings
from storage.db import write_transaction
from storage.store.retention import count_account_expired, reset_account_expiries

MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 365
# 0: every API write makes a backup; 1440: at most one a day per group.
MIN_API_BACKUP_WINDOW_MINUTES = 0
MAX_API_BACKUP_WINDOW_MINUTES = 1440


@dataclass(frozen=True)
class SettingsChange:
    """The settings a client asks to change; None leaves one as it is."""

    retention_days: int | None = None
    time_zone: str | None = None
    api_backup_window_minutes: int | None = None


def _check_range(value: int | None, low: int, high: int, field: str, unit: str) -> None:
    if value is not None and not low <= value <= high:
        raise InvalidInput(f"`{field}` must be between {low} and {high} {unit}.", field=[field])


@functools.cache
def iana_zone_names() -> frozenset[str]:
    """The zone names of the tz database this process reads (system files, else tzdata)."""
    return frozenset(available_timezones())


def checked_time_zone(name: str) -> str:
    """An IANA time zone name exactly as the tz database spells it; InvalidInput otherwise."""
    # A set of names, not ZoneInfo(name): that also opens relative file paths.
    if name not in iana_zone_names():
        raise InvalidInput(
            f"{name[:80]!r} is not an IANA time zone name (such as Europe/Paris or UTC).",
            field=["timeZone"],
        )
    return name


def stored_values(change: SettingsChange) -> dict[str, Any]:
    """The account columns `change` sets, checked; InvalidInput names the field at fault."""
    _check_range(
        change.retention_days, MIN_RETENTION_DAYS, MAX_RETENTION_DAYS, "retentionDays", "days"
    )
    _check_range(
        change.api_backup_window_minutes,
        MIN_API_BACKUP_WINDOW_MINUTES,
        MAX_API_BACKUP_WINDOW_MINUTES,
        "apiBackupWindowMinutes",
        "minutes",
    )
    values: dict[str, Any] = {
        "backup_retention_days": change.retention_days,
        "time_zone": checked_time_zone(change.time_zone) if change.time_zone is not None else None,
        "api_backup_window_minutes": change.api_backup_window_minutes,
    }
    return {column: value for column, value in values.items() if value is not None}


async def change_account_settings(
    *, services: Services, account_id: int, change: SettingsChange
) -> int:
    """Store the settings; how many backups the next retention sweep will delete."""
    values = stored_values(change)
    async with write_transaction(services.engine) as conn:
        await update_account_settings(conn, account_id=account_id, values=values)
    # Committed first, so that a write starting from now dates its backup by the new
    # retention; the group locks then wait for the writes that read the old one.
    async with write_transaction(services.engine) as conn:
        if change.retention_days is not None:
            await lock_account_groups(conn, account_id=account_id)
            await reset_account_expiries(conn, account_id=account_id, days=change.retention_days)
        return await count_account_expired(conn, account_id=account_id, as_of=services.clock.now())
