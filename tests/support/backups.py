"""Backups through the API: list, make two imports' worth, restore, download, compare."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.client import GraphQLClient
from tests.support.documents import BACKUPS, COMPARE, RESTORE

FIRST = b"email,first name,last name,city,status\na@x.io,Ann,Lee,Paris,active\nb@x.io,Bob,,=1+2,unsubscribed\n"
SECOND = b"email,first name,city\na@x.io,Anna,Lyon\nc@x.io,Cid,Rome\n"


def backups(client: GraphQLClient, group_id: str | None = None) -> list[dict[str, Any]]:
    """The account's backups (of one group), newest first."""
    data = client.execute(BACKUPS, {"g": group_id})["backups"]
    return [edge["node"] for edge in data["edges"]]


def two_imports(
    client: GraphQLClient, name: str = "list"
) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """A group, its IMPORT backup of the first state, and that first state."""
    group_id = client.import_file(FIRST, groupName=name)["group"]["id"]
    before = client.recipients(group_id)
    job = client.import_file(SECOND, groupId=group_id, mode="REFRESH_AND_ADD")
    return group_id, job["backup"], before


def restore(client: GraphQLClient, **input_fields: Any) -> dict[str, Any]:
    """Run restoreBackup and wait for its job."""
    payload = client.execute(RESTORE, {"input": input_fields})["restoreBackup"]
    assert payload["userErrors"] == [], payload
    return client.wait_job(payload["job"]["id"])


def download(url: str) -> httpx.Response:
    """A plain GET, no Authorization header."""
    return httpx.get(url)


def read_csv(response: httpx.Response) -> list[list[str]]:
    """The rows of a downloaded CSV."""
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def compare(client: GraphQLClient, backup_id: str, after: str | None = None) -> dict[str, Any]:
    """The comparison of a backup, one page of differences."""
    result: dict[str, Any] = client.execute(COMPARE, {"id": backup_id, "after": after})["node"][
        "comparison"
    ]
    return result
