"""Erasure removes an address from the groups, the history and so every backup."""

from __future__ import annotations

from tests.client import GraphQLClient
from tests.support.backups import backups, download, read_csv
from tests.support.documents import DELETE, ERASE


def test_erasure_reaches_every_group_and_backup(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    first = client.import_file(b"email,first name\na@x.io,Ann\nb@x.io,Bob\n", groupName="one")
    one = first["group"]["id"]
    client.import_file(b"email,first name\na@x.io,Anna\n", groupId=one, mode="REFRESH_AND_ADD")
    two = client.import_file(b"email\nA@X.io\nc@x.io\n", groupName="two")["group"]["id"]
    client.execute(DELETE, {"input": {"groupId": two}})
    other_client.import_file(b"email\na@x.io\n", groupName="theirs")
    before = {b["id"]: b["recipientCount"] for b in backups(client)}
    assert sorted(before.values()) == [2, 2]

    result = client.execute(ERASE, {"input": {"email": " A@x.IO "}})["eraseRecipient"]

    assert result == {
        "erasedRecipients": 2,
        "erasedVersions": 1,
        "backupsChanged": 2,
        "userErrors": [],
    }
    assert [p["email"] for p in client.recipients(one)] == ["b@x.io"]
    after = backups(client)
    assert sorted(b["id"] for b in after) == sorted(before)
    for backup in after:
        rows = read_csv(download(backup["downloadUrl"]))
        assert all(row[0] != "a@x.io" for row in rows[1:])
        assert len(rows) - 1 == backup["recipientCount"] == before[backup["id"]] - 1
    theirs = other_client.execute("{ groups { edges { node { recipientCount } } } }")
    assert theirs["groups"]["edges"][0]["node"]["recipientCount"] == 1


def test_erasing_nothing_and_bad_input(client: GraphQLClient) -> None:
    none = client.execute(ERASE, {"input": {"email": "nobody@x.io"}})["eraseRecipient"]
    assert (none["erasedRecipients"], none["erasedVersions"], none["userErrors"]) == (0, 0, [])
    bad = client.execute(ERASE, {"input": {"email": "  "}})["eraseRecipient"]
    assert bad["userErrors"] == [{"field": ["email"], "code": "INVALID_INPUT"}]
