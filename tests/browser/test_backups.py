"""The backups screen in Chromium: data made through the API (real imports, each backing the group
up first), then a backup found by group and local date in the account's time zone, downloaded
(the file read), compared with now, restored into a new group and back into its group (REPLACE),
and the group restored to a moment; each result checked through the API. English and French,
axe-core, 360 px wide, the empty and error states, screenshots."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import Account, AppPage
from tests.browser.harness import assert_accessible, screenshot
from tests.client import GraphQLClient
from tests.support.documents import DELETE, IMPORT

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Locator, Page

ZONE = "Europe/Paris"
# 23:30 UTC on 10 March is 00:30 on 11 March in Paris (UTC+1 then): the local day differs.
FIRST_IMPORT = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)
APOS = "\N{RIGHT SINGLE QUOTATION MARK}"
HEADER = "email,first name,last name,city\n"
CONTACTS = (
    HEADER
    + "ann@example.com,Ann,Lee,Paris\nbob@example.com,Bob,Ray,Lyon\ncid@example.com,Cid,Moe,Rome\n"
)
UPDATE = HEADER + "ann@example.com,Ann,Lee,Berlin\ndan@example.com,Dan,Poe,Nice\n"
MORE = HEADER + "eve@example.com,Eve,Kay,Oslo\n"
GROUP = "Newsletter"
DAY = {"en": "Wednesday, 11 March 2026", "fr": "mercredi 11 mars 2026"}
GROUP_QUERY = """query($id: ID!) { node(id: $id) { ... on Group { name recipientCount } } }"""
GROUPS_QUERY = "{ groups(first: 100) { edges { node { id name recipientCount } } } }"


@dataclass(frozen=True)
class Seeded:
    """The group the API made: three imports, 01:30 and 02:30 Paris time backed it up."""

    client: GraphQLClient
    group_id: str


def import_file(client: GraphQLClient, name: str, text: str, **target: Any) -> dict[str, Any]:
    """Import `text` as the file `name` (REFRESH_AND_ADD) and wait for the job."""
    variables = {"input": {"file": None, "mode": "REFRESH_AND_ADD", **target}}
    response = client.upload(IMPORT, variables, text.encode(), filename=name)
    payload = response.json()["data"]["importRecipients"]
    assert payload["userErrors"] == [], payload
    job = client.wait_job(payload["job"]["id"])
    assert job["status"] == "SUCCEEDED", job
    return job


@pytest.fixture
def seeded(signed_in: AppPage, account: Account) -> Iterator[Seeded]:
    """Newsletter: contacts.csv at 00:30, update.csv at 01:30, more.csv at 02:30 (Paris)."""
    server = signed_in.server
    client = GraphQLClient(server.url, account.token)
    settings = client.execute(
        "mutation($z: String!) { updateAccountSettings(input: {timeZone: $z}) { userErrors { code } } }",
        {"z": ZONE},
    )
    assert settings["updateAccountSettings"]["userErrors"] == []
    server.clock.set(FIRST_IMPORT)
    group_id = import_file(client, "contacts.csv", CONTACTS, groupName=GROUP)["group"]["id"]
    server.clock.advance(HOUR)
    import_file(client, "update.csv", UPDATE, groupId=group_id)
    server.clock.advance(HOUR)
    import_file(client, "more.csv", MORE, groupId=group_id)
    server.clock.advance(HOUR)
    try:
        yield Seeded(client=client, group_id=group_id)
    finally:
        client.close()


def emails(client: GraphQLClient, group_id: str) -> dict[str, str]:
    """The group's recipients now: email -> city."""
    return {
        r["email"]: next((a["value"] for a in r["attributes"] if a["name"] == "city"), "")
        for r in client.recipients(group_id)
    }


def open_backups(app: AppPage) -> Page:
    """The backups screen, reloaded so it shows the data the API made."""
    from playwright.sync_api import expect

    page = app.page
    page.goto(app.server.url + "/#/backups")
    page.reload()
    expect(page.locator("main h1")).to_be_visible()
    return page


def backup_of(page: Page, day: str, title: str, group: str = GROUP) -> Locator:
    """The backup `title` ("01:30 · Before …") of `group`'s local `day`."""
    region = page.get_by_role("region", name=group, exact=True)
    return region.get_by_role("region", name=day, exact=True).get_by_role(
        "article", name=title, exact=True
    )


