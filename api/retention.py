"""The retention loop (filled in by the retention work)."""

from __future__ import annotations

import asyncio

from api.graphql.context import Services


async def retention_loop(services: Services) -> None:
    """Sweep expired backups every interval."""
    while True:
        await asyncio.sleep(services.settings.retention_interval_seconds)
