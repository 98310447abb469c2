"""First end-to-end path: token, import into a new group, the job, the recipients."""

from __future__ import annotations

from tests.client import GraphQLClient


def test_import_into_new_group(client: GraphQLClient) -> None:
    job = client.import_file(
        b"email,first name,last name,city\nA@X.io,Ann,Lee,Paris\nb@x.io,Bob,,\n", groupName="News"
    )
    assert job["status"] == "SUCCEEDED", job
    assert (job["added"], job["rejected"], job["backup"]) == (2, 0, None)
    people = client.recipients(job["group"]["id"])
    assert [p["email"] for p in people] == ["a@x.io", "b@x.io"]
    assert people[0]["attributes"] == [{"name": "city", "value": "Paris"}]
