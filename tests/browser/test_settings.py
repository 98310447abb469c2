"""The settings screen in Chromium, each change checked through the API: the account switch
"automatic backups" turned off in the UI (the next import through the API makes no backup) and
back on (the next one does); retention shortened after a confirmation that counts the backups it
removes, then the server's backupsToRemove; the time zone; tokens created (secret shown once,
copied, working), revoked (refused) and the session's own token revoked. English and French,
keyboard, axe-core, 360 px wide, the error state, screenshots."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import Account, AppPage
from tests.browser.harness import ROOT, assert_accessible, screenshot
from tests.client import GraphQLClient

if TYPE_CHECKING:
    from playwright.sync_api import Page

HEADER = "email,first name\n"
FIRST = HEADER + "ann@example.com,Ann\nbob@example.com,Bob\n"
SECOND = HEADER + "cid@example.com,Cid\n"
THIRD = HEADER + "dan@example.com,Dan\n"
VIEWER = "{ viewer { name backupsEnabled backupRetentionDays timeZone apiBackupWindowMinutes } }"
BACKUP_COUNT = "{ backups(first: 1) { totalCount } }"
# The French messages' apostrophe (typographic, as the app writes it).
APOSTROPHE = "\u2019"
DOCS_SCREENSHOT = ROOT / "docs" / "screenshots" / "settings.png"


@dataclass(frozen=True)
class Api:
    """The account's API client and its group (made by a first import, which backs nothing up)."""

    client: GraphQLClient
    group_id: str

    def viewer(self) -> dict[str, Any]:
        viewer: dict[str, Any] = self.client.execute(VIEWER)["viewer"]
        return viewer

    def backup_count(self) -> int:
        count: int = self.client.execute(BACKUP_COUNT)["backups"]["totalCount"]
        return count

    def import_into_group(self, text: str) -> dict[str, Any]:
        job = self.client.import_file(text.encode(), groupId=self.group_id, mode="REFRESH_AND_ADD")
        assert job["status"] == "SUCCEEDED", job
        return job


@pytest.fixture
def api(signed_in: AppPage, account: Account) -> Iterator[Api]:
    """A group whose first import ran 10 days ago (by the server's clock, set to the real time,
    which the browser's confirmation counts with), then backed up by imports 10 and 2 days ago."""
    server = signed_in.server
    now = datetime.now(UTC)
    client = GraphQLClient(server.url, account.token)
    try:
        server.clock.set(now - timedelta(days=10))
        job = client.import_file(FIRST.encode(), groupName="Members", mode="REFRESH_AND_ADD")
        assert job["status"] == "SUCCEEDED", job
        assert job["backup"] is None, job
        made = Api(client=client, group_id=job["group"]["id"])
        server.clock.advance(timedelta(hours=1))
        assert made.import_into_group(SECOND)["backup"] is not None
        server.clock.set(now - timedelta(days=2))
        assert made.import_into_group(THIRD)["backup"] is not None
        server.clock.set(now)
        yield made
    finally:
        client.close()


def open_settings(app: AppPage) -> Page:
    """The settings screen, loaded afresh."""
    from playwright.sync_api import expect

    page = app.page
    page.goto(app.server.url + "/#/settings")
    page.reload()
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("#retention-days")).to_be_visible()
    return page


@pytest.mark.parametrize("browser_locale", ["en-GB"], indirect=True)
def test_the_backup_switch_takes_effect_on_the_next_import(api: Api, signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = open_settings(signed_in)
    switch = page.get_by_role("switch", name="Automatic backups")
    expect(switch).to_be_checked()
    expect(page.locator("#backups-switch-help")).to_contain_text(
        "Backups are kept 30 days, then deleted automatically."
    )
    assert_accessible(page)
    screenshot(page, "settings-en")
    DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOT), full_page=True)
    # Off, with the keyboard: the server has it at once, and an import through the API makes
    # no backup.
    switch.focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("status").filter(has_text="Automatic backups are off")).to_be_visible()
    expect(switch).not_to_be_checked()
    assert api.viewer()["backupsEnabled"] is False
    before = api.backup_count()
    job = api.import_into_group(HEADER + "eve@example.com,Eve\n")
    assert job["backup"] is None
    assert job["added"] == 1
    assert api.backup_count() == before
    screenshot(page, "settings-backups-off-en")
    # A reload shows what the server holds; back on, the next import backs the group up.
    page = open_settings(signed_in)
    switch = page.get_by_role("switch", name="Automatic backups")
    expect(switch).not_to_be_checked()
    switch.click()
    expect(page.get_by_role("status").filter(has_text="Automatic backups are on.")).to_be_visible()
    assert api.viewer()["backupsEnabled"] is True
    job = api.import_into_group(HEADER + "fay@example.com,Fay\n")
    assert job["backup"] is not None
    assert api.backup_count() == before + 1


