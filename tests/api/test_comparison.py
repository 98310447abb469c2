"""A backup compared with its group now: counts and the differing addresses."""

from __future__ import annotations

from tests.client import GraphQLClient
from tests.support.backups import backups, compare
from tests.support.documents import DELETE

RESTORE = """mutation R($input: RestoreBackupInput!) { restoreBackup(input: $input) {
  job { id } userErrors { code } } }"""


def test_comparison_counts_and_lists_the_differences(client: GraphQLClient) -> None:
    first = b"email,first name\na@x.io,Ann\nb@x.io,Bob\nc@x.io,Cid\nd@x.io,Dan\n"
    group_id = client.import_file(first, groupName="compared")["group"]["id"]
    second = b"email,first name\na@x.io,Anna\nb@x.io,Bob\ne@x.io,Eve\n"
    backup_id = client.import_file(second, groupId=group_id, mode="REFRESH_AND_ADD")["backup"]["id"]
    # Now: a changed, b c d unchanged, e added. Then REPLACE from a copy without c and d.
    copy = client.import_file(
        b"email,first name\na@x.io,Anna\nb@x.io,Bob\ne@x.io,Eve\n", groupName="copy"
    )
    copy_backup = client.import_file(b"email\nz@x.io\n", groupId=copy["group"]["id"])["backup"][
        "id"
    ]
    payload = client.execute(
        RESTORE, {"input": {"backupId": copy_backup, "groupId": group_id, "strategy": "REPLACE"}}
    )["restoreBackup"]
    client.wait_job(payload["job"]["id"])

    found = compare(client, backup_id)
    assert (found["unchanged"], found["changed"], found["added"], found["removed"]) == (1, 1, 1, 2)
    page = found["differences"]
    assert page["totalCount"] == 4
    assert [(e["node"]["email"], e["node"]["kind"]) for e in page["edges"]] == [
        ("a@x.io", "CHANGED"),
        ("c@x.io", "REMOVED"),
    ]
    rest = compare(client, backup_id, page["pageInfo"]["endCursor"])["differences"]
    assert [(e["node"]["email"], e["node"]["kind"]) for e in rest["edges"]] == [
        ("d@x.io", "REMOVED"),
        ("e@x.io", "ADDED"),
    ]
    assert rest["pageInfo"]["hasNextPage"] is False


def test_a_fresh_backup_equals_its_group_and_a_deleted_group_has_none(
    client: GraphQLClient,
) -> None:
    group_id = client.import_file(b"email\na@x.io\nb@x.io\n", groupName="same")["group"]["id"]
    client.import_file(b"email\na@x.io\n", groupId=group_id, mode="REFRESH")
    backup_id = backups(client, group_id)[0]["id"]
    found = compare(client, backup_id)
    assert (found["unchanged"], found["changed"], found["added"], found["removed"]) == (2, 0, 0, 0)
    client.execute(DELETE, {"input": {"groupId": group_id}})
    assert compare(client, backup_id) is None


def test_changed_and_changed_back_counts_as_unchanged(client: GraphQLClient) -> None:
    group_id = client.import_file(b"email,city\na@x.io,Paris\n", groupName="back")["group"]["id"]
    first = b"email,city\na@x.io,Lyon\n"
    backup_id = client.import_file(first, groupId=group_id, mode="REFRESH_AND_ADD")["backup"]["id"]
    # Back to Paris, as the backup has it (PostgreSQL stores the merged JSON spaced).
    client.import_file(b"email,city\na@x.io,Paris\n", groupId=group_id, mode="REFRESH_AND_ADD")
    found = compare(client, backup_id)
    assert (found["unchanged"], found["changed"], found["added"], found["removed"]) == (1, 0, 0, 0)
