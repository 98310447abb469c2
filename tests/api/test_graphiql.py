"""GraphiQL: the page and its pinned assets come from listkeeper alone; settings switch it off."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx
import pytest

from api.clock import FrozenClock
from tests.client import GraphQLClient
from tests.conftest import new_client
from tests.server import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Route

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HTML = {"Accept": "text/html"}
CONTENT_TYPES = {".js": ("text/javascript", "application/javascript"), ".css": ("text/css",)}
SCHEMA_QUERY = "{ __schema { types { name } } }"
TIMEOUT_MS = 30_000


class AssetLinks(HTMLParser):
    """The `src`/`href` of every script and stylesheet link in a page, with its integrity."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        url = values.get("src") if tag == "script" else values.get("href")
        if tag in ("script", "link") and url is not None:
            self.assets[url] = values.get("integrity")


def page_assets(html: str) -> dict[str, str | None]:
    """The assets `html` loads, each with its integrity value (data: URLs left out)."""
    parser = AssetLinks()
    parser.feed(html)
    return {url: sri for url, sri in parser.assets.items() if not url.startswith("data:")}


def sri_sha384(content: bytes) -> str:
    """The subresource integrity value of `content`."""
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


def test_page_loads_only_local_pinned_assets(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url) as http:
        page = http.get("/graphql", headers=HTML)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assets = page_assets(page.text)
        names = {url.rsplit("/", 1)[-1] for url in assets}
        assert {"graphiql.min.js", "index.umd.js", "react.production.min.js"} <= names
        for url, integrity in assets.items():
            assert url.startswith("/static/graphiql/"), url
            served = http.get(url)
            assert served.status_code == 200, url
            content_type = served.headers["content-type"].split(";")[0]
            assert content_type in CONTENT_TYPES[Path(url).suffix], (url, content_type)
            assert integrity == sri_sha384(served.content), url


def test_introspection_is_on_by_default(client: GraphQLClient) -> None:
    types = client.execute(SCHEMA_QUERY)["__schema"]["types"]
    assert "Account" in {t["name"] for t in types}


@pytest.fixture(scope="module")
def locked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with GraphiQL and introspection switched off (SQLite)."""
    folder = tmp_path_factory.mktemp("locked")
    live = LiveServer(
        database_url=f"sqlite:///{folder / 'listkeeper.db'}",
        data_dir=folder / "data",
        clock=FrozenClock(),
        graphiql=False,
        introspection=False,
    )
    live.start()
    yield live
    live.stop()


def test_graphiql_off_serves_no_page(locked_server: LiveServer) -> None:
    anonymous = httpx.get(locked_server.url + "/graphql", headers=HTML)
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    client = new_client(locked_server)
    try:
        answer = client.http.get("/graphql", headers=HTML)
    finally:
        client.close()
    # strawberry's own answer to a GET without a query when it has no IDE.
    assert answer.status_code == 404
    assert "graphiql" not in answer.text.lower()


def test_introspection_off_refuses_schema_queries(locked_server: LiveServer) -> None:
    client = new_client(locked_server, "locked-account")
    try:
        body = client.post(SCHEMA_QUERY).json()
        assert body["data"] is None
        assert "introspection" in body["errors"][0]["message"].lower()
        assert client.execute("{ viewer { name } }") == {"viewer": {"name": "locked-account"}}
    finally:
        client.close()


def require_browser() -> None:
    """Skip when Chromium or Playwright is missing, except in CI, where that fails."""
    missing = [] if CHROMIUM.exists() else [str(CHROMIUM)]
    missing += [] if importlib.util.find_spec("playwright") else ["playwright"]
    if missing:
        message = f"missing {', '.join(missing)}: run scripts/install-browser.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@dataclass
class PageLog:
    """What a page did that must not happen, and the WebSockets it opened."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)

    def guard(self, route: Route) -> None:
        """Fail every request that is not to 127.0.0.1, and remember it."""
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def problems(self) -> list[str]:
        """Requests elsewhere, loads the Content-Security-Policy refused, script errors."""
        refused = [text for text in self.console if "Content Security Policy" in text]
        return self.blocked + refused + self.errors


def open_graphiql(page: Page, server: LiveServer) -> PageLog:
    """Open the page, failing any request elsewhere; it must load without a problem."""
    log = PageLog()
    page.route("**/*", log.guard)
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    page.on("console", lambda message: log.console.append(message.text))
    page.on("websocket", lambda socket: log.sockets.append(socket.url))
    page.goto(server.url + "/graphql")
    assert log.problems() == [], log.console
    return log


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    """Debian's headless Chromium with a fresh profile, driven by Playwright."""
    # One per test: the sync API keeps an event loop running in this thread while it is open,
    # which would break fixtures that call asyncio.run (creating the PostgreSQL database).
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()


def set_editor(page: Page, selector: str, text: str) -> None:
    """Replace the text of the CodeMirror editor under `selector`, as a paste would."""
    page.locator(f"{selector} .CodeMirror").click()
    page.keyboard.press("Control+A")
    # insert_text, not type: typed brackets and quotes would be auto-closed by the editor.
    page.keyboard.insert_text(text)


def set_query(page: Page, text: str) -> None:
    """Replace the query and wait until GraphiQL has parsed it."""
    set_editor(page, ".graphiql-query-editor", text)
    # GraphiQL parses the query 100 ms after the last change (then it stores it): running
    # before that would send the previous operation's name and kind.
    page.wait_for_function("text => localStorage.getItem('graphiql:query') === text", arg=text)


def test_browser_runs_queries_and_subscriptions_with_a_token(
    server: LiveServer, browser: BrowserContext
) -> None:
    from playwright.sync_api import expect

    account = "graphiql-" + os.urandom(4).hex()
    client = new_client(server, account)
    try:
        job = client.import_file(b"email\na@x.io\n", groupName="GraphiQL")
    finally:
        client.close()
    page = browser.new_page()
    try:
        log = open_graphiql(page, server)
        headers = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
        set_editor(page, headers, f'{{"Authorization": "Bearer {client.token}"}}')
        result = page.locator("section.result-window")
        run = page.locator("button.graphiql-execute-button")
        set_query(page, "query { viewer { name } }")
        run.click()
        expect(result).to_contain_text(f'"name": "{account}"', timeout=TIMEOUT_MS)
        # The token also loads the schema, which the explorer plugin shows.
        page.get_by_role("button", name="Show GraphiQL Explorer").click()
        expect(page.locator(".graphiql-explorer-root")).to_contain_text(
            "viewer", timeout=TIMEOUT_MS
        )
        # Over the WebSocket, authenticated by the header editor's Authorization.
        subscription = f'subscription {{ importJob(id: "{job["id"]}") {{ status }} }}'
        set_query(page, subscription)
        run.click()
        expect(result).to_contain_text('"status": "SUCCEEDED"', timeout=TIMEOUT_MS)
    finally:
        page.close()
    assert log.problems() == []
    assert [urlsplit(url).hostname for url in log.sockets] == ["127.0.0.1"]