@pytest.mark.parametrize("browser_locale", ["en-GB"], indirect=True)
def test_retention_shortened_after_counting_and_the_time_zone_changed(
    api: Api, signed_in: AppPage
) -> None:
    from playwright.sync_api import expect

    page = open_settings(signed_in)
    form = page.get_by_role("region", name="Retention and time")
    # Out of range and unknown values are named beside their fields, nothing is sent.
    form.get_by_label("Keep backups for (days)").fill("400")
    form.get_by_label("Time zone").fill("Mars/Olympus")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_text("Enter a whole number of days from 1 to 365.")).to_be_visible()
    expect(form.get_by_text("Choose a time zone from the list")).to_be_visible()
    expect(form.get_by_label("Time zone")).to_have_attribute("aria-invalid", "true")
    assert api.viewer()["backupRetentionDays"] == 30
    assert_accessible(page)
    # 30 -> 5 days: the backup of 10 days ago goes, the one of 2 days ago stays.
    form.get_by_label("Keep backups for (days)").fill("5")
    form.get_by_label("Time zone").fill("Europe/Paris")
    form.get_by_role("button", name="Save").click()
    confirmation = form.get_by_role("group", name="Shorten the retention?")
    expect(confirmation.get_by_role("heading")).to_be_focused()
    expect(confirmation).to_contain_text("From 30 days to 5 days.")
    expect(confirmation).to_contain_text(
        "1 backup older than 5 days will be deleted at the next retention sweep."
    )
    assert api.viewer()["backupRetentionDays"] == 30
    assert_accessible(page)
    screenshot(page, "settings-retention-confirm-en")
    confirmation.get_by_role("button", name="Shorten and save").click()
    status = form.get_by_role("status")
    expect(status).to_contain_text("Settings saved.")
    expect(form.get_by_role("button", name="Save")).to_be_focused()
    expect(status).to_contain_text(
        "The next retention sweep will delete 1 backup now past their expiry."
    )
    viewer = api.viewer()
    assert (viewer["backupRetentionDays"], viewer["timeZone"]) == (5, "Europe/Paris")
    expect(page.locator("#backups-switch-help")).to_contain_text("kept 5 days")
    screenshot(page, "settings-retention-saved-en")
    # Lengthening needs no confirmation; the API window too.
    form.get_by_label("Keep backups for (days)").fill("7")
    form.get_by_label("API backup window (minutes)").fill("15")
    expect(status).to_have_text("")  # an edit clears the last save's message
    form.get_by_role("button", name="Save").click()
    expect(status).to_contain_text("Settings saved.")
    viewer = api.viewer()
    assert (viewer["backupRetentionDays"], viewer["apiBackupWindowMinutes"]) == (7, 15)
    # The backups screen now shows its days in the new zone.
    page.get_by_role("navigation").get_by_role("link", name="Backups").click()
    expect(page.get_by_text("Days and times are in Europe/Paris.")).to_be_visible()


