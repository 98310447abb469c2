"""Apply the Alembic migrations (the server does this on start on the embedded default)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str = "") -> Config:
    """An Alembic config pointing at our migrations folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


# The PostgreSQL advisory lock every process takes around its upgrade, so that processes of a
# new release starting at once migrate one after the other: the first migrates, the others
# then find the database at head and do nothing (without it, all ran the same migration and
# all but one failed to start).
MIGRATION_LOCK = 0x6C6B_6D69  # "lkmi"


async def upgrade(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """Bring the database of `engine` to the newest revision; its revision before and after."""

    def _upgrade(connection: Connection) -> tuple[str | None, str | None]:
        before = MigrationContext.configure(connection).get_current_revision()
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        return before, MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            # Session-level: held across the upgrade's commit, released below or when the
            # process dies (its session ends).
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            await conn.commit()
        try:
            revisions = await conn.run_sync(_upgrade)
            await conn.commit()
        finally:
            if postgres:
                await conn.rollback()
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                await conn.commit()
    return revisions
