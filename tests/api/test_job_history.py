"""The job history: jobs newest first, paged and filtered; who and what started a job; a backup's job."""

from __future__ import annotations

from typing import Any

from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import restore
from tests.support.documents import DELETE, IMPORT

HISTORY_FIELDS = "id kind status fileName sizeBytes startedBy group { id }"
JOBS = f"""query Jobs($first: Int, $after: String, $g: ID, $kind: JobKind, $status: JobStatus) {{
  jobs(first: $first, after: $after, groupId: $g, kind: $kind, status: $status) {{
    totalCount pageInfo {{ hasNextPage hasPreviousPage endCursor }}
    edges {{ cursor node {{ {HISTORY_FIELDS} }} }} }} }}"""
GROUP_JOBS = f"""query GroupJobs($id: ID!, $kind: JobKind, $status: JobStatus) {{
  node(id: $id) {{ ... on Group {{ jobs(kind: $kind, status: $status) {{
    totalCount edges {{ node {{ {HISTORY_FIELDS} }} }} }} }} }} }}"""
BACKUP_JOB = """query BackupJob($id: ID!) { node(id: $id) { ... on Backup {
  reason job { id kind fileName } } } }"""
CREATE_TOKEN = (
    "mutation($input: CreateTokenInput!) { createToken(input: $input) {"
    " secret userErrors { field message code } } }"
)


def import_named(
    client: GraphQLClient, content: bytes, filename: str, **input_fields: Any
) -> dict[str, Any]:
    """Import `content` uploaded as `filename` and wait for the job; the finished job."""
    response = client.upload(
        IMPORT, {"input": {"file": None, **input_fields}}, content, filename=filename
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["importRecipients"]
    assert payload["userErrors"] == [], payload
    return client.wait_job(payload["job"]["id"])


def history(client: GraphQLClient, **variables: Any) -> dict[str, Any]:
    """One page of `jobs`."""
    page: dict[str, Any] = client.execute(JOBS, variables)["jobs"]
    return page


def ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


def all_ids(client: GraphQLClient, first: int, **variables: Any) -> list[str]:
    """Every job of the history, page by page."""
    found: list[str] = []
    after = None
    while True:
        page = history(client, first=first, after=after, **variables)
        found += ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_history_is_newest_first_paged_and_filtered(client: GraphQLClient) -> None:
    first = import_named(client, b"email\na@x.io\n", "a.csv", groupName="a")
    group_a = first["group"]["id"]
    second = import_named(client, b"email\nb@x.io\n", "b.csv", groupId=group_a)
    other = import_named(client, b"email\nc@x.io\n", "c.csv", groupName="b")
    restored = restore(client, backupId=second["backup"]["id"])
    newest_first = [restored["id"], other["id"], second["id"], first["id"]]

    page = history(client)
    assert ids(page) == newest_first
    assert page["totalCount"] == 4
    assert all_ids(client, first=1) == newest_first
    assert all_ids(client, first=3) == newest_first
    two = history(client, first=2)
    assert two["pageInfo"]["hasNextPage"]
    assert not two["pageInfo"]["hasPreviousPage"]
    rest = history(client, first=2, after=two["pageInfo"]["endCursor"])
    assert ids(rest) == newest_first[2:]
    assert rest["pageInfo"]["hasPreviousPage"]
    assert not rest["pageInfo"]["hasNextPage"]

    by_group = history(client, g=group_a)
    assert ids(by_group) == [second["id"], first["id"]]
    assert by_group["totalCount"] == 2
    restores = history(client, kind="RESTORE")
    assert ids(restores) == [restored["id"]]
    assert restores["totalCount"] == 1
    assert ids(history(client, kind="IMPORT")) == newest_first[1:]
    assert ids(history(client, status="SUCCEEDED")) == newest_first
    assert history(client, status="FAILED")["totalCount"] == 0
    assert ids(history(client, g=group_a, kind="IMPORT", status="SUCCEEDED")) == ids(by_group)

    group_jobs = client.execute(GROUP_JOBS, {"id": group_a})["node"]["jobs"]
    assert [e["node"]["id"] for e in group_jobs["edges"]] == ids(by_group)
    assert group_jobs["totalCount"] == 2
    restore_only = client.execute(GROUP_JOBS, {"id": group_a, "kind": "RESTORE"})
    assert restore_only["node"]["jobs"]["totalCount"] == 0


def test_a_job_knows_its_file_its_size_and_the_token_that_started_it(
    server: LiveServer, client: GraphQLClient
) -> None:
    made = client.execute(CREATE_TOKEN, {"input": {"name": "nightly sync"}})["createToken"]
    assert made["userErrors"] == []
    named = GraphQLClient(server.url, made["secret"])
    try:
        content = b"email,first name\na@x.io,Ann\nb@x.io,Bob\n"
        job = import_named(named, content, "contacts.csv", groupName="contacts")
        unnamed = import_named(
            client, b"email\nc@x.io\n", "  " + "n" * 300 + ".csv\n", groupId=job["group"]["id"]
        )
        restored = restore(named, backupId=unnamed["backup"]["id"])
    finally:
        named.close()

    nodes = {edge["node"]["id"]: edge["node"] for edge in history(client)["edges"]}
    assert nodes[job["id"]]["fileName"] == "contacts.csv"
    assert nodes[job["id"]]["sizeBytes"] == len(content)
    assert nodes[job["id"]]["startedBy"] == "nightly sync"
    # The name trimmed to 255 characters; a token without a name shows none.
    assert nodes[unnamed["id"]]["fileName"] == "n" * 255
    assert nodes[unnamed["id"]]["startedBy"] is None
    assert nodes[restored["id"]]["fileName"] is None
    assert nodes[restored["id"]]["sizeBytes"] is None
    assert nodes[restored["id"]]["startedBy"] == "nightly sync"


def test_a_backup_links_to_the_job_that_made_it(client: GraphQLClient) -> None:
    first = import_named(client, b"email\na@x.io\n", "first.csv", groupName="linked")
    group_id = first["group"]["id"]
    job = import_named(client, b"email\nb@x.io\n", "contacts.csv", groupId=group_id)
    made_by = client.execute(BACKUP_JOB, {"id": job["backup"]["id"]})["node"]
    assert made_by == {
        "reason": "IMPORT",
        "job": {"id": job["id"], "kind": "IMPORT", "fileName": "contacts.csv"},
    }

    deleted = client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]
    assert deleted["userErrors"] == []
    deletion = client.execute(BACKUP_JOB, {"id": deleted["backup"]["id"]})["node"]
    assert deletion == {"reason": "GROUP_DELETION", "job": None}
    # The deleted group's history stays listed.
    assert ids(history(client, g=group_id)) == [job["id"], first["id"]]


def test_another_accounts_jobs_are_invisible(
    client: GraphQLClient, other_client: GraphQLClient
) -> None:
    job = import_named(client, b"email\na@x.io\n", "mine.csv", groupName="mine")
    group_id = job["group"]["id"]
    assert history(client)["totalCount"] == 1

    assert history(other_client) == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None},
        "edges": [],
    }
    assert history(other_client, g=group_id)["totalCount"] == 0
    assert history(other_client, g="not a group id")["totalCount"] == 0
    assert other_client.execute(GROUP_JOBS, {"id": group_id})["node"] is None
    own = import_named(other_client, b"email\nb@x.io\n", "theirs.csv", groupName="theirs")
    assert ids(history(other_client)) == [own["id"]]
    assert ids(history(client)) == [job["id"]]
