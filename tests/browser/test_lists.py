"""The Lists and Jobs screens in Chromium: a group created, renamed and deleted (the deletion's
backup seen through the API and downloaded), a group's recipients searched, filtered, paged both
ways, one unsubscribed and resubscribed (each change checked through the API), and the job
history of imports made through the API with their file names, sizes, token and rejected rows.
English and French, axe-core, 360 px wide, the empty and not-found states, screenshots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx
import pytest

from tests.browser.conftest import Account, AppPage
from tests.browser.harness import assert_accessible, screenshot
from tests.client import GraphQLClient
from tests.support.documents import BACKUPS, IMPORT

if TYPE_CHECKING:
    from playwright.sync_api import Page

MINUTE = timedelta(minutes=1)
APOS = "\N{RIGHT SINGLE QUOTATION MARK}"  # the French apostrophe of the messages
GROUPS = "{ groups(first: 100) { edges { node { id name recipientCount } } } }"
UPSERT = """mutation U($g: ID!, $r: [RecipientInput!]!) {
  upsertRecipients(input: {groupId: $g, recipients: $r}) { rejected userErrors { code } } }"""
CREATE_GROUP = """mutation C($n: String!) {
  createGroup(input: {name: $n}) { group { id } userErrors { code } } }"""
RECIPIENT_STATUS = """query S($g: ID!, $s: String) { node(id: $g) { ... on Group {
  recipients(first: 10, search: $s) { edges { node { email status } } } } } }"""
CREATE_TOKEN = (
    """mutation T($n: String!) { createToken(input: {name: $n}) { secret userErrors { code } } }"""
)
# What each language's screen says (the test's assertions, en and fr).
TEXT = {
    "en": {
        "title": "Lists",
        "empty": "No groups yet.",
        "group_name": "Group name",
        "create": "Create group",
        "created": "Group “Customers” created.",
        "name": "Name",
        "rename": "Rename",
        "delete": "Delete group…",
        "confirm": "Delete “Clients”?",
        "confirm_text": "A backup of its 3 recipients is made first",
        "confirm_button": "Delete the group",
        "deleted": "Group “Clients” was deleted.",
        "holds": "holds 3 recipients.",
        "see_backup": "See it on the Backups screen",
        "download": "Download the backup",
        "not_found": "This group does not exist, or was deleted.",
        "backup_switch": "Back up this group before each import, deletion and restore",
    },
    "fr": {
        "title": "Listes",
        "empty": f"Aucun groupe pour l{APOS}instant.",
        "group_name": "Nom du groupe",
        "create": "Créer le groupe",
        "created": "Groupe « Customers » créé.",
        "name": "Nom",
        "rename": "Renommer",
        "delete": "Supprimer le groupe…",
        "confirm": "Supprimer « Clients » ?",
        "confirm_text": f"Une sauvegarde de ses 3 destinataires est faite d{APOS}abord",
        "confirm_button": "Supprimer le groupe",
        "deleted": "Le groupe « Clients » a été supprimé.",
        "holds": "contient 3 destinataires.",
        "see_backup": f"La voir dans l{APOS}écran Sauvegardes",
        "download": "Télécharger la sauvegarde",
        "not_found": f"Ce groupe n{APOS}existe pas, ou a été supprimé.",
        "backup_switch": "Sauvegarder ce groupe avant chaque import, suppression et restauration",
    },
}
LANGUAGES = {"en-GB": "en", "fr-FR": "fr"}


@pytest.fixture
def client(signed_in: AppPage, account: Account) -> Iterator[GraphQLClient]:
    """The account's API client (what an integration would do beside the app)."""
    api = GraphQLClient(signed_in.server.url, account.token)
    try:
        yield api
    finally:
        api.close()


def open_route(app: AppPage, route: str) -> Page:
    """`route` opened afresh (so it shows what the API did meanwhile)."""
    from playwright.sync_api import expect

    page = app.page
    page.goto(app.server.url + "/#/" + route)
    page.reload()
    expect(page.locator("main h1")).to_be_visible()
    return page


