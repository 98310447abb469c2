"""Browser tests of the web app: Debian's Chromium driven by Playwright, a guard failing any
request to another host, axe-core's accessibility check, screenshots kept as test artifacts."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request, Route

ROOT = Path(__file__).resolve().parents[2]
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
# axe-core comes from webapp/'s npm dependencies (scripts/test runs `npm ci` there).
AXE_SCRIPT = ROOT / "webapp" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "browser" / "artifacts"
SERIOUS = ("serious", "critical")
TIMEOUT_MS = 30_000
LOCAL_HOST = "127.0.0.1"


def missing_or_fail(missing: list[str]) -> None:
    """Skip when something the browser tests need is missing, except in CI: there it fails."""
    if missing:
        message = (
            f"missing {', '.join(missing)}: run scripts/install-browser.sh and npm ci in webapp/"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def require_browser() -> None:
    """Chromium, Playwright and axe-core must be there."""
    missing = [] if CHROMIUM.exists() else [str(CHROMIUM)]
    missing += [] if importlib.util.find_spec("playwright") else ["playwright"]
    missing += [] if AXE_SCRIPT.exists() else [str(AXE_SCRIPT.relative_to(ROOT))]
    missing_or_fail(missing)


@dataclass
class PageLog:
    """What a page did that must not happen: requests elsewhere, CSP refusals, script errors."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def guard(self, route: Route) -> None:
        """Let requests to the test server through; abort and remember any other."""
        if urlsplit(route.request.url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def problems(self) -> list[str]:
        """Everything that should not have happened, as text (empty: all well)."""
        refused = [text for text in self.console if "Content Security Policy" in text]
        elsewhere = [s for s in self.sockets if urlsplit(s).hostname != LOCAL_HOST]
        return self.blocked + elsewhere + refused + self.errors


def watch(page: Page) -> PageLog:
    """Guard and log `page`: every request to another host is aborted and reported."""
    log = PageLog()
    page.route("**/*", log.guard)

    def seen(request: Request) -> None:
        log.requests.append(request.url)

    page.on("request", seen)
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    page.on("console", lambda message: log.console.append(message.text))
    page.on("websocket", lambda socket: log.sockets.append(socket.url))
    return log


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    # The script is added before the page's own (add_init_script), which the CSP allows.
    result: dict[str, Any] = page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [v for v in result["violations"] if v["impact"] in SERIOUS]


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violation (each one listed with its elements)."""
    found = axe_violations(page)
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in found
    ]
    assert details == []


def screenshot(page: Page, name: str) -> Path:
    """Saves a full-page screenshot as tests/browser/artifacts/<name>.png (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
