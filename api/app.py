"""The application factory: Starlette routes, the GraphQL view, and the background tasks."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from api.auth import authenticate
from api.backups import run_restore
from api.clock import Clock, SystemClock
from api.downloads import DOWNLOAD_PATH, download_backup
from api.graphiql import graphiql_html, static_routes
from api.graphql.context import Context, Services
from api.graphql.schema import build_schema
from api.guard import GraphQLGuard
from api.imports import run_import
from api.logs import configure_logging, request_logging
from api.progress import JobEvents
from api.settings import Settings
from api.worker import Worker
from storage.db import checkpoint, create_engine, is_sqlite
from storage.files import FileStore
from storage.migrate import upgrade

log = logging.getLogger("listkeeper")
CHECKPOINT_SECONDS = 2.0


class ListkeeperGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our context and WebSocket authentication."""

    def __init__(self, services: Services, **kwargs: Any) -> None:
        super().__init__(build_schema(services.settings), **kwargs)
        self.services = services

    async def render_graphql_ide(self, request: Request) -> Response:
        html = graphiql_html()
        if html is None:
            return await super().render_graphql_ide(request)
        return HTMLResponse(html, headers={"X-Frame-Options": "DENY"})

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        account_id = request.scope.get("state", {}).get("account_id", 0)
        return Context(services=self.services, account_id=account_id, request=request)

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        account_id = await authenticate(
            engine=self.services.engine,
            authorization=header if isinstance(header, str) else None,
            now=self.services.clock.now(),
        )
        if account_id is None:
            raise ConnectionRejectionError({"message": "A valid API token is required."})
        context.account_id = account_id
        return None


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, migrate: bool = True
) -> Starlette:
    """The ASGI app for `settings` (read from the environment when not given)."""
    settings = settings or Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.db_url)
    events = JobEvents()
    files = FileStore(settings.data_dir)
    clock = clock or SystemClock()
    worker = job_worker(engine=engine, files=files, clock=clock, events=events, settings=settings)
    services = Services(
        settings=settings,
        engine=engine,
        files=files,
        clock=clock,
        events=events,
        wake_worker=worker.wake,
    )
    graphql = ListkeeperGraphQL(
        services,
        graphql_ide="graphiql" if settings.graphiql else None,
        multipart_uploads_enabled=True,
        allow_queries_via_get=True,
    )
    guarded = GraphQLGuard(graphql, services=services)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if migrate:
            await upgrade(engine)
        tasks = background_tasks(services)
        if settings.worker:
            # No recovery step: every poll takes over the jobs whose worker died (api/worker.py).
            tasks.append(asyncio.create_task(worker.run_forever(), name="listkeeper-worker"))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await engine.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", guarded, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route(DOWNLOAD_PATH + "{token}", download_backup, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            *(static_routes() if settings.graphiql else []),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.worker = worker
    return app


def create_asgi_app(settings: Settings | None = None, *, clock: Clock | None = None) -> ASGIApp:
    """The app wrapped in the request log (what uvicorn serves)."""
    settings = settings or Settings()
    configure_logging(settings)
    return request_logging(create_app(settings, clock=clock))


def job_worker(
    *, engine: AsyncEngine, files: FileStore, clock: Clock, events: JobEvents, settings: Settings
) -> Worker:
    """The worker that runs imports and restores."""
    return Worker(
        engine=engine,
        files=files,
        clock=clock,
        events=events,
        runners={"IMPORT": run_import, "RESTORE": run_restore},
        poll_seconds=settings.job_poll_seconds,
    )


def background_tasks(services: Services) -> list[asyncio.Task[None]]:
    """Other loops the lifespan runs: retention, and SQLite's checkpoints."""
    from api.retention import retention_loop

    tasks = [asyncio.create_task(retention_loop(services), name="listkeeper-retention")]
    if is_sqlite(services.engine):
        tasks.append(asyncio.create_task(checkpoint_loop(services), name="listkeeper-checkpoint"))
    return tasks


async def checkpoint_loop(services: Services) -> None:
    """Checkpoint the WAL every few seconds, so that commits rarely have to."""
    while True:
        await asyncio.sleep(CHECKPOINT_SECONDS)
        try:
            await checkpoint(services.engine)
        except Exception:
            log.warning("WAL checkpoint failed; retrying later", exc_info=True)


async def healthz(request: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})
