"""An id a client has seen names one object forever: purges never free it for another."""

from __future__ import annotations

from datetime import timedelta

import httpx

from api.global_ids import decode_id
from api.retention import sweep
from storage.db import write_transaction
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer

BACKUPS = """query B($g: ID) { backups(groupId: $g, first: 10) {
  edges { node { id downloadUrl } } } }"""
RESTORE = """mutation R($input: RestoreBackupInput!) { restoreBackup(input: $input) {
  job { id } userErrors { code } } }"""
NODE = "query N($id: ID!) { node(id: $id) { id } }"
PEOPLE = b"email,first name\na@x.io,Ann\nb@x.io,Bob\n"


async def expire(server: LiveServer, backup_id: int) -> None:
    """Make one backup due for retention at the server's clock."""
    async with write_transaction(server.services.engine) as conn:
        await run(
            conn,
            "UPDATE backup SET expires_at = :t WHERE id = :b",
            t=server.clock.now() - timedelta(seconds=1),
            b=backup_id,
        )


def newest_backup(client: GraphQLClient, group: str) -> tuple[str, str]:
    """(id, downloadUrl) of the group's newest backup."""
    node = client.execute(BACKUPS, {"g": group})["backups"]["edges"][0]["node"]
    return node["id"], node["downloadUrl"]


def test_a_purged_backup_s_id_and_link_never_reach_a_newer_backup(
    server: LiveServer, client: GraphQLClient
) -> None:
    group = client.import_file(PEOPLE, groupName="Lasting")["group"]["id"]
    client.import_file(b"email\nc@x.io\n", groupId=group, mode="ADD")
    purged, old_link = newest_backup(client, group)
    # Expire it now rather than move the clock: the download link stays within its 15 minutes.
    server.run(expire(server, decode_id(purged, "Backup", field=["id"])))
    server.run(sweep(engine=server.services.engine, as_of=server.clock.now(), dry_run=False))
    assert client.execute(NODE, {"id": purged})["node"] is None

    # The very next backup: on SQLite without AUTOINCREMENT it took the purged id.
    client.import_file(b"email\nd@x.io\n", groupId=group, mode="ADD")
    newer, _ = newest_backup(client, group)

    assert newer != purged
    assert httpx.get(old_link).status_code == 404
    restore = client.execute(RESTORE, {"input": {"backupId": purged}})["restoreBackup"]
    assert restore["job"] is None
    assert [error["code"] for error in restore["userErrors"]] == ["NOT_FOUND"]
