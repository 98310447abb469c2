"""Files of rejected rows and materialised backup exports with the file store in S3.

The server runs as tests/api/test_s3_import.py configures it (moto's S3 server on loopback):
both kinds of file are objects of the bucket, served from there, deleted there by an erasure,
and nothing of them stays in the data folder.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io

import httpx

from api.export_cache import sweep_stale_exports
from api.global_ids import decode_id
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import two_imports
from tests.support.documents import ERASE
from tests.support.s3 import local_files, s3_client, s3_live, s3_server

__all__ = ["s3_client", "s3_live", "s3_server"]  # the fixtures, shared with the import tests

REJECTS = "query R($id: ID!) { importJob(id: $id) { rejected rejectedRowsUrl } }"
DOWNLOAD_URL = "query($id: ID!) { node(id: $id) { ... on Backup { downloadUrl } } }"
IDENTITY = {"Accept-Encoding": "identity"}
WITH_REJECTS = (
    b"email,first name,status\n"
    b"ok@x.io,Ok,active\n"
    b"b@x.io,Bob,maybe\n"  # INVALID_STATUS: rejected, and it holds b@x.io
    b"not-an-email,Bad,active\n"
)


def keys(server: LiveServer, prefix: str) -> set[str]:
    """The bucket's keys starting with `prefix`."""
    return set(server.run(server.services.files.keys(prefix)))


def job_number(job_id: str) -> int:
    return int(decode_id(job_id, "ImportJob", field=["id"]))


def backup_number(backup_id: str) -> int:
    return int(decode_id(backup_id, "Backup", field=["id"]))


def download_url(client: GraphQLClient, backup_id: str) -> str:
    return str(client.execute(DOWNLOAD_URL, {"id": backup_id})["node"]["downloadUrl"])


def raw_get(url: str, **headers: str) -> tuple[int, httpx.Headers, bytes]:
    """Status, headers and the bytes on the wire."""
    with httpx.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
    return response.status_code, response.headers, body


def test_rejected_rows_are_an_object_and_download_from_it(
    s3_live: LiveServer, s3_client: GraphQLClient
) -> None:
    job = s3_client.import_file(WITH_REJECTS, groupName="rejects-in-s3")
    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 1, 2)

    (key,) = keys(s3_live, f"rejects-{job_number(job['id'])}-")
    url = s3_client.execute(REJECTS, {"id": job["id"]})["importJob"]["rejectedRowsUrl"]
    status, _, body = raw_get(url)

    assert status == 200
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0][:3] == ["email", "first name", "status"]
    assert [row[0] for row in rows[1:]] == ["b@x.io", "not-an-email"]
    assert body == b"".join(s3_live.run(_read(s3_live, key)))
    assert local_files(s3_live) == []


async def _read(server: LiveServer, key: str) -> list[bytes]:
    return [chunk async for chunk in server.services.files.open(key)]


def test_a_backup_downloads_twice_the_second_from_its_object(
    s3_live: LiveServer, s3_client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(s3_client, "exports-in-s3")
    prefix = f"exports/{backup_number(backup['id'])}/"  # the backup's own folder
    url = download_url(s3_client, backup["id"])
    assert keys(s3_live, prefix) == set()

    status, headers, csv_bytes = raw_get(url, **IDENTITY)
    assert status == 200
    assert "etag" not in headers  # from the database, while the object is written
    (key,) = keys(s3_live, prefix)
    etag = f'"{hashlib.sha256(csv_bytes).hexdigest()}"'

    again = raw_get(url, **IDENTITY)
    assert (again[0], again[1]["etag"], again[2]) == (200, etag, csv_bytes)
    stored = b"".join(s3_live.run(_read(s3_live, key)))
    assert gzip.decompress(stored) == csv_bytes
    packed = raw_get(url, **{"Accept-Encoding": "gzip"})
    assert (packed[1]["content-encoding"], packed[2]) == ("gzip", stored)
    ranged = raw_get(url, Range="bytes=5-20", **IDENTITY)
    assert (ranged[0], ranged[2]) == (206, csv_bytes[5:21])
    assert keys(s3_live, prefix) == {key}
    assert local_files(s3_live) == []


def test_an_erasure_deletes_both_kinds_of_object(
    s3_live: LiveServer, s3_client: GraphQLClient
) -> None:
    job = s3_client.import_file(WITH_REJECTS, groupName="erased-rejects")
    kept_job = s3_client.import_file(b"email,status\nq@x.io,maybe\n", groupName="kept-rejects")
    _, backup, _ = two_imports(s3_client, "erased-export")  # its state holds b@x.io
    raw_get(download_url(s3_client, backup["id"]), **IDENTITY)
    rejects_prefix = f"rejects-{job_number(job['id'])}-"
    export_prefix = f"exports/{backup_number(backup['id'])}/"
    kept_rejects = keys(s3_live, f"rejects-{job_number(kept_job['id'])}-")
    assert len(keys(s3_live, rejects_prefix)) == len(keys(s3_live, export_prefix)) == 1
    assert len(kept_rejects) == 1

    erased = s3_client.execute(ERASE, {"input": {"email": "B@x.io"}})["eraseRecipient"]

    assert erased["userErrors"] == []
    assert keys(s3_live, rejects_prefix) == set()
    assert keys(s3_live, export_prefix) == set()
    assert keys(s3_live, f"rejects-{job_number(kept_job['id'])}-") == kept_rejects
    assert s3_client.execute(REJECTS, {"id": job["id"]})["importJob"]["rejectedRowsUrl"] is None
    status, _, fresh = raw_get(download_url(s3_client, backup["id"]), **IDENTITY)
    assert status == 200
    assert b"b@x.io" not in fresh
    assert b"a@x.io" in fresh
    assert local_files(s3_live) == []


def test_an_export_of_the_older_layout_is_never_served_and_swept(
    s3_live: LiveServer, s3_client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(s3_client, "older-layout")
    number = backup_number(backup["id"])
    files = s3_live.services.files
    files.temp_dir.mkdir(parents=True, exist_ok=True)
    (files.temp_dir / "old").write_bytes(gzip.compress(b"email\nstale@x.io\n"))
    legacy = f"export-{number}-v1-2-17-{'0' * 64}.csv.gz"  # before 2026-11-30: uploads area
    s3_live.run(files.put_file(legacy, files.temp_dir / "old"))

    status, headers, body = raw_get(download_url(s3_client, backup["id"]), **IDENTITY)
    assert (status, "etag" in headers) == (200, False)  # from the database, not the old file
    assert b"stale@x.io" not in body
    swept = s3_live.run(sweep_stale_exports(engine=s3_live.services.engine, files=files))

    assert swept >= 1
    assert keys(s3_live, "export-") == set()
    assert len(keys(s3_live, f"exports/{number}/")) == 1  # the new one stays