def groups_by_name(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    """The account's live groups by name."""
    edges = client.execute(GROUPS)["groups"]["edges"]
    return {edge["node"]["name"]: edge["node"] for edge in edges}


def no_sideways_scroll(page: Page) -> None:
    """At 360 px wide, the page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("browser_locale", ["en-GB", "fr-FR"], indirect=True)
def test_a_group_is_created_renamed_and_deleted_with_its_backup(
    signed_in: AppPage, client: GraphQLClient, browser_locale: str
) -> None:
    from playwright.sync_api import expect

    language = LANGUAGES[browser_locale]
    text = TEXT[language]
    page = open_route(signed_in, "lists")
    expect(page.locator("main h1")).to_have_text(text["title"])
    expect(page.locator(".state-empty")).to_contain_text(text["empty"])
    assert_accessible(page)
    screenshot(page, f"lists-empty-{language}")

    # Create: the form names its field; the new group is listed, and exists in the API.
    page.get_by_label(text["group_name"]).fill("  Customers ")
    page.get_by_role("button", name=text["create"]).click()
    expect(page.get_by_role("status").filter(has_text=text["created"])).to_be_visible()
    link = page.get_by_role("link", name="Customers", exact=True)
    expect(link).to_be_visible()
    group = groups_by_name(client)["Customers"]
    assert group["recipientCount"] == 0
    # An empty name is refused beside its field (the API's userError), nothing created.
    page.get_by_role("button", name=text["create"]).click()
    expect(page.locator("#new-group-error")).to_be_visible()
    assert list(groups_by_name(client)) == ["Customers"]

    # Three recipients through the API, then the group's page.
    recipients = [{"email": f"{name}@example.com"} for name in ("ann", "bob", "cid")]
    upsert = client.execute(UPSERT, {"g": group["id"], "r": recipients})["upsertRecipients"]
    assert upsert["userErrors"] == []
    assert upsert["rejected"] == 0
    page.reload()
    page.get_by_role("link", name="Customers", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Customers")
    expect(page.locator("main h1")).to_be_focused()
    expect(page.get_by_label(text["backup_switch"])).to_be_checked()

    # Rename: the heading and the API say the new name.
    page.get_by_label(text["name"], exact=True).fill("Clients")
    page.get_by_role("button", name=text["rename"], exact=True).click()
    expect(page.locator("main h1")).to_have_text("Clients")
    assert groups_by_name(client)["Clients"]["id"] == group["id"]

    # Delete: a confirmation saying a backup is made first, with the focus on it.
    signed_in.server.clock.advance(MINUTE)
    page.get_by_role("button", name=text["delete"]).click()
    confirmation = page.get_by_role("group", name=text["confirm"])
    expect(confirmation).to_contain_text(text["confirm_text"])
    expect(confirmation.get_by_role("heading")).to_be_focused()
    assert_accessible(page)
    screenshot(page, f"lists-delete-confirm-{language}")
    confirmation.get_by_role("button", name=text["confirm_button"]).click()

    # Back on the list: what was deleted, its backup, and a link to the Backups screen.
    expect(page.locator("main h1")).to_have_text(text["title"])
    notice = page.locator(".deletion-notice")
    expect(notice).to_contain_text(text["deleted"])
    expect(notice).to_contain_text(text["holds"])
    expect(notice.get_by_role("link", name=text["see_backup"])).to_have_attribute(
        "href", "#/backups"
    )
    assert "Clients" not in groups_by_name(client)
    # The newest backup of the group is its deletion's (the upsert made an API backup before).
    backups = [
        edge["node"] for edge in client.execute(BACKUPS, {"g": group["id"]})["backups"]["edges"]
    ]
    deletion = backups[0]
    assert (deletion["reason"], deletion["groupName"], deletion["recipientCount"]) == (
        "GROUP_DELETION",
        "Clients",
        3,
    )
    assert deletion["group"] is None
    assert [b["reason"] for b in backups[1:]] == ["API"]
    # The backup downloads from here: the group's three addresses.
    with page.expect_download() as download:
        notice.get_by_role("button", name=text["download"]).click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert all(f"{name}@example.com" in content for name in ("ann", "bob", "cid"))
    assert_accessible(page)
    screenshot(page, f"lists-deleted-{language}")

    # The deleted group's address now says it is gone.
    page.goto(signed_in.server.url + f"/#/lists/{group['id']}")
    expect(page.locator(".state-empty .state-title")).to_have_text(text["not_found"])
    assert_accessible(page)


@dataclass(frozen=True)
class Seeded:
    """A group of 30 recipients (r00 … r29), r03 and r17 unsubscribed, and its id."""

    group_id: str


@pytest.fixture
def seeded(client: GraphQLClient) -> Seeded:
    created = client.execute(CREATE_GROUP, {"n": "Newsletter"})["createGroup"]
    group_id: str = created["group"]["id"]
    recipients = [
        {
            "email": f"r{index:02d}@example.com",
            "firstName": "Zoe" if index == 12 else f"First{index:02d}",
            "lastName": "Last",
            "status": "UNSUBSCRIBED" if index in (3, 17) else "ACTIVE",
        }
        for index in range(30)
    ]
    upsert = client.execute(UPSERT, {"g": group_id, "r": recipients})["upsertRecipients"]
    assert upsert["userErrors"] == []
    assert upsert["rejected"] == 0
    return Seeded(group_id=group_id)


def status_of(client: GraphQLClient, group_id: str, email: str) -> str:
    """A recipient's status, read through the API."""
    edges = client.execute(RECIPIENT_STATUS, {"g": group_id, "s": email})["node"]["recipients"][
        "edges"
    ]
    found = [edge["node"]["status"] for edge in edges if edge["node"]["email"] == email]
    assert len(found) == 1
    status: str = found[0]
    return status


def table_emails(page: Page) -> list[str]:
    """The addresses of the recipients table's rows, in order."""
    return page.locator(".recipient-table tbody th").all_inner_texts()


def test_recipients_are_searched_filtered_paged_and_unsubscribed(
    signed_in: AppPage, client: GraphQLClient, seeded: Seeded
) -> None:
    from playwright.sync_api import expect

    page = open_route(signed_in, f"lists/{seeded.group_id}")
    expect(page.locator("main h1")).to_have_text("Newsletter")
    expect(page.locator(".list-count")).to_have_text("30 recipients")
    expect(page.locator(".recipient-table tbody tr")).to_have_count(25)
    assert table_emails(page)[0] == "r00@example.com"
    assert_accessible(page)
    screenshot(page, "lists-group-en")

    # Pages both ways: next (first/after), then previous (last/before).
    pager = page.get_by_role("group", name="Pages of Recipients")
    expect(pager.get_by_role("button", name="Previous")).to_be_disabled()
    pager.get_by_role("button", name="Next").click()
    expect(page.locator(".recipient-table tbody tr")).to_have_count(5)
    assert table_emails(page) == [f"r{index}@example.com" for index in range(25, 30)]
    expect(pager.get_by_role("button", name="Next")).to_be_disabled()
    pager.get_by_role("button", name="Previous").click()
    expect(page.locator(".recipient-table tbody tr")).to_have_count(25)
    assert table_emails(page)[0] == "r00@example.com"

    # Search: a prefix of the email, or of a first name.
    page.get_by_label("Search").fill("r1")
    expect(page.locator(".list-count")).to_have_text("10 matches")
    page.get_by_label("Search").fill("zo")
    expect(page.locator(".list-count")).to_have_text("1 match")
    assert table_emails(page) == ["r12@example.com"]
    page.get_by_label("Search").fill("nobody")
    expect(page.locator(".state-empty")).to_have_text("No recipient matches this search.")
    assert_accessible(page)
    # Status filter, alone and with a search.
    page.get_by_label("Search").fill("")
    page.get_by_label("Status", exact=True).select_option("UNSUBSCRIBED")
    expect(page.locator(".list-count")).to_have_text("2 matches")
    assert table_emails(page) == ["r03@example.com", "r17@example.com"]
    page.get_by_label("Search").fill("r1")
    expect(page.locator(".list-count")).to_have_text("1 match")
    assert table_emails(page) == ["r17@example.com"]

    # Unsubscribe r05: at once, seen through the API.
    page.get_by_label("Search").fill("")
    page.get_by_label("Status", exact=True).select_option("")
    expect(page.locator(".list-count")).to_have_text("30 recipients")
    page.get_by_role("button", name="Unsubscribe r05@example.com").click()
    expect(
        page.get_by_role("status").filter(has_text="r05@example.com is unsubscribed.")
    ).to_be_visible()
    assert status_of(client, seeded.group_id, "r05@example.com") == "UNSUBSCRIBED"
    row = page.locator(".recipient-table tbody tr").filter(has_text="r05@example.com")
    expect(row).to_contain_text("Unsubscribed")

    # Resubscribing needs an explicit confirmation; cancelling it changes nothing.
    page.get_by_role("button", name="Resubscribe r05@example.com…").click()
    confirmation = page.get_by_role("group", name="Resubscribe r05@example.com?")
    expect(confirmation.get_by_role("heading")).to_be_focused()
    expect(confirmation).to_contain_text("only if they asked for it")
    assert_accessible(page)
    screenshot(page, "lists-resubscribe-en")
    confirmation.get_by_role("button", name="Cancel").click()
    assert status_of(client, seeded.group_id, "r05@example.com") == "UNSUBSCRIBED"
    page.get_by_role("button", name="Resubscribe r05@example.com…").click()
    page.get_by_role("button", name="Yes, resubscribe").click()
    expect(
        page.get_by_role("status").filter(has_text="r05@example.com is active again.")
    ).to_be_visible()
    assert status_of(client, seeded.group_id, "r05@example.com") == "ACTIVE"

    # The group's own backup switch (its settings live on its page), seen through the API.
    switch = page.get_by_label("Back up this group before each import, deletion and restore")
    switch.uncheck()
    expect(
        page.get_by_role("status").filter(has_text="Backups are off for this group.")
    ).to_be_visible()
    backups_enabled = """query B($g: ID!) { node(id: $g) { ... on Group { backupsEnabled } } }"""
    assert (
        client.execute(backups_enabled, {"g": seeded.group_id})["node"]["backupsEnabled"] is False
    )
    switch.check()
    expect(
        page.get_by_role("status").filter(has_text="Backups are on for this group.")
    ).to_be_visible()
    assert client.execute(backups_enabled, {"g": seeded.group_id})["node"]["backupsEnabled"] is True

    # 360 px wide: the table turns into cards, nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    expect(page.locator(".recipient-table tbody tr")).to_have_count(25)
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "lists-group-en-360px")


