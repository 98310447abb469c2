"""Group.recipients(search, status): prefix search on email and names, status filter, paging."""

from __future__ import annotations

import secrets
import unicodedata
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import read_transaction, write_transaction
from storage.keyset import Window
from storage.recipient_search import (
    NAME_COLUMNS,
    case_spellings,
    name_prefixes,
    prefix_ranges,
    search_count,
    search_page_sql,
    search_prefix,
    search_window,
    successor,
)
from storage.sql import run
from storage.store.groups import create_group
from storage.tokens import ensure_account
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.store_writes import NOW

SEARCH = """query S($id: ID!, $search: String, $status: RecipientStatus, $first: Int,
  $after: String) { node(id: $id) { ... on Group {
  recipients(search: $search, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { email firstName lastName status } }
  } } } }"""

NFD_NOEMIE = unicodedata.normalize("NFD", "Noémie")
PEOPLE = (
    "email,first name,last name,status\n"
    "elodie@x.io,Élodie,Durand,active\n"
    "elise@x.io,ÉLISE,Martin,unsubscribed\n"
    "emile@x.io,émile,Éluard,active\n"
    "bob@x.io,Bob,Elder,bounced\n"
    "zoe@x.io,Zoë,Lopez,active\n"
    "under_score@x.io,Ann,Percent%,active\n"
    "undera@x.io,Ann,Other,active\n"
    f"noemie@x.io,{NFD_NOEMIE},Roy,active\n"
).encode()


def search(client: GraphQLClient, group_id: str, **variables: Any) -> dict[str, Any]:
    """One page of the group's recipients with these arguments."""
    page: dict[str, Any] = client.execute(SEARCH, {"id": group_id, **variables})["node"][
        "recipients"
    ]
    return page


def emails(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["email"] for edge in page["edges"]]


@pytest.fixture
def people(client: GraphQLClient) -> str:
    job = client.import_file(PEOPLE, groupName="people")
    assert job["status"] == "SUCCEEDED", job
    return str(job["group"]["id"])


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("élo", ["elodie@x.io"]),  # an accented capital found by its lower case
        ("ÉLO", ["elodie@x.io"]),
        ("éli", ["elise@x.io"]),  # all capitals stored
        ("émi", ["emile@x.io"]),  # lower case stored
        ("él", ["elise@x.io", "elodie@x.io", "emile@x.io"]),  # first names and a last name
        ("dur", ["elodie@x.io"]),  # last name
        ("eld", ["bob@x.io"]),
        ("el", ["bob@x.io", "elise@x.io", "elodie@x.io"]),  # emails and Elder
        ("  ZOE@X  ", ["zoe@x.io"]),  # email, trimmed and lower-cased
        ("zoë", ["zoe@x.io"]),
        ("noé", ["noemie@x.io"]),  # a name stored in NFD, searched in NFC
        ("under_", ["under_score@x.io"]),  # `_` is no wildcard
        ("percent%", ["under_score@x.io"]),  # nor is `%`
        ("under%", []),
        ("x", []),
        ("", ["bob@x.io", "elise@x.io", "elodie@x.io", "emile@x.io", "noemie@x.io"]),
    ],
)
def test_prefix_search(client: GraphQLClient, people: str, term: str, found: list[str]) -> None:
    page = search(client, people, search=term, first=5)
    assert emails(page) == found
    expected_total = 8 if not term.strip() else len(found)
    assert page["totalCount"] == expected_total


def test_status_filter_alone_and_with_search(client: GraphQLClient, people: str) -> None:
    active = search(client, people, status="ACTIVE", first=100)
    assert emails(active) == [
        "elodie@x.io",
        "emile@x.io",
        "noemie@x.io",
        "under_score@x.io",  # code point order: `_` before `a`
        "undera@x.io",
        "zoe@x.io",
    ]
    assert active["totalCount"] == 6
    assert {e["node"]["status"] for e in active["edges"]} == {"ACTIVE"}
    both = search(client, people, search="él", status="ACTIVE")
    assert (emails(both), both["totalCount"]) == (["elodie@x.io", "emile@x.io"], 2)
    bounced = search(client, people, search="e", status="BOUNCED")
    assert (emails(bounced), bounced["totalCount"]) == (["bob@x.io"], 1)


