"""The backups page builds the day pages its query asks for with its own read: the same
days, groups and jobs as each group's `dayConnection` reads alone, the account's span read
once, and refused arguments still reported by `dayConnection`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.client import GraphQLClient
from tests.server import LiveServer

DAY_FIELDS = """totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id date backups { id reason groupName recipientCount group { id name }
  job { id kind fileName } } } }"""
PAGE = f"""query P($days: Int) {{ backupOverview(first: 10) {{ totalCount edges {{ node {{
  id groupName group {{ id name recipientCount }}
  dayConnection(first: $days) {{ {DAY_FIELDS} }} }} }} }} }}"""
LITERAL = PAGE.replace("query P($days: Int)", "query L").replace("first: $days", "first: 2")
ALIASES = f"""query A($after: String) {{ backupOverview(first: 10) {{ edges {{ node {{ id
  newest: dayConnection(first: 1) {{ {DAY_FIELDS} }}
  older: dayConnection(first: 2, after: $after) {{ {DAY_FIELDS} }} }} }} }} }}"""
ALONE = f"""query G($id: ID!, $first: Int, $after: String) {{ node(id: $id) {{
  ... on GroupBackups {{ dayConnection(first: $first, after: $after) {{ {DAY_FIELDS} }} }} }} }}"""
SPAN = re.compile(r"\bmin\(backup\.created_at\)", re.IGNORECASE)


@contextmanager
def statements(server: LiveServer) -> Iterator[list[str]]:
    """The SELECTs on backups the server runs meanwhile (the worker polls only jobs)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        if sql.startswith("SELECT") and "backup" in sql:
            seen.append(sql)

    engine = server.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def three_groups(server: LiveServer, client: GraphQLClient) -> None:
    """Groups with backups on several days: imports (with jobs) and a deleted group."""
    ids = []
    for name in ("kept", "renamed", "deleted"):
        group_id = client.import_file(b"email\na@x.io\n", groupName=name)["group"]["id"]
        for day in range(3):
            server.clock.advance(timedelta(days=1))
            client.import_file(f"email\nn{day}@x.io\n".encode(), groupId=group_id)
        ids.append(group_id)
    client.execute(
        'mutation($g: ID!) { renameGroup(input: {groupId: $g, name: "now"}) { userErrors { code } } }',
        {"g": ids[1]},
    )
    client.execute(
        "mutation($g: ID!) { deleteGroup(input: {groupId: $g}) { userErrors { code } } }",
        {"g": ids[2]},
    )


def alone(client: GraphQLClient, node_id: str, first: int, after: str | None = None) -> Any:
    """A group's page of days read by itself (the node path reads it on its own)."""
    found = client.execute(ALONE, {"id": node_id, "first": first, "after": after})["node"]
    return found["dayConnection"]


def test_day_pages_of_the_overview_are_those_read_alone(
    server: LiveServer, client: GraphQLClient
) -> None:
    three_groups(server, client)
    with statements(server) as seen:
        edges = client.execute(PAGE, {"days": 2})["backupOverview"]["edges"]
    assert len(edges) == 3
    assert len([sql for sql in seen if SPAN.search(sql)]) == 1  # days and counts: one span
    groups = {edge["node"]["groupName"]: edge["node"]["group"] for edge in edges}
    assert groups["deleted"] is None
    assert groups["now"] == {
        "id": groups["now"]["id"],
        "name": "now",
        "recipientCount": 4,  # ADD imports: a@ and n0-n2@
    }
    backups = [
        b
        for edge in edges
        for day in edge["node"]["dayConnection"]["edges"]
        for b in day["node"]["backups"]
    ]
    assert {b["reason"] for b in backups} == {"IMPORT", "GROUP_DELETION"}
    for backup in backups:  # an import's backup names its job; a deletion's has none
        kind = backup["job"]["kind"] if backup["job"] else None
        assert kind == ("IMPORT" if backup["reason"] == "IMPORT" else None)
    for edge in edges:
        node = edge["node"]
        assert node["dayConnection"] == alone(client, node["id"], 2)
        assert node["dayConnection"]["pageInfo"]["hasNextPage"] is True
        assert node["dayConnection"]["totalCount"] == 3  # the imports after the first
        shown = node["group"] and {"id": node["group"]["id"], "name": node["group"]["name"]}
        for day in node["dayConnection"]["edges"]:
            assert all(b["group"] == shown for b in day["node"]["backups"])

    with statements(server) as seen:
        literal = client.execute(LITERAL)["backupOverview"]["edges"]
    assert literal == edges
    assert len([sql for sql in seen if SPAN.search(sql)]) == 1


def test_several_day_pages_and_refused_arguments(server: LiveServer, client: GraphQLClient) -> None:
    three_groups(server, client)
    first = client.execute(PAGE, {"days": 1})["backupOverview"]["edges"][0]["node"]
    cursor = first["dayConnection"]["pageInfo"]["endCursor"]
    found = client.execute(ALIASES, {"after": cursor})["backupOverview"]["edges"]
    node = next(edge["node"] for edge in found if edge["node"]["id"] == first["id"])
    assert node["newest"] == alone(client, first["id"], 1) == first["dayConnection"]
    assert node["older"] == alone(client, first["id"], 2, cursor)
    assert node["older"]["pageInfo"]["hasPreviousPage"] is True

    response = client.post(PAGE, {"days": 101}).json()
    assert {e["extensions"]["code"] for e in response["errors"]} == {"INVALID_PAGE_SIZE"}
    assert {e["path"][-1] for e in response["errors"]} == {"dayConnection"}