def test_a_click_on_the_switch_outlives_the_reload_of_the_click_before(
    signed_in: AppPage, seeded: Seeded, client: GraphQLClient
) -> None:
    """The page reloads the group after a switch change; that reload can reach the page after the
    next click, while the next change is still on its way. Its answer (backups off) must not flip
    the box back. Here the first reload's answer is held until the second click is made and its
    change is held in turn; then the answer is delivered: the box stays on, and once the change
    goes through, the server agrees."""
    from playwright.sync_api import APIResponse, Route, expect

    page = open_route(signed_in, f"lists/{seeded.group_id}")
    expect(page.locator(".list-count")).to_have_text("30 recipients")
    reloads: list[tuple[Route, APIResponse]] = []
    changes: list[Route] = []
    holding = {"reloads": True, "changes": False}

    def hold(route: Route) -> None:
        body = route.request.post_data or ""
        if holding["reloads"] and "query GroupRecipients" in body:
            reloads.append((route, route.fetch()))  # answered by the server now, delivered later
        elif holding["changes"] and "mutation SetGroupBackupsEnabled" in body:
            changes.append(route)
        else:
            route.continue_()

    page.route("**/graphql", hold)
    switch = page.get_by_label("Back up this group before each import, deletion and restore")
    switch.uncheck()
    expect(
        page.get_by_role("status").filter(has_text="Backups are off for this group.")
    ).to_be_visible()
    wait_until(page, lambda: len(reloads) == 1)
    holding.update(reloads=False, changes=True)
    switch.check()
    wait_until(page, lambda: len(changes) == 1)
    ((route, answer),) = reloads
    route.fulfill(response=answer)
    # The late answer is read and rendered (effects included) before the box is looked at.
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() =>"
        " requestAnimationFrame(() => setTimeout(done, 50))))"
    )
    assert switch.is_checked()
    holding["changes"] = False
    changes[0].continue_()
    expect(
        page.get_by_role("status").filter(has_text="Backups are on for this group.")
    ).to_be_visible()
    expect(switch).to_be_checked()
    backups_enabled = """query B($g: ID!) { node(id: $g) { ... on Group { backupsEnabled } } }"""
    assert client.execute(backups_enabled, {"g": seeded.group_id})["node"]["backupsEnabled"] is True


