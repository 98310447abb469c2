"""updateAccountSettings: retention (shortened and lengthened), time zone, API backup window.

The server's clock is shared by the session and only moves forward: each test asserts on its
own account's backups only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from api.retention import sweep
from tests.client import GraphQLClient
from tests.server import LiveServer

VIEWER = "{ viewer { id backupRetentionDays timeZone apiBackupWindowMinutes } }"
UPDATE = """mutation U($input: UpdateAccountSettingsInput!) { updateAccountSettings(input: $input) {
  account { id backupRetentionDays timeZone apiBackupWindowMinutes } backupsToRemove
  userErrors { field message code } } }"""
GROUP_BACKUPS = """query G($id: ID!) { node(id: $id) { ... on Group {
  backups(first: 100) { edges { node { id createdAt expiresAt } } } } } }"""
ONE = b"email\na@x.io\n"


def update(client: GraphQLClient, **input_fields: Any) -> dict[str, Any]:
    """The updateAccountSettings payload."""
    payload: dict[str, Any] = client.execute(UPDATE, {"input": input_fields})[
        "updateAccountSettings"
    ]
    return payload


def group_backups(client: GraphQLClient, group_id: str) -> list[dict[str, Any]]:
    """The group's backups, newest first."""
    node = client.execute(GROUP_BACKUPS, {"id": group_id})["node"]
    return [edge["node"] for edge in node["backups"]["edges"]]


def kept_days(backup: dict[str, Any]) -> float:
    """Days between a backup's creation and its expiry."""
    span = datetime.fromisoformat(backup["expiresAt"]) - datetime.fromisoformat(backup["createdAt"])
    return span / timedelta(days=1)


def backed_up_group(server: LiveServer, client: GraphQLClient, days_apart: list[int]) -> str:
    """A group with one IMPORT backup after each of these day steps (the first import makes
    none); the clock advanced by each step before each further import."""
    group_id = str(client.import_file(ONE, groupName="kept")["group"]["id"])
    for days in days_apart:
        server.clock.advance(timedelta(days=days))
        client.import_file(ONE, groupId=group_id, mode="REFRESH_AND_ADD")
    return group_id


def sweep_now(server: LiveServer) -> None:
    """One retention sweep as of the server's clock."""
    server.run(sweep(engine=server.services.engine, as_of=server.clock.now()))


def test_defaults_and_update(client: GraphQLClient, other_client: GraphQLClient) -> None:
    viewer = client.execute(VIEWER)["viewer"]
    assert (
        viewer["backupRetentionDays"],
        viewer["timeZone"],
        viewer["apiBackupWindowMinutes"],
    ) == (
        30,
        "UTC",
        60,
    )
    payload = update(client, retentionDays=90, timeZone="Europe/Paris", apiBackupWindowMinutes=0)
    assert payload["userErrors"] == []
    account = payload["account"]
    assert (
        account["backupRetentionDays"],
        account["timeZone"],
        account["apiBackupWindowMinutes"],
    ) == (
        90,
        "Europe/Paris",
        0,
    )
    assert client.execute(VIEWER)["viewer"] == account
    # A field left out stays as it is.
    assert update(client, apiBackupWindowMinutes=1440)["account"] == account | {
        "apiBackupWindowMinutes": 1440
    }
    theirs = other_client.execute(VIEWER)["viewer"]
    assert (
        theirs["backupRetentionDays"],
        theirs["timeZone"],
        theirs["apiBackupWindowMinutes"],
    ) == (
        30,
        "UTC",
        60,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"retentionDays": 0}, "retentionDays"),
        ({"retentionDays": 366}, "retentionDays"),
        ({"retentionDays": -5}, "retentionDays"),
        ({"timeZone": "Mars/Olympus"}, "timeZone"),
        ({"timeZone": "europe/paris"}, "timeZone"),
        ({"timeZone": "Europe"}, "timeZone"),
        ({"timeZone": "../../etc/passwd"}, "timeZone"),
        ({"timeZone": ""}, "timeZone"),
        ({"apiBackupWindowMinutes": -1}, "apiBackupWindowMinutes"),
        ({"apiBackupWindowMinutes": 1441}, "apiBackupWindowMinutes"),
        # One bad field refuses the whole change.
        ({"retentionDays": 7, "timeZone": "Nowhere/Land"}, "timeZone"),
    ],
)
def test_bad_input_changes_nothing(
    client: GraphQLClient, fields: dict[str, Any], field: str
) -> None:
    before = client.execute(VIEWER)["viewer"]
    payload = update(client, **fields)
    assert payload["account"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", [field])]
    assert client.execute(VIEWER)["viewer"] == before


def test_shortened_retention_removes_at_the_next_sweep(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id = backed_up_group(server, client, [0, 5, 5])  # backups 10, 5 and 0 days old
    theirs = str(other_client.import_file(ONE, groupName="theirs")["group"]["id"])
    other_client.import_file(ONE, groupId=theirs, mode="REFRESH_AND_ADD")
    payload = update(client, retentionDays=7)
    assert payload["userErrors"] == []
    assert payload["backupsToRemove"] == 1  # the one 10 days old
    listed = group_backups(client, group_id)
    assert [kept_days(b) for b in listed] == [7, 7, 7]
    assert [kept_days(b) for b in group_backups(other_client, theirs)] == [30]
    sweep_now(server)
    assert [b["id"] for b in group_backups(client, group_id)] == [b["id"] for b in listed[:2]]
    assert len(group_backups(other_client, theirs)) == 1
    # A backup taken from now on is kept 7 days too.
    client.import_file(ONE, groupId=group_id, mode="REFRESH_AND_ADD")
    assert kept_days(group_backups(client, group_id)[0]) == 7
    assert update(client, retentionDays=7)["backupsToRemove"] == 0


def test_lengthened_retention_keeps_backups_longer(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = backed_up_group(server, client, [0])
    payload = update(client, retentionDays=60)
    assert (payload["userErrors"], payload["backupsToRemove"]) == ([], 0)
    (backup,) = group_backups(client, group_id)
    assert kept_days(backup) == 60
    server.clock.advance(timedelta(days=31))  # past the 30 days it was taken with
    sweep_now(server)
    assert [b["id"] for b in group_backups(client, group_id)] == [backup["id"]]
    # Shortened again: now past its time, counted, then swept.
    assert update(client, retentionDays=30)["backupsToRemove"] == 1
    sweep_now(server)
    assert group_backups(client, group_id) == []
