"""The migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

import importlib
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.migrate import alembic_config, upgrade
from storage.models import metadata

_SEARCH_MIGRATION = importlib.import_module("storage.migrations.versions.0009_recipient_search")
SQLITE_INDEXES: dict[str, str] = _SEARCH_MIGRATION.SQLITE_INDEXES
POSTGRESQL_INDEXES: dict[str, str] = _SEARCH_MIGRATION.POSTGRESQL_INDEXES
_GIN_MIGRATION = importlib.import_module("storage.migrations.versions.0013_recipient_insert_upkeep")


# Expression indexes the models cannot describe (one per dialect, migrations 0009 and 0013):
# SQLite's reflection skips them with a warning, PostgreSQL's would report them as extra.
SEARCH_INDEXES = frozenset(SQLITE_INDEXES) | frozenset(POSTGRESQL_INDEXES) | {_GIN_MIGRATION.INDEX}


def _described(obj: object, name: str | None, kind: str, reflected: bool, other: object) -> bool:
    return not (kind == "index" and name in SEARCH_INDEXES)


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _described}
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        return list(compare_metadata(context, metadata))


async def test_migrated_schema_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []


async def test_upgrade_is_idempotent(engine: AsyncEngine) -> None:
    await upgrade(engine)
    async with engine.connect() as conn:
        version = (await conn.exec_driver_sql("SELECT version_num FROM alembic_version")).scalar()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert version == head
    assert head is not None
    assert head != "0001"


async def test_ids_a_client_has_seen_are_never_reused(engine: AsyncEngine) -> None:
    """Ids 1 and 2, delete 2: the next row gets 3 (SQLite reuses 2 unless AUTOINCREMENT)."""
    async with engine.begin() as conn:
        for name in ("a", "b"):
            await conn.exec_driver_sql(
                "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
                f" VALUES ('{name}', true, 30, CURRENT_TIMESTAMP)"
            )
        highest = (await conn.exec_driver_sql("SELECT MAX(id) FROM account")).scalar_one()
        await conn.exec_driver_sql(f"DELETE FROM account WHERE id = {highest}")
        await conn.exec_driver_sql(
            "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
            " VALUES ('c', true, 30, CURRENT_TIMESTAMP)"
        )
        newest = (await conn.exec_driver_sql("SELECT MAX(id) FROM account")).scalar_one()
    assert newest == highest + 1