def test_search_pages_by_keyset(client: GraphQLClient) -> None:
    rows = "".join(f"user{n:03}@x.io,Name{n},Last\n" for n in range(45))
    group_id = client.import_file(
        ("email,first name,last name\nother@x.io,User,Zed\n" + rows).encode(), groupName="many"
    )["group"]["id"]
    seen: list[str] = []
    after = None
    while True:
        page = search(client, group_id, search="user", first=10, after=after)
        assert page["totalCount"] == 46
        seen += emails(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["other@x.io"] + [f"user{n:03}@x.io" for n in range(45)]
    bad = client.post(SEARCH, {"id": group_id, "search": "user", "after": "not a cursor"})
    assert bad.json()["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def test_other_accounts_see_nothing(
    client: GraphQLClient, other_client: GraphQLClient, people: str
) -> None:
    assert other_client.execute(SEARCH, {"id": people, "search": "élo"})["node"] is None
    # The other account's own group of the same addresses stays apart from this one.
    theirs = other_client.import_file(PEOPLE, groupName="people")["group"]["id"]
    assert search(other_client, theirs, search="élo")["totalCount"] == 1
    assert search(client, people, search="élo")["totalCount"] == 1


def test_successor_and_spellings() -> None:
    assert successor("ab") == "ac"
    assert successor("a\U0010ffff") == "b"
    assert successor("\U0010ffff") is None
    assert successor("a\ud7ff") == "a\ue000"
    assert search_prefix("  ÉLO ") == "élo"
    assert search_prefix("   ") is None
    assert case_spellings("élo") == ["Élo", "élo"]
    assert len(case_spellings("éééé")) == 8  # case variants for the first three only


def test_every_range_reads_an_index(server: LiveServer, backend: str) -> None:
    """The page query reads index ranges only (scans forbidden on PostgreSQL, whose planner
    prefers a scan of a small table)."""
    sql, ranges = search_page_sql(backend, group_id=1, prefix="élo", status="ACTIVE", paged=True)
    params = {"group_id": 1, "limit": 11, "status": "ACTIVE", "after": "a", **ranges}
    # The email, then the names as Élo, élo and élo in NFD (e + U+0301): a range of each
    # name on SQLite, one lexeme query on PostgreSQL.
    if backend == "sqlite":
        assert len(prefix_ranges("élo", backend)) == 1 + 3 * 2
    else:
        assert len(prefix_ranges("élo", backend)) == 1
        assert ranges["names"] == "'1:Élo':* | '1:élo':* | '1:e\u0301lo':*"

    async def plan() -> str:
        async with read_transaction(server.services.engine) as conn:
            if backend == "sqlite":
                rows = await conn.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"), params)
                return "\n".join(str(r[-1]) for r in rows)
            await conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = await conn.execute(sa.text(f"EXPLAIN {sql}"), params)
            return "\n".join(str(r[0]) for r in rows)

    text = server.run(plan())
    if backend == "sqlite":
        assert "(group_id=? AND email>? AND email<?)" in text, text
        assert "ix_recipient_first_name_lower (group_id=? AND <expr>>? AND <expr><?)" in text, text
        assert "ix_recipient_last_name_lower" in text, text
        assert "SCAN recipient" not in text, text
    else:
        assert "Index Scan using uq_recipient_group_email" in text, text
        assert "Bitmap Index Scan on ix_recipient_names_gin" in text, text
        assert "Seq Scan" not in text, text


HOSTILE = (
    "email,first name,last name\n"
    "quote@x.io,O'Brien,D'Arcy\n"
    "slash@x.io,Back\\slash,Forward/slash\n"
    "colon@x.io,a:b | c,& !x * (y)\n"
    "star@x.io,Star,Ünal\n"
).encode()


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("o'b", ["quote@x.io"]),
        ("d'", ["quote@x.io"]),
        ("'", []),
        ("back\\", ["slash@x.io"]),
        ("\\", []),
        ("forward/", ["slash@x.io"]),
        ("a:b |", ["colon@x.io"]),
        ("a:b | c", ["colon@x.io"]),
        ("& !x *", ["colon@x.io"]),
        (":b", []),
        ("*", []),
        ("st", ["star@x.io"]),  # the email and the first name: once
        ("ün", ["star@x.io"]),
        ("ü" * 1100, []),  # 2,200 bytes: longer than any name, and than a lexeme may be
    ],
)
def test_quotes_and_operators_in_names_are_plain_characters(
    client: GraphQLClient, term: str, found: list[str]
) -> None:
    """PostgreSQL reads names with a text query language (`tsquery`): its quotes, escapes and
    operators in a name or a search are characters like any other."""
    group = client.import_file(HOSTILE, groupName="hostile")["group"]["id"]
    page = search(client, group, search=term, first=10)
    assert (emails(page), page["totalCount"]) == (found, len(found))