def test_a_reload_superseded_by_a_change_does_not_flip_the_switch(
    signed_in: AppPage, seeded: Seeded, client: GraphQLClient
) -> None:
    """A reload of the group (here the one after an unsubscribe) still on its way when the switch
    is turned off: its answer (backups on) is stale once the change's own reload is asked for, so
    it must be dropped even when it arrives before that reload has started (the page starts it
    after the next frame). The CI failure of stop 19: the stale answer re-checked the box, so the
    next "check" did nothing. Here the change's answer and then the stale answer are delivered
    back to back, with animation frames held so the gap lasts Preact's 35 ms fallback."""
    from playwright.sync_api import APIResponse, Route, expect

    page = open_route(signed_in, f"lists/{seeded.group_id}")
    expect(page.locator(".list-count")).to_have_text("30 recipients")
    held: dict[str, list[tuple[Route, APIResponse]]] = {"reloads": [], "changes": []}
    holding = {"reloads": True, "changes": True}

    def hold(route: Route) -> None:
        body = route.request.post_data or ""
        if holding["reloads"] and "query GroupRecipients" in body:
            held["reloads"].append((route, route.fetch()))
        elif holding["changes"] and "mutation SetGroupBackupsEnabled" in body:
            held["changes"].append((route, route.fetch()))
        else:
            route.continue_()

    page.route("**/graphql", hold)
    page.get_by_role("button", name="Unsubscribe r05@example.com").click()
    wait_until(page, lambda: len(held["reloads"]) == 1)
    switch = page.get_by_label("Back up this group before each import, deletion and restore")
    switch.uncheck()
    wait_until(page, lambda: len(held["changes"]) == 1)
    holding["changes"] = False
    page.evaluate("() => { window.requestAnimationFrame = () => 0; }")
    ((change, changed),) = held["changes"]
    ((reload, stale),) = held["reloads"]
    change.fulfill(response=changed)
    reload.fulfill(response=stale)
    # The change's own reload is asked for (and held): whatever the page shows now, it shows
    # with the stale answer delivered and its effects run.
    wait_until(page, lambda: len(held["reloads"]) == 2)
    page.evaluate("() => new Promise((done) => setTimeout(done, 100))")
    expect(
        page.get_by_role("status").filter(has_text="Backups are off for this group.")
    ).to_be_visible()
    assert not switch.is_checked()
    holding["reloads"] = False
    fresh, answer = held["reloads"][1]
    fresh.fulfill(response=answer)
    expect(page.locator(".group-summary")).to_contain_text("backups off")
    expect(switch).not_to_be_checked()
    switch.check()
    expect(
        page.get_by_role("status").filter(has_text="Backups are on for this group.")
    ).to_be_visible()
    backups_enabled = """query B($g: ID!) { node(id: $g) { ... on Group { backupsEnabled } } }"""
    assert client.execute(backups_enabled, {"g": seeded.group_id})["node"]["backupsEnabled"] is True


