"""A backup's download re-imports, restores and compares exactly, whatever its names and values hold.

Regressions of issue 7: attribute names SQLite read as JSON paths (exported empty), a lone CR
written unquoted (the row split on re-import), and apostrophes of other tools' files stripped.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from storage.codec import export_header, export_row
from storage.codec.export import export_text
from tests.client import GraphQLClient
from tests.support.backups import backups, compare, download, restore
from tests.support.recipients import attrs, by_email

# Names `->>` reads as paths on SQLite (`a.b`, `x[0]`...), names a quoted path cannot hold
# (`"`, backslash, a control character), and names that need the formula escape.
NAMES = ["a.b", "x[0]", '"q"', "0", "$.x", 'a\\"b', "back\\slash", "tab\there", "=f", "'q"]
VALUES = [
    "mid\rcr",
    "crlf\r\nx",
    "lf\nx",
    'say "hi"',
    "a,b",
    "a;b",
    "''two",
    "'=already",
    "-5",
    "@x",
]


def file_text(rows: list[list[str]]) -> bytes:
    """A file as another tool writes it (RFC 4180: CRLF, every CR or LF quoted)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode()


def tricky_file() -> bytes:
    """Ten recipients; recipient i has value i + k (of VALUES) in attribute k (of NAMES)."""
    header = ["E-Mail", "Vorname", *NAMES]
    rows = [
        [f"r{i}@x.io", VALUES[i], *(VALUES[(i + k) % len(VALUES)] for k in range(len(NAMES)))]
        for i in range(len(VALUES))
    ]
    return file_text([header, *rows])


def expected_recipients() -> dict[str, tuple[str, dict[str, str]]]:
    """What `tricky_file` holds: first name and attributes by address, exactly as in the file."""
    return {
        f"r{i}@x.io": (VALUES[i], {n: VALUES[(i + k) % len(VALUES)] for k, n in enumerate(NAMES)})
        for i in range(len(VALUES))
    }


def stored(client: GraphQLClient, group_id: str) -> dict[str, tuple[str, dict[str, str]]]:
    """First name and attributes by address, as the API returns them."""
    people = by_email(client.recipients(group_id))
    return {email: (p["firstName"], attrs(p)) for email, p in people.items()}


def backed_up(client: GraphQLClient, name: str) -> tuple[str, dict[str, Any]]:
    """A group imported from `tricky_file`, and its backup of exactly that state (listed)."""
    group_id = client.import_file(tricky_file(), groupName=name)["group"]["id"]
    backup_id = client.import_file(b"email\nlater@x.io\n", groupId=group_id)["backup"]["id"]
    return group_id, next(b for b in backups(client, group_id) if b["id"] == backup_id)


def test_the_import_stores_every_cell_of_a_foreign_file_verbatim(client: GraphQLClient) -> None:
    group_id, _ = backed_up(client, "verbatim")
    found = stored(client, group_id)
    found.pop("later@x.io")
    assert found == expected_recipients()


def test_a_download_holds_every_name_and_value_exactly(client: GraphQLClient) -> None:
    _, backup = backed_up(client, "download")
    content = download(backup["downloadUrl"]).content
    names = sorted(NAMES)
    rows = [
        export_row(email, first, None, "ACTIVE", orjson.dumps(values).decode(), names)
        for email, (first, values) in sorted(expected_recipients().items())
    ]
    # Same bytes on both databases: LF line ends, a cell quoted when it holds `,`, `"`, CR, LF.
    assert content.decode() == export_text([export_header(names), *rows])
    assert '"mid\rcr"' in content.decode()
    assert len(list(csv.reader(io.StringIO(content.decode(), newline="")))) == 1 + len(VALUES)


def test_download_reimport_and_restore_are_the_identity(client: GraphQLClient) -> None:
    group_id, backup = backed_up(client, "identity")
    before = [p for p in client.recipients(group_id) if p["email"] != "later@x.io"]
    content = download(backup["downloadUrl"]).content
    job = client.import_file(content, groupName="reimported")
    assert (job["status"], job["rejected"], job["added"]) == ("SUCCEEDED", 0, len(VALUES))
    assert client.recipients(job["group"]["id"]) == before
    assert compare(client, backup["id"])["changed"] == 0
    restored = restore(client, backupId=backup["id"], groupId=group_id, strategy="REPLACE")
    assert (restored["status"], restored["removed"], restored["updated"]) == ("SUCCEEDED", 1, 0)
    assert client.recipients(group_id) == before
    found = compare(client, backup["id"])
    assert (found["unchanged"], found["changed"], found["added"], found["removed"]) == (
        len(VALUES), 0, 0, 0,
    )  # fmt: skip


def test_an_export_edited_by_hand_keeps_the_escape_rule(client: GraphQLClient) -> None:
    # A row added to a downloaded file follows the export's rule: `'` before `=` is an escape.
    _, backup = backed_up(client, "edited")
    content = download(backup["downloadUrl"]).content
    edited = content + b"added@x.io,'=1+2,''two,ACTIVE\n"
    job = client.import_file(edited, groupName="edited copy")
    added = by_email(client.recipients(job["group"]["id"]))["added@x.io"]
    assert (added["firstName"], added["lastName"]) == ("=1+2", "'two")


def test_equal_attributes_in_another_key_order_compare_unchanged(client: GraphQLClient) -> None:
    # SQLite's json_patch appends `city` after `plan`; a restore writes them sorted.
    group_id = client.import_file(b"email,plan\na@x.io,x\n", groupName="order")["group"]["id"]
    client.import_file(b"email,city\na@x.io,Paris\n", groupId=group_id, mode="REFRESH_AND_ADD")
    other_id = client.import_file(b"email,city,plan\na@x.io,Paris,x\n", groupName="sorted")[
        "group"
    ]["id"]
    sorted_backup = client.import_file(b"email\nz@x.io\n", groupId=other_id)["backup"]["id"]
    job = restore(client, backupId=sorted_backup, groupId=group_id, strategy="REPLACE")
    found = compare(client, job["backup"]["id"])
    assert (found["unchanged"], found["changed"], found["added"], found["removed"]) == (1, 0, 0, 0)
