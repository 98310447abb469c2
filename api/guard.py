"""The HTTP guard in front of /graphql: authentication, CSRF prevention, body limit.

- A request without a valid bearer token gets 401 (the GraphiQL page itself is public).
- Multipart, urlencoded and text/plain requests are what browsers send cross-site
  without a preflight: they need a non-empty `Apollo-Require-Preflight` or
  `X-Apollo-Operation-Name` header, as Apollo Server requires.
- A body past the upload cap is refused with 413 while it streams, before it is read whole.
"""

from __future__ import annotations

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import authenticate
from api.graphql.context import Services
from api.logs import bind_account

SIMPLE_CONTENT_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded", "text/plain")
PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")
FORM_OVERHEAD = 1024 * 1024


class BodyTooLarge(Exception):
    """The request body went past the cap."""


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
        account_id = await authenticate(
            engine=self.services.engine,
            authorization=headers.get("authorization"),
            now=self.services.clock.now(),
        )
        if account_id is None:
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
        scope.setdefault("state", {})["account_id"] = account_id
        bind_account(account_id)
        await self._call_limited(scope, receive, send, headers)

    def _is_ide_page(self, scope: Scope, headers: Headers) -> bool:
        query = scope.get("query_string", b"")
        return (
            scope["method"] == "GET"
            and b"query=" not in query
            and "text/html" in headers.get("accept", "")
            and self.services.settings.graphiql
        )

    async def _call_limited(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> None:
        limit = self.services.settings.max_upload_bytes + FORM_OVERHEAD
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send)
            return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            # The app may turn our exception into a 400 of its own: answer 413 instead.
            if not exceeded:
                await send(message)
            elif message["type"] == "http.response.start":
                await self._too_large(send)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        mb = self.services.settings.max_upload_mb
        await _error(send, 413, f"The upload is larger than {mb} MB.", "FILE_TOO_LARGE")
