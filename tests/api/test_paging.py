"""Every connection pages both ways (Relay): forward and backward walks give the whole list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, build_schema
from sqlalchemy.sql import ClauseElement

from api.graphql.schema import export_sdl
from storage.db import read_transaction
from storage.keyset import Window
from storage.reads import recipients_window_query
from storage.recipient_search import WindowShape, search_window_sql
from storage.row_errors import row_errors_window_query
from tests.client import GraphQLClient
from tests.server import LiveServer

ARGS = "first: $first, after: $after, last: $last, before: $before"
PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }"
VARS = "$first: Int, $after: String, $last: Int, $before: String"
# Each connection: the document (with $id where it hangs off a node) and the path to it.
CONNECTIONS: dict[str, tuple[str, list[str]]] = {
    "Query.groups": (f"query({VARS}) {{ c: groups({ARGS}) {{ {PAGE} }} }}", ["c"]),
    "Query.backups": (f"query({VARS}) {{ c: backups({ARGS}) {{ {PAGE} }} }}", ["c"]),
    "Query.jobs": (f"query({VARS}) {{ c: jobs({ARGS}) {{ {PAGE} }} }}", ["c"]),
    "Query.backupOverview": (
        f"query({VARS}) {{ c: backupOverview({ARGS}) {{ {PAGE} }} }}",
        ["c"],
    ),
    "Group.backups": (
        f"query($id: ID!, {VARS}) {{ n: node(id: $id) {{ ... on Group {{ c: backups({ARGS}) {{ {PAGE} }} }} }} }}",
        ["n", "c"],
    ),
    "Group.jobs": (
        f"query($id: ID!, {VARS}) {{ n: node(id: $id) {{ ... on Group {{ c: jobs({ARGS}) {{ {PAGE} }} }} }} }}",
        ["n", "c"],
    ),
    "BackupComparison.differences": (
        f"query($id: ID!, {VARS}) {{ n: node(id: $id) {{ ... on Backup {{ comparison {{ c: differences({ARGS}) {{ {PAGE} }} }} }} }} }}",
        ["n", "comparison", "c"],
    ),
    "GroupBackups.dayConnection": (
        f"query($id: ID!, {VARS}) {{ n: node(id: $id) {{ ... on GroupBackups {{ c: dayConnection({ARGS}) {{ {PAGE} }} }} }} }}",
        ["n", "c"],
    ),
    "ImportJob.rowErrorConnection": (
        f"query($id: ID!, {VARS}) {{ n: node(id: $id) {{ ... on ImportJob {{ c: rowErrorConnection({ARGS}) {{ {PAGE} }} }} }} }}",
        ["n", "c"],
    ),
}
# Group.recipients, plain and with each kind of filter (a search reads other indexes).
RECIPIENT_FILTERS = {
    "Group.recipients": "",
    "Group.recipients(status)": "status: UNSUBSCRIBED, ",
    "Group.recipients(search)": 'search: "ann", ',
    "Group.recipients(search, status)": 'search: "é", status: ACTIVE, ',
}
CONNECTIONS |= {
    name: (
        f"query($id: ID!, {VARS}) {{ n: node(id: $id) {{ ... on Group {{ c: recipients({found}{ARGS}) {{ {PAGE} }} }} }} }}",
        ["n", "c"],
    )
    for name, found in RECIPIENT_FILTERS.items()
}
# The node each connection hangs off, from the fixture's objects.
OWNER = {
    "Group.backups": "group",
    "Group.jobs": "group",
    "BackupComparison.differences": "backup",
    "GroupBackups.dayConnection": "group_backups",
    "ImportJob.rowErrorConnection": "people_job",
} | {name: "people" for name in RECIPIENT_FILTERS}
# Names and statuses for the recipient filters (emails, first and last names, NFC and
# capitals, one row with two matching ranges), and rows rejected for the row errors.
PEOPLE = """email,first name,last name,status
ann@x.io,Ann,Lee,active
anna@x.io,Bob,Annan,unsubscribed
bob@x.io,Annie,Ray,active
carl@x.io,Carl,Ann,active
dan@x.io,Dan,Ng,unsubscribed
elise@x.io,ÉLISE,Martin,active
elodie@x.io,Élodie,Durand,unsubscribed
emile@x.io,émile,Éluard,active
zed@x.io,Zed,Élan,active
not-an-address,Bad,One,active
,Bad,Two,active
bad@@x.io,Bad,Three,active
ok@x.io,Bad,Four,sleeping
""".encode()
# What each filter finds: more than one page of 1 and 2 in each, never the whole group.
FILTERED = {
    "Group.recipients(status)": ["anna@x.io", "dan@x.io", "elodie@x.io"],
    "Group.recipients(search)": ["ann@x.io", "anna@x.io", "bob@x.io", "carl@x.io"],
    "Group.recipients(search, status)": ["elise@x.io", "emile@x.io", "zed@x.io"],
}

Page = Callable[..., dict[str, Any]]


def sdl_schema() -> GraphQLSchema:
    """The schema as clients see it."""
    return build_schema(export_sdl())


def connection_fields() -> set[str]:
    """`Type.field` of every field of the schema that returns a connection."""
    found = set()
    for type_ in sdl_schema().type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():
            target = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(target, GraphQLList) and target.name.endswith("Connection"):
                found.add(f"{type_.name}.{name}")
    return found


def test_every_connection_takes_last_and_before_and_is_tested() -> None:
    schema = sdl_schema()
    missing = []
    for name in sorted(connection_fields()):
        type_name, field_name = name.split(".")
        owner = schema.type_map[type_name]
        assert isinstance(owner, GraphQLObjectType)
        args = owner.fields[field_name].args
        if not {"first", "after", "last", "before"} <= set(args):
            missing.append(name)
    # Fails when a new connection is forward-only, and when a pending one is converted
    # (then drop it from PENDING and add it to CONNECTIONS).
    assert set(missing) == PENDING, f"connections without last/before: {missing}"
    assert connection_fields() - set(CONNECTIONS) == PENDING


# Forward-only connections, still on pagination.connection (see its docstring): the import
# preview's pages, to move to pagination.paged with the preview's own work.
PENDING = {
    "ImportPreview.changes",
    "ImportPreview.rowErrors",
}


@pytest.fixture
def objects(server: LiveServer, client: GraphQLClient) -> dict[str, str]:
    """Lists of 2 to 8 items for each connection: groups, jobs, backups on 4 days, differences."""
    group = client.import_file(b"email\na0@x.io\n", groupName="many")["group"]["id"]
    first_backup = ""
    for day in range(1, 5):
        server.clock.advance(timedelta(days=1))
        rows = "".join(f"a{day}-{k}@x.io\n" for k in range(2))
        job = client.import_file(f"email\n{rows}".encode(), groupId=group)
        first_backup = first_backup or job["backup"]["id"]
    other = client.import_file(b"email\nb@x.io\n", groupName="other")["group"]["id"]
    client.import_file(b"email\nc@x.io\n", groupId=other)
    client.import_file(b"email\nd@x.io\n", groupName="third")
    overview = client.execute("{ backupOverview { edges { node { id groupId } } } }")
    nodes = [e["node"] for e in overview["backupOverview"]["edges"]]
    group_backups = next(n["id"] for n in nodes if n["groupId"] == group)
    people_job = client.import_file(PEOPLE, groupName="people")
    assert people_job["rejected"] == 4, people_job
    return {
        "group": group,
        "backup": first_backup,
        "group_backups": group_backups,
        "people": people_job["group"]["id"],
        "people_job": people_job["id"],
    }


def pager(client: GraphQLClient, name: str, objects: dict[str, str]) -> Page:
    """A function that reads one page of the connection."""
    document, path = CONNECTIONS[name]
    owner = {"id": objects[OWNER[name]]} if name in OWNER else {}

    def page(**args: Any) -> dict[str, Any]:
        data: Any = client.execute(document, {**owner, **args})
        for key in path:
            data = data[key]
        result: dict[str, Any] = data
        return result

    return page


def walk_forward(page: Page, size: int) -> list[str]:
    """Every cursor, `size` at a time from the start, checking the page flags."""
    seen: list[str] = []
    after = None
    while True:
        found = page(first=size, after=after)
        seen += [e["cursor"] for e in found["edges"]]
        assert found["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not found["pageInfo"]["hasNextPage"]:
            return seen
        after = found["pageInfo"]["endCursor"]


def walk_backward(page: Page, size: int) -> list[str]:
    """Every cursor, `size` at a time from the end, checking the page flags."""
    seen: list[str] = []
    before = None
    while True:
        found = page(last=size, before=before)
        seen = [e["cursor"] for e in found["edges"]] + seen
        assert found["pageInfo"]["hasNextPage"] is (before is not None)
        if not found["pageInfo"]["hasPreviousPage"]:
            return seen
        before = found["pageInfo"]["startCursor"]


@pytest.mark.parametrize("name", sorted(CONNECTIONS))
def test_walks_both_ways_give_the_whole_list(
    client: GraphQLClient, objects: dict[str, str], name: str
) -> None:
    page = pager(client, name, objects)
    whole = page(first=100)
    cursors = [e["cursor"] for e in whole["edges"]]
    assert whole["totalCount"] == len(cursors) >= 2, name
    assert not whole["pageInfo"]["hasNextPage"]
    assert not whole["pageInfo"]["hasPreviousPage"]
    for size in (1, 2, 3):
        assert walk_forward(page, size) == cursors, (name, size)
        assert walk_backward(page, size) == cursors, (name, size)
    # Both bounds: the items strictly between the first and the last.
    inner = page(first=100, after=cursors[0], before=cursors[-1])
    assert [e["cursor"] for e in inner["edges"]] == cursors[1:-1]
    assert inner["pageInfo"]["hasPreviousPage"] is True
    last_two = page(last=2)
    assert [e["cursor"] for e in last_two["edges"]] == cursors[-2:]
    assert last_two["pageInfo"]["hasNextPage"] is False
    assert last_two["pageInfo"]["hasPreviousPage"] is (len(cursors) > 2)


def test_filtered_recipients_are_the_matches(
    client: GraphQLClient, objects: dict[str, str]
) -> None:
    emails = "edges { node { email } }"
    for name, expected in FILTERED.items():
        document = CONNECTIONS[name][0].replace("edges { cursor }", emails)
        for args in ({"first": 100}, {"last": 100}, {"last": 2}):
            data = client.execute(document, {"id": objects["people"], **args})["n"]["c"]
            found = [e["node"]["email"] for e in data["edges"]]
            assert found == expected[-args.get("last", 100) :], (name, args)
            assert data["totalCount"] == len(expected), name


def test_bad_page_arguments_have_stable_codes(client: GraphQLClient) -> None:
    cases = {
        "{ groups(first: 1, last: 1) { totalCount } }": "INVALID_PAGE_SIZE",
        "{ groups(last: 101) { totalCount } }": "INVALID_PAGE_SIZE",
        '{ groups(before: "bm90IGEgY3Vyc29y") { totalCount } }': "INVALID_CURSOR",
        '{ backups(last: 2, before: "WyJ4Il0=") { totalCount } }': "INVALID_CURSOR",
    }
    for query, code in cases.items():
        body = client.post(query).json()
        assert body["errors"][0]["extensions"]["code"] == code, query


def plan(
    server: LiveServer, backend: str, sql: str, params: dict[str, Any], *, bitmaps: bool = False
) -> str:
    """The plan of a query; on PostgreSQL with scans and full sorts made dearest, as its
    planner picks any index, or a sort, on a small table with fresh statistics (and bitmap
    scans, unless `bitmaps`: a GIN index is read by nothing else)."""

    async def explain() -> str:
        async with read_transaction(server.services.engine) as conn:
            if backend == "sqlite":
                rows = await conn.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"), params)
                return "\n".join(str(r[-1]) for r in rows)
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            if not bitmaps:
                await conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
            await conn.exec_driver_sql("SET LOCAL enable_sort = off")
            rows = await conn.execute(sa.text(f"EXPLAIN {sql}"), params)
            return "\n".join(str(r[0]) for r in rows)

    return server.run(explain())


def literal_sql(server: LiveServer, query: ClauseElement) -> str:
    """A statement's SQL with its values written in, in the server's dialect."""
    dialect = server.services.engine.dialect
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_backward_windows_read_the_indexes_backward(server: LiveServer, backend: str) -> None:
    """Each shape of window walks an index range, bounded on both sides, in either order:
    the same indexes as forward pages, none of them sorted whole."""
    both = WindowShape(after=True, before=True, backward=True)
    sql, ranges = search_window_sql(backend, group_id=1, prefix="élo", status="ACTIVE", shape=both)
    bounds = {"group_id": 1, "limit": 11, "status": "ACTIVE", "after": "a", "before": "z"}
    searched = plan(server, backend, sql, bounds | ranges, bitmaps=True)
    walked = recipients_window_query(bounded=True, backward=True, of_status=True).params(
        group_id=1, after="a", before="z", status="ACTIVE", limit=11
    )
    listed = plan(server, backend, literal_sql(server, walked), {})
    window = Window(after=(2, 1), before=(900, 5), limit=11, backward=True)
    errors_sql = literal_sql(server, row_errors_window_query(1, window))
    errors = plan(server, backend, errors_sql, {})
    if backend == "sqlite":
        assert "(group_id=? AND email>? AND email<?)" in searched, searched
        assert "ix_recipient_first_name_lower (group_id=? AND <expr>>? AND <expr><?)" in searched
        assert "SCAN recipient" not in searched, searched
        assert "(group_id=? AND email>? AND email<?)" in listed, listed
        assert "TEMP B-TREE" not in listed, listed
        assert "ix_row_error_job (job_id=? AND row>? AND row<?)" in errors, errors
        assert "TEMP B-TREE" not in errors, errors
        return
    assert "Bitmap Index Scan on ix_recipient_names_gin" in searched, searched
    assert "Index Scan Backward using uq_recipient_group_email" in searched, searched
    assert "Index Scan Backward using uq_recipient_group_email" in listed, listed
    # The index gives the rows; only each row's few errors are sorted by id. With statistics
    # PostgreSQL takes this plan by itself (checked: 23 rows read for a page of 21 among a
    # job's 200,000 errors).
    assert "Index Scan Backward using ix_row_error_job" in errors, errors
    assert 'Presorted Key: "row"' in errors, errors
    for found in (searched, listed, errors):
        assert "Seq Scan" not in found, found
