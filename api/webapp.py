"""The web app: the single-page app built by webapp/ (`npm run build`) into api/webapp_dist/.

`/` serves its page (routes are in the hash, `/#/backups`, so one page serves them all) and
`/assets/` its files, whose names carry a hash of their content. Every response of the app
carries a strict Content-Security-Policy: scripts, styles, images and fonts from this origin
only, requests to this origin and its WebSocket only, no inline script, no framing. The app
sends its token as a Bearer header, so nothing here is authenticated: the files are public.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route, request_response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DIST_DIR = Path(__file__).parent / "webapp_dist"
INDEX_FILE = DIST_DIR / "index.html"
ASSETS_PATH = "/assets"
ASSETS_DIR = DIST_DIR / "assets"
INDEX_CACHE = "no-cache"
ASSETS_CACHE = "public, max-age=31536000, immutable"
# A Host header that is a plain host name or address with an optional port: only such a value
# may go into the policy (a header value must never be able to add a directive).
PLAIN_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def content_security_policy(host: str | None) -> str:
    """The app's policy; `host` is the request's Host header, for its WebSocket origin."""
    # CSP level 3 lets 'self' match ws:/wss: of the same host; browsers older than that need
    # the WebSocket origin spelt out.
    sockets = f" ws://{host} wss://{host}" if host and PLAIN_HOST.fullmatch(host) else ""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            f"connect-src 'self'{sockets}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


class AppHeaders:
    """Wraps an ASGI app of the web app: adds the security and cache headers to its responses."""

    def __init__(self, app: ASGIApp, *, cache_control: str) -> None:
        self.app = app
        self.cache_control = cache_control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        policy = content_security_policy(Headers(scope=scope).get("host"))
        added = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cache-control", self.cache_control.encode()),
        ]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def app_page(request: Request) -> Response:
    """The app's page (every route of the app: they are in the hash)."""
    if not INDEX_FILE.is_file():
        # Only in a checkout whose build was removed: the package always ships it.
        return PlainTextResponse("The web app is not built: run `npm run build` in webapp/.", 503)
    return FileResponse(INDEX_FILE, media_type="text/html; charset=utf-8")


def webapp_routes() -> list[BaseRoute]:
    """The app's page at `/` and its files under `/assets/`."""
    files = StaticFiles(directory=ASSETS_DIR, check_dir=False)
    return [
        # request_response: the endpoint as an ASGI app, for AppHeaders to wrap
        Route(
            "/",
            AppHeaders(request_response(app_page), cache_control=INDEX_CACHE),
            methods=["GET", "HEAD"],
        ),
        Mount(ASSETS_PATH, app=AppHeaders(files, cache_control=ASSETS_CACHE), name="webapp"),
    ]
