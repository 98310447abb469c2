"""previewImport and ImportJob.statusKept, through the GraphQL endpoint on both databases.

A preview must say exactly what the import of the same staged file would do, and write
nothing: each test previews, imports, and compares the preview with the counts of the job
and with the group's recipients before and after the import.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.db import read_transaction
from storage.sql import run, scalar
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.documents import IMPORT

KEPT_JOB = "query J($id: ID!) { importJob(id: $id) { status added updated unchanged statusKept } }"


def import_job(client: GraphQLClient, content: bytes, **input_fields: Any) -> dict[str, Any]:
    """Import `content` and wait; the finished job with its statusKept."""
    response = client.upload(IMPORT, {"input": {"file": None, **input_fields}}, content)
    return finished_job(client, response.json()["data"]["importRecipients"])


def finished_job(client: GraphQLClient, payload: dict[str, Any]) -> dict[str, Any]:
    """Wait for the job an importRecipients payload queued; the job with its statusKept."""
    assert payload["userErrors"] == [], payload
    finished = client.wait_job(payload["job"]["id"])
    assert finished["status"] == "SUCCEEDED", finished
    kept = client.execute(KEPT_JOB, {"id": payload["job"]["id"]})["importJob"]
    return {**finished, **kept}


def test_a_refused_status_change_is_counted_as_kept_not_unchanged(client: GraphQLClient) -> None:
    first = (
        b"email,first name,status\nu@x.io,Ul,unsubscribed\nb@x.io,Bo,bounced\n"
        b"i@x.io,Ida,inactive\nn@x.io,Ned,unsubscribed\n"
    )
    group = import_job(client, first, groupName="kept")
    assert (group["added"], group["statusKept"]) == (4, 0)
    group_id = group["group"]["id"]
    second = (
        b"email,first name,status\nu@x.io,Ul,active\nb@x.io,Bob,ACTIVE\n"
        b"i@x.io,Ida,active\nn@x.io,Ned,\n"
    )
    job = import_job(client, second, groupId=group_id, mode="REFRESH_AND_ADD")
    # u: status refused, nothing else changed; b: refused, first name changed (updated too);
    # i: INACTIVE -> ACTIVE (updated); n: no status given (unchanged).
    assert (job["statusKept"], job["updated"], job["unchanged"], job["added"]) == (2, 2, 1, 0)
    status = {p["email"]: p["status"] for p in client.recipients(group_id)}
    assert status == {
        "u@x.io": "UNSUBSCRIBED",
        "b@x.io": "BOUNCED",
        "i@x.io": "ACTIVE",
        "n@x.io": "UNSUBSCRIBED",
    }
    again = import_job(client, second, groupId=group_id, mode="ADD")
    assert (again["statusKept"], again["added"]) == (0, 0)


PREVIEW = """mutation P($input: PreviewImportInput!, $first: Int, $after: String,
    $kind: RecipientChangeKind, $errorsAfter: String) {
  previewImport(input: $input) {
    preview { added updated unchanged skipped rejected statusKept removed
      changes(first: $first, after: $after, kind: $kind) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { email kind statusKept
          before { email firstName lastName status attributes }
          after { email firstName lastName status attributes } } } }
      rowErrors(first: $first, after: $errorsAfter) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { row column code } } } }
    userErrors { field code message } } }"""
COUNTS = ("added", "updated", "unchanged", "skipped", "rejected", "statusKept", "removed")
GROUP = b"""email,first name,last name,status,city,plan
a@x.io,Ann,Lee,active,Paris,gold
b@x.io,Bob,Ng,unsubscribed,,
c@x.io,Cid,Moe,bounced,Rome,
d@x.io,Dan,Roe,inactive,,silver
e@x.io,Eve,Kay,,Oslo,
"""
# Every kind of row: unchanged (a), status refused alone (b), refused with a changed name (c),
# reactivated (d), empty cells keep values (e), new (f, g), a duplicate whose last row wins (g),
# a rejected row, an attribute added (a's plan stays, a's zone is new).
FILE = b"""email,first name,last name,status,city,zone
a@x.io,Ann,Lee,active,Paris,
b@x.io,Bob,Ng,active,,
c@x.io,Cyd,Moe,active,Rome,
d@x.io,Dan,Roe,active,,
e@x.io,,,,,north
f@x.io,Fay,,,,
g@x.io,Gil,One,,,
not-an-address,X,Y,,,
g@x.io,Gil,Two,,,
"""


def preview_page(
    client: GraphQLClient, input_fields: dict[str, Any], **variables: Any
) -> dict[str, Any]:
    """One previewImport call; its payload."""
    data = client.execute(PREVIEW, {"input": input_fields, **variables})
    payload: dict[str, Any] = data["previewImport"]
    return payload


def all_changes(
    client: GraphQLClient, input_fields: dict[str, Any], kind: str | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The preview's counts and every change, page by page (pages of 2 to cross page ends)."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        payload = preview_page(client, input_fields, first=2, after=after, kind=kind)
        assert payload["userErrors"] == [], payload
        preview = payload["preview"]
        page = preview["changes"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(found)
            return preview, found
        after = page["pageInfo"]["endCursor"]


def snapshot(person: dict[str, Any]) -> dict[str, Any]:
    """A recipient as `Group.recipients` gives it, in RecipientSnapshot's shape."""
    return {
        "email": person["email"],
        "firstName": person["firstName"],
        "lastName": person["lastName"],
        "status": person["status"],
        "attributes": {a["name"]: a["value"] for a in person["attributes"]},
    }