# Letters whose case or form the search must see through, and the query language's own.
SEARCH_ALPHABET = st.sampled_from(list("aAeEéÉ\u0301İ\u0131iIßẞkK'\\:|&!*() -"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(
        st.tuples(
            st.none() | st.text(SEARCH_ALPHABET, max_size=6),
            st.none() | st.text(SEARCH_ALPHABET, max_size=6),
        ),
        min_size=1,
        max_size=12,
    ),
    searched=st.lists(st.text(SEARCH_ALPHABET, min_size=1, max_size=4), min_size=1, max_size=4),
)
def test_search_finds_what_the_plain_predicate_finds(
    server: LiveServer, names: list[tuple[str | None, str | None]], searched: list[str]
) -> None:
    """Any names, any prefix: the page and the count are the rows whose email, or whose
    `lower(name)` in the database, starts with the prefix or one of its spellings, read
    without any index (SQLite's ranges, PostgreSQL's lexemes); a second group's rows with the
    same names are never found."""
    server.run(_search_matches_predicate(server.services.engine, names, searched))


async def _search_matches_predicate(
    engine: AsyncEngine, names: list[tuple[str | None, str | None]], searched: list[str]
) -> None:
    async with write_transaction(engine) as conn:
        account = await ensure_account(conn, name="search-" + secrets.token_hex(4), now=NOW)
        groups = [
            await create_group(conn, account_id=account, name=str(n), now=NOW) for n in range(2)
        ]
        for group in groups:
            for n, (first, last) in enumerate(names):
                await run(
                    conn,
                    "INSERT INTO recipient (group_id, email, first_name, last_name, status,"
                    " created_at, updated_at, version) VALUES (:g, :e, :f, :l, 'ACTIVE', :now,"
                    " :now, 1)",
                    g=group,
                    e=f"r{n:02}-{'ae'[n % 2]}@x.io",
                    f=first,
                    l=last,
                    now=NOW,
                )
    for raw in searched:
        prefix = search_prefix(raw)
        if prefix is None:
            continue
        async with read_transaction(engine) as conn:
            window = Window[str](after=None, before=None, limit=100)
            page = await search_window(
                conn, group_id=groups[0], prefix=prefix, status=None, window=window
            )
            count = await search_count(conn, group_id=groups[0], prefix=prefix, status=None)
            expected = await _plain_matches(conn, groups[0], prefix)
        assert [r.email for r in page] == expected, (raw, names)
        assert count == len(expected), (raw, names)


async def _plain_matches(conn: AsyncConnection, group_id: int, prefix: str) -> list[str]:
    """The emails of the group that the search must find, by a scan of the group."""
    tests = ["substr(email, 1, length(:p)) = :p"]
    params: dict[str, object] = {"g": group_id, "p": prefix}
    for n, spelling in enumerate(name_prefixes(prefix)):
        params[f"s{n}"] = spelling
        tests += [f"substr(lower({c}), 1, length(:s{n})) = :s{n}" for c in NAME_COLUMNS]
    found = await run(
        conn,
        f"SELECT email FROM recipient WHERE group_id = :g AND ({' OR '.join(tests)})",
        **params,
    )
    return sorted(str(r.email) for r in found)