def wait_until(page: Page, condition: Callable[[], bool]) -> None:
    """Let the page run (and its routes be called) until `condition` holds, for 5 s at most."""
    for _ in range(250):
        if condition():
            return
        page.wait_for_timeout(20)
    raise AssertionError("the page did not get there within 5 s")


@pytest.mark.parametrize("browser_locale", ["fr-FR"], indirect=True)
def test_the_group_page_in_french(signed_in: AppPage, seeded: Seeded) -> None:
    from playwright.sync_api import expect

    page = open_route(signed_in, f"lists/{seeded.group_id}")
    expect(page.locator(".list-count")).to_have_text("30 destinataires")
    page.get_by_label("Statut", exact=True).select_option("UNSUBSCRIBED")
    expect(page.locator(".list-count")).to_have_text("2 résultats")
    expect(page.get_by_role("button", name="Réabonner r03@example.com…")).to_be_visible()
    expect(page.locator(".recipient-table tbody tr").first).to_contain_text("Désabonné")
    assert_accessible(page)
    screenshot(page, "lists-group-fr")


CONTACTS = "email,first name\nann@example.com,Ann\nbob@example.com,Bob\n"
WITH_REJECTS = "email,first name\ncid@example.com,Cid\nnot-an-address,Bad\n"


def import_as(server_url: str, token: str, name: str, text: str, **target: Any) -> dict[str, Any]:
    """Import `text` as the file `name` with `token`; the finished job."""
    api = GraphQLClient(server_url, token)
    try:
        variables = {"input": {"file": None, "mode": "REFRESH_AND_ADD", **target}}
        response = api.upload(IMPORT, variables, text.encode(), filename=name)
        payload = response.json()["data"]["importRecipients"]
        assert payload["userErrors"] == [], payload
        return api.wait_job(payload["job"]["id"])
    finally:
        api.close()


