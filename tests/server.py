"""A real listkeeper server on a free loopback port, in a thread, for the tests."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import uvicorn

from api.app import create_app
from api.clock import FrozenClock
from api.logs import request_logging
from api.services import Services
from api.settings import Settings

T = TypeVar("T")


class LiveServer:
    """uvicorn serving the app; `run` executes a coroutine on the server's own loop."""

    def __init__(
        self, *, database_url: str, data_dir: Path, clock: FrozenClock, **settings: Any
    ) -> None:
        self.settings = Settings(
            env="test",
            database_url=database_url,
            data_dir=data_dir,
            secret_key="test-secret-key-of-some-length",
            job_poll_seconds=0.2,
            **settings,
        )
        self.clock = clock
        self.app = create_app(self.settings, clock=clock)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            request_logging(self.app), lifespan="on", log_level="warning", ws="websockets-sansio"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def services(self) -> Services:
        """The app's services (engine, files, clock...)."""
        services: Services = self.app.state.services
        return services

    def _serve(self) -> None:
        async def serve() -> None:
            self.loop = asyncio.get_running_loop()
            await self.server.serve(sockets=[self.sock])

        asyncio.run(serve())

    def start(self) -> None:
        """Start and wait until the server accepts requests."""
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=30)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        """Run `coro` on the server's loop (where its engine lives) and return the result."""
        assert self.loop is not None
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)
