"""What a process holds for its whole life, built in one place from the settings.

The app, every command and the benchmarks get their engine, file store, clock and job
events here; the loops a process runs (job worker, retention, checkpoints) are started by
`api.runtime`. The GraphQL package reads these services; they never import it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from api.clock import Clock, SystemClock
from api.progress import JobEvents
from api.settings import Settings
from storage.db import create_engine
from storage.files import FileStore, file_store_for
from storage.migrate import upgrade


@dataclass(frozen=True)
class Services:
    """The settings, the database, the file store, the clock and the job notifications."""

    settings: Settings
    engine: AsyncEngine
    files: FileStore
    clock: Clock
    events: JobEvents
    # Set when a job is queued here, so this process's worker looks at once, not at its
    # next poll (`api.runtime.job_worker` waits on it). Workers of other processes hear of
    # it through PostgreSQL's NOTIFY (`storage.job_notify`); on SQLite they poll.
    job_queued: asyncio.Event = field(default_factory=asyncio.Event)

    def wake_worker(self) -> None:
        """A job was queued: this process's worker looks now rather than at its next poll."""
        self.job_queued.set()


def build_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """The services of `settings`; the engine connects on first use, unmigrated."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Services(
        settings=settings,
        engine=create_engine(settings.db_url),
        files=file_store_for(
            settings.files_url, settings.data_dir, s3_endpoint_url=settings.s3_endpoint_url
        ),
        clock=clock or SystemClock(),
        events=JobEvents(),
    )


@asynccontextmanager
async def services_in_use(services: Services, *, migrate: bool = True) -> AsyncIterator[Services]:
    """Migrate the database first when asked; dispose of the engine when the block ends."""
    async with engine_in_use(services.engine, migrate=migrate):
        yield services


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True
) -> AsyncIterator[Services]:
    """The services of `settings` for the length of the block (what a command runs on)."""
    async with services_in_use(build_services(settings, clock=clock), migrate=migrate) as made:
        yield made


@asynccontextmanager
async def open_engine(url: str, *, migrate: bool = True) -> AsyncIterator[AsyncEngine]:
    """An engine on `url` (async driver named) alone, for tools that need no data folder."""
    async with engine_in_use(create_engine(url), migrate=migrate) as engine:
        yield engine


@asynccontextmanager
async def engine_in_use(engine: AsyncEngine, *, migrate: bool) -> AsyncIterator[AsyncEngine]:
    """Migrate `engine`'s database first when asked; dispose of the engine at the end."""
    try:
        if migrate:
            await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()