@pytest.mark.parametrize("browser_locale", ["en-GB", "fr-FR"], indirect=True)
def test_the_job_history_shows_the_imports_made_through_the_api(
    signed_in: AppPage, client: GraphQLClient, browser_locale: str
) -> None:
    from playwright.sync_api import expect

    language = LANGUAGES[browser_locale]
    server = signed_in.server
    page = open_route(signed_in, "jobs")
    empty = {
        "en": "No imports or restores yet.",
        "fr": f"Aucun import ni restauration pour l{APOS}instant.",
    }
    expect(page.locator(".state-empty")).to_contain_text(empty[language])
    assert_accessible(page)

    # Two imports by a named token, a minute apart; the second rejects one row.
    created = client.execute(CREATE_TOKEN, {"n": "CRM sync"})["createToken"]
    assert created["userErrors"] == []
    server.clock.advance(MINUTE)
    first = import_as(server.url, created["secret"], "contacts.csv", CONTACTS, groupName="Shop")
    server.clock.advance(MINUTE)
    group_id = first["group"]["id"]
    second = import_as(
        server.url, created["secret"], "with-rejects.csv", WITH_REJECTS, groupId=group_id
    )
    assert (first["added"], second["added"], second["rejected"]) == (2, 1, 1)

    page.reload()
    jobs = page.locator(".job-item")
    expect(jobs).to_have_count(2)
    # Newest first, each by its file name, with its size, token, status and counts.
    expect(jobs.get_by_role("heading", level=2)).to_have_text(["with-rejects.csv", "contacts.csv"])
    words = {
        "en": ("Started by", "Succeeded", "1 added", "1 rejected", "2 added", "bytes"),
        "fr": ("Lancé par", "Réussi", "1 ajoutés", "1 rejetés", "2 ajoutés", "octets"),
    }[language]
    started_by, succeeded, one_added, one_rejected, two_added, bytes_word = words
    newest, oldest = jobs.nth(0), jobs.nth(1)
    expect(newest.locator(".job-details")).to_contain_text(started_by)
    expect(newest.locator(".job-details")).to_contain_text("CRM sync")
    expect(newest).to_contain_text(succeeded)
    expect(newest).to_contain_text(one_added)
    expect(newest).to_contain_text(one_rejected)
    expect(newest).to_contain_text(f"{len(WITH_REJECTS.encode())} {bytes_word}")
    expect(oldest).to_contain_text(two_added)
    expect(oldest.get_by_role("link", name="Shop")).to_have_attribute(
        "href", f"#/lists/{quote(group_id, safe='')}"
    )
    # The rejected rows as a file: a plain GET of the link gives the bad row and its error.
    rejects = newest.get_by_role("link", name="(1)")
    href = rejects.get_attribute("href")
    assert href is not None
    rejected = httpx.get(href if href.startswith("http") else server.url + href).text
    assert "not-an-address" in rejected
    assert "cid@example.com" not in rejected
    expect(oldest.get_by_role("link", name="(1)")).to_have_count(0)
    assert_accessible(page)
    screenshot(page, f"jobs-history-{language}")

    # Filters: by status (none failed), by kind, and by group (the route names it).
    status_label = {"en": "Status", "fr": "Statut"}[language]
    page.get_by_label(status_label, exact=True).select_option("FAILED")
    no_match = {
        "en": "No job matches these filters.",
        "fr": "Aucune tâche ne correspond à ces filtres.",
    }
    expect(page.locator(".state-empty")).to_have_text(no_match[language])
    page.get_by_label(status_label, exact=True).select_option("SUCCEEDED")
    expect(jobs).to_have_count(2)
    kind_label = {"en": "Kind", "fr": "Type"}[language]
    page.get_by_label(kind_label, exact=True).select_option("RESTORE")
    expect(page.locator(".state-empty")).to_have_text(no_match[language])
    page.get_by_label(kind_label, exact=True).select_option("IMPORT")
    expect(jobs).to_have_count(2)
    other = client.execute(CREATE_GROUP, {"n": "Other"})["createGroup"]["group"]["id"]
    import_as(server.url, client.token or "", "other.csv", CONTACTS, groupId=other)
    page.goto(server.url + f"/#/jobs/{group_id}")
    page.reload()
    expect(jobs.get_by_role("heading", level=2)).to_have_text(["with-rejects.csv", "contacts.csv"])
    group_label = {"en": "Group", "fr": "Groupe"}[language]
    expect(page.get_by_label(group_label, exact=True)).to_have_value(group_id)
    page.get_by_label(group_label, exact=True).select_option("")
    expect(jobs.get_by_role("heading", level=2)).to_have_text(
        ["other.csv", "with-rejects.csv", "contacts.csv"]
    )

    page.set_viewport_size({"width": 360, "height": 740})
    no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, f"jobs-history-{language}-360px")


