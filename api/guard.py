"""The HTTP guard in front of /graphql: authentication, CSRF prevention, body limit.

- A request without a valid bearer token gets 401 (the GraphiQL page itself is public).
- Multipart, urlencoded and text/plain requests are what browsers send cross-site
  without a preflight: they need a non-empty `Apollo-Require-Preflight` or
  `X-Apollo-Operation-Name` header, as Apollo Server requires.
- A body past the upload cap is refused with 413 while it streams, before it is read whole.
- A body that trickles is refused with 408: after a grace time it must keep arriving at a
  minimum average rate, so slow clients cannot hold the server's requests open.
"""

from __future__ import annotations

import asyncio
import time

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import authenticated_token
from api.logs import bind_account
from api.services import Services
from api.settings import Settings

SIMPLE_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded", "text/plain")
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")
FORM_OVERHEAD = 1024 * 1024


class BodyRefused(Exception):
    """The request body is refused while it streams; `status` tells why."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


async def _error(
    send: Send, status: int, message: str, code: str, extra: dict[str, str] | None = None
) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GraphQLGuard:
    """Wraps the GraphQL ASGI app (HTTP only; WebSockets authenticate in connection_init)."""

    def __init__(self, app: ASGIApp, *, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self._is_ide_page(scope, headers):
            await self.app(scope, receive, send)
            return
        token = await authenticated_token(
            engine=self.services.engine,
            authorization=headers.get("authorization"),
            now=self.services.clock.now(),
            cache_seconds=self.services.settings.token_cache_seconds,
        )
        if token is None:
            await _error(
                send,
                401,
                "A valid API token is required: Authorization: Bearer <token>.",
                "UNAUTHENTICATED",
                {"www-authenticate": "Bearer"},
            )
            return
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in SIMPLE_CONTENT_TYPES and not any(
            headers.get(h, "").strip() for h in PREFLIGHT_HEADERS
        ):
            await _error(
                send,
                400,
                "This request needs a non-empty 'Apollo-Require-Preflight' header "
                "(CSRF prevention).",
                "BAD_REQUEST",
            )
            return
        state = scope.setdefault("state", {})
        state["account_id"] = token.account_id
        # Jobs record which token started them (an unnamed token: no name to show).
        state["token_name"] = token.name or None
        bind_account(token.account_id)
        await self._call_limited(scope, receive, send, headers)

    def _is_ide_page(self, scope: Scope, headers: Headers) -> bool:
        query = scope.get("query_string", b"")
        # A GET carrying a document or a persisted query's hash is an operation.
        return (
            scope["method"] == "GET"
            and b"query=" not in query
            and b"extensions=" not in query
            and "text/html" in headers.get("accept", "")
            and self.services.settings.graphiql
        )

    async def _call_limited(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> None:
        limit = self.services.settings.max_upload_bytes + FORM_OVERHEAD
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, 413)
            return
        body = BodyReader(receive, limit=limit, settings=self.services.settings)

        async def guarded_send(message: Message) -> None:
            # The app may turn our exception into a 400 of its own: answer ours instead.
            if body.refused is None:
                await send(message)
            elif message["type"] == "http.response.start":
                await self._refuse(send, body.refused)

        try:
            await self.app(scope, body.receive, guarded_send)
        except BodyRefused as refused:
            await self._refuse(send, refused.status)

    async def _refuse(self, send: Send, status: int) -> None:
        if status == 408:
            await _error(
                send,
                408,
                "The request body arrived too slowly and was not read.",
                "REQUEST_TIMEOUT",
                {"connection": "close"},
            )
            return
        mb = self.services.settings.max_upload_mb
        await _error(send, 413, f"The upload is larger than {mb} MB.", "FILE_TOO_LARGE")


class BodyReader:
    """The request body, refused (BodyRefused) once past the cap or arriving too slowly."""

    def __init__(self, receive: Receive, *, limit: int, settings: Settings) -> None:
        self._receive = receive
        self.limit = limit
        self.grace = settings.request_body_grace_seconds
        self.min_rate = settings.request_body_min_bytes_per_second
        self.started = time.monotonic()
        self.received = 0
        self.complete = False
        self.refused: int | None = None

    def _time_left(self) -> float:
        # The body may take the grace time plus one second per `min_rate` bytes so far.
        allowed = self.grace + self.received / self.min_rate
        return self.started + allowed - time.monotonic()

    async def receive(self) -> Message:
        """The next message of the body, within its time and size limits."""
        if self.complete:
            return await self._receive()  # past the body: a wait for the disconnect
        try:
            async with asyncio.timeout(max(self._time_left(), 0)):
                message = await self._receive()
        except TimeoutError:
            self.refused = 408
            raise BodyRefused(408) from None
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                self.refused = 413
                raise BodyRefused(413)
            self.complete = not message.get("more_body", False)
        return message
