"""Fixtures of the browser tests: a live server on SQLite, an account's token, a guarded page."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from api.auth import create_token
from api.clock import FrozenClock
from tests.browser.harness import (
    AXE_SCRIPT,
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    PageLog,
    require_browser,
    watch,
)
from tests.server import LiveServer

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server on a fresh SQLite database."""
    folder = tmp_path_factory.mktemp("webapp")
    live = LiveServer(
        database_url=f"sqlite:///{folder / 'listkeeper.db'}",
        data_dir=folder / "data",
        clock=FrozenClock(),
    )
    live.start()
    yield live
    live.stop()


@dataclass(frozen=True)
class Account:
    """A new account of the app server and a token of it."""

    name: str
    token: str


@pytest.fixture
def account(app_server: LiveServer) -> Account:
    """A new account with one token."""
    name = "web-" + secrets.token_hex(4)
    token = app_server.run(
        create_token(
            engine=app_server.services.engine, account_name=name, now=app_server.clock.now()
        )
    )
    return Account(name=name, token=token)


@pytest.fixture(params=["en-GB"])
def browser_locale(request: pytest.FixtureRequest) -> str:
    """The browser's language (navigator.language); override with indirect parametrization."""
    locale: str = request.param
    return locale


@pytest.fixture
def browser(tmp_path: Path, browser_locale: str) -> Iterator[BrowserContext]:
    """Debian's headless Chromium (fresh profile, `browser_locale`), with axe-core preloaded."""
    # One per test: the sync API keeps an event loop running in this thread while it is open,
    # which would break fixtures that call asyncio.run.
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "chromium-profile",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            locale=browser_locale,
            viewport={"width": 1280, "height": 800},
        )
        context.set_default_timeout(TIMEOUT_MS)
        # An init script runs before the page's own and is not subject to its CSP.
        context.add_init_script(path=AXE_SCRIPT)
        yield context
        context.close()


@dataclass
class AppPage:
    """The app open in a guarded page: `log` records what must not happen."""

    page: Page
    log: PageLog
    server: LiveServer


@pytest.fixture
def app(browser: BrowserContext, app_server: LiveServer) -> Iterator[AppPage]:
    """The app's token prompt, in a page where any request to another host fails the test."""
    page = browser.new_page()
    log = watch(page)
    page.goto(app_server.url + "/")
    yield AppPage(page=page, log=log, server=app_server)
    page.close()
    assert log.problems() == [], log.console


def sign_in(app: AppPage, token: str) -> None:
    """Pastes `token` into the prompt and waits for the signed-in shell."""
    from playwright.sync_api import expect

    app.page.locator("#token").fill(token)
    app.page.locator("form button[type=submit]").click()
    # The shell's own query has answered (nothing of the sign-in is still in flight).
    expect(app.page.locator(".account")).to_be_visible()


@pytest.fixture
def signed_in(app: AppPage, account: Account) -> AppPage:
    """The app signed in with `account`'s token (the screens' tests start here)."""
    sign_in(app, account.token)
    return app