@pytest.mark.parametrize("browser_locale", ["en-GB"], indirect=True)
def test_a_token_is_created_shown_once_copied_and_revoked(
    signed_in: AppPage, account: Account
) -> None:
    from playwright.sync_api import expect

    page = open_settings(signed_in)
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=signed_in.server.url
    )
    tokens = page.get_by_role("region", name="API tokens")
    expect(tokens.get_by_role("listitem")).to_have_count(1)
    expect(tokens.get_by_role("listitem")).to_contain_text("this session")
    tokens.get_by_role("button", name="Create the token").click()
    expect(tokens.get_by_text("Enter a name of 1 to 100 characters.")).to_be_visible()
    tokens.get_by_role("textbox", name="Name", exact=True).fill("ci-deploy")
    tokens.get_by_label("Expires").select_option(label="In 30 days")
    tokens.get_by_role("button", name="Create the token").click()
    shown = tokens.get_by_role("group", name="Token ci-deploy created")
    expect(shown.get_by_role("heading")).to_be_focused()
    secret = shown.get_by_label("The new token").input_value()
    assert len(secret) > 20
    shown.get_by_role("button", name="Copy").click()
    expect(shown.get_by_role("status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert_accessible(page)
    screenshot(page, "settings-token-created-en")
    item = tokens.get_by_role("listitem").filter(has_text="ci-deploy")
    expect(item).to_contain_text("expires")
    made = GraphQLClient(signed_in.server.url, secret)
    try:
        assert made.execute("{ viewer { name } }")["viewer"]["name"] == account.name
        shown.get_by_role("button", name="I have copied it").click()
        expect(tokens.get_by_label("The new token")).to_have_count(0)
        expect(tokens.get_by_role("textbox", name="Name", exact=True)).to_be_focused()
        assert secret not in page.content()
        # Revoked after a confirmation: the token is refused from then on.
        item.get_by_role("button", name="Revoke ci-deploy").click()
        confirm = item.get_by_role("group", name="Revoke ci-deploy")
        expect(confirm).to_contain_text("Programs using it are refused")
        confirm.get_by_role("button", name="Revoke now").click()
        expect(tokens.get_by_role("status").first).to_have_text("ci-deploy was revoked.")
        expect(tokens.get_by_role("listitem")).to_have_count(1)
        expect(tokens.get_by_role("heading", name="API tokens")).to_be_focused()
        assert made.post("{ viewer { name } }").status_code == 401
    finally:
        made.close()


@pytest.mark.parametrize("browser_locale", ["fr-FR"], indirect=True)
def test_in_french_with_the_session_token_revoked_last(api: Api, signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = open_settings(signed_in)
    expect(page.locator("main h1")).to_have_text("Réglages")
    expect(page.get_by_role("heading", name="Confidentialité")).to_be_visible()
    switch = page.get_by_role("switch", name="Sauvegardes automatiques")
    expect(page.locator("#backups-switch-help")).to_contain_text(
        "Ces sauvegardes sont stockées pendant 30 jours et sont ensuite automatiquement supprimées."
    )
    switch.click()
    expect(
        page.get_by_role("status").filter(has_text="Les sauvegardes automatiques sont désactivées")
    ).to_be_visible()
    assert api.viewer()["backupsEnabled"] is False
    switch.click()
    expect(
        page.get_by_role("status").filter(has_text="Les sauvegardes automatiques sont activées.")
    ).to_be_visible()
    assert api.viewer()["backupsEnabled"] is True
    form = page.get_by_role("region", name="Conservation et fuseau horaire")
    form.get_by_label("Conserver les sauvegardes pendant (jours)").fill("1")
    form.get_by_role("button", name="Enregistrer").click()
    confirmation = form.get_by_role("group", name="Raccourcir la conservation ?")
    expect(confirmation).to_contain_text(
        "2 sauvegardes de plus de 1 jour seront supprimées au prochain nettoyage."
    )
    assert_accessible(page)
    screenshot(page, "settings-fr")
    # Cancelled: nothing changes.
    confirmation.get_by_role("button", name="Annuler").click()
    expect(form.get_by_role("group")).to_have_count(0)
    assert api.viewer()["backupRetentionDays"] == 30
    # The session's own token, revoked: back to the token prompt.
    tokens = page.get_by_role("region", name=f"Jetons d{APOSTROPHE}API")
    item = tokens.get_by_role("listitem").filter(has_text="cette session")
    item.get_by_role("button", name="Révoquer").click()
    expect(item).to_contain_text(
        f"C{APOSTROPHE}est le jeton de cette session : vous serez déconnecté."
    )
    item.get_by_role("button", name="Révoquer maintenant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Se connecter avec un jeton d{APOSTROPHE}API"
    )
    assert api.client.post("{ viewer { name } }").status_code == 401


def test_at_360_px_nothing_scrolls_sideways(api: Api, signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    page.set_viewport_size({"width": 360, "height": 740})
    page = open_settings(signed_in)
    page.get_by_label("Keep backups for (days)").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("group", name="Shorten the retention?")).to_contain_text(
        "1 backup older than 3 days"
    )
    page.get_by_role("textbox", name="Name", exact=True).fill(
        "a-rather-long-token-name-for-a-narrow-screen"
    )
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_label("The new token")).to_be_visible()
    wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
      .filter((e) => e.getBoundingClientRect().right > 360)
      .map((e) => e.tagName + '.' + e.className + '#' + e.id + ' ' + e.getBoundingClientRect().right)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    assert_accessible(page)
    screenshot(page, "settings-360px")


def test_the_error_state_offers_a_retry(signed_in: AppPage) -> None:
    from playwright.sync_api import Route, expect

    page = signed_in.page

    def unreachable(route: Route) -> None:
        route.abort()

    page.route("**/graphql", unreachable)
    page.get_by_role("navigation").get_by_role("link", name="Settings").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("The server could not be reached.")
    assert_accessible(page)
    screenshot(page, "settings-error-en")
    page.unroute("**/graphql", unreachable)
    retries = page.get_by_role("button", name="Try again")
    expect(retries).to_have_count(2)  # the account's settings and its tokens
    retries.first.click()
    expect(retries).to_have_count(1)
    retries.first.click()
    expect(retries).to_have_count(0)
    expect(page.get_by_role("switch", name="Automatic backups")).to_be_checked()
    expect(page.get_by_role("region", name="API tokens").get_by_role("listitem")).to_have_count(1)
