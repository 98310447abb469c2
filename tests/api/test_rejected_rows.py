"""Every rejected row is kept: as row errors (a connection over all of them) and as a file.

The file, downloaded by its signed URL, holds each rejected row as read with its error; fixed
and re-imported it imports cleanly. Another account's job and link give nothing; the file goes
with the account's backup retention, and with an erasure of an address it holds.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from typing import Any

import httpx

from api.downloads import download_token
from api.global_ids import decode_id
from api.rejects import rejects_key
from api.retention import sweep_uploads
from storage.codec.reader import REJECT_COLUMNS
from storage.files import folder_of
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import download
from tests.support.documents import ERASE

REJECTS = """query R($id: ID!) { importJob(id: $id) {
  rejected rejectedRowsUrl rejectedRowsUrlExpiresAt } }"""
ERROR_PAGE = """query P($id: ID!, $after: String) { importJob(id: $id) {
  rowErrorConnection(first: 100, after: $after) { totalCount
    pageInfo { hasNextPage endCursor } edges { node { row column code message } } } } }"""
ALL_CODES = {
    "MISSING_EMAIL",
    "INVALID_EMAIL",
    "INVALID_STATUS",
    "FIELD_TOO_LONG",
    "INVALID_CHARACTER",
    "UNDECODABLE_BYTES",
    "TOO_MANY_COLUMNS",
}
HEADER = ["email", "first name", "last name", "status", "city"]
TWO_CITY = 'Saint-Denis, "nord"\nline two' + "y" * 4001


def every_error_file() -> bytes:
    """A UTF-8 file (with a BOM, so a NUL is a row error) with a row of each error code."""
    lines = [
        b"\xef\xbb\xbfemail,first name,last name,status,city",
        b"ok@example.com,Ok,One,active,Paris",
        b",Nobody,,active,Rome",  # 3 MISSING_EMAIL
        b"not-an-email,Bad,,active,=SUM(A1)",  # 4 INVALID_EMAIL, a formula kept as read
        b"st@example.com,St,,maybe,Rome",  # 5 INVALID_STATUS
        b"long@example.com," + b"x" * 300 + b",,active,Rome",  # 6 FIELD_TOO_LONG
        b"nul@example.com,Nu\x00l,,active,Rome",  # 7 INVALID_CHARACTER
        b"bad@example.com,B\xffd,,active,Rome",  # 8 UNDECODABLE_BYTES
        b"many@example.com,Many,,active,Rome,extra",  # 9 TOO_MANY_COLUMNS
        # 10: two errors (status, then city); a quoted cell with a comma, quotes, a newline
        b'two@example.com,Two,,maybe,"' + TWO_CITY.replace('"', '""').encode() + b'"',
        b"ok2@example.com,Ok,Two,,Lyon",
    ]
    return b"\n".join(lines) + b"\n"


def rejects_of(client: GraphQLClient, job_id: str) -> dict[str, Any]:
    found: dict[str, Any] = client.execute(REJECTS, {"id": job_id})["importJob"]
    return found


def read_rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert "\r\n" not in text
    return list(csv.reader(io.StringIO(text, newline="")))


def all_row_errors(client: GraphQLClient, job_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = client.execute(ERROR_PAGE, {"id": job_id, "after": after})["importJob"]
        connection = page["rowErrorConnection"]
        found += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            assert len(found) == connection["totalCount"]
            return found
        after = connection["pageInfo"]["endCursor"]


def fixed(record: list[str]) -> list[str]:
    """What a person (here a program) does to a rejected row: fix every cell, drop extras."""
    width = len(HEADER)
    row = int(record[width])
    cells = [cell.replace("\ufffd", "") for cell in record[: width + len(REJECT_COLUMNS)]]
    email, first, last, status, city = cells[:width]
    if "@" not in email:
        email = f"fixed{row}@example.com"
    if status.strip() not in ("", "active"):
        status = "active"
    return [email, first[:50], last, status, city[:50], *cells[width:]]


def test_every_rejected_row_goes_to_a_file_that_reimports_cleanly_once_fixed(
    client: GraphQLClient,
) -> None:
    job = client.import_file(every_error_file(), groupName="With rejects")
    assert job["status"] == "SUCCEEDED", job
    assert (job["added"], job["rejected"]) == (2, 8)
    errors = all_row_errors(client, job["id"])
    assert {e["code"] for e in errors} == ALL_CODES
    assert [(e["row"], e["code"]) for e in errors if e["row"] == 10] == [
        (10, "INVALID_STATUS"),
        (10, "FIELD_TOO_LONG"),
    ]
    assert len(errors) == 9

    link = rejects_of(client, job["id"])
    assert link["rejectedRowsUrlExpiresAt"] is not None
    rows = read_rows(download(link["rejectedRowsUrl"]))
    assert rows[0] == [*HEADER, *REJECT_COLUMNS]
    records = rows[1:]
    assert [int(r[5]) for r in records] == [3, 4, 5, 6, 7, 8, 9, 10]
    by_row = {int(r[5]): r for r in records}
    assert by_row[4][:5] == ["not-an-email", "Bad", "", "active", "=SUM(A1)"]
    assert by_row[4][6:8] == ["email", "INVALID_EMAIL"]
    assert by_row[7][1] == "Nu\ufffdl"
    assert by_row[8][1] == "B\ufffdd"
    assert by_row[9][5:] == ["9", "", "TOO_MANY_COLUMNS", by_row[9][8], "extra"]
    two = by_row[10]
    assert two[4] == TWO_CITY
    assert (two[6], two[7]) == ("status", "INVALID_STATUS")
    assert " | city: " in two[8]

    fixed_rows = [fixed(r) for r in records]
    body = io.StringIO()
    csv.writer(body, lineterminator="\n").writerows([rows[0], *fixed_rows])
    again = client.import_file(body.getvalue().encode(), groupName="Fixed")
    assert again["status"] == "SUCCEEDED", again
    assert again["rejected"] == 0, again["rowErrors"]
    assert rejects_of(client, again["id"])["rejectedRowsUrl"] is None
    people = client.recipients(again["group"]["id"])
    expected = sorted(r[0].lower() for r in fixed_rows)
    assert [p["email"] for p in people] == expected
    assert {a["name"] for p in people for a in p["attributes"]} == {"city"}
    city = {p["email"]: {a["name"]: a["value"] for a in p["attributes"]} for p in people}
    assert city["fixed4@example.com"]["city"] == "=SUM(A1)"


def test_a_column_named_error_code_in_another_file_is_an_attribute(client: GraphQLClient) -> None:
    job = client.import_file(b"email,error_code\na@example.com,E1\n", groupName="Foreign")
    assert job["rejected"] == 0
    people = client.recipients(job["group"]["id"])
    assert people[0]["attributes"] == [{"name": "error_code", "value": "E1"}]
    assert rejects_of(client, job["id"])["rejectedRowsUrl"] is None


def test_row_errors_are_all_kept_and_paged(client: GraphQLClient) -> None:
    bad = "".join(f"bad{n}-at-example.com,{n}\n" for n in range(1, 1206))
    job = client.import_file(f"email,n\nok@example.com,0\n{bad}".encode(), groupName="Many")
    assert job["rejected"] == 1205
    assert len(job["rowErrors"]) == 1000
    errors = all_row_errors(client, job["id"])
    assert [e["row"] for e in errors] == list(range(3, 1208))
    rows = read_rows(download(rejects_of(client, job["id"])["rejectedRowsUrl"]))
    assert len(rows) == 1 + 1205
    response = client.post(ERROR_PAGE, {"id": job["id"], "after": "bm90IGEgY3Vyc29y"})
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def test_another_accounts_job_and_links_give_nothing(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    job = client.import_file(b"email\nok@example.com\nnot-an-email\n", groupName="Mine")
    url = rejects_of(client, job["id"])["rejectedRowsUrl"]
    assert other_client.execute(REJECTS, {"id": job["id"]})["importJob"] is None
    token = url.rsplit("/", 1)[1]
    tampered = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    assert download(tampered).status_code == 403
    viewer = other_client.execute("{ viewer { id } }")["viewer"]["id"]
    job_id = decode_id(job["id"], "ImportJob", field=[])
    settings = server.settings
    later = server.clock.now() + timedelta(minutes=5)
    signed_for_other = download_token(
        secret=settings.signing_key,
        account_id=decode_id(viewer, "Account", field=[]),
        item_id=job_id,
        expires_at=later,
        salt="listkeeper.rejects-download",
    )
    backup_token = download_token(
        secret=settings.signing_key,
        account_id=decode_id(viewer, "Account", field=[]),
        backup_id=job_id,
        expires_at=later,
    )
    for foreign in (signed_for_other, backup_token):
        refused = download(url.replace(token, foreign))
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["extensions"]["code"] == "DOWNLOAD_LINK_INVALID"
    assert download(url).status_code == 200
    server.clock.advance(timedelta(seconds=settings.download_url_ttl_seconds + 1))
    expired = download(url)
    assert expired.status_code == 410
    assert expired.json()["errors"][0]["extensions"]["code"] == "DOWNLOAD_LINK_EXPIRED"


def test_files_of_rejects_go_after_the_backup_retention_and_orphans_at_once(
    server: LiveServer, client: GraphQLClient
) -> None:
    job = client.import_file(b"email\nnot-an-email\n", groupName="Old")
    url = rejects_of(client, job["id"])["rejectedRowsUrl"]
    files = folder_of(server.services.files)
    job_id = decode_id(job["id"], "ImportJob", field=[])
    orphan = rejects_key(job_id)
    files.path(orphan).write_text("email\n")
    server.run(sweep_uploads(engine=server.services.engine, files=files))
    assert not files.path(orphan).exists()
    assert download(url).status_code == 200
    days = 30  # the account's backup retention (the default)
    as_of = server.clock.now() + timedelta(days=days) - timedelta(minutes=1)
    server.run(sweep_uploads(engine=server.services.engine, files=files, as_of=as_of))
    assert download(url).status_code == 200
    as_of = server.clock.now() + timedelta(days=days, minutes=1)
    server.run(sweep_uploads(engine=server.services.engine, files=files, as_of=as_of))
    assert rejects_of(client, job["id"])["rejectedRowsUrl"] is None
    gone = download(url)
    assert gone.status_code == 404
    assert gone.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert rejects_of(client, job["id"])["rejected"] == 1


def test_erasure_deletes_the_files_of_rejects_holding_the_address(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    holding = client.import_file(
        b"email,status\nok@example.com,active\nErase.Me@Example.COM,maybe\n", groupName="A"
    )
    elsewhere = client.import_file(
        b"email,note\nnot-an-email,erase.me@example.com is a friend\n", groupName="B"
    )
    clean = client.import_file(b"email\nnot-an-email\n", groupName="C")
    foreign = other_client.import_file(b"email,status\nerase.me@example.com,maybe\n", groupName="D")
    urls = {
        name: rejects_of(owner, job["id"])["rejectedRowsUrl"]
        for name, owner, job in (
            ("holding", client, holding),
            ("elsewhere", client, elsewhere),
            ("clean", client, clean),
            ("foreign", other_client, foreign),
        )
    }
    assert all(download(url).status_code == 200 for url in urls.values())
    erased_keys = _keys(server, holding) | _keys(server, elsewhere)
    before = _reject_files(server)
    erased = client.execute(ERASE, {"input": {"email": "ERASE.me@example.com"}})
    assert erased["eraseRecipient"]["userErrors"] == []
    assert download(urls["holding"]).status_code == 404
    assert download(urls["elsewhere"]).status_code == 404
    assert rejects_of(client, holding["id"])["rejectedRowsUrl"] is None
    assert download(urls["clean"]).status_code == 200
    assert download(urls["foreign"]).status_code == 200  # another account's erasure
    left = _reject_files(server)
    assert before - left == erased_keys
    assert len(erased_keys) == 2
    for name in left - _keys(server, foreign):
        assert (
            b"erase.me@example.com"
            not in folder_of(server.services.files).path(name).read_bytes().lower()
        )


def _reject_files(server: LiveServer) -> set[str]:
    return {
        n for n in os.listdir(folder_of(server.services.files).uploads) if n.startswith("rejects-")
    }


def _keys(server: LiveServer, job: dict[str, Any]) -> set[str]:
    """The file of rejects' key of a job, read from its row."""
    from storage.db import read_transaction
    from storage.jobs import job_by_id

    async def read() -> set[str]:
        async with read_transaction(server.services.engine) as conn:
            row = await job_by_id(conn, job_id=decode_id(job["id"], "ImportJob", field=[]))
        return {row.rejects_key} if row is not None and row.rejects_key else set()

    return server.run(read())
