"""createGroup and renameGroup through the API (issue 10 point 1), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.writes import (
    CREATE_GROUP,
    RENAME_GROUP,
    backup_reasons,
    create_group,
    mutate,
    stored_state,
    upsert,
)

GROUP = "query G($id: ID!) { node(id: $id) { ... on Group { id name recipientCount } } }"
DELETE_GROUP = (
    "mutation D($input: DeleteGroupInput!) { deleteGroup(input: $input) { userErrors { code } } }"
)


def test_create_an_empty_group_then_fill_it(client: GraphQLClient) -> None:
    payload = mutate(client, CREATE_GROUP, name="  Newsletter  ")
    group = payload["group"]
    assert (group["name"], group["recipientCount"], group["backupsEnabled"]) == (
        "Newsletter",
        0,
        True,
    )
    assert upsert(client, group["id"], [{"email": "a@x.io"}])["added"] == 1
    assert client.execute(GROUP, {"id": group["id"]})["node"]["recipientCount"] == 1


def test_names_need_not_be_unique_as_for_an_import(client: GraphQLClient) -> None:
    first = create_group(client, "Same")
    second = create_group(client, "Same")
    job = client.import_file(b"email\na@x.io\n", groupName="Same")
    assert len({first, second, job["group"]["id"]}) == 3


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_bad_name_is_refused(client: GraphQLClient, name: str) -> None:
    created = mutate(client, CREATE_GROUP, name=name)
    assert (created["group"], [(e["code"], e["field"]) for e in created["userErrors"]]) == (
        None,
        [("INVALID_INPUT", ["name"])],
    )
    group_id = create_group(client, "kept")
    renamed = mutate(client, RENAME_GROUP, groupId=group_id, name=name)
    assert [(e["code"], e["field"]) for e in renamed["userErrors"]] == [("INVALID_INPUT", ["name"])]
    assert client.execute(GROUP, {"id": group_id})["node"]["name"] == "kept"


def test_rename_keeps_the_recipients_and_the_backups_names(
    server: LiveServer, client: GraphQLClient
) -> None:
    job = client.import_file(b"email,city\na@x.io,Paris\n", groupName="Old")
    group_id = job["group"]["id"]
    client.import_file(b"email\nb@x.io\n", groupId=group_id)
    before = stored_state(server, group_id)
    renamed = mutate(client, RENAME_GROUP, groupId=group_id, name=" New ")
    assert (renamed["group"]["name"], renamed["userErrors"]) == ("New", [])
    assert stored_state(server, group_id) == before
    assert backup_reasons(server, group_id) == ["IMPORT"]  # a rename changes no recipient
    backup = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { backups(first: 5) { edges { node { groupName } } } } } }",
        {"id": group_id},
    )["node"]["backups"]["edges"]
    assert [b["node"]["groupName"] for b in backup] == ["Old"]
    # Undone by renaming back.
    back = mutate(client, RENAME_GROUP, groupId=group_id, name="Old")
    assert back["group"]["name"] == "Old"


def test_deleted_and_other_accounts_groups_are_not_found(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id = create_group(client, "mine")
    refused = mutate(other_client, RENAME_GROUP, groupId=group_id, name="theirs")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("NOT_FOUND", ["groupId"])]
    assert client.execute(GROUP, {"id": group_id})["node"]["name"] == "mine"
    assert other_client.execute(GROUP, {"id": group_id})["node"] is None
    client.execute(DELETE_GROUP, {"input": {"groupId": group_id}})
    gone = mutate(client, RENAME_GROUP, groupId=group_id, name="again")
    assert [e["code"] for e in gone["userErrors"]] == ["NOT_FOUND"]
    assert [e["code"] for e in upsert(client, group_id, [{"email": "a@x.io"}])["userErrors"]] == [
        "NOT_FOUND"
    ]
