"""Imports end to end through the API with files in S3 (moto's server on loopback).

The server is configured as a deployment is: `files_url=s3://bucket/prefix`, the endpoint
setting, credentials and region from the AWS_* environment. Nothing of the file may stay in
the data folder: the upload is an object, the codec's local copies are removed after use.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from api.imports import HEAD_BYTES
from api.services import build_services
from api.settings import Settings
from storage.s3_files import S3FileStore
from tests.client import GraphQLClient
from tests.conftest import new_client
from tests.s3_server import CREDENTIALS, S3Server
from tests.server import LiveServer
from tests.support.documents import IMPORT
from tests.support.s3 import local_files, s3_client, s3_live, s3_server

__all__ = ["s3_client", "s3_live", "s3_server"]  # fixtures of tests/support/s3.py

STAGE = (
    "mutation S($input: StageFileInput!) { stageFile(input: $input) {"
    " stagedFile { id sizeBytes rowEstimate } userErrors { field message code } } }"
)
PREVIEW = """mutation P($input: PreviewImportInput!) { previewImport(input: $input) {
  preview { added updated unchanged rejected } userErrors { field code message } } }"""


def people(count: int) -> bytes:
    """A CSV of `count` valid recipients."""
    lines = ["email,firstName"] + [f"person{i}@example.com,P{i}" for i in range(count)]
    return ("\r\n".join(lines) + "\r\n").encode()


def stored_keys(server: LiveServer) -> set[str]:
    """The staged files' objects in the bucket."""
    return set(server.run(server.services.files.upload_ages()))


def test_the_server_stores_files_in_s3(s3_live: LiveServer) -> None:
    assert isinstance(s3_live.services.files, S3FileStore)


def test_an_uploaded_import_runs_from_the_bucket(
    s3_live: LiveServer, s3_client: GraphQLClient
) -> None:
    job = s3_client.import_file(people(250), groupName="from-s3")

    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 250, 0)
    assert job["group"]["recipientCount"] == 250
    emails = {r["email"] for r in s3_client.recipients(job["group"]["id"])}
    assert emails == {f"person{i}@example.com" for i in range(250)}
    assert local_files(s3_live) == []


def test_a_staged_file_previews_and_imports_twice_from_the_bucket(
    s3_live: LiveServer, s3_client: GraphQLClient
) -> None:
    content = people(40)
    response = s3_client.upload(STAGE, {"input": {"file": None}}, content, filename="s3.csv")
    payload: dict[str, Any] = response.json()["data"]["stageFile"]
    assert payload["userErrors"] == []
    staged = payload["stagedFile"]
    assert (staged["sizeBytes"], staged["rowEstimate"]) == (len(content), 40)
    before = stored_keys(s3_live)
    assert before  # the staged file is an object of the bucket

    previewed = s3_client.execute(
        PREVIEW, {"input": {"stagedFileId": staged["id"], "groupName": "staged-s3"}}
    )["previewImport"]
    assert previewed["userErrors"] == []
    assert previewed["preview"] == {"added": 40, "updated": 0, "unchanged": 0, "rejected": 0}

    results = []
    for name in ("staged-s3", "staged-s3-again"):
        variables = {"input": {"stagedFileId": staged["id"], "groupName": name}}
        started = s3_client.execute(IMPORT, variables)["importRecipients"]
        assert started["userErrors"] == []
        results.append(s3_client.wait_job(started["job"]["id"]))

    assert [(job["status"], job["added"]) for job in results] == [("SUCCEEDED", 40)] * 2
    assert local_files(s3_live) == []


def test_a_file_over_the_cap_is_refused_and_not_kept(s3_live: LiveServer) -> None:
    client = new_client(s3_live)
    try:
        before = stored_keys(s3_live)
        too_big = b"email\r\n" + b"x" * (s3_live.settings.max_upload_bytes + 1)
        response = client.upload(STAGE, {"input": {"file": None}}, too_big)
        errors = response.json()["data"]["stageFile"]["userErrors"]
        assert [error["code"] for error in errors] == ["FILE_TOO_LARGE"]
        assert stored_keys(s3_live) == before
    finally:
        client.close()


async def test_the_endpoint_may_come_from_aws_endpoint_url(
    s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.endpoint_url)  # plain http, loopback
    monkeypatch.setenv("LISTKEEPER_FILES_URL", f"s3://{s3_server.new_bucket()}/p")
    monkeypatch.delenv("LISTKEEPER_S3_ENDPOINT_URL", raising=False)
    settings = Settings(data_dir=tmp_path)

    files = build_services(settings).files

    assert isinstance(files, S3FileStore)
    source = io.BytesIO(b"email\n")

    async def read(n: int) -> bytes:
        return source.read(n)

    key = await files.save(read, max_bytes=100)
    assert await files.size(key) == len(b"email\n")


def test_only_the_start_of_a_large_upload_is_read_before_its_job_runs(
    s3_live: LiveServer, s3_client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = s3_live.services.files
    reads: list[str] = []
    whole, start = files.local_copy, files.head_copy

    def local_copy(key: str) -> Any:
        reads.append("whole")
        return whole(key)

    def head_copy(key: str, limit: int) -> Any:
        reads.append(f"first {limit} bytes")
        return start(key, limit)

    monkeypatch.setattr(files, "local_copy", local_copy)
    monkeypatch.setattr(files, "head_copy", head_copy)
    lines = ["email,firstName"] + [f"person{i:05d}@example.com,Person" for i in range(60_000)]
    content = ("\n".join(lines) + "\n").encode()
    assert len(content) > 1.5 * HEAD_BYTES

    response = s3_client.upload(STAGE, {"input": {"file": None}}, content, filename="big.csv")
    staged = response.json()["data"]["stageFile"]["stagedFile"]
    assert staged["sizeBytes"] == len(content)
    assert staged["rowEstimate"] == 60_000  # from the first 1,000 rows, all alike
    assert reads == [f"first {HEAD_BYTES} bytes"]

    job = s3_client.import_file(content, groupName="big-from-s3")

    assert (job["status"], job["added"], job["rejected"]) == ("SUCCEEDED", 60_000, 0)
    # The check before queueing read the start; the job alone read the whole object.
    assert reads == [f"first {HEAD_BYTES} bytes"] * 2 + ["whole"]
    assert local_files(s3_live) == []
