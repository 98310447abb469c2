"""Migration 0004 renames the job tables: rows, row errors and the id counter come along."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import async_database_url
from storage.db import create_engine
from tests.conftest import BACKENDS, create_postgres_database, required_postgres
from tests.support.migrations import migrate_to

ACCOUNT = (
    "INSERT INTO account (name, backups_enabled, backup_retention_days, created_at)"
    " VALUES ('jobs', true, 30, CURRENT_TIMESTAMP) RETURNING id"
)


def _job(table: str, account_id: int) -> str:
    return (
        f"INSERT INTO {table} (account_id, kind, status, mode, new_group_name, processed_rows,"
        " added, updated, unchanged, skipped, removed, rejected, created_at, attempts)"
        f" VALUES ({account_id}, 'IMPORT', 'SUCCEEDED', 'ADD', 'g', 0, 0, 0, 0, 0, 0, 0,"
        " CURRENT_TIMESTAMP, 1) RETURNING id"
    )


@pytest.fixture(params=BACKENDS)
async def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database of each backend at revision 0003, with `import_job`."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'listkeeper.db'}"
    else:
        url = await create_postgres_database(required_postgres())
    made = create_engine(async_database_url(url))
    await migrate_to(made, "0003")
    yield made
    await made.dispose()


async def _scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.begin() as conn:
        return int((await conn.exec_driver_sql(sql)).scalar_one())


async def test_jobs_and_their_row_errors_keep_their_ids(old_engine: AsyncEngine) -> None:
    account = await _scalar(old_engine, ACCOUNT)
    kept = await _scalar(old_engine, _job("import_job", account))
    purged = await _scalar(old_engine, _job("import_job", account))
    await _scalar(
        old_engine,
        'INSERT INTO import_row_error (job_id, "row", "column", message, code)'
        f" VALUES ({kept}, 2, 'email', 'bad', 'INVALID_EMAIL') RETURNING id",
    )
    await _scalar(old_engine, f"DELETE FROM import_job WHERE id = {purged} RETURNING id")

    await migrate_to(old_engine, "head")

    assert await _scalar(old_engine, "SELECT count(*) FROM job") == 1
    assert await _scalar(old_engine, "SELECT job_id FROM job_row_error") == kept
    # The id of the deleted job was seen by a client: the next job gets a new one.
    assert await _scalar(old_engine, _job("job", account)) == purged + 1


async def test_the_rename_is_undone_by_the_downgrade(old_engine: AsyncEngine) -> None:
    account = await _scalar(old_engine, ACCOUNT)
    await migrate_to(old_engine, "head")
    made = await _scalar(old_engine, _job("job", account))

    await migrate_to(old_engine, "0003", down=True)

    assert await _scalar(old_engine, "SELECT max(id) FROM import_job") == made
    await migrate_to(old_engine, "head")
    assert await _scalar(old_engine, _job("job", account)) == made + 1
