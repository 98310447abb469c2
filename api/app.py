"""The application factory: Starlette routes, the GraphQL view, and the process's loops."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.base import BaseRequestProtocol

from api.auth import authenticated_token, recorded_uses
from api.clock import Clock
from api.downloads import (
    DOWNLOAD_PATH,
    EXPORT_PATH,
    REJECTS_PATH,
    download_backup,
    download_group_export,
    download_rejects,
    refusal,
)
from api.graphiql import graphiql_html, static_routes
from api.graphql.context import Context
from api.graphql.fast_path import FastGraphQL
from api.graphql.schema import build_schema
from api.guard import GraphQLGuard
from api.health import HEALTHZ_PATH, READYZ_PATH, healthz, readyz
from api.logs import configure_logging, request_logging
from api.moment_downloads import MOMENT_DOWNLOAD_PATH, download_group_as_of
from api.runtime import job_worker, running_loops
from api.services import Services, build_services, services_in_use
from api.settings import Settings
from api.webapp import webapp_routes

# The codes of strawberry's HTTP-level refusals, by status.
HTTP_REFUSAL_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "REQUEST_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class ListkeeperGraphQL(GraphQL[Context, None]):
    """strawberry's ASGI view with our context and WebSocket authentication."""

    def __init__(self, services: Services, **kwargs: Any) -> None:
        super().__init__(build_schema(services.settings), **kwargs)
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as refused:
            # strawberry answers these (a body that is not JSON, no query, a bad multipart
            # body, an unsupported content type or method) in plain text; ours are JSON
            # shaped like every other error of the API, with a stable code.
            code = HTTP_REFUSAL_CODES.get(refused.status_code, "BAD_REQUEST")
            response = refusal(refused.status_code, code, refused.reason)
            if refused.status_code == 405:
                response.headers["Allow"] = "GET, POST"
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        html = graphiql_html()
        if html is None:
            return await super().render_graphql_ide(request)
        return HTMLResponse(html, headers={"X-Frame-Options": "DENY"})

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # A GET with a persisted query's hash and no text is an operation (as the guard says).
        params = request.query_params
        return super().should_render_graphql_ide(request) and "extensions" not in params

    def decode_json(self, data: str | bytes) -> object:
        # orjson, several times faster than json; its JSONDecodeError is json's subclass,
        # which strawberry answers with its 400.
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        # Text, not bytes: strawberry sends bytes over a WebSocket as binary frames, which
        # graphql-ws clients cannot read.
        return orjson.dumps(data).decode()

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state = request.scope.get("state", {})
        return Context(
            services=self.services,
            account_id=state.get("account_id", 0),
            request=request,
            token_name=state.get("token_name"),
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        token = await authenticated_token(
            engine=self.services.engine,
            authorization=header if isinstance(header, str) else None,
            now=self.services.clock.now(),
            cache_seconds=self.services.settings.token_cache_seconds,
        )
        if token is None:
            raise ConnectionRejectionError({"message": "A valid API token is required."})
        context.signed_in(token.account_id, token.name or None)
        return None


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, migrate: bool = True
) -> Starlette:
    """The ASGI app for `settings` (read from the environment when not given)."""
    services = build_services(settings or Settings(), clock=clock)
    worker = job_worker(services)
    graphql = ListkeeperGraphQL(
        services,
        graphql_ide="graphiql" if services.settings.graphiql else None,
        multipart_uploads_enabled=True,
        allow_queries_via_get=True,
    )

    fast = FastGraphQL(graphql, services=services)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own_worker = worker if services.settings.worker else None
        async with (
            services_in_use(services, migrate=migrate),
            running_loops(services, worker=own_worker, serves_clients=True),
        ):
            freeze_start_up_objects()
            yield
            # Before the engine closes: last-use times being written in the background.
            await recorded_uses()

    app = Starlette(
        routes=[
            # Every method reaches the view: one it does not take (PUT, DELETE...) is refused
            # there in the API's JSON shape (405, METHOD_NOT_ALLOWED), not in Starlette's text.
            Route("/graphql", GraphQLGuard(fast, services=services)),
            WebSocketRoute("/graphql", graphql),
            Route(DOWNLOAD_PATH + "{token}", download_backup, methods=["GET"]),
            Route(REJECTS_PATH + "{token}", download_rejects, methods=["GET"]),
            Route(EXPORT_PATH + "{token}", download_group_export, methods=["GET"]),
            Route(MOMENT_DOWNLOAD_PATH + "{token}", download_group_as_of, methods=["GET"]),
            Route(HEALTHZ_PATH, healthz, methods=["GET"]),
            Route(READYZ_PATH, readyz, methods=["GET"]),
            *(static_routes() if services.settings.graphiql else []),
            *webapp_routes(),
        ],
        middleware=cors_middleware(services.settings),
        lifespan=lifespan,
    )
    app.state.services = services
    # Its caches (schema.documents, schema.persisted) are what the tests count.
    app.state.schema = graphql.schema
    app.state.worker = worker
    # Known queries skip strawberry's view (api/graphql/fast_path.py); `enabled` switches it.
    app.state.fast_graphql = fast
    return app


# What a page on another origin sends (the token, JSON or a multipart upload, Apollo's
# CSRF-prevention header; on downloads a range and its validators) and may read back.
CORS_REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "Apollo-Require-Preflight",
    "X-Apollo-Operation-Name",
    "Range",
    "If-Range",
    "If-None-Match",
)
CORS_RESPONSE_HEADERS = (
    "ETag",
    "Content-Range",
    "Accept-Ranges",
    "Content-Disposition",
    "Retry-After",
)
CORS_MAX_AGE_SECONDS = 600


def cors_middleware(settings: Settings) -> list[Middleware]:
    """CORS for the configured origins (`cors_origins`), none when unset. No credentials: the
    API token travels in `Authorization`, downloads carry their own signed token."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=list(CORS_REQUEST_HEADERS),
            expose_headers=list(CORS_RESPONSE_HEADERS),
            max_age=CORS_MAX_AGE_SECONDS,
        )
    ]


_frozen = False


def freeze_start_up_objects() -> None:
    """Once a process: what start-up made (modules, the schema, the engine's pool) collected
    once and moved out of the garbage collector's generations (`gc.freeze`), so
    that its full collections no longer traverse it on every request (decision 32)."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_asgi_app(settings: Settings | None = None, *, clock: Clock | None = None) -> ASGIApp:
    """The app wrapped in the request log (what uvicorn serves)."""
    settings = settings or Settings()
    configure_logging(settings)
    return request_logging(create_app(settings, clock=clock))
