"""The import wizard in Chromium, in English and French: a German/Mailchimp-style CSV whose
columns the server suggests fields for, the mapping edited, the exact preview's counts checked
against the file, the live progress, the result checked against the API, the rejected rows'
file downloaded and read; a running import cancelled (nothing changed); axe and 360 px."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import Account, AppPage
from tests.browser.harness import assert_accessible, screenshot
from tests.client import GraphQLClient
from tests.support.held_jobs import paused_worker

if TYPE_CHECKING:
    from playwright.sync_api import FilePayload, Locator, Page

# What the group holds before the wizard runs (a plain import through the API).
EXISTING = (
    b"email,first name,last name,status,company\n"
    b"anna@example.com,Anna,Alt,unsubscribed,ACME\n"
    b"bernd@example.com,Bernd,Bau,active,Bau GmbH\n"
    b"clara@example.com,Clara,Chor,active,Chor AG\n"
)
HEADER = ("E-Mail-Adresse", "Vorname", "Nachname", "Status", "Firma", "MEMBER_RATING")
# The wizard's file, row by row, with what a REFRESH_AND_ADD of it into the group must do:
# the preview's and the job's counts are these outcomes counted.
ROWS: tuple[tuple[tuple[str, ...], str], ...] = (
    # asks to lift anna's UNSUBSCRIBED status, otherwise the same: the status is kept
    (("anna@example.com", "Anna", "Alt", "aktiv", "ACME", "2"), "statusKept"),
    (("bernd@example.com", "Bernhard", "Bau", "aktiv", "Bau GmbH", "5"), "updated"),
    (("clara@example.com", "Clara", "Chor", "aktiv", "Chor AG", "1"), "unchanged"),
    (("dora@example.com", "Dora", "Dürr", "aktiv", "Dürr KG", "3"), "added"),
    (("emil@example.com", "Emil", "Eß", "", "", "4"), "added"),
    (("kein-email", "Falsch", "Adresse", "aktiv", "", "1"), "rejected"),
    (("gustav@example.com", "Gustav", "Gut", "vielleicht", "", "2"), "rejected"),
    (("hans at example.com", "Hans", "Hase", "aktiv", "", "1"), "rejected"),
)
COUNT_KEYS = ("added", "updated", "unchanged", "skipped", "rejected", "statusKept")
DATA_COUNT = {key: ("status-kept" if key == "statusKept" else key) for key in COUNT_KEYS}

TEXT = {
    "en": {
        "title": "Import",
        "file": "CSV file",
        "upload": "Read the file",
        "columns": "Check the columns",
        "field": "Field for column “{}”",
        "attribute": "Attribute name for column “{}”",
        "existing": "An existing group",
        "group": "Group",
        "refresh_and_add": "Update them from the file; add the new addresses",
        "preview": "Preview the import",
        "previewHeading": "What the import will do",
        "confirm": "Import now",
        "finished": "Import finished",
        "rows": "8 of 8 rows read",
        "rejects": "Download the rejected rows (CSV)",
        "cancel": "Cancel the import",
        "cancelled": "Import cancelled",
        "nothing": "Nothing was changed: the group is as it was before the import.",
        "semicolons": "separated by semicolons",
        "noFile": "Choose a file first.",
    },
    "fr": {
        "title": "Importer",
        "file": "Fichier CSV",
        "upload": "Lire le fichier",
        "columns": "Vérifier les colonnes",
        "field": "Champ de la colonne « {} »",
        "attribute": "Nom de l\N{RIGHT SINGLE QUOTATION MARK}attribut de la colonne « {} »",
        "existing": "Un groupe existant",
        "group": "Groupe",
        "refresh_and_add": "Les mettre à jour depuis le fichier ; ajouter les nouvelles adresses",
        "preview": "Prévisualiser l\N{RIGHT SINGLE QUOTATION MARK}import",
        "previewHeading": "Ce que fera l\N{RIGHT SINGLE QUOTATION MARK}import",
        "confirm": "Importer maintenant",
        "finished": "Import terminé",
        "rows": "8 lignes lues sur 8",
        "rejects": "Télécharger les lignes rejetées (CSV)",
        "cancel": "Annuler l\N{RIGHT SINGLE QUOTATION MARK}import",
        "cancelled": "Import annulé",
        "nothing": "Rien n\N{RIGHT SINGLE QUOTATION MARK}a été modifié : le groupe est tel qu\N{RIGHT SINGLE QUOTATION MARK}avant l\N{RIGHT SINGLE QUOTATION MARK}import.",
        "semicolons": "séparées par des points-virgules",
        "noFile": "Choisissez d\N{RIGHT SINGLE QUOTATION MARK}abord un fichier.",
    },
}
LANGUAGES = {"en-GB": "en", "fr-FR": "fr"}
JOB = """query J($groupId: ID!) { jobs(first: 1, groupId: $groupId) { edges { node {
  id status added updated unchanged skipped rejected statusKept totalRows processedRows
  group { recipientCount } } } } }"""
GROUP_ID = "query G { groups(first: 50) { edges { node { id name } } } }"


def wizard_file() -> bytes:
    """The German/Mailchimp-style file: semicolons, UTF-8 with umlauts."""
    lines = [";".join(HEADER)] + [";".join(cells) for cells, _ in ROWS]
    return ("\n".join(lines) + "\n").encode()


def csv_file(name: str, content: bytes) -> FilePayload:
    """A file for the file input, as the browser would read it from disk."""
    return {"name": name, "mimeType": "text/csv", "buffer": content}


def expected_counts() -> dict[str, int]:
    """The file's outcomes counted, every key present."""
    found = Counter(outcome for _, outcome in ROWS)
    return {key: found.get(key, 0) for key in COUNT_KEYS}


