"""The API's recipient and group writes as a client sends them, and the state they leave."""

from __future__ import annotations

from typing import Any

import orjson

from api.global_ids import decode_id
from storage.db import read_transaction
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.state import fetch_state

ERRORS = "userErrors { field message code }"
BACKUP = "backup { id reason createdAt recipientCount groupName }"
UPSERT = f"""mutation U($input: UpsertRecipientsInput!) {{ upsertRecipients(input: $input) {{
  group {{ id recipientCount }} {BACKUP} added updated unchanged skipped statusKept rejected
  rowErrors {{ row column code message }} {ERRORS} }} }}"""
RECIPIENT = "recipient { id email firstName lastName status attributes { name value } activities { kind detail occurredAt } }"
UPDATE = f"mutation P($input: UpdateRecipientInput!) {{ updateRecipient(input: $input) {{ {RECIPIENT} {BACKUP} {ERRORS} }} }}"
STATUS = f"mutation S($input: SetRecipientStatusInput!) {{ setRecipientStatus(input: $input) {{ {RECIPIENT} {BACKUP} {ERRORS} }} }}"
DELETE = f"mutation D($input: DeleteRecipientsInput!) {{ deleteRecipients(input: $input) {{ deleted group {{ id recipientCount }} {BACKUP} {ERRORS} }} }}"
CREATE_GROUP = f"mutation C($input: CreateGroupInput!) {{ createGroup(input: $input) {{ group {{ id name recipientCount backupsEnabled }} {ERRORS} }} }}"
RENAME_GROUP = f"mutation N($input: RenameGroupInput!) {{ renameGroup(input: $input) {{ group {{ id name recipientCount }} {ERRORS} }} }}"
IDS = """query I($id: ID!) { node(id: $id) { ... on Group {
  recipients(first: 100) { edges { node { id email } } } } } }"""


def create_group(client: GraphQLClient, name: str) -> str:
    """A new empty group's id."""
    payload = client.execute(CREATE_GROUP, {"input": {"name": name}})["createGroup"]
    assert payload["userErrors"] == [], payload
    group_id: str = payload["group"]["id"]
    return group_id


def upsert(
    client: GraphQLClient, group_id: str, recipients: list[dict[str, Any]], mode: str | None = None
) -> dict[str, Any]:
    """upsertRecipients' payload."""
    fields: dict[str, Any] = {"groupId": group_id, "recipients": recipients}
    if mode is not None:
        fields["mode"] = mode
    payload: dict[str, Any] = client.execute(UPSERT, {"input": fields})["upsertRecipients"]
    return payload


def mutate(client: GraphQLClient, document: str, **fields: Any) -> dict[str, Any]:
    """The payload of a one-field mutation taking `input`."""
    data = client.execute(document, {"input": fields})
    payload: dict[str, Any] = next(iter(data.values()))
    return payload


def ids_by_email(client: GraphQLClient, group_id: str) -> dict[str, str]:
    """The recipients' ids, by address (first 100)."""
    node = client.execute(IDS, {"id": group_id})["node"]
    return {e["node"]["email"]: e["node"]["id"] for e in node["recipients"]["edges"]}


def stored_state(server: LiveServer, group_gid: str) -> list[tuple[Any, ...]]:
    """The group's current rows as the store holds them, row by row, in email order."""

    async def read() -> list[tuple[Any, ...]]:
        group_id = decode_id(group_gid, "Group", field=["id"])
        async with read_transaction(server.services.engine) as conn:
            seq = (
                await run(conn, "SELECT seq FROM recipient_group WHERE id = :g", g=group_id)
            ).one()
            return _decoded(await fetch_state(conn, group_id=group_id, seq=seq.seq))

    return server.run(read())


def backup_state(server: LiveServer, backup_gid: str) -> list[tuple[Any, ...]]:
    """The rows of a backup (the state at its seq), row by row, in email order."""

    async def read() -> list[tuple[Any, ...]]:
        backup_id = decode_id(backup_gid, "Backup", field=["id"])
        async with read_transaction(server.services.engine) as conn:
            row = (
                await run(conn, "SELECT group_id, seq FROM backup WHERE id = :b", b=backup_id)
            ).one()
            return _decoded(await fetch_state(conn, group_id=row.group_id, seq=row.seq))

    return server.run(read())


def backup_reasons(server: LiveServer, group_gid: str) -> list[str]:
    """The reasons of the group's backups, newest first (read from the store)."""

    async def read() -> list[str]:
        group_id = decode_id(group_gid, "Group", field=["id"])
        async with read_transaction(server.services.engine) as conn:
            result = await run(
                conn, "SELECT reason FROM backup WHERE group_id = :g ORDER BY id DESC", g=group_id
            )
            return [row.reason for row in result]

    return server.run(read())


def group_trace(server: LiveServer, group_gid: str) -> tuple[int, int, int]:
    """What writes leave of themselves in the store: the group's seq, its write-log entries
    and its backups."""

    async def read() -> tuple[int, int, int]:
        group_id = decode_id(group_gid, "Group", field=["id"])
        async with read_transaction(server.services.engine) as conn:
            row = (
                await run(
                    conn,
                    "SELECT seq, (SELECT count(*) FROM group_write WHERE group_id = :g) AS writes,"
                    " (SELECT count(*) FROM backup WHERE group_id = :g) AS backups"
                    " FROM recipient_group WHERE id = :g",
                    g=group_id,
                )
            ).one()
            return int(row.seq), int(row.writes), int(row.backups)

    return server.run(read())


def _decoded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(e, f, last, s, orjson.loads(a) if a else None) for e, f, last, s, a in rows]