def restore(page: Page, scope: Locator, confirm_text: str, *, replace_label: str | None) -> None:
    """Choose the target in `scope`'s restore form, check the confirmation, restore, wait."""
    from playwright.sync_api import expect

    if replace_label is not None:
        scope.get_by_label(replace_label).check()
    scope.get_by_role("button", name="Review the restore").click()
    confirmation = scope.get_by_role("group", name="Confirm the restore")
    expect(confirmation).to_contain_text(confirm_text)
    expect(confirmation.get_by_role("heading")).to_be_focused()
    assert_accessible(page)
    confirmation.get_by_role("button", name="Restore now").click()
    expect(scope.get_by_role("status")).to_have_text("Restored", timeout=60_000)


@pytest.mark.parametrize("browser_locale", ["en-GB"], indirect=True)
def test_a_backup_is_found_downloaded_compared_and_restored_both_ways(
    seeded: Seeded, signed_in: AppPage
) -> None:
    from playwright.sync_api import expect

    page = open_backups(signed_in)
    client = seeded.client
    expect(page.get_by_text(f"Days and times are in {ZONE}.")).to_be_visible()
    group = page.get_by_role("region", name=GROUP, exact=True)
    expect(group).to_contain_text("2 backups · 5 recipients now")
    # 00:30 Paris is 23:30 UTC the day before: the backups are under the local day only.
    expect(group.get_by_role("heading", level=3)).to_have_text([DAY["en"]])
    update = backup_of(page, DAY["en"], "01:30 · Before the import of update.csv")
    more = backup_of(page, DAY["en"], "02:30 · Before the import of more.csv")
    expect(update).to_contain_text("3 recipients")
    expect(update).to_contain_text("Kept until 10 Apr 2026, 02:30")
    expect(more).to_contain_text("4 recipients")
    assert_accessible(page)
    screenshot(page, "backups-overview-en")

    # Download: the CSV is the group as it was before update.csv.
    with page.expect_download() as download:
        update.get_by_role("button", name="Download").click()
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert {row["email"]: row["city"] for row in rows} == {
        "ann@example.com": "Paris",
        "bob@example.com": "Lyon",
        "cid@example.com": "Rome",
    }
    expect(update.get_by_role("link", name="Download the CSV file")).to_be_visible()

    # Compare with now, from the keyboard.
    update.get_by_role("button", name="Compare with now").focus()
    page.keyboard.press("Enter")
    comparison = update.get_by_role("region", name="Compared with the group now")
    expect(comparison.get_by_role("definition")).to_have_text(["2", "1", "2", "0"])
    expect(comparison.get_by_role("listitem")).to_have_text(
        [
            "ann@example.com changed since",
            "dan@example.com added since",
            "eve@example.com added since",
        ]
    )
    assert_accessible(page)
    screenshot(page, "backups-compare-en")

    # Restore into a new group: the group itself is left as it is.
    update.get_by_role("button", name="Restore…").click()
    panel = update.get_by_role("region", name="Restore", exact=True)
    expect(panel.get_by_label("Name of the new group")).to_have_value("Newsletter (restored)")
    restore(
        page,
        panel,
        "A new group “Newsletter (restored)” will be created with 3 recipients.",
        replace_label=None,
    )
    expect(panel).to_contain_text("3 added, 0 updated, 0 removed, 0 unchanged.")
    screenshot(page, "backups-restored-new-group-en")
    restored = [
        edge["node"]
        for edge in client.execute(GROUPS_QUERY)["groups"]["edges"]
        if edge["node"]["name"] == "Newsletter (restored)"
    ]
    assert len(restored) == 1
    assert emails(client, restored[0]["id"]) == {
        "ann@example.com": "Paris",
        "bob@example.com": "Lyon",
        "cid@example.com": "Rome",
    }
    assert len(emails(client, seeded.group_id)) == 5
    expect(panel.get_by_role("link", name="Open the group")).to_have_attribute(
        "href", "#/lists/" + quote(restored[0]["id"], safe="-_.!~*'()")
    )

    # Back into the group (REPLACE) from the backup before more.csv: undoes eve's addition.
    more.get_by_role("button", name="Restore…").click()
    panel = more.get_by_role("region", name="Restore", exact=True)
    restore(
        page,
        panel,
        "1 recipient added since will be removed",
        replace_label="Back into “Newsletter”, replacing its recipients",
    )
    expect(panel).to_contain_text("0 added, 0 updated, 1 removed, 4 unchanged.")
    expect(panel).to_contain_text("A backup of the group was made before the restore.")
    assert emails(client, seeded.group_id) == {
        "ann@example.com": "Berlin",
        "bob@example.com": "Lyon",
        "cid@example.com": "Rome",
        "dan@example.com": "Nice",
    }
    # The list was read again: the restore's own backup is there (03:30 Paris).
    expect(backup_of(page, DAY["en"], "03:30 · Before a restore")).to_contain_text("5 recipients")
    assert_accessible(page)
    screenshot(page, "backups-restored-replace-en")


