"""The GraphQL calls of the crash harness, as a frontend makes them (async httpx)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from strawberry import relay

from api.global_ids import encode_id

IMPORT = """mutation($input: ImportRecipientsInput!) { importRecipients(input: $input) {
  job { id status } userErrors { code message } } }"""
RESTORE = """mutation($input: RestoreBackupInput!) { restoreBackup(input: $input) {
  job { id status } userErrors { code message } } }"""
DELETE = """mutation($input: DeleteGroupInput!) { deleteGroup(input: $input) {
  deletedGroupId backup { id } userErrors { code message } } }"""
GROUPS = """query($after: String) { groups(first: 50, after: $after) {
  pageInfo { hasNextPage endCursor } edges { node { id recipientCount } } } }"""
BACKUPS = """query($after: String) { backups(first: 20, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { node { id recipientCount reason expiresAt downloadUrl group { id } } } } }"""


@dataclass(frozen=True)
class ListedBackup:
    """A backup as the `backups` query lists it."""

    id: int
    recipient_count: int
    reason: str
    expires_at: str
    download_url: str
    group_id: int | None


def db_id(global_id: str) -> int:
    """The database id inside a global ID."""
    return int(relay.GlobalID.from_id(global_id).node_id)


class CrashClient:
    """One account's GraphQL client against the current server."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.http = httpx.AsyncClient(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Run an operation that must succeed; its `data`."""
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL request failed: {response.status_code} {response.text}")
        data: dict[str, Any] = body["data"]
        return data

    async def start_import(
        self, content: bytes, *, group_id: int | None, group_name: str | None, mode: str
    ) -> dict[str, Any]:
        """Send `importRecipients` with the file; its payload."""
        target = (
            {"groupId": encode_id("Group", group_id)} if group_id else {"groupName": group_name}
        )
        operations = {
            "query": IMPORT,
            "variables": {"input": {"file": None, "mode": mode, **target}},
        }
        response = await self.http.post(
            "/graphql",
            data={
                "operations": orjson.dumps(operations).decode(),
                "map": orjson.dumps({"0": ["variables.input.file"]}).decode(),
            },
            files={"0": ("recipients.csv", content, "text/csv")},
            headers={"Apollo-Require-Preflight": "true"},
        )
        if response.status_code != 200 or response.json().get("errors"):
            raise RuntimeError(f"import request failed: {response.status_code} {response.text}")
        payload: dict[str, Any] = response.json()["data"]["importRecipients"]
        return payload

    async def start_restore(
        self, *, backup_id: int, group_id: int | None, group_name: str | None, strategy: str
    ) -> dict[str, Any]:
        """Send `restoreBackup`; its payload."""
        target = (
            {"groupId": encode_id("Group", group_id)} if group_id else {"groupName": group_name}
        )
        variables = {
            "input": {"backupId": encode_id("Backup", backup_id), "strategy": strategy, **target}
        }
        payload: dict[str, Any] = (await self.execute(RESTORE, variables))["restoreBackup"]
        return payload

    async def delete_group(self, group_id: int) -> dict[str, Any]:
        """Send `deleteGroup`; its payload."""
        variables = {"input": {"groupId": encode_id("Group", group_id)}}
        payload: dict[str, Any] = (await self.execute(DELETE, variables))["deleteGroup"]
        return payload

    async def groups(self) -> dict[int, int]:
        """Live groups: recipientCount by id."""
        return {db_id(n["id"]): n["recipientCount"] for n in await self._all(GROUPS, "groups")}

    async def backups(self) -> list[ListedBackup]:
        """Every backup of the account."""
        return [
            ListedBackup(
                id=db_id(n["id"]),
                recipient_count=n["recipientCount"],
                reason=n["reason"],
                expires_at=n["expiresAt"],
                download_url=n["downloadUrl"],
                group_id=db_id(n["group"]["id"]) if n["group"] else None,
            )
            for n in await self._all(BACKUPS, "backups")
        ]

    async def download(self, url: str) -> bytes:
        """GET a signed download URL (the bearer header is sent but not needed)."""
        if url.startswith("/"):
            url = self.base_url + url
        response = await self.http.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"download failed: {response.status_code} {response.text[:200]}")
        return response.content

    async def _all(self, query: str, name: str) -> list[dict[str, Any]]:
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            page = (await self.execute(query, {"after": after}))[name]
            nodes += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]
