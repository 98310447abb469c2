"""previewImport and ImportJob.statusKept, through the GraphQL endpoint on both databases.

A preview must say exactly what the import of the same staged file would do, and write
nothing: each test previews, imports, and compares the preview with the counts of the job
and with the group's recipients before and after the import.
"""

from __future__ import annotations

from typing import Any

from tests.client import GraphQLClient
from tests.support.documents import IMPORT

KEPT_JOB = "query J($id: ID!) { importJob(id: $id) { status added updated unchanged statusKept } }"


def import_job(client: GraphQLClient, content: bytes, **input_fields: Any) -> dict[str, Any]:
    """Import `content` and wait; the finished job with its statusKept."""
    response = client.upload(IMPORT, {"input": {"file": None, **input_fields}}, content)
    payload = response.json()["data"]["importRecipients"]
    assert payload["userErrors"] == [], payload
    finished = client.wait_job(payload["job"]["id"])
    assert finished["status"] == "SUCCEEDED", finished
    kept = client.execute(KEPT_JOB, {"id": payload["job"]["id"]})["importJob"]
    return {**finished, **kept}


def test_a_refused_status_change_is_counted_as_kept_not_unchanged(client: GraphQLClient) -> None:
    first = (
        b"email,first name,status\nu@x.io,Ul,unsubscribed\nb@x.io,Bo,bounced\n"
        b"i@x.io,Ida,inactive\nn@x.io,Ned,unsubscribed\n"
    )
    group = import_job(client, first, groupName="kept")
    assert (group["added"], group["statusKept"]) == (4, 0)
    group_id = group["group"]["id"]
    second = (
        b"email,first name,status\nu@x.io,Ul,active\nb@x.io,Bob,ACTIVE\n"
        b"i@x.io,Ida,active\nn@x.io,Ned,\n"
    )
    job = import_job(client, second, groupId=group_id, mode="REFRESH_AND_ADD")
    # u: status refused, nothing else changed; b: refused, first name changed (updated too);
    # i: INACTIVE -> ACTIVE (updated); n: no status given (unchanged).
    assert (job["statusKept"], job["updated"], job["unchanged"], job["added"]) == (2, 2, 1, 0)
    status = {p["email"]: p["status"] for p in client.recipients(group_id)}
    assert status == {
        "u@x.io": "UNSUBSCRIBED",
        "b@x.io": "BOUNCED",
        "i@x.io": "ACTIVE",
        "n@x.io": "UNSUBSCRIBED",
    }
    again = import_job(client, second, groupId=group_id, mode="ADD")
    assert (again["statusKept"], again["added"]) == (0, 0)
