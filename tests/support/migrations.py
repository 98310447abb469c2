"""Bringing a test database to a given revision, up or down, on the engine's connection."""

from __future__ import annotations

from alembic import command
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config


async def migrate_to(engine: AsyncEngine, revision: str, *, down: bool = False) -> None:
    """Upgrade (or with `down`, downgrade) the database of `engine` to `revision`."""

    def _run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
