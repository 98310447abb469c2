"""The backups page answers from the backup table's indexes with a constant number of queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.documents import OVERVIEW

JOB_TABLE = re.compile(r"\bjob\b")
# The token's account is read or not depending on the account cache (api.auth.AccountCache),
# not on the page: only the page's own reads are counted.
OUR_TABLES = re.compile(r"\b(recipient_group|recipient|recipient_version|backup)\b")


@contextmanager
def statements(server: LiveServer) -> Iterator[list[str]]:
    """Collect the SQL the server runs meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        # The job worker polls the queue meanwhile, and a new pooled connection runs the
        # driver's own set-up queries: keep the reads of our tables by this request only.
        if sql.startswith("SELECT") and not JOB_TABLE.search(sql) and OUR_TABLES.search(sql):
            seen.append(sql)

    engine = server.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_groups(client: GraphQLClient, count: int) -> None:
    """Groups with two backups each (one import, one deletion for every other group)."""
    for index in range(count):
        group_id = client.import_file(b"email\na@x.io\n", groupName=f"g{index}")["group"]["id"]
        client.import_file(b"email\nb@x.io\n", groupId=group_id)
        if index % 2:
            client.execute(
                "mutation($g: ID!) { deleteGroup(input: {groupId: $g}) { userErrors { code } } }",
                {"g": group_id},
            )
        else:
            client.import_file(b"email\nc@x.io\n", groupId=group_id)


def overview_sql(server: LiveServer, client: GraphQLClient, groups: int) -> list[str]:
    """The statements behind one request of the backups page, which lists `groups` groups."""
    with statements(server) as seen:
        data = client.execute(OVERVIEW, {"first": 50})["backupOverview"]
    assert [edge["node"]["backupCount"] for edge in data["edges"]] == [2] * groups
    return seen


def test_overview_queries_do_not_grow_with_groups_or_backups(
    server: LiveServer, client: GraphQLClient
) -> None:
    add_groups(client, 2)
    few = overview_sql(server, client, groups=2)
    add_groups(client, 4)
    many = overview_sql(server, client, groups=6)
    assert len(many) == len(few)
    reads_recipients = re.compile(r"\bFROM\s+recipient(_version)?\b", re.IGNORECASE)
    assert not [sql for sql in many if reads_recipients.search(sql)]
