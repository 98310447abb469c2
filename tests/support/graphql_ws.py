"""The graphql-transport-ws protocol from the client's side, for tests that follow jobs with a
real WebSocket: the contract's operations as a client sends them, the socket's handshake, a
subscription followed to its end."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from graphql import parse, print_ast, separate_operations
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.server import LiveServer
from tests.support.frontend_contract import operation_files

PROTOCOL = Subprotocol("graphql-transport-ws")
RECEIVE_SECONDS = 60

Message = dict[str, Any]


def contract_operations() -> dict[str, str]:
    """Each named operation of frontend-contract/ with its fragments, as a client sends it."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in operation_files())
    return {name: print_ast(doc) for name, doc in separate_operations(parse(text)).items()}


OPERATIONS = contract_operations()


async def send(socket: ClientConnection, message: Message) -> None:
    """Send one protocol message."""
    await socket.send(json.dumps(message))


async def receive(socket: ClientConnection) -> Message:
    """The next protocol message; fails rather than hangs."""
    async with asyncio.timeout(RECEIVE_SECONDS):
        message: Message = json.loads(await socket.recv())
    return message


@asynccontextmanager
async def graphql_socket(server: LiveServer, token: str | None) -> AsyncIterator[ClientConnection]:
    """A WebSocket on /graphql, initialised with the bearer token and acknowledged."""
    url = server.url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=[PROTOCOL], open_timeout=RECEIVE_SECONDS) as socket:
        assert socket.subprotocol == PROTOCOL
        await send(
            socket, {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
        )
        assert (await receive(socket))["type"] == "connection_ack"
        yield socket


async def follow_job(socket: ClientConnection, job_id: str) -> list[Message]:
    """Subscribe with the contract's ImportJobProgress; every message up to the last one."""
    payload = {
        "query": OPERATIONS["ImportJobProgress"],
        "operationName": "ImportJobProgress",
        "variables": {"id": job_id},
    }
    await send(socket, {"id": "progress", "type": "subscribe", "payload": payload})
    messages = [await receive(socket)]
    while messages[-1]["type"] not in ("complete", "error"):
        messages.append(await receive(socket))
    assert all(m["id"] == "progress" for m in messages), messages
    return messages


async def follow_as(server: LiveServer, token: str | None, job_id: str) -> list[Message]:
    """Connect with `token` and follow the job to its end."""
    async with graphql_socket(server, token) as socket:
        return await follow_job(socket, job_id)


def jobs_of(messages: list[Message]) -> list[dict[str, Any]]:
    """The jobs pushed in the `next` messages (each must carry data, no errors)."""
    assert [m["type"] for m in messages] == ["next"] * (len(messages) - 1) + ["complete"], messages
    assert all("errors" not in m["payload"] for m in messages[:-1]), messages
    return [m["payload"]["data"]["importJob"] for m in messages[:-1]]
