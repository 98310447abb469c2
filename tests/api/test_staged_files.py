"""stageFile, and importRecipients with stagedFileId: stage once, import many times, until it expires.

Through the GraphQL endpoint on both databases. The server is shared by the session and its
clock only moves forward: the expiry test moves it past one staged file's expiry and asserts
on that file only.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.global_ids import decode_id
from api.retention import sweep_uploads
from storage.db import read_transaction
from storage.files import CHUNK, folder_of
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.documents import IMPORT

STAGED_FIELDS = """id fileName sizeBytes encoding delimiter rowEstimate expiresAt
  columns { index header suggestedField samples }"""
STAGE = (
    "mutation S($input: StageFileInput!) { stageFile(input: $input) {"
    f" stagedFile {{ {STAGED_FIELDS} }} userErrors {{ field message code }} }} }}"
)
NODE = f"query N($id: ID!) {{ node(id: $id) {{ ... on StagedFile {{ {STAGED_FIELDS} }} }} }}"
IMPORT_ERRORS = (
    "mutation I($input: ImportRecipientsInput!) { importRecipients(input: $input) {"
    " job { id } userErrors { field message code } } }"
)
GROUPS = "{ groups(first: 10) { totalCount } }"

GERMAN_FRENCH = (
    "E-Mail,Vorname,Nom de famille, kundennummer ,Lieblingsfarbe\r\n"
    "anna@example.com,Anna,Schmidt,1,rot\r\n"
    "ben@example.com,Ben,Martin,2,blau\r\n"
    "not-an-email,Carl,Weber,3,grün\r\n"
    "dora@example.com,Dora,Roux,4,gelb\r\n"
    "emil@example.com,Emil,Blanc,5,\r\n"
    "fritz@example.com,Fritz,Noir,6,lila\r\n"
).encode()


def stage(client: GraphQLClient, content: bytes, filename: str = "kontakte.csv") -> dict[str, Any]:
    """Send stageFile with `content`; its payload."""
    response = client.upload(STAGE, {"input": {"file": None}}, content, filename=filename)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["stageFile"]
    return payload


def staged(client: GraphQLClient, content: bytes, filename: str = "kontakte.csv") -> dict[str, Any]:
    """Stage `content`, which must succeed; the staged file."""
    payload = stage(client, content, filename)
    assert payload["userErrors"] == [], payload["userErrors"]
    found: dict[str, Any] = payload["stagedFile"]
    return found


def import_staged(client: GraphQLClient, staged_file_id: str, **fields: Any) -> dict[str, Any]:
    """importRecipients with a staged file; its payload."""
    variables = {"input": {"stagedFileId": staged_file_id, **fields}}
    payload: dict[str, Any] = client.execute(IMPORT, variables)["importRecipients"]
    return payload


def counts(job: dict[str, Any]) -> tuple[Any, ...]:
    """What an import did."""
    keys = ("status", "totalRows", "added", "updated", "unchanged", "skipped", "rejected")
    return (*(job[key] for key in keys), job["group"]["recipientCount"])


def upload_key(server: LiveServer, staged_file_id: str) -> str | None:
    """The key of a staged file's upload, from its row; None once the row is gone."""

    async def read() -> str | None:
        db_id = decode_id(staged_file_id, "StagedFile", field=["id"])
        async with read_transaction(server.services.engine) as conn:
            rows = await run(conn, "SELECT upload_key FROM staged_file WHERE id = :id", id=db_id)
            found = [row[0] for row in rows]
        return found[0] if found else None

    return server.run(read())


def job_upload(server: LiveServer, job_id: str) -> Path | None:
    """Where a job's upload is, from its row."""

    async def read() -> str | None:
        db_id = decode_id(job_id, "ImportJob", field=["id"])
        async with read_transaction(server.services.engine) as conn:
            rows = await run(conn, "SELECT upload_key FROM job WHERE id = :id", id=db_id)
            return next(iter(rows))[0]  # type: ignore[no-any-return]

    key = server.run(read())
    return folder_of(server.services.files).path(key) if key else None


