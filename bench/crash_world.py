"""One world of the crash harness: a fresh database and data folder, its server, its oracle."""

from __future__ import annotations

import asyncio
import shutil
from contextlib import AsyncExitStack
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from api.services import open_engine
from api.settings import async_database_url
from bench import crash_checks
from bench.crash_api import CrashClient
from bench.crash_model import Oracle
from bench.crash_process import (
    ServerLog,
    ServerProcess,
    create_database,
    create_token,
    drop_database,
    server_env,
)


class World:
    """A database, a data folder and a server over them, and what they must hold."""

    def __init__(
        self,
        *,
        backend: str,
        folder: Path,
        database_url: str,
        token: str,
        engine: AsyncEngine,
        closing: AsyncExitStack,
    ) -> None:
        self.backend = backend
        self.folder = folder
        self.database_url = database_url
        self.data_dir = folder / "data"
        self.env = server_env(database_url=database_url, data_dir=self.data_dir)
        self.server = ServerProcess(self.env, cwd=folder, log_path=folder / "server.log")
        self.log = ServerLog(folder / "server.log")
        self.engine = engine
        self._closing = closing
        self.token = token
        self.client: CrashClient | None = None
        self.oracle = Oracle()
        self.reported_uploads: set[str] = set()

    @classmethod
    async def create(cls, *, backend: str, folder: Path) -> World:
        """A fresh world, migrated, with an account, its server started."""
        await asyncio.to_thread(folder.mkdir, parents=True)
        url = await create_database(backend, folder)
        token = await create_token(
            server_env(database_url=url, data_dir=folder / "data"), cwd=folder
        )
        closing = AsyncExitStack()
        engine = await closing.enter_async_context(
            open_engine(async_database_url(url), migrate=False)
        )
        world = cls(
            backend=backend,
            folder=folder,
            database_url=url,
            token=token,
            engine=engine,
            closing=closing,
        )
        await world.start()
        return world

    @property
    def api(self) -> CrashClient:
        """The client of the running server."""
        assert self.client is not None, "the server is not running"
        return self.client

    async def start(self) -> None:
        """Start the server and a client for it."""
        await self.server.start()
        self.client = CrashClient(self.server.url, self.token)

    async def kill(self) -> None:
        """SIGKILL the server; the client goes with it."""
        await self.server.kill()
        if self.client is not None:
            await self.client.close()
            self.client = None

    async def check(self) -> list[str]:
        """Every invariant, as violations."""
        return [
            *await crash_checks.check_groups(self.engine, self.api, self.oracle),
            *await crash_checks.check_backups(self.engine, self.api, self.oracle),
            *await crash_checks.check_orphans(self.engine),
            *await crash_checks.check_uploads(self.engine, self.data_dir, self.reported_uploads),
            *await crash_checks.check_job_runs(self.engine, self.log),
        ]

    async def close(self, *, keep: bool) -> None:
        """Stop everything; remove the database and folder unless `keep`."""
        await self.kill()
        await self._closing.aclose()
        if not keep:
            await drop_database(self.database_url)
            shutil.rmtree(self.folder, ignore_errors=True)