@pytest.mark.parametrize("browser_locale", ["en-GB"], indirect=True)
def test_the_group_is_restored_to_a_moment_in_the_account_time_zone(
    seeded: Seeded, signed_in: AppPage
) -> None:
    from playwright.sync_api import expect

    page = open_backups(signed_in)
    group = page.get_by_role("region", name=GROUP, exact=True)
    group.get_by_role("button", name="Restore to a moment…").click()
    moment = group.get_by_role("region", name="Restore “Newsletter” to a moment")
    # 01:00 Paris on 11 March: after contacts.csv (00:30), before update.csv (01:30).
    moment.get_by_label("Date").fill("2026-03-11")
    moment.get_by_label("Time").fill("01:00")
    moment.get_by_role("button", name="Compare with this moment").click()
    expect(moment.get_by_role("definition")).to_have_text(["2", "1", "2", "0"])
    expect(
        moment.get_by_role("link", name="Download the group as it was then (CSV)")
    ).to_be_visible()
    assert_accessible(page)
    screenshot(page, "backups-moment-en")
    restore(
        page,
        moment,
        "2 recipients added since will be removed",
        replace_label="Back into “Newsletter”, replacing its recipients",
    )
    assert emails(seeded.client, seeded.group_id) == {
        "ann@example.com": "Paris",
        "bob@example.com": "Lyon",
        "cid@example.com": "Rome",
    }
    # The same moment as UTC (00:00Z) in the API gives what the screen showed.
    compared = seeded.client.execute(
        "query($id: ID!, $at: DateTime!) { node(id: $id) { ... on Group { comparison(asOf: $at) { unchanged changed added removed } } } }",
        {"id": seeded.group_id, "at": "2026-03-11T00:00:00Z"},
    )["node"]["comparison"]
    assert compared == {"unchanged": 3, "changed": 0, "added": 0, "removed": 0}


@pytest.mark.parametrize("browser_locale", ["fr-FR"], indirect=True)
def test_in_french_a_backup_is_found_compared_and_restored(
    seeded: Seeded, signed_in: AppPage
) -> None:
    from playwright.sync_api import expect

    page = open_backups(signed_in)
    expect(page.locator("main h1")).to_have_text("Sauvegardes")
    expect(page.get_by_text(f"Les jours et heures sont en {ZONE}.")).to_be_visible()
    update = backup_of(page, DAY["fr"], f"01:30 · Avant l{APOS}import de update.csv")
    expect(update).to_contain_text("3 destinataires")
    expect(update).to_contain_text(f"Conservée jusqu{APOS}au 10 avr. 2026, 02:30")
    update.get_by_role("button", name="Comparer avec maintenant").click()
    comparison = update.get_by_role("region", name="Comparée au groupe actuel")
    expect(comparison.get_by_role("definition")).to_have_text(["2", "1", "2", "0"])
    expect(comparison.get_by_role("listitem").first).to_have_text("ann@example.com modifiée depuis")
    assert_accessible(page)
    screenshot(page, "backups-compare-fr")
    update.get_by_role("button", name="Restaurer…").click()
    panel = update.get_by_role("region", name="Restaurer", exact=True)
    panel.get_by_label("Dans « Newsletter », en remplaçant ses destinataires").check()
    panel.get_by_role("button", name="Vérifier la restauration").click()
    confirmation = panel.get_by_role("group", name="Confirmer la restauration")
    expect(confirmation).to_contain_text("2 destinataires ajoutés depuis seront retirés")
    expect(confirmation).to_contain_text(
        f"1 destinataire modifié retrouve ses données d{APOS}avant"
    )
    assert_accessible(page)
    screenshot(page, "backups-confirm-fr")
    confirmation.get_by_role("button", name="Restaurer maintenant").click()
    expect(panel.get_by_role("status")).to_have_text("Restauré", timeout=60_000)
    expect(panel).to_contain_text("« Newsletter » compte maintenant 3 destinataires.")
    assert emails(seeded.client, seeded.group_id)["ann@example.com"] == "Paris"
    screenshot(page, "backups-fr")


