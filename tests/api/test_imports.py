"""Imports through the GraphQL endpoint with real multipart uploads, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import io
import zipfile
from typing import Any

import pytest

from storage.db import read_transaction
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.recipients import attrs, by_email
from tests.support.state import fetch_state

GROUP_QUERY = "query G($id: ID!) { node(id: $id) { ... on Group { id name recipientCount } } }"


FILE_KINDS = {
    "utf-8": "email,first name,last name\nanna@x.io,Änna,Lee\nbob@x.io,Bob,Ng\n".encode(),
    "utf-8 with BOM": "\ufeffEmail;Vorname;Nachname\nanna@x.io;Änna;Lee\nbob@x.io;Bob;Ng\n".encode(),
    "utf-16 tab (Excel Unicode text)": "E-Mail\tPrénom\tNom\nanna@x.io\tÄnna\tLee\nbob@x.io\tBob\tNg\n".encode(
        "utf-16"
    ),
    "cp1252 semicolon": "Email Address;First Name;Last Name\nanna@x.io;Änna;Lee\nbob@x.io;Bob;Ng\n".encode(
        "cp1252"
    ),
    "pipe": "EMAIL|FIRSTNAME|LASTNAME\nanna@x.io|Änna|Lee\nbob@x.io|Bob|Ng\n".encode(),
    "quoted newlines": b'email,first name,last name\n"anna@x.io","\xc3\x84nna","Lee"\nbob@x.io,Bob,"Ng"\n',
}


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_reads_the_files_people_have(client: GraphQLClient, kind: str) -> None:
    job = client.import_file(FILE_KINDS[kind], groupName=f"kind {kind}")
    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 2, 0), job
    people = by_email(client.recipients(job["group"]["id"]))
    assert people["anna@x.io"]["firstName"] == "Änna"
    assert people["bob@x.io"]["lastName"] == "Ng"


def test_quoted_field_with_embedded_newline_keeps_row_numbers(client: GraphQLClient) -> None:
    content = b'email,note\na@x.io,"line one\nline two"\nnot-an-address,x\n'
    job = client.import_file(content, groupName="newlines")
    assert (job["added"], job["rejected"]) == (1, 1)
    assert job["rowErrors"] == [
        {
            "row": 3,
            "column": "email",
            "code": "INVALID_EMAIL",
            "message": job["rowErrors"][0]["message"],
        }
    ]
    person = client.recipients(job["group"]["id"])[0]
    assert attrs(person) == {"note": "line one\nline two"}


def test_explicit_field_mapping(client: GraphQLClient) -> None:
    content = b"Mail,Given,Family,Town,Ignored\na@x.io,Ann,Lee,Paris,zzz\n"
    mapping = [
        {"column": "Mail", "field": "email"},
        {"column": "Given", "field": "firstName"},
        {"column": "Family", "field": "lastName"},
        {"column": "Town", "field": "city"},
        {"column": "Ignored", "field": ""},
    ]
    job = client.import_file(content, groupName="mapped", fieldMapping=mapping)
    person = client.recipients(job["group"]["id"])[0]
    assert (person["firstName"], person["lastName"], attrs(person)) == (
        "Ann",
        "Lee",
        {"city": "Paris"},
    )


def test_addresses_are_normalised_and_the_last_duplicate_wins(client: GraphQLClient) -> None:
    content = b"email,first name\n A@X.io ,First\nb@x.io,Bob\na@x.io,Last\n"
    job = client.import_file(content, groupName="dupes")
    assert (job["added"], job["rejected"], job["group"]["recipientCount"]) == (2, 0, 2)
    people = by_email(client.recipients(job["group"]["id"]))
    assert people["a@x.io"]["firstName"] == "Last"


def test_row_errors_name_row_column_and_code(client: GraphQLClient) -> None:
    long_name = "x" * 300
    content = (
        "email,first name,status\n"
        "good@x.io,Ann,active\n"
        "bad-address,Bob,\n"
        f"long@x.io,{long_name},\n"
        ",NoMail,\n"
        "weird@x.io,Eve,maybe\n"
    ).encode() + b"latin@x.io,Andr\x81,\n"
    job = client.import_file(content, groupName="errors")
    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 1, 5)
    found = {(e["row"], e["column"], e["code"]) for e in job["rowErrors"]}
    assert found == {
        (3, "email", "INVALID_EMAIL"),
        (4, "first name", "FIELD_TOO_LONG"),
        (5, "email", "MISSING_EMAIL"),
        (6, "status", "INVALID_STATUS"),
        (7, "first name", "UNDECODABLE_BYTES"),
    }
    assert all(e["message"] for e in job["rowErrors"])


def import_into(client: GraphQLClient, group_id: str, content: bytes, mode: str) -> dict[str, Any]:
    """Import into an existing group in `mode` and wait."""
    return client.import_file(content, groupId=group_id, mode=mode)


@pytest.fixture
def group(client: GraphQLClient) -> str:
    """A group with two recipients, one of them with attributes."""
    content = b"email,first name,last name,city,plan\na@x.io,Ann,Lee,Paris,gold\nb@x.io,Bob,Ng,,\n"
    job = client.import_file(content, groupName="base")
    group_id: str = job["group"]["id"]
    return group_id


def test_mode_add_only_adds_new_addresses(client: GraphQLClient, group: str) -> None:
    job = import_into(client, group, b"email,first name\na@x.io,Changed\nc@x.io,Cid\n", "ADD")
    assert (job["added"], job["updated"], job["skipped"]) == (1, 0, 1)
    people = by_email(client.recipients(group))
    assert people["a@x.io"]["firstName"] == "Ann"
    assert set(people) == {"a@x.io", "b@x.io", "c@x.io"}


def test_mode_refresh_and_add_updates_only_the_fields_the_file_has(
    client: GraphQLClient, group: str
) -> None:
    content = b"email,first name,city\na@x.io,Anna,Lyon\nb@x.io,Bob,\nc@x.io,Cid,Rome\n"
    job = import_into(client, group, content, "REFRESH_AND_ADD")
    assert (job["added"], job["updated"], job["unchanged"]) == (1, 1, 1)
    people = by_email(client.recipients(group))
    anna = people["a@x.io"]
    assert (anna["firstName"], anna["lastName"]) == ("Anna", "Lee")
    assert attrs(anna) == {"city": "Lyon", "plan": "gold"}
    assert attrs(people["c@x.io"]) == {"city": "Rome"}


def test_mode_refresh_updates_existing_only(client: GraphQLClient, group: str) -> None:
    job = import_into(client, group, b"email,last name\nb@x.io,Nguyen\nz@x.io,Zed\n", "REFRESH")
    assert (job["added"], job["updated"], job["skipped"]) == (0, 1, 1)
    people = by_email(client.recipients(group))
    assert set(people) == {"a@x.io", "b@x.io"}
    assert (people["b@x.io"]["firstName"], people["b@x.io"]["lastName"]) == ("Bob", "Nguyen")


def test_an_import_never_reactivates_unsubscribed_or_bounced(client: GraphQLClient) -> None:
    first = b"email,status\nu@x.io,unsubscribed\nb@x.io,bounced\ni@x.io,inactive\n"
    group_id = client.import_file(first, groupName="guard")["group"]["id"]
    job = import_into(
        client,
        group_id,
        b"email,status\nu@x.io,active\nb@x.io,ACTIVE\ni@x.io,active\n",
        "REFRESH_AND_ADD",
    )
    assert job["status"] == "SUCCEEDED"
    status = {p["email"]: p["status"] for p in client.recipients(group_id)}
    assert status == {"u@x.io": "UNSUBSCRIBED", "b@x.io": "BOUNCED", "i@x.io": "ACTIVE"}


def zip_bytes() -> bytes:
    """A real zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("recipients.csv", "email\na@x.io\n")
    return buffer.getvalue()