def test_stage_detects_columns_suggestions_and_samples(
    server: LiveServer, client: GraphQLClient
) -> None:
    client.import_file(b"email,Kundennummer\nzoe@example.com,9\n", groupName="known")
    before = server.clock.now()
    found = staged(client, GERMAN_FRENCH)
    assert found["fileName"] == "kontakte.csv"
    assert found["sizeBytes"] == len(GERMAN_FRENCH)
    assert (found["encoding"], found["delimiter"], found["rowEstimate"]) == ("utf-8", ",", 6)
    assert datetime.fromisoformat(found["expiresAt"]) == before + timedelta(hours=24)
    columns = [(c["index"], c["header"], c["suggestedField"]) for c in found["columns"]]
    assert columns == [
        (0, "E-Mail", "email"),
        (1, "Vorname", "firstName"),
        (2, "Nom de famille", "lastName"),
        (3, "kundennummer", "Kundennummer"),  # the account's existing attribute
        (4, "Lieblingsfarbe", "Lieblingsfarbe"),  # a new attribute
    ]
    assert found["columns"][0]["samples"] == [
        "anna@example.com",
        "ben@example.com",
        "not-an-email",
        "dora@example.com",
        "emil@example.com",
    ]
    assert found["columns"][4]["samples"] == ["rot", "blau", "grün", "gelb", ""]
    # The staged file is a node of the account.
    assert client.execute(NODE, {"id": found["id"]})["node"] == found


def test_stage_reads_a_semicolon_cp1252_file(client: GraphQLClient) -> None:
    content = "Adresse e-mail;Prénom;Statut;E-Mail\r\nzoe@example.com;Zoë;active;z@x.io\r\n"
    found = staged(client, content.encode("cp1252"), filename="export.csv")
    assert (found["encoding"], found["delimiter"], found["rowEstimate"]) == ("cp1252", ";", 1)
    suggestions = [(c["header"], c["suggestedField"], c["samples"]) for c in found["columns"]]
    assert suggestions == [
        ("Adresse e-mail", "email", ["zoe@example.com"]),
        ("Prénom", "firstName", ["Zoë"]),
        ("Statut", "status", ["active"]),
        ("E-Mail", None, ["z@x.io"]),  # email is taken by the first column
    ]


def test_row_estimate_of_a_big_file_comes_from_the_first_rows(client: GraphQLClient) -> None:
    rows = "".join(f"user{i:05d}@example.com,Name {i}\n" for i in range(20_000))
    found = staged(client, ("email,firstName\n" + rows).encode())
    # The first rows hold shorter names than the later ones: an estimate, within 10%.
    assert 18_000 <= found["rowEstimate"] <= 22_000


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("quoted", [False, True])
def test_row_estimate_counts_line_endings_and_quotes_as_written(
    client: GraphQLClient, ending: str, quoted: bool
) -> None:
    name = '"Lee, Ann ""Jr"""' if quoted else "Ann Lee"
    rows = "".join(f"user{i:05d}@example.com,{name}{ending}" for i in range(20_000))
    found = staged(client, f"email,firstName{ending}{rows}".encode())
    # Rows all of one length: the first 1,000 tell the rest exactly.
    assert found["rowEstimate"] == 20_000


def upload_chunk_rows(rows_before: int) -> bytes:
    """ASCII rows up to just short of the upload's first 1 MiB chunk (CHUNK, as saved)."""
    head = b"email,firstName\n" + b"".join(
        b"user%07d@example.com,Ann\n" % i for i in range(rows_before)
    )
    return head + b"x@example.com," + b"a" * (CHUNK - len(head) - len(b"x@example.com,") - 1)


def test_the_encoding_is_decided_over_the_whole_upload_across_its_chunks(
    client: GraphQLClient,
) -> None:
    # Past the sniff's sample, a "é" whose two bytes fall in two chunks of the upload, and one
    # bad byte: one valid character, one invalid: UTF-8. Split wrong, it would be cp1252.
    utf8 = upload_chunk_rows(2_000) + "é\n".encode() + b"y@example.com,Ren\xe9\n"
    assert utf8.index("é".encode()) == CHUNK - 1
    assert staged(client, utf8)["encoding"] == "utf-8"
    # The same place in a cp1252 file: two bad bytes, no valid character.
    cp1252 = upload_chunk_rows(2_000) + "é\n".encode("cp1252") + b"y@example.com,Ren\xe9\n"
    found = staged(client, cp1252)
    assert (found["encoding"], found["rowEstimate"] > 2_000) == ("cp1252", True)


def test_a_file_refused_whole_gives_the_imports_errors(
    server: LiveServer, client: GraphQLClient
) -> None:
    uploads = folder_of(server.services.files).uploads
    kept = set(uploads.iterdir()) if uploads.exists() else set()
    for content in (b"", b"PK\x03\x04binary", b"\r\n  \r\n"):
        refused = stage(client, content)
        imported = client.start_import(content, groupName="never")
        assert refused["stagedFile"] is None
        assert refused["userErrors"] == imported["userErrors"] != []
    assert {e for e in uploads.iterdir() if e not in kept} == set()


