"""The app's shell in Chromium: token prompt, every route in English and French, keyboard use,
360 px wide, an expired token, axe-core on each screen, and no request to another host."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Account, AppPage, sign_in
from tests.browser.harness import assert_accessible, screenshot
from tests.client import GraphQLClient

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Route -> its title in English and in French (the navigation's link and the screen's h1).
TITLES = {
    "backups": ("Backups", "Sauvegardes"),
    "import": ("Import", "Importer"),
    "lists": ("Lists", "Listes"),
    "jobs": ("Jobs", "Tâches"),
    "settings": ("Settings", "Réglages"),
}
LANGUAGES = {"en-GB": "en", "fr-FR": "fr"}


def heading(page: Page) -> str:
    """The screen's h1."""
    return page.locator("main h1").inner_text()


def test_prompt_refuses_a_bad_token_and_keeps_a_good_one_out_of_the_url(
    app: AppPage, account: Account
) -> None:
    from playwright.sync_api import expect

    page = app.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with an API token")
    assert_accessible(page)
    screenshot(page, "token-prompt-en")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Paste a token first.")
    page.get_by_label("API token").fill("not-a-token")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("This token was refused")
    assert_accessible(page)
    sign_in(app, account.token)
    expect(page.locator(".account")).to_have_text(f"Account: {account.name}")
    assert page.evaluate("sessionStorage.getItem('listkeeper.token')") == account.token
    assert page.evaluate("localStorage.getItem('listkeeper.token')") is None
    assert all(account.token not in url for url in app.log.requests)
    assert account.token not in page.url
    # A reload keeps the tab signed in; signing out forgets the token.
    page.reload()
    expect(page.locator(".account")).to_have_text(f"Account: {account.name}")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    assert page.evaluate("sessionStorage.getItem('listkeeper.token')") is None


@pytest.mark.parametrize("browser_locale", ["en-GB", "fr-FR"], indirect=True)
def test_every_route_renders_in_the_browser_language(
    signed_in: AppPage, browser_locale: str
) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    language = LANGUAGES[browser_locale]
    index = 0 if language == "en" else 1
    assert page.evaluate("document.documentElement.lang") == language
    # "#/" opens the first route.
    assert heading(page) == TITLES["backups"][index]
    for route, titles in TITLES.items():
        page.get_by_role("navigation").get_by_role("link", name=titles[index]).click()
        expect(page.locator("main h1")).to_have_text(titles[index])
        assert urlsplit(page.url).fragment == f"/{route}"
        link = page.get_by_role("navigation").get_by_role("link", name=titles[index])
        expect(link).to_have_attribute("aria-current", "page")
        expect(page).to_have_title(f"{titles[index]} \N{EN DASH} listkeeper")
        assert_accessible(page)
        screenshot(page, f"{route}-{language}")
    # A route opened by its address, and one that does not exist.
    page.goto(signed_in.server.url + "/#/settings")
    expect(page.locator("main h1")).to_have_text(TITLES["settings"][index])
    page.goto(signed_in.server.url + "/#/nowhere")
    expect(page.locator("main h1")).to_have_text(
        "Page not found" if language == "en" else "Page introuvable"
    )
    assert_accessible(page)
    # Only the server was asked for anything, and never with the token in the address.
    assert signed_in.log.requests
    assert {urlsplit(url).hostname for url in signed_in.log.requests} == {"127.0.0.1"}


def test_the_language_switch_changes_every_text_and_is_remembered(signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    expect(page.locator("main h1")).to_have_text("Backups")
    page.get_by_label("Language").select_option("fr")
    expect(page.locator("main h1")).to_have_text("Sauvegardes")
    expect(page.get_by_role("navigation").get_by_role("link", name="Réglages")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"
    page.reload()
    expect(page.locator("main h1")).to_have_text("Sauvegardes")
    page.get_by_label("Langue").select_option("en")
    expect(page.locator("main h1")).to_have_text("Backups")


def test_keyboard_alone_reaches_every_screen(signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert urlsplit(page.url).fragment in ("", "/")
    nav_links = page.get_by_role("navigation").get_by_role("link")
    nav_links.first.focus()
    for index in range(len(TITLES)):
        if index:
            page.keyboard.press("Tab")
        expect(nav_links.nth(index)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text("Settings")
    # The focus follows the route change to the new screen's title.
    expect(page.locator("main h1")).to_be_focused()


def test_at_360_px_wide_nothing_scrolls_sideways(signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    page.set_viewport_size({"width": 360, "height": 740})
    for route, titles in TITLES.items():
        page.goto(signed_in.server.url + f"/#/{route}")
        expect(page.locator("main h1")).to_have_text(titles[0])
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, route
        for link in page.get_by_role("navigation").get_by_role("link").all():
            box = link.bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= 360, route
    page.goto(signed_in.server.url + "/#/backups")
    expect(page.locator("main h1")).to_have_text("Backups")
    assert_accessible(page)
    screenshot(page, "backups-en-360px")


def test_a_revoked_token_sends_back_to_the_prompt(signed_in: AppPage, account: Account) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    client = GraphQLClient(signed_in.server.url, account.token)
    try:
        token_id = client.execute("{ viewer { tokens { id current } } }")["viewer"]["tokens"][0][
            "id"
        ]
        revoked = client.execute(
            "mutation($id: ID!) { revokeToken(input: {tokenId: $id}) { revokedTokenId } }",
            {"id": token_id},
        )
        assert revoked["revokeToken"]["revokedTokenId"] == token_id
    finally:
        client.close()
    page.reload()
    expect(page.get_by_role("status")).to_have_text(
        "Your token has expired or was revoked. Paste a valid token to continue."
    )
    assert page.evaluate("sessionStorage.getItem('listkeeper.token')") is None
    assert_accessible(page)


def test_the_policy_allows_this_server_and_its_websocket_only(signed_in: AppPage) -> None:
    page = signed_in.page
    opened = page.evaluate(
        """() => new Promise((resolve) => {
          const socket = new WebSocket(
            location.origin.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
          socket.onopen = () => { socket.close(); resolve("open"); };
          socket.onerror = () => resolve("refused");
        })"""
    )
    assert opened == "open"
    elsewhere = page.evaluate(
        """() => fetch("http://example.com/").then(() => "sent", (error) => String(error))"""
    )
    assert elsewhere != "sent"
    # The CSP stopped it in the page: it never reached the network, so the guard saw nothing.
    refusals = [text for text in signed_in.log.console if "Content Security Policy" in text]
    assert any("example.com" in text for text in refusals), signed_in.log.console
    assert signed_in.log.blocked == []
    signed_in.log.console.clear()