NOT_TEXT = {
    "zip": zip_bytes(),
    "gzip": gzip.compress(b"email\na@x.io\n"),
    "xlsx": zip_bytes().replace(b"recipients.csv", b"[Content_Types]"),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
}


@pytest.mark.parametrize("kind", NOT_TEXT)
def test_non_text_files_are_unsupported(client: GraphQLClient, kind: str) -> None:
    payload = client.start_import(NOT_TEXT[kind], groupName="binary")
    assert payload["job"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["UNSUPPORTED_FILE"]
    groups = client.execute("{ groups { totalCount } }")["groups"]
    assert groups["totalCount"] == 0


def test_a_file_without_an_email_column_is_refused(client: GraphQLClient) -> None:
    payload = client.start_import(b"name,city\nAnn,Paris\n", groupName="no mail")
    assert payload["job"] is None
    assert payload["userErrors"][0]["code"] == "INVALID_INPUT"
    assert "name" in payload["userErrors"][0]["message"]


def test_target_must_be_one_group(client: GraphQLClient, group: str) -> None:
    both = client.start_import(b"email\na@x.io\n", groupName="x", groupId=group)
    neither = client.start_import(b"email\na@x.io\n")
    assert both["userErrors"][0]["code"] == "INVALID_INPUT"
    assert neither["userErrors"][0]["code"] == "INVALID_INPUT"


def test_mutation_returns_the_job_at_once(client: GraphQLClient) -> None:
    payload = client.start_import(b"email\na@x.io\n", groupName="fast")
    assert payload["job"]["status"] in ("QUEUED", "RUNNING")
    assert client.wait_job(payload["job"]["id"])["status"] == "SUCCEEDED"


def test_a_failed_job_changes_nothing(client: GraphQLClient, group: str) -> None:
    before = client.recipients(group)
    # Valid rows, then an unclosed quote that swallows more than the field size limit.
    content = b'email,first name\nnew@x.io,New\na@x.io,Changed\nz@x.io,"' + b"x" * (
        11 * 1024 * 1024
    )
    job = import_into(client, group, content, "REFRESH_AND_ADD")
    assert job["status"] == "FAILED"
    assert job["error"]
    assert "read" in job["error"]
    assert client.recipients(group) == before
    assert client.execute(GROUP_QUERY, {"id": group})["node"]["recipientCount"] == 2
    backups = client.execute("query($g: ID) { backups(groupId: $g) { totalCount } }", {"g": group})
    assert backups["backups"]["totalCount"] == 0


def test_the_backup_reproduces_the_state_before_the_import(
    server: LiveServer, client: GraphQLClient, group: str
) -> None:
    before = client.recipients(group)
    content = b"email,first name,city\na@x.io,Anna,Lyon\nc@x.io,Cid,Rome\n"
    job = import_into(client, group, content, "REFRESH_AND_ADD")
    backup = job["backup"]
    assert (backup["reason"], backup["recipientCount"], backup["groupName"]) == (
        "IMPORT",
        2,
        "base",
    )
    assert client.recipients(group) != before
    state = server.run(state_of_backup(server, backup["id"]))
    expected = [
        (p["email"], p["firstName"], p["lastName"], p["status"], attrs(p) or None) for p in before
    ]
    assert [(e, f, last, s, a) for e, f, last, s, a in state] == expected


async def state_of_backup(server: LiveServer, backup_gid: str) -> list[tuple[Any, ...]]:
    """The store's point-in-time rows of a backup, attributes decoded."""
    import orjson

    from api.global_ids import decode_id

    backup_id = decode_id(backup_gid, "Backup", field=["id"])
    async with read_transaction(server.services.engine) as conn:
        from storage.sql import run

        row = (await run(conn, "SELECT group_id, seq FROM backup WHERE id = :b", b=backup_id)).one()
        rows = await fetch_state(conn, group_id=row.group_id, seq=row.seq)
    return [(e, f, last, s, orjson.loads(a) if a else None) for e, f, last, s, a in rows]


def test_another_account_sees_none_of_it(
    client: GraphQLClient, other_client: GraphQLClient, group: str
) -> None:
    job = client.import_file(b"email\nnew@x.io\n", groupId=group, mode="ADD")
    person_id = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { recipients { edges { node { id } } } } } }",
        {"id": group},
    )["node"]["recipients"]["edges"][0]["node"]["id"]
    assert other_client.execute("{ groups { totalCount edges { node { id } } } }")["groups"] == {
        "totalCount": 0,
        "edges": [],
    }
    for object_id in (group, person_id, job["id"], job["backup"]["id"]):
        assert (
            other_client.execute("query($id: ID!) { node(id: $id) { id } }", {"id": object_id})[
                "node"
            ]
            is None
        )
    assert (
        other_client.execute("query($id: ID!) { importJob(id: $id) { id } }", {"id": job["id"]})[
            "importJob"
        ]
        is None
    )
    payload = other_client.start_import(b"email\nx@x.io\n", groupId=group)
    unknown = other_client.start_import(b"email\nx@x.io\n", groupId="R3JvdXA6OTk5OTk5OQ==")
    assert payload["userErrors"] == unknown["userErrors"]
    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
