"""Group.exportUrl: the group as it is when the link is opened, the same CSV as a backup's."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.downloads import EXPORT_SALT, download_token
from api.global_ids import decode_id
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import FIRST, SECOND, download, read_csv
from tests.support.documents import DELETE

EXPORT = """query E($id: ID!) { node(id: $id) { ... on Group { exportUrl exportUrlExpiresAt } } }"""


def backup_url(client: GraphQLClient, backup_id: str) -> str:
    """A backup's downloadUrl."""
    node = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Backup { downloadUrl } } }", {"id": backup_id}
    )["node"]
    return str(node["downloadUrl"])


def export_link(client: GraphQLClient, group_id: str) -> dict[str, Any]:
    """The group's exportUrl and exportUrlExpiresAt."""
    node: dict[str, Any] = client.execute(EXPORT, {"id": group_id})["node"]
    return node


def test_export_is_the_group_now_in_the_backup_csv(client: GraphQLClient) -> None:
    group_id = client.import_file(FIRST, groupName="live")["group"]["id"]
    url = export_link(client, group_id)["exportUrl"]
    first = download(url)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/csv")
    assert first.headers["cache-control"] == "no-store"
    assert 'filename="live-export-' in first.headers["content-disposition"]
    second = client.import_file(SECOND, groupId=group_id, mode="REFRESH_AND_ADD")
    # The backup the second import made is the state the first export saw: same bytes.
    backup_csv = download(backup_url(client, second["backup"]["id"]))
    assert first.content == backup_csv.content
    # The same link, opened again, gives the group as it is now.
    rows = read_csv(download(url))
    assert rows[0] == ["email", "firstName", "lastName", "status", "city"]
    assert rows[1:] == [
        ["a@x.io", "Anna", "Lee", "ACTIVE", "Lyon"],
        ["b@x.io", "Bob", "", "UNSUBSCRIBED", "'=1+2"],
        ["c@x.io", "Cid", "", "ACTIVE", "Rome"],
    ]
    assert [r[0] for r in rows[1:]] == [r["email"] for r in client.recipients(group_id)]


def test_link_is_stable_and_expires(server: LiveServer, client: GraphQLClient) -> None:
    group_id = client.import_file(FIRST, groupName="ttl")["group"]["id"]
    link = export_link(client, group_id)
    assert export_link(client, group_id) == link
    expires = datetime.fromisoformat(link["exportUrlExpiresAt"])
    ttl = server.services.settings.download_url_ttl_seconds
    left = (expires - server.clock.now()).total_seconds()
    assert ttl * 3 / 4 <= left <= ttl
    server.clock.advance(timedelta(seconds=left))
    gone = download(link["exportUrl"])
    assert gone.status_code == 410
    assert gone.json()["errors"][0]["extensions"]["code"] == "DOWNLOAD_LINK_EXPIRED"
    fresh = export_link(client, group_id)
    assert fresh["exportUrl"] != link["exportUrl"]
    assert download(fresh["exportUrl"]).status_code == 200


def test_tampered_and_other_kinds_of_links_are_invalid(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = client.import_file(FIRST, groupName="tamper")["group"]["id"]
    url = export_link(client, group_id)["exportUrl"]
    token = url.rsplit("/", 1)[1]
    # A character inside the signature: the last one of base64 may carry only padding bits.
    at = token.rindex(".") + 1
    flipped = token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]
    second = client.import_file(SECOND, groupId=group_id, mode="REFRESH_AND_ADD")
    backup_token = backup_url(client, second["backup"]["id"]).rsplit("/", 1)[1]
    # A flipped character, and a backup's token (another salt) with an export's path.
    tampered = [url.rsplit("/", 1)[0] + "/" + t for t in (flipped, backup_token)]
    for bad in tampered:
        response = download(bad)
        assert response.status_code == 403, bad
        assert response.json()["errors"][0]["extensions"]["code"] == "DOWNLOAD_LINK_INVALID"


def test_deleted_group_is_not_found(client: GraphQLClient) -> None:
    group_id = client.import_file(FIRST, groupName="doomed")["group"]["id"]
    url = export_link(client, group_id)["exportUrl"]
    assert (
        client.execute(DELETE, {"input": {"groupId": group_id}})["deleteGroup"]["userErrors"] == []
    )
    response = download(url)
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_other_accounts_see_nothing(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id = client.import_file(FIRST, groupName="mine")["group"]["id"]
    assert other_client.execute(EXPORT, {"id": group_id})["node"] is None
    # A link naming another account (only a holder of the key could make one) finds nothing,
    # exactly as a group that does not exist.
    other_account = other_client.execute("{ viewer { id } }")["viewer"]["id"]
    expires = server.clock.now() + timedelta(minutes=5)
    for account_id, group in (
        (
            decode_id(other_account, "Account", field=["id"]),
            decode_id(group_id, "Group", field=["id"]),
        ),
        (decode_id(other_account, "Account", field=["id"]), 2**31 - 1),
    ):
        token = download_token(
            secret=server.services.settings.signing_key,
            account_id=account_id,
            item_id=group,
            expires_at=expires,
            salt=EXPORT_SALT,
        )
        response = download(f"{server.url}/downloads/groups/{token}")
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
