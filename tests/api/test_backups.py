"""Backups end to end: listing, downloads, deletion, restore, switches, activities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api.downloads import download_token
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import backups, download, read_csv, restore, two_imports
from tests.support.documents import DELETE, OVERVIEW, RESTORE
from tests.support.recipients import attrs, by_email

SWITCH = "mutation S($input: SetBackupEnabledInput!) { setBackupEnabled(input: $input) { account { backupsEnabled } group { id backupsEnabled backupsActive } userErrors { field message code } } }"


def test_listing_newest_first_and_by_group(client: GraphQLClient) -> None:
    group_id, backup, _ = two_imports(client)
    client.import_file(b"email\nd@x.io\n", groupId=group_id)
    listed = backups(client, group_id)
    assert [b["reason"] for b in listed] == ["IMPORT", "IMPORT"]
    assert listed[1]["id"] == backup["id"]
    assert [b["recipientCount"] for b in listed] == [3, 2]
    assert listed[0]["group"]["id"] == group_id
    on_group = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { backups { totalCount edges { node { id } } } } } }",
        {"id": group_id},
    )["node"]["backups"]
    assert [e["node"]["id"] for e in on_group["edges"]] == [b["id"] for b in listed]
    assert on_group["totalCount"] == 2
    b = listed[0]
    assert b["expiresAt"] > b["createdAt"]


def test_overview_groups_by_group_and_day_including_deleted(
    server: LiveServer, client: GraphQLClient
) -> None:
    old_id, _, _ = two_imports(client, "old list")
    server.clock.advance(timedelta(days=1))
    client.import_file(b"email\nz@x.io\n", groupId=old_id)
    new_id, _, _ = two_imports(client, "new list")
    client.execute(DELETE, {"input": {"groupId": new_id}})
    data = client.execute(OVERVIEW, {"first": 1})["backupOverview"]
    assert data["totalCount"] == 2
    top = data["edges"][0]["node"]
    assert (top["groupName"], top["group"], top["backupCount"]) == ("new list", None, 2)
    assert [b["reason"] for day in top["days"] for b in day["backups"]] == [
        "GROUP_DELETION",
        "IMPORT",
    ]
    assert data["pageInfo"]["hasNextPage"] is True
    rest = client.execute(OVERVIEW, {"first": 5, "after": data["pageInfo"]["endCursor"]})[
        "backupOverview"
    ]
    old = rest["edges"][0]["node"]
    assert (old["groupName"], old["group"]["id"], old["backupCount"]) == ("old list", old_id, 2)
    assert len(old["days"]) == 2
    assert old["days"][0]["date"] > old["days"][1]["date"]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_download_streams_the_state_at_the_backup(client: GraphQLClient) -> None:
    two_imports(client)
    url = backups(client)[0]["downloadUrl"]
    response = download(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="list-backup-' in response.headers["content-disposition"]
    rows = read_csv(response)
    assert rows[0] == ["email", "firstName", "lastName", "status", "city"]
    assert rows[1:] == [
        ["a@x.io", "Ann", "Lee", "ACTIVE", "Paris"],
        ["b@x.io", "Bob", "", "UNSUBSCRIBED", "'=1+2"],
    ]


def test_export_round_trip_is_lossless(client: GraphQLClient) -> None:
    content = (
        "email,first name,last name,note,score\n"
        'a@x.io,Zoë,"O\'Brien","line1\nline2",-5\n'
        "b@x.io,@bob,+x,=cmd|' /C calc'!A0,'quoted\n"
        "c@x.io,,,\ttab,\n"
    ).encode()
    group_id = client.import_file(content, groupName="tricky")["group"]["id"]
    original = client.recipients(group_id)
    client.import_file(b"email\nd@x.io\n", groupId=group_id)
    exported = download(backups(client, group_id)[0]["downloadUrl"]).content
    job = client.import_file(exported, groupName="round trip", mode="REFRESH_AND_ADD")
    assert job["rejected"] == 0, job["rowErrors"]
    assert client.recipients(job["group"]["id"]) == original


def test_download_urls_refuse_expired_tampered_and_foreign(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(client)
    url = backups(client)[0]["downloadUrl"]
    token = url.rsplit("/", 1)[1]
    tampered = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    assert download(tampered).status_code == 403
    viewer = other_client.execute("{ viewer { id } }")["viewer"]["id"]
    from api.global_ids import decode_id

    foreign = download_token(
        secret=server.settings.signing_key,
        account_id=decode_id(viewer, "Account", field=[]),
        backup_id=decode_id(backup["id"], "Backup", field=[]),
        expires_at=server.clock.now() + timedelta(minutes=5),
    )
    assert download(url.replace(token, foreign)).status_code == 403
    server.clock.advance(timedelta(minutes=16))
    expired = download(url)
    assert expired.status_code == 410
    assert expired.json()["errors"][0]["extensions"]["code"] == "DOWNLOAD_LINK_EXPIRED"


def test_delete_group_backs_up_and_hides_at_once(client: GraphQLClient) -> None:
    group_id, _, _ = two_imports(client)
    payload = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
    assert payload["userErrors"] == []
    assert payload["deletedGroupId"] == group_id
    assert (payload["backup"]["reason"], payload["backup"]["recipientCount"]) == (
        "GROUP_DELETION",
        3,
    )
    assert payload["backup"]["group"] is None
    assert client.execute("{ groups { totalCount } }")["groups"]["totalCount"] == 0
    assert (
        client.execute("query($id: ID!) { node(id: $id) { id } }", {"id": group_id})["node"] is None
    )
    again = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
    assert again["userErrors"][0]["code"] == "NOT_FOUND"


def test_restore_a_deleted_group_into_a_new_group(client: GraphQLClient) -> None:
    group_id, _, _ = two_imports(client, "gone")
    state = client.recipients(group_id)
    backup = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]["backup"]
    job = restore(client, backupId=backup["id"])
    assert (job["status"], job["kind"], job["added"], job["backup"]) == (
        "SUCCEEDED",
        "RESTORE",
        3,
        None,
    )
    assert job["group"]["name"].startswith("gone (restored ")
    assert client.recipients(job["group"]["id"]) == state
    named = restore(client, backupId=backup["id"], groupName="Recovered")
    assert named["group"]["name"] == "Recovered"


def test_restore_refresh_and_add_keeps_recipients_added_since(client: GraphQLClient) -> None:
    group_id, backup, _ = two_imports(client)
    job = restore(client, backupId=backup["id"], groupId=group_id, strategy="REFRESH_AND_ADD")
    assert (job["status"], job["updated"], job["added"]) == ("SUCCEEDED", 1, 0)
    assert job["backup"]["reason"] == "RESTORE"
    people = by_email(client.recipients(group_id))
    assert set(people) == {"a@x.io", "b@x.io", "c@x.io"}
    assert (people["a@x.io"]["firstName"], attrs(people["a@x.io"])) == ("Ann", {"city": "Paris"})


def test_restore_replace_undoes_the_import_exactly_and_is_itself_undoable(
    client: GraphQLClient,
) -> None:
    group_id, backup, before = two_imports(client)
    after_import = client.recipients(group_id)
    job = restore(client, backupId=backup["id"], groupId=group_id, strategy="REPLACE")
    assert (job["status"], job["removed"]) == ("SUCCEEDED", 1)
    assert client.recipients(group_id) == before
    group = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { recipientCount } } }", {"id": group_id}
    )
    assert group["node"]["recipientCount"] == 2
    undo = restore(client, backupId=job["backup"]["id"], groupId=group_id, strategy="REPLACE")
    assert undo["status"] == "SUCCEEDED"
    assert client.recipients(group_id) == after_import


def test_restore_never_reactivates_and_never_brings_activities_back(client: GraphQLClient) -> None:
    group_id = client.import_file(b"email\na@x.io\nb@x.io\n", groupName="acts")["group"]["id"]
    ids = {p["email"]: p["id"] for p in recipients_with_ids(client, group_id)}
    recorded = client.execute(
        "mutation($input: RecordActivitiesInput!) { recordActivities(input: $input) { recorded userErrors { code } } }",
        {
            "input": {
                "activities": [
                    {
                        "recipientId": ids["a@x.io"],
                        "kind": "OPEN",
                        "occurredAt": "2026-01-01T10:00:00Z",
                    },
                    {
                        "recipientId": ids["a@x.io"],
                        "kind": "CLICK",
                        "occurredAt": "2026-01-01T10:01:00Z",
                        "detail": "https://x.io",
                    },
                ]
            }
        },
    )["recordActivities"]
    assert recorded == {"recorded": 2, "userErrors": []}
    backup = client.import_file(
        b"email,status\na@x.io,unsubscribed\n", groupId=group_id, mode="REFRESH"
    )["backup"]
    exported = download(backups(client, group_id)[0]["downloadUrl"]).text
    assert exported.splitlines()[0] == "email,firstName,lastName,status"
    assert "OPEN" not in exported
    assert "https://x.io" not in exported
    job = restore(client, backupId=backup["id"], groupId=group_id, strategy="REPLACE")
    assert job["status"] == "SUCCEEDED"
    people = {p["email"]: p for p in recipients_with_ids(client, group_id)}
    assert people["a@x.io"]["status"] == "UNSUBSCRIBED"
    assert [a["kind"] for a in people["a@x.io"]["activities"]] == ["CLICK", "OPEN"]
    copy = restore(client, backupId=backup["id"])
    copied = recipients_with_ids(client, copy["group"]["id"])
    assert {p["email"]: p["activities"] for p in copied} == {"a@x.io": [], "b@x.io": []}


def recipients_with_ids(client: GraphQLClient, group_id: str) -> list[dict[str, Any]]:
    """Recipients with their ids, statuses and activities."""
    query = "query($id: ID!) { node(id: $id) { ... on Group { recipients(first: 100) { edges { node { id email status activities { kind occurredAt detail } } } } } } }"
    edges = client.execute(query, {"id": group_id})["node"]["recipients"]["edges"]
    return [e["node"] for e in edges]


def test_record_activities_is_all_or_nothing(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id = client.import_file(b"email\na@x.io\n", groupName="acts")["group"]["id"]
    mine = recipients_with_ids(client, group_id)[0]["id"]
    result = other_client.execute(
        "mutation($input: RecordActivitiesInput!) { recordActivities(input: $input) { recorded userErrors { field code } } }",
        {
            "input": {
                "activities": [
                    {"recipientId": mine, "kind": "OPEN", "occurredAt": "2026-01-01T10:00:00Z"}
                ]
            }
        },
    )["recordActivities"]
    assert result == {
        "recorded": 0,
        "userErrors": [{"field": ["activities", "0", "recipientId"], "code": "NOT_FOUND"}],
    }
    assert recipients_with_ids(client, group_id)[0]["activities"] == []


@pytest.mark.parametrize("switch", ["account", "group"])
def test_switches_stop_new_backups_at_once(client: GraphQLClient, switch: str) -> None:
    group_id, _, _ = two_imports(client)
    input_fields = {"enabled": False} | ({"groupId": group_id} if switch == "group" else {})
    payload = client.execute(SWITCH, {"input": input_fields})["setBackupEnabled"]
    assert payload["userErrors"] == []
    if switch == "group":
        assert (payload["group"]["backupsEnabled"], payload["group"]["backupsActive"]) == (
            False,
            False,
        )
    else:
        assert payload["account"]["backupsEnabled"] is False
    group = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { backupsEnabled backupsActive } } }",
        {"id": group_id},
    )["node"]
    assert group == {"backupsEnabled": switch == "account", "backupsActive": False}
    job = client.import_file(b"email\nnew@x.io\n", groupId=group_id)
    assert job["backup"] is None
    existing = backups(client, group_id)
    assert len(existing) == 1
    restored = restore(client, backupId=existing[0]["id"], groupId=group_id)
    assert restored["backup"] is None
    deleted = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
    assert (deleted["userErrors"], deleted["backup"]) == ([], None)
    assert len(backups(client, group_id)) == 1


def test_another_account_can_list_download_and_restore_none(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id, backup, _ = two_imports(client)
    assert backups(other_client) == []
    assert backups(other_client, group_id) == []
    assert (
        other_client.execute("{ backupOverview { totalCount } }")["backupOverview"]["totalCount"]
        == 0
    )
    assert (
        other_client.execute("query($id: ID!) { node(id: $id) { id } }", {"id": backup["id"]})[
            "node"
        ]
        is None
    )
    theirs = other_client.execute(RESTORE, {"input": {"backupId": backup["id"]}})["restoreBackup"]
    unknown = other_client.execute(RESTORE, {"input": {"backupId": "QmFja3VwOjk5OTk5OTk="}})[
        "restoreBackup"
    ]
    assert theirs == unknown
    assert theirs["userErrors"][0]["code"] == "NOT_FOUND"
    into_mine = other_client.execute(
        RESTORE, {"input": {"backupId": backup["id"], "groupId": group_id}}
    )["restoreBackup"]
    assert into_mine["userErrors"][0]["code"] == "NOT_FOUND"
    for mutation, input_fields in (
        (DELETE, {"groupId": group_id}),
        (SWITCH, {"enabled": False, "groupId": group_id}),
    ):
        errors = other_client.execute(mutation, {"input": input_fields})
        assert next(iter(errors.values()))["userErrors"][0]["code"] == "NOT_FOUND"
    assert len(backups(client, group_id)) == 1