def test_one_staged_file_imports_twice_like_a_direct_upload(
    server: LiveServer, client: GraphQLClient
) -> None:
    found = staged(client, GERMAN_FRENCH)
    direct = client.import_file(GERMAN_FRENCH, groupName="direct")
    jobs = []
    for name in ("first", "second"):
        payload = import_staged(client, found["id"], groupName=name)
        assert payload["userErrors"] == []
        jobs.append(client.wait_job(payload["job"]["id"]))
    assert [counts(job) for job in jobs] == [counts(direct)] * 2
    assert counts(direct) == ("SUCCEEDED", 6, 5, 0, 0, 0, 1, 5)
    assert jobs[0]["rowErrors"] == direct["rowErrors"]
    assert client.recipients(jobs[1]["group"]["id"]) == client.recipients(direct["group"]["id"])
    # With a mapping and a mode, into an existing group, like a direct upload too.
    mapping = [{"column": "E-Mail", "field": "email"}, {"column": "Vorname", "field": "lastName"}]
    payload = import_staged(
        client,
        found["id"],
        groupId=jobs[0]["group"]["id"],
        mode="REFRESH_AND_ADD",
        fieldMapping=mapping,
    )
    refreshed = client.wait_job(payload["job"]["id"])
    assert (refreshed["status"], refreshed["updated"], refreshed["added"]) == ("SUCCEEDED", 5, 0)
    assert client.execute(NODE, {"id": found["id"]})["node"]["id"] == found["id"]


def test_a_job_from_a_staged_file_leaves_its_upload(
    server: LiveServer, client: GraphQLClient
) -> None:
    found = staged(client, GERMAN_FRENCH)
    key = upload_key(server, found["id"])
    assert key is not None
    upload = folder_of(server.services.files).path(key)
    payload = import_staged(client, found["id"], groupName="once")
    job = client.wait_job(payload["job"]["id"])
    assert job["status"] == "SUCCEEDED"
    own = job_upload(server, job["id"])
    assert own is not None
    assert own != upload
    deadline = time.monotonic() + 10
    while own.exists():  # the worker deletes the job's own upload once the job has ended
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert upload.read_bytes() == GERMAN_FRENCH
    # The sweep of uploads spares a live staged file's upload, however old.
    server.run(
        sweep_uploads(
            engine=server.services.engine,
            files=server.services.files,
            older_than=0,
            as_of=server.clock.now(),
        )
    )
    assert upload.read_bytes() == GERMAN_FRENCH
    again = client.wait_job(import_staged(client, found["id"], groupName="twice")["job"]["id"])
    assert again["added"] == 5


def test_exactly_one_of_file_and_staged_file_id(client: GraphQLClient) -> None:
    found = staged(client, GERMAN_FRENCH)
    both = {"input": {"file": None, "stagedFileId": found["id"], "groupName": "both"}}
    response = client.upload(IMPORT_ERRORS, both, GERMAN_FRENCH)
    neither = client.execute(IMPORT_ERRORS, {"input": {"groupName": "neither"}})
    for payload in (response.json()["data"]["importRecipients"], neither["importRecipients"]):
        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("INVALID_INPUT", ["stagedFileId"])
        ]
    assert client.execute(GROUPS)["groups"]["totalCount"] == 0


def test_another_accounts_staged_file_does_not_exist(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    found = staged(client, GERMAN_FRENCH)
    assert other_client.execute(NODE, {"id": found["id"]})["node"] is None
    for staged_file_id in (found["id"], "U3RhZ2VkRmlsZTo5OTk5OTk5OTk=", "bm9wZQ=="):
        payload = other_client.execute(
            IMPORT_ERRORS, {"input": {"stagedFileId": staged_file_id, "groupName": "theirs"}}
        )["importRecipients"]
        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("NOT_FOUND", ["stagedFileId"])
        ]
    assert other_client.execute(GROUPS)["groups"]["totalCount"] == 0
    assert client.execute(NODE, {"id": found["id"]})["node"] is not None


def test_an_expired_staged_file_is_gone_then_swept(
    server: LiveServer, client: GraphQLClient
) -> None:
    found = staged(client, GERMAN_FRENCH)
    key = upload_key(server, found["id"])
    assert key is not None
    upload = folder_of(server.services.files).path(key)
    server.clock.advance(timedelta(hours=24, seconds=1))
    # Expired: gone at once for the API, before any sweep.
    assert client.execute(NODE, {"id": found["id"]})["node"] is None
    payload = client.execute(
        IMPORT_ERRORS, {"input": {"stagedFileId": found["id"], "groupName": "late"}}
    )["importRecipients"]
    assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert upload.exists()
    server.run(
        sweep_uploads(
            engine=server.services.engine, files=server.services.files, as_of=server.clock.now()
        )
    )
    assert upload_key(server, found["id"]) is None
    assert not upload.exists()
    assert client.execute(GROUPS)["groups"]["totalCount"] == 0
