"""The importJob subscription over graphql-transport-ws, followed with a real WebSocket client."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from api.global_ids import encode_id
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.graphql_ws import (
    OPERATIONS,
    PROTOCOL,
    RECEIVE_SECONDS,
    follow_as,
    graphql_socket,
    jobs_of,
    receive,
    send,
)

STATUS_ORDER = ("QUEUED", "RUNNING", "SUCCEEDED", "FAILED")
NOT_FOUND = {
    "data": None,
    "errors": [{"message": "No import job with this id.", "extensions": {"code": "NOT_FOUND"}}],
}


def csv_rows(count: int, *, invalid: int = 0) -> bytes:
    """A CSV file of `count` valid recipients followed by `invalid` rows with bad addresses."""
    valid = "".join(f"person{i}@example.com,Person {i}\n" for i in range(count))
    return ("email,first name\n" + valid + "not-an-address,Nobody\n" * invalid).encode()


def start_import(client: GraphQLClient, content: bytes, group_name: str) -> str:
    """Upload with the contract's ImportRecipients mutation; the job's id."""
    variables = {"file": None, "groupName": group_name}
    response = client.upload(
        OPERATIONS["ImportRecipients"], variables, content, path="variables.file"
    )
    assert response.status_code == 200, response.text
    payload = response.json()["data"]["importRecipients"]
    assert payload["userErrors"] == [], payload["userErrors"]
    job_id: str = payload["job"]["id"]
    return job_id


async def test_subscription_follows_a_real_import(
    server: LiveServer, client: GraphQLClient
) -> None:
    content = csv_rows(60_000, invalid=2)
    job_id = await asyncio.to_thread(start_import, client, content, "Progress")
    jobs = jobs_of(await follow_as(server, client.token, job_id))
    statuses = [STATUS_ORDER.index(job["status"]) for job in jobs]
    processed = [job["processedRows"] for job in jobs]
    assert statuses == sorted(statuses), jobs
    assert processed == sorted(processed), jobs
    # 60,000 rows take far longer than the handshake: the job is seen before it ends
    assert jobs[0]["status"] != "SUCCEEDED", jobs
    assert all(job["id"] == job_id for job in jobs)
    # While the file is read, totalRows is an estimate from the bytes read so far.
    estimates = [j["totalRows"] for j in jobs if j["status"] == "RUNNING" and j["processedRows"]]
    assert estimates, jobs
    assert all(50_000 <= estimate <= 70_000 for estimate in estimates), estimates
    last = jobs[-1]
    assert (last["status"], last["processedRows"], last["totalRows"]) == (
        "SUCCEEDED",
        60_002,
        60_002,
    )
    assert (last["added"], last["rejected"], last["updated"]) == (60_000, 2, 0), last


async def test_finished_job_gives_one_message_then_complete(
    server: LiveServer, client: GraphQLClient
) -> None:
    finished = await asyncio.to_thread(client.import_file, csv_rows(3), groupName="Done")
    jobs = jobs_of(await follow_as(server, client.token, finished["id"]))
    assert [(job["status"], job["added"]) for job in jobs] == [("SUCCEEDED", 3)]


async def test_foreign_and_unknown_jobs_look_the_same(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    finished = await asyncio.to_thread(client.import_file, csv_rows(3), groupName="Mine")
    foreign = await follow_as(server, other_client.token, finished["id"])
    unknown = await follow_as(server, client.token, encode_id("ImportJob", 2**31 - 1))
    expected = [{"id": "progress", "type": "next", "payload": NOT_FOUND}]
    expected.append({"id": "progress", "type": "complete"})
    assert foreign == unknown == expected


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", None])
async def test_connection_without_valid_token_is_closed_4403(
    server: LiveServer, authorization: str | None
) -> None:
    url = server.url.replace("http", "ws", 1) + "/graphql"
    params = {} if authorization is None else {"Authorization": authorization}
    async with connect(url, subprotocols=[PROTOCOL], open_timeout=RECEIVE_SECONDS) as socket:
        await send(socket, {"type": "connection_init", "payload": params})
        with pytest.raises(ConnectionClosed) as closed:
            await receive(socket)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_subscription_resolves_the_jobs_group_for_its_account(
    server: LiveServer, client: GraphQLClient
) -> None:
    # The WebSocket's context is built before its token is read: its loaders must still
    # belong to the token's account, or every object they load reads as not found.
    finished = await asyncio.to_thread(client.import_file, csv_rows(3), groupName="Seen")
    query = "subscription($id: ID!) { importJob(id: $id) { status group { name } } }"
    async with graphql_socket(server, client.token) as socket:
        payload = {"query": query, "variables": {"id": finished["id"]}}
        await send(socket, {"id": "group", "type": "subscribe", "payload": payload})
        first = await receive(socket)
    assert first["payload"] == {
        "data": {"importJob": {"status": "SUCCEEDED", "group": {"name": "Seen"}}}
    }


async def test_each_message_reads_the_group_afresh(
    server: LiveServer, client: GraphQLClient
) -> None:
    # One WebSocket context serves every message of a subscription: what its loaders read
    # for the first message must not be shown again once the job has changed the group.
    first = await asyncio.to_thread(client.import_file, csv_rows(2), groupName="Growing")
    group_id = first["group"]["id"]
    query = "subscription($id: ID!) { importJob(id: $id) { status group { recipientCount } } }"
    variables = {"file": None, "groupId": group_id, "mode": "ADD"}
    response = await asyncio.to_thread(
        client.upload,
        OPERATIONS["ImportRecipients"],
        variables,
        csv_rows(30_000),
        path="variables.file",
    )
    job_id = response.json()["data"]["importRecipients"]["job"]["id"]
    async with graphql_socket(server, client.token) as socket:
        payload = {"query": query, "variables": {"id": job_id}}
        await send(socket, {"id": "grow", "type": "subscribe", "payload": payload})
        messages = [await receive(socket)]
        while messages[-1]["type"] != "complete":
            messages.append(await receive(socket))
    jobs = [m["payload"]["data"]["importJob"] for m in messages[:-1]]
    assert jobs[-1] == {"status": "SUCCEEDED", "group": {"recipientCount": 30_000}}, jobs
