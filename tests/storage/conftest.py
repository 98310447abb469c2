"""Fixtures for storage tests: a migrated engine on each database, on the test's own loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.settings import async_database_url
from storage.db import create_engine
from storage.migrate import upgrade
from tests.conftest import BACKENDS, create_postgres_database, required_postgres


@pytest.fixture(params=BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A freshly migrated database of each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'listkeeper.db'}"
    else:
        url = await create_postgres_database(required_postgres())
    made = create_engine(async_database_url(url))
    await upgrade(made)
    yield made
    await made.dispose()
