"""Recipient writes through the API (issue 10 point 1), on SQLite and PostgreSQL: upsert,
update, status, delete; the row checks of a file import; API backups and their window; each
write undone exactly by restoring the backup taken before it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import download, read_csv, restore
from tests.support.recipients import attrs, by_email
from tests.support.writes import (
    DELETE,
    RENAME_GROUP,
    STATUS,
    UPDATE,
    backup_reasons,
    backup_state,
    create_group,
    group_trace,
    ids_by_email,
    mutate,
    stored_state,
    upsert,
)

BASE: list[dict[str, Any]] = [
    {"email": "ann@x.io", "firstName": "Ann", "lastName": "Lee", "attributes": {"city": "Paris"}},
    {"email": "bob@x.io", "firstName": "Bob", "status": "UNSUBSCRIBED"},
    {"email": "cid@x.io", "lastName": "Moe", "attributes": {"tier": "gold"}},
]  # fmt: skip


def new_list(server: LiveServer, client: GraphQLClient, name: str = "api list") -> str:
    """A group holding BASE, its first write an hour back (so the next write's backup is due).

    That first write backs the new group up too (it has no backup yet): empty.
    """
    group_id = create_group(client, name)
    payload = upsert(client, group_id, BASE)
    assert (payload["added"], payload["userErrors"]) == (3, []), payload
    assert (payload["backup"]["reason"], payload["backup"]["recipientCount"]) == ("API", 0)
    server.clock.advance(timedelta(hours=1))
    return group_id


def test_upsert_writes_and_counts_like_an_import(server: LiveServer, client: GraphQLClient) -> None:
    group_id = new_list(server, client)
    payload = upsert(
        client,
        group_id,
        [
            {"email": " ANN@X.io ", "firstName": "Anna", "attributes": {"city": ""}},
            {"email": "bob@x.io", "status": "ACTIVE"},
            {"email": "cid@x.io", "lastName": "Moe"},
            {"email": "René@Bücher.de", "firstName": "René"},
        ],
    )  # fmt: skip
    counts = ("added", "updated", "unchanged", "skipped", "statusKept", "rejected")
    assert [payload[c] for c in counts] == [1, 1, 1, 0, 1, 0], payload
    assert payload["group"]["recipientCount"] == 4
    people = by_email(client.recipients(group_id))
    assert (people["ann@x.io"]["firstName"], attrs(people["ann@x.io"])) == (
        "Anna",
        {"city": "Paris"},
    )
    assert people["bob@x.io"]["status"] == "UNSUBSCRIBED"  # the guard, as in a file
    assert people["rené@bücher.de"]["firstName"] == "René"


def test_modes_add_and_refresh(server: LiveServer, client: GraphQLClient) -> None:
    group_id = new_list(server, client)
    rows = [{"email": "ann@x.io", "firstName": "X"}, {"email": "new@x.io"}]
    added = upsert(client, group_id, rows, mode="ADD")
    assert (added["added"], added["skipped"], added["updated"]) == (1, 1, 0)
    refreshed = upsert(client, group_id, [*rows, {"email": "newer@x.io"}], mode="REFRESH")
    assert (refreshed["added"], refreshed["updated"], refreshed["skipped"]) == (0, 1, 1)
    people = by_email(client.recipients(group_id))
    assert sorted(people) == ["ann@x.io", "bob@x.io", "cid@x.io", "new@x.io"]
    assert people["ann@x.io"]["firstName"] == "X"


def test_rejected_rows_carry_the_file_codes_and_the_rest_is_written(
    client: GraphQLClient,
) -> None:
    bad: list[dict[str, Any]] = [
        {"email": "not-an-address", "firstName": "A"},
        {"email": "ok@x.io", "firstName": "x" * 256},
        {"email": "  ", "firstName": "C"},
        {"email": "fine@x.io", "attributes": {"note": "y" * 4001}},
        {"email": "nul@x.io", "lastName": "a\x00b"},
        {"email": "good@x.io", "firstName": "Good"},
    ]
    group_id = create_group(client, "checked")
    payload = upsert(client, group_id, bad)
    assert (payload["added"], payload["rejected"], payload["userErrors"]) == (1, 5, [])
    found = [(e["row"], e["column"], e["code"]) for e in payload["rowErrors"]]
    assert found == [
        (1, "email", "INVALID_EMAIL"),
        (2, "firstName", "FIELD_TOO_LONG"),
        (3, "email", "MISSING_EMAIL"),
        (4, "note", "FIELD_TOO_LONG"),
        (5, "lastName", "INVALID_CHARACTER"),
    ]
    assert [p["email"] for p in client.recipients(group_id)] == ["good@x.io"]
    # The same values in a file give the same codes in the same columns (a NUL byte would
    # make the whole file binary: that row is left out).
    csv = "email,firstName,lastName,note\n" + "".join(
        f"{r['email']},{r.get('firstName', '')},{r.get('lastName', '')},"
        f"{(r.get('attributes') or {'note': ''})['note']}\n"
        for r in bad[:4]
    )
    job = client.import_file(csv.encode(), groupName="same rows as a file")
    assert [(e["row"] - 1, e["column"], e["code"]) for e in job["rowErrors"]] == found[:4]


def test_nothing_is_written_when_every_row_is_rejected(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    payload = upsert(client, group_id, [{"email": "nope"}, {"email": ""}])
    assert (payload["rejected"], payload["backup"], payload["added"]) == (2, None, 0)
    # An empty record is no blank line to skip, as in a file: it is named.
    assert [(e["row"], e["code"]) for e in payload["rowErrors"]] == [
        (1, "INVALID_EMAIL"),
        (2, "MISSING_EMAIL"),
    ]
    assert backup_reasons(server, group_id) == ["API"]  # new_list's only


@pytest.mark.parametrize(
    ("recipients", "field"),
    [
        ([], ["recipients"]),
        ([{"email": f"p{i}@x.io"} for i in range(1001)], ["recipients"]),
        ([{"email": "a@x.io", "attributes": {"email": "x"}}],
         ["recipients", "0", "attributes"]),
        ([{"email": "a@x.io"}, {"email": "b@x.io", "attributes": {"": "x"}}],
         ["recipients", "1", "attributes"]),
        ([{"email": "a@x.io", "attributes": {"k": "1", " k ": "2"}}],
         ["recipients", "0", "attributes"]),
        ([{"email": "a@x.io", "attributes": {"n" * 101: "1"}}],
         ["recipients", "0", "attributes"]),
        ([{"email": "a@x.io"}, {"email": "b@x.io", "attributes": {"score": 1}}],
         ["recipients", "1", "attributes"]),
        ([{"email": "a@x.io", "attributes": ["city", "Paris"]}],
         ["recipients", "0", "attributes"]),
    ],
)  # fmt: skip
def test_a_bad_call_is_refused_whole(
    client: GraphQLClient, recipients: list[dict[str, Any]], field: list[str]
) -> None:
    group_id = create_group(client, "refused")
    payload = upsert(client, group_id, recipients)
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("INVALID_INPUT", field)]
    assert client.recipients(group_id) == []


def test_api_backups_one_per_window_and_only_with_the_switches_on(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    first = upsert(client, group_id, [{"email": "d@x.io"}])
    assert (first["backup"]["reason"], first["backup"]["recipientCount"]) == ("API", 3)
    server.clock.advance(timedelta(minutes=59))
    assert upsert(client, group_id, [{"email": "e@x.io"}])["backup"] is None
    server.clock.advance(timedelta(minutes=1))
    third = upsert(client, group_id, [{"email": "f@x.io"}])
    assert (third["backup"]["reason"], third["backup"]["recipientCount"]) == ("API", 5)
    assert backup_reasons(server, group_id) == ["API", "API", "API"]
    # An import's backup counts as the group's latest backup too.
    server.clock.advance(timedelta(hours=2))
    client.import_file(b"email\ng@x.io\n", groupId=group_id)
    assert upsert(client, group_id, [{"email": "h@x.io"}])["backup"] is None
    server.clock.advance(timedelta(hours=2))
    switch = "mutation($input: SetBackupEnabledInput!) { setBackupEnabled(input: $input) { userErrors { code } } }"
    client.execute(switch, {"input": {"enabled": False, "groupId": group_id}})
    assert upsert(client, group_id, [{"email": "i@x.io"}])["backup"] is None
    client.execute(switch, {"input": {"enabled": True, "groupId": group_id}})
    client.execute(switch, {"input": {"enabled": False}})
    assert upsert(client, group_id, [{"email": "j@x.io"}])["backup"] is None
    client.execute(switch, {"input": {"enabled": True}})
    assert upsert(client, group_id, [{"email": "k@x.io"}])["backup"]["reason"] == "API"


def test_update_keeps_clears_and_merges(server: LiveServer, client: GraphQLClient) -> None:
    group_id = new_list(server, client)
    ann = ids_by_email(client, group_id)["ann@x.io"]
    payload = mutate(
        client,
        UPDATE,
        recipientId=ann,
        lastName="",
        attributes={"city": None, "lang": " fr "},
    )
    person = payload["recipient"]
    assert (person["firstName"], person["lastName"], person["status"]) == ("Ann", None, "ACTIVE")
    assert attrs(person) == {"lang": "fr"}
    assert payload["backup"]["reason"] == "API"
    # Unchanged values: no write, no backup.
    server.clock.advance(timedelta(hours=2))
    same = mutate(client, UPDATE, recipientId=ann, firstName="Ann")
    assert (same["backup"], same["userErrors"]) == (None, [])
    assert backup_reasons(server, group_id) == ["API", "API"]


def test_attributes_an_update_adds_join_the_groups_header(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    ann = ids_by_email(client, group_id)["ann@x.io"]
    mutate(client, UPDATE, recipientId=ann, attributes={"lang": "fr"})
    server.clock.advance(timedelta(hours=1))
    backup = upsert(client, group_id, [{"email": "z@x.io"}])["backup"]
    url = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Backup { downloadUrl } } }", {"id": backup["id"]}
    )["node"]["downloadUrl"]
    rows = read_csv(download(url))
    assert rows[0] == ["email", "firstName", "lastName", "status", "city", "lang", "tier"]
    assert rows[1] == ["ann@x.io", "Ann", "Lee", "ACTIVE", "Paris", "fr", ""]


def test_update_checks_values_as_an_import_does(server: LiveServer, client: GraphQLClient) -> None:
    group_id = new_list(server, client)
    ann = ids_by_email(client, group_id)["ann@x.io"]
    long_name = mutate(client, UPDATE, recipientId=ann, firstName="x" * 256)
    assert [(e["code"], e["field"]) for e in long_name["userErrors"]] == [
        ("INVALID_INPUT", ["firstName"])
    ]
    assert "FIELD_TOO_LONG" in long_name["userErrors"][0]["message"]
    field_name = mutate(client, UPDATE, recipientId=ann, attributes={"status": "x"})
    assert [e["field"] for e in field_name["userErrors"]] == [["attributes"]]
    assert by_email(client.recipients(group_id))["ann@x.io"]["firstName"] == "Ann"


def test_resubscribing_is_explicit_and_recorded(server: LiveServer, client: GraphQLClient) -> None:
    group_id = new_list(server, client)
    ids = ids_by_email(client, group_id)
    refused = mutate(client, STATUS, recipientId=ids["bob@x.io"], status="ACTIVE")
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("STATUS_GUARDED", ["resubscribe"])
    ]
    assert (
        mutate(client, STATUS, recipientId=ids["bob@x.io"], status="INACTIVE")["userErrors"][0][
            "code"
        ]
        == "STATUS_GUARDED"
    )
    bounced = mutate(client, STATUS, recipientId=ids["bob@x.io"], status="BOUNCED")
    assert (bounced["recipient"]["status"], bounced["recipient"]["activities"]) == ("BOUNCED", [])
    done = mutate(client, STATUS, recipientId=ids["bob@x.io"], status="ACTIVE", resubscribe=True)[
        "recipient"
    ]
    assert done["status"] == "ACTIVE"
    assert [(a["kind"], a["detail"]) for a in done["activities"]] == [
        ("RESUBSCRIBED", "BOUNCED -> ACTIVE")
    ]
    unsubscribed = mutate(client, STATUS, recipientId=ids["ann@x.io"], status="UNSUBSCRIBED")
    assert unsubscribed["recipient"]["status"] == "UNSUBSCRIBED"
    # Clients report opens and clicks; a resubscription is only ever recorded by the server.
    report = """mutation($input: RecordActivitiesInput!) { recordActivities(input: $input) {
      recorded userErrors { field code } } }"""
    forged = client.execute(
        report,
        {"input": {"activities": [{"recipientId": ids["cid@x.io"], "kind": "RESUBSCRIBED",
                                   "occurredAt": "2026-01-01T00:00:00Z"}]}},
    )["recordActivities"]  # fmt: skip
    assert forged["userErrors"] == [{"field": ["activities", "0", "kind"], "code": "INVALID_INPUT"}]


def test_delete_by_ids_and_by_addresses(server: LiveServer, client: GraphQLClient) -> None:
    group_id = new_list(server, client)
    ids = ids_by_email(client, group_id)
    by_ids = mutate(client, DELETE, groupId=group_id, recipientIds=[ids["ann@x.io"]])
    assert (by_ids["deleted"], by_ids["group"]["recipientCount"]) == (1, 2)
    assert by_ids["backup"]["reason"] == "API"
    again = mutate(
        client, DELETE, groupId=group_id, recipientIds=[ids["bob@x.io"], ids["ann@x.io"]]
    )
    assert [(e["code"], e["field"]) for e in again["userErrors"]] == [
        ("NOT_FOUND", ["recipientIds", "1"])
    ]
    by_emails = mutate(client, DELETE, groupId=group_id, emails=[" BOB@x.io", "gone@x.io"])
    assert (by_emails["deleted"], by_emails["group"]["recipientCount"]) == (1, 1)
    assert [p["email"] for p in client.recipients(group_id)] == ["cid@x.io"]
    both = mutate(client, DELETE, groupId=group_id, emails=["cid@x.io"], recipientIds=[])
    assert [e["code"] for e in both["userErrors"]] == ["INVALID_INPUT"]


def test_a_write_that_changes_nothing_leaves_no_trace(
    server: LiveServer, client: GraphQLClient
) -> None:
    """A sync repeating its call, or a screen setting what is already set, takes no seq, logs
    no write and takes no backup, though an API backup is due; the next real change still
    gets its backup, of the state before it."""
    group_id = new_list(server, client)
    before = group_trace(server, group_id)
    ids = ids_by_email(client, group_id)
    same = upsert(client, group_id, BASE)
    counts = ("added", "updated", "unchanged", "statusKept")
    assert ([same[c] for c in counts], same["backup"]) == ([0, 0, 3, 0], None), same
    kept = upsert(client, group_id, [{"email": "bob@x.io", "status": "ACTIVE"}])
    assert ([kept[c] for c in counts], kept["backup"]) == ([0, 0, 0, 1], None), kept
    named = mutate(client, UPDATE, recipientId=ids["ann@x.io"], firstName="Ann")
    assert (named["userErrors"], named["backup"]) == ([], None), named
    status = mutate(client, STATUS, recipientId=ids["cid@x.io"], status="ACTIVE")
    assert (status["userErrors"], status["backup"]) == ([], None), status
    gone = mutate(client, DELETE, groupId=group_id, emails=["gone@x.io"])
    assert (gone["deleted"], gone["backup"], gone["userErrors"]) == (0, None, []), gone
    renamed = mutate(client, RENAME_GROUP, groupId=group_id, name=" api list ")
    assert (renamed["group"]["name"], renamed["userErrors"]) == ("api list", []), renamed
    assert group_trace(server, group_id) == before
    state = stored_state(server, group_id)
    changed = upsert(client, group_id, [{"email": "ann@x.io", "firstName": "Anna"}])
    assert changed["updated"] == 1, changed
    assert (changed["backup"]["reason"], changed["backup"]["recipientCount"]) == ("API", 3)
    seq, writes, backups = before
    assert group_trace(server, group_id) == (seq + 1, writes + 1, backups + 1)
    assert backup_state(server, changed["backup"]["id"]) == state


def undo_with(client: GraphQLClient, group_id: str, backup_id: str) -> None:
    """Restore the backup into its group, exactly (REPLACE)."""
    job = restore(client, backupId=backup_id, groupId=group_id, strategy="REPLACE")
    assert job["status"] == "SUCCEEDED", job


def test_every_write_is_undone_by_the_backup_before_it(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    ids = ids_by_email(client, group_id)
    writes: list[Callable[[], dict[str, Any]]] = [
        lambda: upsert(client, group_id, [
            {"email": "ann@x.io", "firstName": "Anna", "attributes": {"city": "Rome"}},
            {"email": "dan@x.io", "firstName": "Dan"},
        ]),
        lambda: mutate(client, UPDATE, recipientId=ids["cid@x.io"], firstName="Cid",
                       attributes={"tier": None}),
        lambda: mutate(client, STATUS, recipientId=ids["bob@x.io"], status="ACTIVE", resubscribe=True),
        lambda: mutate(client, DELETE, groupId=group_id, recipientIds=[ids["ann@x.io"], ids["cid@x.io"]]),
        lambda: upsert(client, group_id, [{"email": "bob@x.io", "lastName": "Ray"}], mode="REFRESH"),
    ]  # fmt: skip
    for write in writes:
        # An hour on: the restore before made the latest backup, and this write's is due.
        server.clock.advance(timedelta(hours=1))
        ids.update(ids_by_email(client, group_id))  # a restore re-adds removed rows anew
        before, before_rows = client.recipients(group_id), stored_state(server, group_id)
        payload = write()
        assert payload["userErrors"] == [], payload
        backup = payload["backup"]
        assert backup["reason"] == "API"
        assert stored_state(server, group_id) != before_rows
        assert backup_state(server, backup["id"]) == before_rows
        undo_with(client, group_id, backup["id"])
        assert stored_state(server, group_id) == before_rows
        assert client.recipients(group_id) == before


def test_a_suppression_is_kept_by_a_restore_and_undone_by_resubscribing(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    ann = ids_by_email(client, group_id)["ann@x.io"]
    before_rows = stored_state(server, group_id)
    bounced = mutate(client, STATUS, recipientId=ann, status="BOUNCED")
    assert backup_state(server, bounced["backup"]["id"]) == before_rows
    # A restore never lifts UNSUBSCRIBED or BOUNCED (its own guard); the rest it puts back.
    undo_with(client, group_id, bounced["backup"]["id"])
    assert by_email(client.recipients(group_id))["ann@x.io"]["status"] == "BOUNCED"
    mutate(client, STATUS, recipientId=ann, status="ACTIVE", resubscribe=True)
    assert stored_state(server, group_id) == before_rows


def test_the_window_keeps_the_earlier_backup_and_it_undoes_both_writes(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    before = stored_state(server, group_id)
    first = upsert(client, group_id, [{"email": "ann@x.io", "firstName": "One"}])
    ann = ids_by_email(client, group_id)["ann@x.io"]
    second = mutate(client, UPDATE, recipientId=ann, firstName="Two")
    assert second["backup"] is None
    assert backup_state(server, first["backup"]["id"]) == before
    undo_with(client, group_id, first["backup"]["id"])
    assert stored_state(server, group_id) == before


def test_another_accounts_ids_are_not_found(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id = new_list(server, client)
    ann = ids_by_email(client, group_id)["ann@x.io"]
    before = stored_state(server, group_id)
    calls = [
        upsert(other_client, group_id, [{"email": "x@x.io"}]),
        mutate(other_client, UPDATE, recipientId=ann, firstName="X"),
        mutate(other_client, STATUS, recipientId=ann, status="UNSUBSCRIBED"),
        mutate(other_client, DELETE, groupId=group_id, emails=["ann@x.io"]),
        mutate(
            other_client, DELETE, groupId=create_group(other_client, "mine"), recipientIds=[ann]
        ),
    ]
    fields = [["groupId"], ["recipientId"], ["recipientId"], ["groupId"], ["recipientIds", "0"]]
    assert [(p["userErrors"][0]["code"], p["userErrors"][0]["field"]) for p in calls] == [
        ("NOT_FOUND", field) for field in fields
    ]
    assert stored_state(server, group_id) == before
    bogus = mutate(client, UPDATE, recipientId=group_id, firstName="X")
    assert [e["code"] for e in bogus["userErrors"]] == ["NOT_FOUND"]