def state(client: GraphQLClient, group_id: str | None) -> dict[str, dict[str, Any]]:
    """The group's recipients by email (none for a group still to be made)."""
    if group_id is None:
        return {}
    return {p["email"]: snapshot(p) for p in client.recipients(group_id)}


STAGE = (
    "mutation S($input: StageFileInput!) { stageFile(input: $input) {"
    " stagedFile { id } userErrors { code } } }"
)


def stage_file(client: GraphQLClient, content: bytes) -> str:
    """Stage `content`; the staged file's id."""
    response = client.upload(STAGE, {"input": {"file": None}}, content)
    payload = response.json()["data"]["stageFile"]
    assert payload["userErrors"] == [], payload
    staged_id: str = payload["stagedFile"]["id"]
    return staged_id


def check_preview_is_the_import(
    client: GraphQLClient, content: bytes, target: dict[str, Any], mode: str
) -> dict[str, Any]:
    """Preview, import the same staged file, and compare counts and changes; the preview."""
    staged_id = stage_file(client, content)
    fields = {"stagedFileId": staged_id, "mode": mode, **target}
    preview, changes = all_changes(client, fields)
    group_id = target.get("groupId")
    before = state(client, group_id)
    job = finished_job(client, client.execute(IMPORT, {"input": fields})["importRecipients"])
    assert {k: preview[k] for k in COUNTS} == {k: job[k] for k in COUNTS}
    after = state(client, job["group"]["id"])
    emails = [c["email"] for c in changes]
    assert emails == sorted(emails)
    assert len(set(emails)) == len(emails)
    listed = {c["email"]: c for c in changes}
    differing = {e for e in before.keys() | after.keys() if before.get(e) != after.get(e)}
    assert {
        e for e, c in listed.items() if c["kind"] in ("ADDED", "UPDATED", "REMOVED")
    } == differing
    for email, change in listed.items():
        assert change["before"] == before.get(email), change
        if change["kind"] == "SKIPPED" and change["before"] is None:
            assert change["after"] is None
            assert email not in after
        else:
            assert change["after"] == after.get(email), change
    kinds = [c["kind"] for c in changes]
    kept_updated = sum(1 for c in changes if c["kind"] == "UPDATED" and c["statusKept"])
    assert kinds.count("ADDED") == job["added"]
    assert kinds.count("UPDATED") == job["updated"]
    assert kinds.count("STATUS_KEPT") + kept_updated == job["statusKept"]
    assert kinds.count("SKIPPED") == job["skipped"]
    return preview


def base_group(client: GraphQLClient) -> str:
    """A group holding GROUP; its id."""
    job = import_job(client, GROUP, groupName="base")
    group_id: str = job["group"]["id"]
    return group_id


@pytest.mark.parametrize("mode", ["ADD", "REFRESH_AND_ADD", "REFRESH"])
def test_the_preview_is_exactly_the_import(client: GraphQLClient, mode: str) -> None:
    preview = check_preview_is_the_import(client, FILE, {"groupId": base_group(client)}, mode)
    expected = {
        "ADD": (2, 0, 0, 5, 1, 0),
        "REFRESH_AND_ADD": (2, 3, 1, 0, 1, 2),
        "REFRESH": (0, 3, 1, 2, 1, 2),
    }[mode]
    assert tuple(preview[k] for k in COUNTS[:-1]) == expected


@pytest.mark.parametrize("mode", ["ADD", "REFRESH_AND_ADD", "REFRESH"])
def test_a_new_group_gets_everything_added(client: GraphQLClient, mode: str) -> None:
    preview = check_preview_is_the_import(client, FILE, {"groupName": "fresh"}, mode)
    added = 0 if mode == "REFRESH" else 7
    assert (preview["added"], preview["skipped"]) == (added, 7 - added)


def test_a_preview_writes_nothing(client: GraphQLClient, server: LiveServer) -> None:
    group_id = base_group(client)
    import_job(client, FILE, groupId=group_id, mode="REFRESH_AND_ADD")  # history and a backup
    staged_id = stage_file(client, FILE + b"z@x.io,Zed,,,,\n")
    before = table_counts(server)
    for mode in ("ADD", "REFRESH_AND_ADD", "REFRESH"):
        payload = preview_page(
            client, {"stagedFileId": staged_id, "groupId": group_id, "mode": mode}
        )
        assert payload["userErrors"] == []
        assert payload["preview"]["rejected"] == 1
    payload = preview_page(client, {"stagedFileId": staged_id, "groupName": "never made"})
    assert payload["preview"]["added"] == 8
    assert table_counts(server) == before


