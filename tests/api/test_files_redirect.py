"""Downloads of stored files redirected to a presigned URL on the bucket (LISTKEEPER_FILES_REDIRECT).

The server runs with an S3 store on moto's server (tests/support/s3.py) and the setting on; a
test turns it off on the same server to compare with the streamed download. moto does not
check signatures, so these tests show what we answer and that the URL is a presigned GET of the
right object with the right headers, not that AWS would accept its signature (obstore signs
it; nothing is added to the URL after signing).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from api.downloads import download_token
from api.global_ids import decode_id
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import two_imports
from tests.support.s3 import s3_client, s3_live, s3_server

__all__ = ["s3_client", "s3_live", "s3_server"]

DOWNLOAD_URL = "query($id: ID!) { node(id: $id) { ... on Backup { downloadUrl } } }"
REJECTS = "query R($id: ID!) { importJob(id: $id) { rejectedRowsUrl } }"
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def redirecting(s3_live: LiveServer) -> Iterator[LiveServer]:
    """The S3-backed server with LISTKEEPER_FILES_REDIRECT on for the test."""
    s3_live.settings.files_redirect = True
    try:
        yield s3_live
    finally:
        s3_live.settings.files_redirect = False


def download_url(client: GraphQLClient, backup_id: str) -> str:
    return str(client.execute(DOWNLOAD_URL, {"id": backup_id})["node"]["downloadUrl"])


def raw_get(url: str, **headers: str) -> httpx.Response:
    """The response with its bytes as sent (no redirect followed, nothing decoded)."""
    with httpx.stream("GET", url, headers=headers) as response:
        response._content = b"".join(response.iter_raw())
    return response


def test_a_stored_export_redirects_to_its_object_with_the_same_bytes(
    redirecting: LiveServer, s3_client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(s3_client, "redirected")
    url = download_url(s3_client, backup["id"])

    first = raw_get(url, **GZIP)  # the first download streams from the database
    assert first.status_code == 200
    assert "location" not in first.headers
    moved = raw_get(url, **GZIP)

    assert moved.status_code == 307
    assert moved.content == b""
    assert moved.headers["cache-control"] == "no-store"
    location = moved.headers["location"]
    number = int(decode_id(backup["id"], "Backup", field=["id"]))
    assert location.startswith(redirecting.settings.s3_endpoint_url or "?")
    assert f"/exports/{number}/export-{number}-v1-" in location
    assert "X-Amz-Signature=" in location
    assert "X-Amz-Expires=60&" in location
    followed = raw_get(location)  # what a client following the redirect gets
    redirecting.settings.files_redirect = False
    streamed = raw_get(url, **GZIP)
    assert streamed.status_code == 200
    assert followed.status_code == 200
    assert followed.content == streamed.content  # the same gzip bytes
    assert gzip.decompress(followed.content) == raw_get(url, **IDENTITY).content
    for name in ("content-type", "content-encoding", "content-disposition"):
        assert followed.headers[name] == streamed.headers[name]
    with httpx.Client(follow_redirects=True) as client:
        redirecting.settings.files_redirect = True
        decoded = client.get(url)  # httpx follows and decodes
    assert decoded.history[0].status_code == 307
    assert decoded.content == gzip.decompress(streamed.content)


def test_a_range_or_a_client_without_gzip_is_streamed(
    redirecting: LiveServer, s3_client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(s3_client, "ranged")
    url = download_url(s3_client, backup["id"])
    csv_bytes = raw_get(url, **IDENTITY).content

    plain = raw_get(url, **IDENTITY)
    ranged = raw_get(url, Range="bytes=3-9", **GZIP)

    assert (plain.status_code, plain.content) == (200, csv_bytes)
    assert (ranged.status_code, ranged.content) == (206, csv_bytes[3:10])


def test_our_link_is_checked_before_any_redirect(
    redirecting: LiveServer, s3_client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(s3_client, "checked")
    url = download_url(s3_client, backup["id"])
    raw_get(url, **GZIP)  # materialised: a valid link would now redirect
    assert raw_get(url, **GZIP).status_code == 307
    token = url.rsplit("/", 1)[1]
    tampered = url[: -len(token)] + token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    number = int(decode_id(backup["id"], "Backup", field=["id"]))
    now = redirecting.clock.now()
    foreign = (
        url.rsplit("/", 1)[0]
        + "/"
        + download_token(
            secret=redirecting.settings.signing_key,
            account_id=10**9,  # another account (one that has no such backup)
            backup_id=number,
            expires_at=now + timedelta(minutes=5),
        )
    )
    expired = (
        url.rsplit("/", 1)[0]
        + "/"
        + download_token(
            secret=redirecting.settings.signing_key,
            account_id=0,
            backup_id=number,
            expires_at=now - timedelta(seconds=1),
        )
    )

    for refused, status, code in (
        (tampered, 403, "DOWNLOAD_LINK_INVALID"),
        (foreign, 403, "DOWNLOAD_LINK_INVALID"),
        (expired, 410, "DOWNLOAD_LINK_EXPIRED"),
    ):
        response = raw_get(refused, **GZIP)
        assert response.status_code == status
        assert "location" not in response.headers
        assert response.json()["errors"][0]["extensions"]["code"] == code


def test_a_file_of_rejects_redirects_with_the_headers_of_the_streamed_download(
    redirecting: LiveServer, s3_client: GraphQLClient
) -> None:
    job = s3_client.import_file(b"email,status\nb@x.io,maybe\n", groupName="rejects-redirect")
    url = s3_client.execute(REJECTS, {"id": job["id"]})["importJob"]["rejectedRowsUrl"]

    moved = raw_get(url)
    redirecting.settings.files_redirect = False
    streamed = raw_get(url)

    # The file is stored with its Content-Type and Content-Disposition (api/rejects.py), so the
    # object answers what the app would.
    assert moved.status_code == 307
    assert moved.headers["cache-control"] == "no-store"
    target = raw_get(moved.headers["location"])
    assert streamed.status_code == target.status_code == 200
    assert target.content == streamed.content
    assert target.content.startswith(b"email,status,error_row")
    for header in ("content-type", "content-disposition"):
        assert target.headers[header] == streamed.headers[header]