def test_a_queued_job_is_cancelled_from_the_history(
    signed_in: AppPage, client: GraphQLClient
) -> None:
    from playwright.sync_api import expect

    from tests.support.held_jobs import held_restore

    server = signed_in.server
    server.clock.advance(MINUTE)
    first = import_as(server.url, client.token or "", "contacts.csv", CONTACTS, groupName="Held")
    server.clock.advance(MINUTE)
    second = import_as(
        server.url, client.token or "", "more.csv", WITH_REJECTS, groupId=first["group"]["id"]
    )
    backup_id = second["backup"]["id"]
    server.clock.advance(MINUTE)
    # A restore kept QUEUED (its lock held) while the history shows it with a Cancel button.
    with held_restore(server, first["group"]["id"], backup_id) as job_id:
        page = open_route(signed_in, "jobs")
        queued = page.locator(".job-item").first
        expect(queued.get_by_role("heading", level=2)).to_have_text(
            "Restore of the backup of “Held”"
        )
        expect(queued).to_contain_text("Queued")
        assert_accessible(page)
        screenshot(page, "jobs-history-queued-en")
        queued.get_by_role("button", name="Cancel Restore of the backup of “Held”").click()
        expect(queued).to_contain_text("Cancelled")
        expect(queued.get_by_role("button")).to_have_count(0)
        assert client.job_status(job_id) == "CANCELLED"