def shown_counts(page: Page) -> dict[str, int]:
    """The counts the page shows (preview or result), as numbers."""
    counts = {}
    for key in COUNT_KEYS:
        text = page.locator(f"[data-count={DATA_COUNT[key]}] dd").inner_text()
        counts[key] = int("".join(char for char in text if char.isdigit()))
    return counts


def fits(page: Page, width: int) -> None:
    """Nothing scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def group_id(client: GraphQLClient, name: str) -> str:
    edges = client.execute(GROUP_ID)["groups"]["edges"]
    found: str = next(edge["node"]["id"] for edge in edges if edge["node"]["name"] == name)
    return found


def latest_job(client: GraphQLClient, group: str) -> dict[str, Any]:
    job: dict[str, Any] = client.execute(JOB, {"groupId": group})["jobs"]["edges"][0]["node"]
    return job


def open_wizard(app: AppPage, language: str) -> Page:
    from playwright.sync_api import expect

    page = app.page
    page.goto(app.server.url + "/#/import")
    expect(page.locator("main h1")).to_have_text(TEXT[language]["title"])
    return page


@pytest.mark.parametrize("browser_locale", ["en-GB", "fr-FR"], indirect=True)
def test_the_whole_wizard_on_a_mailchimp_style_file(
    signed_in: AppPage, account: Account, browser_locale: str
) -> None:
    from playwright.sync_api import expect

    language = LANGUAGES[browser_locale]
    text = TEXT[language]
    # English at a desktop's width, French at 360 px.
    width = 1280 if language == "en" else 360
    client = GraphQLClient(signed_in.server.url, account.token)
    try:
        client.import_file(EXISTING, groupName="Newsletter")
        group = group_id(client, "Newsletter")
        page = signed_in.page
        page.set_viewport_size({"width": width, "height": 800})
        open_wizard(signed_in, language)

        # 1. The file: nothing chosen is said beside the field; then the real file input.
        fits(page, width)
        assert_accessible(page)
        page.get_by_role("button", name=text["upload"]).click()
        expect(page.get_by_role("alert")).to_have_text(text["noFile"])
        screenshot(page, f"import-file-{language}")
        page.get_by_label(text["file"]).set_input_files(
            files=csv_file("mailchimp-export.csv", wizard_file())
        )
        page.get_by_role("button", name=text["upload"]).click()

        # 2. The columns: the server's suggestions, then the mapping edited.
        expect(page.get_by_role("heading", level=2)).to_have_text(text["columns"])
        expect(page.get_by_role("heading", level=2)).to_be_focused()
        expect(page.locator(".file-facts")).to_contain_text(text["semicolons"])
        expect(page.locator(".file-facts")).to_contain_text("mailchimp-export.csv")

        def field(header: str) -> Locator:
            return page.get_by_label(text["field"].format(header), exact=True)

        def attribute(header: str) -> Locator:
            return page.get_by_label(text["attribute"].format(header), exact=True)

        suggested = {
            "E-Mail-Adresse": "email",
            "Vorname": "firstName",
            "Nachname": "lastName",
            "Status": "status",
            "Firma": "attribute",
            "MEMBER_RATING": "attribute",
        }
        for header, value in suggested.items():
            expect(field(header)).to_have_value(value)
        expect(attribute("Firma")).to_have_value("Firma")
        attribute("Firma").fill("company")
        field("MEMBER_RATING").select_option("ignore")
        expect(attribute("MEMBER_RATING")).to_have_count(0)
        page.get_by_label(text["existing"]).check()
        page.get_by_label(text["group"], exact=True).select_option(group)
        page.get_by_label(text["refresh_and_add"]).check()
        fits(page, width)
        assert_accessible(page)
        screenshot(page, f"import-columns-{language}")
        page.get_by_role("button", name=text["preview"]).click()

        # 3. The preview: exactly the file's outcomes; the changes before/after; the bad rows.
        expect(page.get_by_role("heading", level=2)).to_have_text(text["previewHeading"])
        expected = expected_counts()
        assert expected == {
            "added": 2,
            "updated": 1,
            "unchanged": 1,
            "skipped": 0,
            "rejected": 3,
            "statusKept": 1,
        }
        assert shown_counts(page) == expected
        bernd = page.locator(".change", has_text="bernd@example.com")
        expect(bernd.locator("tbody tr")).to_have_count(1)
        expect(bernd.locator("tbody tr td")).to_have_text(["Bernd", "Bernhard"])
        dora = page.locator(".change", has_text="dora@example.com")
        expect(dora.locator("tbody")).to_contain_text("company")
        expect(dora.locator("tbody")).to_contain_text("Dürr KG")
        expect(dora.locator("tbody")).not_to_contain_text("MEMBER_RATING")
        expect(page.locator(".change", has_text="anna@example.com")).to_contain_text("UNSUBSCRIBED")
        expect(page.locator(".change")).to_have_count(4)  # added, updated, status kept
        expect(page.locator("table.row-errors tbody tr")).to_have_count(3)
        expect(page.locator("table.row-errors tbody tr").first).to_contain_text("kein-email")
        fits(page, width)
        assert_accessible(page)
        screenshot(page, f"import-preview-{language}")
        # Nothing was written by the preview.
        assert len(client.recipients(group)) == 3
        page.get_by_role("button", name=text["confirm"]).click()

        # 4. Progress, then the result: the same counts, as the API tells them.
        expect(page.get_by_role("heading", level=2)).to_have_text(text["finished"])
        progress = page.get_by_role("progressbar")
        expect(progress).to_have_attribute("max", "8")
        expect(progress).to_have_attribute("value", "8")
        expect(page.locator(".progress-rows")).to_have_text(text["rows"])
        expect(page.locator(".import-result .import-counts")).to_be_visible()
        job = latest_job(client, group)
        assert job["status"] == "SUCCEEDED"
        assert {key: job[key] for key in COUNT_KEYS} == expected
        assert shown_counts(page) == expected
        expect(page.locator("table.row-errors tbody tr")).to_have_count(3)
        fits(page, width)
        assert_accessible(page)
        screenshot(page, f"import-result-{language}")

        # The rejected rows' file: the three bad rows with their errors, as the page links it.
        with page.expect_download() as download_info:
            page.get_by_role("link", name=text["rejects"]).click()
        path = download_info.value.path()
        rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
        bad = [cells for cells, outcome in ROWS if outcome == "rejected"]
        assert [row["E-Mail-Adresse"] for row in rows] == [cells[0] for cells in bad]
        assert [row["error_row"] for row in rows] == ["7", "8", "9"]
        assert all(row["error_code"] for row in rows)
        assert rows[1]["error_column"] == "Status"

        # What the group holds now, through the API.
        people = {person["email"]: person for person in client.recipients(group)}
        assert sorted(people) == [
            "anna@example.com",
            "bernd@example.com",
            "clara@example.com",
            "dora@example.com",
            "emil@example.com",
        ]
        assert people["anna@example.com"]["status"] == "UNSUBSCRIBED"
        assert people["bernd@example.com"]["firstName"] == "Bernhard"
        assert people["dora@example.com"]["attributes"] == [{"name": "company", "value": "Dürr KG"}]
        assert job["group"]["recipientCount"] == 5
    finally:
        client.close()


def big_file(rows: int) -> bytes:
    """A file whose import runs for seconds (every address is new)."""
    return b"email,first name,city\n" + b"".join(
        f"person{i}@example.com,Person {i},Town {i % 97}\n".encode() for i in range(rows)
    )


def wait_status(client: GraphQLClient, job_id: str, wanted: tuple[str, ...]) -> str:
    """Poll the job until its status is one of `wanted`; that status."""
    deadline = time.monotonic() + 120
    while (status := client.job_status(job_id)) not in wanted:
        assert status in ("QUEUED", "RUNNING"), status
        assert time.monotonic() < deadline, f"job still {status}"
        time.sleep(0.05)
    return status


def test_an_import_cancelled_while_it_waits_changes_nothing(
    signed_in: AppPage, account: Account
) -> None:
    from playwright.sync_api import expect

    text = TEXT["en"]
    client = GraphQLClient(signed_in.server.url, account.token)
    try:
        client.import_file(EXISTING, groupName="Waiting")
        group = group_id(client, "Waiting")
        before = client.recipients(group)
        page = open_wizard(signed_in, "en")
        page.get_by_label(text["file"]).set_input_files(files=csv_file("more.csv", big_file(50)))
        page.get_by_role("button", name=text["upload"]).click()
        expect(page.get_by_role("heading", level=2)).to_have_text(text["columns"])
        page.get_by_label(text["existing"]).check()
        page.get_by_label(text["group"], exact=True).select_option(group)
        page.get_by_role("button", name=text["preview"]).click()
        expect(page.get_by_role("heading", level=2)).to_have_text(text["previewHeading"])
        assert shown_counts(page)["added"] == 50

        # The worker takes no job for a while: the wizard's job waits in the queue.
        with paused_worker(signed_in.server):
            page.get_by_role("button", name=text["confirm"]).click()
            expect(page.locator(".job-status")).to_have_text("Waiting to start…")
            expect(page.get_by_role("progressbar")).to_be_visible()
            assert_accessible(page)
            screenshot(page, "import-waiting-en")
            page.get_by_role("button", name=text["cancel"]).click()
            expect(page.get_by_role("heading", level=2)).to_have_text(text["cancelled"])
            expect(page.locator(".import-result")).to_contain_text(text["nothing"])
            expect(page.locator(".import-result")).to_contain_text(
                "“Waiting” still has 3 recipients."
            )
            expect(page.get_by_role("button", name=text["cancel"])).to_have_count(0)
            assert_accessible(page)
            screenshot(page, "import-cancelled-en")
            job = latest_job(client, group)
            assert job["status"] == "CANCELLED"
            assert job["processedRows"] == 0

        # Once the worker takes jobs again (it runs the next one), the cancelled job stays
        # cancelled and the group unchanged.
        other = client.start_import(big_file(20), groupName="Other")
        wait_status(client, other["job"]["id"], ("SUCCEEDED",))
        assert latest_job(client, group)["status"] == "CANCELLED"
        assert latest_job(client, group)["group"]["recipientCount"] == 3
        assert client.recipients(group) == before
    finally:
        client.close()


def test_a_file_the_server_refuses_is_said_beside_the_field(signed_in: AppPage) -> None:
    from playwright.sync_api import expect

    page = open_wizard(signed_in, "en")
    page.get_by_label(TEXT["en"]["file"]).set_input_files(files=csv_file("empty.csv", b""))
    page.get_by_role("button", name=TEXT["en"]["upload"]).click()
    expect(page.locator(".user-errors")).to_be_visible()
    expect(page.get_by_label(TEXT["en"]["file"])).to_have_attribute("aria-invalid", "true")
    # Still on the first step: nothing was staged.
    expect(page.get_by_role("heading", level=2)).to_have_text("Choose a CSV file")
    assert_accessible(page)
    screenshot(page, "import-file-refused-en")


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus (at most 40 times)."""
    from playwright.sync_api import expect

    for _ in range(40):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    expect(target).to_be_focused()