def table_counts(server: LiveServer) -> dict[str, Any]:
    """Rows of every table a write touches, and every group's seq and count."""

    async def read() -> dict[str, Any]:
        async with read_transaction(server.services.engine) as conn:
            found: dict[str, Any] = {}
            for table in (
                "recipient",
                "recipient_version",
                "backup",
                "job",
                "recipient_group",
                "staged_file",
            ):
                found[table] = await scalar(conn, f"SELECT count(*) FROM {table}")
            groups = await run(
                conn,
                "SELECT id, seq, recipient_count, attribute_names FROM recipient_group ORDER BY id",
            )
            found["groups"] = [tuple(g) for g in groups]
            return found

    return server.run(read())


def test_pages_of_changes_and_row_errors(client: GraphQLClient) -> None:
    group_id = base_group(client)
    content = FILE + b"bad-one,,,,,\nbad-two,,,nonsense,,\n"
    fields = {
        "stagedFileId": stage_file(client, content),
        "groupId": group_id,
        "mode": "REFRESH_AND_ADD",
    }
    first = preview_page(client, fields, first=3)["preview"]
    assert [e["node"]["email"] for e in first["changes"]["edges"]] == ["b@x.io", "c@x.io", "d@x.io"]
    assert first["changes"]["pageInfo"]["hasNextPage"]
    assert first["changes"]["totalCount"] == 6
    after = first["changes"]["pageInfo"]["endCursor"]
    second = preview_page(client, fields, first=3, after=after)["preview"]["changes"]
    assert [e["node"]["email"] for e in second["edges"]] == ["e@x.io", "f@x.io", "g@x.io"]
    assert not second["pageInfo"]["hasNextPage"]
    errors = first["rowErrors"]
    assert errors["totalCount"] == 4
    assert errors["pageInfo"]["hasNextPage"]
    rest = preview_page(client, fields, first=3, errorsAfter=errors["pageInfo"]["endCursor"])
    rows = [e["node"]["row"] for e in errors["edges"] + rest["preview"]["rowErrors"]["edges"]]
    assert rows == [9, 11, 12, 12]
    kept = preview_page(client, fields, kind="STATUS_KEPT")["preview"]["changes"]
    assert [e["node"]["email"] for e in kept["edges"]] == ["b@x.io"]
    assert kept["edges"][0]["node"]["after"]["status"] == "UNSUBSCRIBED"


def test_another_accounts_file_or_group_is_not_found(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    mine = {"stagedFileId": stage_file(client, FILE), "groupId": base_group(client)}
    theirs = {"stagedFileId": stage_file(other_client, FILE), "groupId": base_group(other_client)}
    for fields, field in (
        ({**mine, "stagedFileId": theirs["stagedFileId"]}, "stagedFileId"),
        ({**mine, "groupId": theirs["groupId"]}, "groupId"),
        ({**mine, "stagedFileId": "U3RhZ2VkRmlsZTo5OTk5OTk="}, "stagedFileId"),
    ):
        errors = preview_page(client, fields)["userErrors"]
        assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", [field])]


def test_a_bad_mapping_is_invalid_input(client: GraphQLClient) -> None:
    fields = {
        "stagedFileId": stage_file(client, FILE),
        "groupName": "x",
        "fieldMapping": [{"column": "no such column", "field": "email"}],
    }
    errors = preview_page(client, fields)["userErrors"]
    assert [e["code"] for e in errors] == ["INVALID_INPUT"]


# Small random groups and files: a preview must count what the import then does, whatever
# the mix of new, matched, duplicate, suppressed, emptied and rejected rows. Live server,
# several requests an example: few examples, no deadline, no example database in the tree.
PREVIEW_PROPERTY = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Few values each, so that matches, refused statuses and changed names meet often.
ADDRESSES = ("a@x.io", "A@x.io", "b@x.io", "not-an-address")
NAMES = ("", "Ann", "Bob")
STATUSES = ("", "active", "unsubscribed", "BOUNCED", "inactive", "nonsense")
CITIES = ("", "Paris")
ROW = st.tuples(
    st.sampled_from(ADDRESSES),
    st.sampled_from(NAMES),
    st.sampled_from(STATUSES),
    st.sampled_from(CITIES),
)


def csv_of(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A file of (email, first name, status, city) rows."""
    lines = ["email,first name,status,city", *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


@PREVIEW_PROPERTY
@given(
    group_rows=st.lists(ROW, min_size=1, max_size=5),
    file_rows=st.lists(ROW, min_size=1, max_size=6),
    mode=st.sampled_from(["ADD", "REFRESH_AND_ADD", "REFRESH"]),
)
def test_any_preview_counts_what_the_import_does(
    client: GraphQLClient,
    group_rows: list[tuple[str, str, str, str]],
    file_rows: list[tuple[str, str, str, str]],
    mode: str,
) -> None:
    group = import_job(client, csv_of(group_rows), groupName=f"g-{uuid.uuid4().hex}")
    target = {"groupId": group["group"]["id"]}
    check_preview_is_the_import(client, csv_of(file_rows), target, mode)