def test_at_360_px_the_open_backup_does_not_scroll_sideways(
    seeded: Seeded, signed_in: AppPage
) -> None:
    from playwright.sync_api import expect

    page = signed_in.page
    page.set_viewport_size({"width": 360, "height": 740})
    page = open_backups(signed_in)
    update = backup_of(page, DAY["en"], "01:30 · Before the import of update.csv")
    update.get_by_role("button", name="Compare with now").click()
    expect(update.get_by_role("region", name="Compared with the group now")).to_be_visible()
    update.get_by_role("button", name="Restore…").click()
    update.get_by_role("region", name="Restore", exact=True).get_by_role(
        "button", name="Review the restore"
    ).click()
    expect(update.get_by_role("group", name="Confirm the restore")).to_be_visible()
    page.get_by_role("button", name="Restore to a moment…").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    screenshot(page, "backups-360px")


def test_empty_and_error_states(signed_in: AppPage) -> None:
    from playwright.sync_api import Route, expect

    page = signed_in.page
    expect(page.get_by_text("No backups yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Import a file")).to_have_attribute("href", "#/import")
    assert_accessible(page)
    screenshot(page, "backups-empty-en")

    def unreachable(route: Route) -> None:
        route.abort()

    page.route("**/graphql", unreachable)
    page.get_by_role("navigation").get_by_role("link", name="Import").click()
    page.get_by_role("navigation").get_by_role("link", name="Backups").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The server could not be reached.")
    assert_accessible(page)
    screenshot(page, "backups-error-en")
    page.unroute("**/graphql", unreachable)
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("No backups yet.")).to_be_visible()


def test_a_deleted_group_is_listed_and_restored_into_a_new_group(
    signed_in: AppPage, account: Account
) -> None:
    from playwright.sync_api import expect

    server = signed_in.server
    client = GraphQLClient(server.url, account.token)
    try:
        server.clock.set(FIRST_IMPORT)
        group_id = import_file(client, "oldies.csv", CONTACTS, groupName="Oldies")["group"]["id"]
        deleted = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
        assert deleted["backup"]["reason"] == "GROUP_DELETION"
        page = open_backups(signed_in)
        # The account's zone is UTC here: 23:30 on Tuesday 10 March.
        group = page.get_by_role("region", name="Oldies (deleted)", exact=True)
        expect(group.get_by_role("button", name="Restore to a moment…")).to_have_count(0)
        backup = backup_of(
            page, "Tuesday, 10 March 2026", "23:30 · Before deletion", group="Oldies (deleted)"
        )
        backup.get_by_role("button", name="Compare with now").click()
        expect(backup).to_contain_text("The group is deleted: there is nothing to compare with.")
        backup.get_by_role("button", name="Restore…").click()
        panel = backup.get_by_role("region", name="Restore", exact=True)
        expect(
            panel.get_by_label("Back into the group (not possible: the group is deleted)")
        ).to_be_disabled()
        assert_accessible(page)
        screenshot(page, "backups-deleted-group-en")
        restore(page, panel, "will be created with 3 recipients", replace_label=None)
        names = {
            edge["node"]["name"]: edge["node"]["id"]
            for edge in client.execute(GROUPS_QUERY)["groups"]["edges"]
        }
        assert set(emails(client, names["Oldies (restored)"])) == {
            "ann@example.com",
            "bob@example.com",
            "cid@example.com",
        }
    finally:
        client.close()