def test_the_keyboard_alone_takes_a_staged_file_into_a_new_group(
    signed_in: AppPage, account: Account
) -> None:
    from playwright.sync_api import expect

    text = TEXT["en"]
    page = open_wizard(signed_in, "en")
    # A file chooser is the system's own dialog: the file is set, the rest is keys.
    page.get_by_label(text["file"]).set_input_files(files=csv_file("Kunden März.csv", big_file(5)))
    page.get_by_label(text["file"]).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=text["upload"])).to_be_focused()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=2)
    expect(heading).to_have_text(text["columns"])
    expect(heading).to_be_focused()
    # No group yet: a new one, named after the file.
    expect(page.get_by_label("Name of the new group")).to_have_value("Kunden März")
    tab_to(page, page.get_by_role("button", name=text["preview"]))
    page.keyboard.press("Enter")
    expect(heading).to_have_text(text["previewHeading"])
    expect(heading).to_be_focused()
    assert shown_counts(page)["added"] == 5
    tab_to(page, page.get_by_role("button", name=text["confirm"]))
    page.keyboard.press("Enter")
    expect(heading).to_have_text(text["finished"])
    expect(page.locator(".import-result")).to_contain_text("“Kunden März” now has 5 recipients.")
    client = GraphQLClient(signed_in.server.url, account.token)
    try:
        assert [e["node"]["name"] for e in client.execute(GROUP_ID)["groups"]["edges"]] == [
            "Kunden März"
        ]
    finally:
        client.close()


def test_without_a_websocket_the_job_is_followed_over_http(signed_in: AppPage) -> None:
    from playwright.sync_api import WebSocketRoute, expect

    text = TEXT["en"]
    page = open_wizard(signed_in, "en")

    def refuse(socket: WebSocketRoute) -> None:
        # 4400 (bad request) is final for graphql-ws: no retry, the subscription fails at once.
        socket.close(code=4400, reason="refused by the test")

    page.route_web_socket("**/graphql", refuse)
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    page.get_by_label(text["file"]).set_input_files(files=csv_file("few.csv", big_file(3)))
    page.get_by_role("button", name=text["upload"]).click()
    page.get_by_role("button", name=text["preview"]).click()
    page.get_by_role("button", name=text["confirm"]).click()
    expect(page.get_by_role("heading", level=2)).to_have_text(text["finished"])
    assert shown_counts(page)["added"] == 3
    assert any("query ImportJobStatus" in body for body in bodies)
