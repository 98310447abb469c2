"""Restore to any moment (continuous protection) through the endpoint, on both databases.

A random sequence of writes (imports in every mode, restores as of earlier moments,
erasures) runs with the fake clock moving; at every moment between them, the group as of
that moment (its download, its comparison with now) must equal a plain-Python model of it,
and a restore as of a moment must give that model back row by row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.global_ids import decode_id
from storage.db import read_transaction
from storage.sql import run
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import compare
from tests.support.documents import ERASE, RESTORE

EMAILS = ("ann@x.io", "bob@x.io", "cid@x.io", "dan@x.io", "eve@x.io")
FIRST_NAMES = ("", "Ann", "Bob", "Zoë")
CITIES = ("", "Paris", "Lyon")
STATUSES = ("", "", "active", "inactive", "unsubscribed", "bounced")
SUPPRESSED = {"UNSUBSCRIBED", "BOUNCED"}
IMPORT_MODES = ("ADD", "REFRESH_AND_ADD", "REFRESH")

COMPARE_AS_OF = """query C($id: ID!, $at: DateTime!) { node(id: $id) { ... on Group {
  comparison(asOf: $at) { unchanged changed added removed } } } }"""
URL_AS_OF = """query U($id: ID!, $at: DateTime!) { node(id: $id) { ... on Group {
  downloadUrl(asOf: $at) } } }"""
SWITCH = """mutation S($input: SetBackupEnabledInput!) { setBackupEnabled(input: $input) {
  userErrors { code } } }"""

# email -> (first name, status, attributes); the last name is never written.
Person = tuple[str | None, str, dict[str, str]]
Model = dict[str, Person]


def iso(moment: datetime) -> str:
    """A DateTime argument."""
    return moment.isoformat()


def csv_file(rows: list[tuple[str, str, str, str]]) -> bytes:
    """An import file: email, first name, city (an attribute), status."""
    lines = ["email,first name,city,status"] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def after_import(model: Model, rows: list[tuple[str, str, str, str]], mode: str) -> Model:
    """The group after importing `rows` in `mode` (the documented rules; the last row wins)."""
    result = dict(model)
    last = {email: (first, city, status) for email, first, city, status in rows}
    for email, (first, city, status) in last.items():
        word = status.upper() or None
        attrs = {"city": city} if city else {}
        if email not in result:
            if mode != "REFRESH":
                result[email] = (first or None, word or "ACTIVE", attrs)
            continue
        if mode == "ADD":
            continue
        old_first, old_status, old_attrs = result[email]
        kept = old_status in SUPPRESSED and word not in SUPPRESSED
        new_status = old_status if word is None or kept else word
        result[email] = (first or old_first, new_status, old_attrs | attrs)
    return result


def after_replace(current: Model, source: Model) -> Model:
    """The group after a REPLACE restore of `source`: its rows, the suppression guard kept."""
    result: Model = {}
    for email, (first, status, attrs) in source.items():
        now_status = current[email][1] if email in current else None
        kept = now_status in SUPPRESSED and status not in SUPPRESSED
        result[email] = (first, now_status if kept and now_status else status, attrs)
    return result


def replace_counts(current: Model, source: Model) -> dict[str, int]:
    """The job's counts of a REPLACE restore of `source` onto `current` (a row whose status
    the guard kept is not unchanged, even when nothing else changed)."""
    result = after_replace(current, source)
    common = current.keys() & source.keys()
    updated = {email for email in common if result[email] != current[email]}
    kept = {
        email
        for email in common
        if current[email][1] in SUPPRESSED and source[email][1] not in SUPPRESSED
    }
    return {
        "totalRows": len(source),
        "added": len(source.keys() - current.keys()),
        "updated": len(updated),
        "unchanged": len(common) - len(updated) - len(kept - updated),
        "removed": len(current.keys() - source.keys()),
    }


def downloaded(response: httpx.Response) -> tuple[list[str], Model]:
    """The attribute columns of a downloaded CSV and its rows as a model."""
    assert response.status_code == 200, response.text
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    names = header[4:]
    found: Model = {}
    for row in rows:
        attrs = {name: value for name, value in zip(names, row[4:], strict=True) if value}
        found[row[0]] = (row[1] or None, row[3], attrs)
    return names, found


def model_of(recipients: list[dict[str, Any]]) -> Model:
    """The recipients the API lists, as a model."""
    return {
        r["email"]: (
            r["firstName"],
            r["status"],
            {a["name"]: a["value"] for a in r["attributes"]},
        )
        for r in recipients
    }


def comparison_of(then: Model, now: Model) -> tuple[int, int, int, int]:
    """(unchanged, changed, added, removed) between a state then and the group now."""
    both = then.keys() & now.keys()
    changed = sum(1 for email in both if then[email] != now[email])
    return (
        len(both) - changed,
        changed,
        len(now.keys() - then.keys()),
        len(then.keys() - now.keys()),
    )


@dataclass
class History:
    """The group and what it was at each moment the test wrote down."""

    group_id: str
    model: Model = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    moments: list[tuple[datetime, Model, set[str]]] = field(default_factory=list)

    def note(self, moment: datetime) -> None:
        """The group as it is now is what it was at `moment`."""
        self.moments.append((moment, dict(self.model), set(self.names)))


def restore_as_of(client: GraphQLClient, **input_fields: Any) -> dict[str, Any]:
    """Run restoreBackup(asOf) and wait for its job; the finished job."""
    payload = client.execute(RESTORE, {"input": input_fields})["restoreBackup"]
    assert payload["userErrors"] == [], payload
    return client.wait_job(payload["job"]["id"])


def restore_errors(client: GraphQLClient, **input_fields: Any) -> list[dict[str, Any]]:
    """The userErrors of a restoreBackup expected to be refused."""
    payload = client.execute(RESTORE, {"input": input_fields})["restoreBackup"]
    assert payload["job"] is None, payload
    errors: list[dict[str, Any]] = payload["userErrors"]
    return errors


def as_of_download(client: GraphQLClient, group_id: str, moment: datetime) -> httpx.Response:
    """GET the group's CSV as of `moment` by its signed URL (no Authorization header)."""
    url = client.execute(URL_AS_OF, {"id": group_id, "at": iso(moment)})["node"]["downloadUrl"]
    return httpx.get(url)


def compare_as_of(client: GraphQLClient, group_id: str, moment: datetime) -> tuple[int, ...]:
    """Group.comparison(asOf) as a tuple."""
    found = client.execute(COMPARE_AS_OF, {"id": group_id, "at": iso(moment)})["node"]
    c = found["comparison"]
    return c["unchanged"], c["changed"], c["added"], c["removed"]


def query_error(client: GraphQLClient, query: str, variables: dict[str, Any]) -> str:
    """The code of the top-level error a query gets."""
    body = client.post(query, variables).json()
    assert body.get("errors"), body
    code: str = body["errors"][0]["extensions"]["code"]
    return code


write_steps = st.one_of(
    st.tuples(
        st.just("import"),
        st.sampled_from(IMPORT_MODES),
        st.lists(
            st.tuples(
                st.sampled_from(EMAILS),
                st.sampled_from(FIRST_NAMES),
                st.sampled_from(CITIES),
                st.sampled_from(STATUSES),
            ),
            min_size=1,
            max_size=5,
        ),
    ),
    st.tuples(st.just("restore"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("erase"), st.sampled_from(EMAILS)),
)


def run_step(client: GraphQLClient, history: History, step: tuple[Any, ...]) -> None:
    """Apply one step to the group through the API and to the model."""
    if step[0] == "import":
        _, mode, rows = step
        client.import_file(csv_file(rows), groupId=history.group_id, mode=mode)
        history.model = after_import(history.model, rows, mode)
        history.names.add("city")
    elif step[0] == "restore":
        moment, source, _names = history.moments[step[1] % len(history.moments)]
        job = restore_as_of(client, asOf=iso(moment), groupId=history.group_id, strategy="REPLACE")
        assert job["status"] == "SUCCEEDED", job
        # Only what changed since that moment is merged; the counts are still the whole
        # state's, as a restore of it into another group holding these rows would give.
        assert {
            key: job[key] for key in ("totalRows", "added", "updated", "unchanged", "removed")
        } == replace_counts(history.model, source)
        history.model = after_replace(history.model, source)
    else:
        client.execute(ERASE, {"input": {"email": step[1]}})
        # Erasure removes the address from every moment, not only from now.
        history.model.pop(step[1], None)
        for _, state, _names in history.moments:
            state.pop(step[1], None)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=write_steps.filter(lambda s: s[0] == "import"), steps=st.lists(write_steps, max_size=6)
)
def test_as_of_every_moment_is_the_model_of_that_moment(
    server: LiveServer, client: GraphQLClient, first: tuple[Any, ...], steps: list[tuple[Any, ...]]
) -> None:
    _, mode, rows = first
    made = client.import_file(csv_file(rows), groupName="moments", mode=mode)
    history = History(made["group"]["id"], after_import({}, rows, mode), {"city"})
    for step in steps:
        server.clock.advance(timedelta(seconds=7))
        history.note(server.clock.now())
        server.clock.advance(timedelta(seconds=3))
        run_step(client, history, step)
    server.clock.advance(timedelta(seconds=5))
    history.note(server.clock.now())
    assert model_of(client.recipients(history.group_id)) == history.model
    for moment, state, names in history.moments:
        found_names, found = downloaded(as_of_download(client, history.group_id, moment))
        assert found == state, moment
        assert set(found_names) <= names
        assert compare_as_of(client, history.group_id, moment) == comparison_of(
            state, history.model
        )
    # One moment restored into a new group through the job, read back row by row.
    moment, state, _names = history.moments[len(history.moments) // 2]
    server.clock.advance(timedelta(seconds=1))
    job = restore_as_of(client, asOf=iso(moment), sourceGroupId=history.group_id)
    assert job["status"] == "SUCCEEDED", job
    assert job["group"]["id"] != history.group_id
    assert model_of(client.recipients(job["group"]["id"])) == state


def test_undoing_an_import_as_of_the_moment_before_it(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = client.import_file(
        csv_file([("ann@x.io", "Ann", "Paris", ""), ("bob@x.io", "Bob", "", "unsubscribed")]),
        groupName="undo",
    )["group"]["id"]
    before = client.recipients(group_id)
    server.clock.advance(timedelta(minutes=1))
    moment = server.clock.now()
    server.clock.advance(timedelta(minutes=1))
    client.import_file(
        csv_file([("ann@x.io", "Anna", "Lyon", ""), ("cid@x.io", "Cid", "Rome", "")]),
        groupId=group_id,
        mode="REFRESH_AND_ADD",
    )
    assert compare_as_of(client, group_id, moment) == (1, 1, 1, 0)
    server.clock.advance(timedelta(minutes=1))
    job = restore_as_of(client, asOf=iso(moment), groupId=group_id, strategy="REPLACE")
    assert (job["status"], job["updated"], job["removed"]) == ("SUCCEEDED", 1, 1)
    assert job["backup"]["reason"] == "RESTORE"  # the target was backed up first
    assert client.recipients(group_id) == before
    # The restore is itself a moment: the imported state is still there to go back to.
    assert compare_as_of(client, group_id, moment) == (2, 0, 0, 0)


def test_moments_that_cannot_be_had_are_refused(server: LiveServer, client: GraphQLClient) -> None:
    created = server.clock.now()
    group_id = client.import_file(csv_file([("ann@x.io", "Ann", "", "")]), groupName="edges")[
        "group"
    ]["id"]
    server.clock.advance(timedelta(hours=1))
    now = server.clock.now()
    cases = {
        "future": now + timedelta(seconds=1),
        "before the first write": created - timedelta(seconds=1),
        "outside the period": now - timedelta(days=31),
    }
    for case, moment in cases.items():
        errors = restore_errors(client, asOf=iso(moment), groupId=group_id)
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["asOf"])], case
        assert query_error(client, COMPARE_AS_OF, {"id": group_id, "at": iso(moment)}) == (
            "INVALID_INPUT"
        ), case
        assert query_error(client, URL_AS_OF, {"id": group_id, "at": iso(moment)}) == (
            "INVALID_INPUT"
        ), case
    backup = client.import_file(csv_file([("bob@x.io", "", "", "")]), groupId=group_id)["backup"]
    both = restore_errors(client, asOf=iso(now), backupId=backup["id"], groupId=group_id)
    neither = restore_errors(client, groupId=group_id)
    no_group = restore_errors(client, asOf=iso(now), groupName="copy")
    assert [e["code"] for e in both + neither + no_group] == ["INVALID_INPUT"] * 3
    assert no_group[0]["field"] == ["sourceGroupId"]
    # A moment of the period is fine, even one long before the last write.
    assert compare_as_of(client, group_id, now - timedelta(minutes=30)) == (1, 0, 1, 0)


def test_another_accounts_group_is_not_found(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    group_id = client.import_file(csv_file([("ann@x.io", "Ann", "", "")]), groupName="mine")[
        "group"
    ]["id"]
    server.clock.advance(timedelta(seconds=5))
    moment = iso(server.clock.now())
    theirs = other_client.import_file(csv_file([("x@x.io", "", "", "")]), groupName="theirs")
    for fields in ({"sourceGroupId": group_id}, {"groupId": group_id}):
        errors = restore_errors(other_client, asOf=moment, **fields)
        assert [e["code"] for e in errors] == ["NOT_FOUND"]
    errors = restore_errors(
        other_client, asOf=moment, sourceGroupId=theirs["group"]["id"], groupId=group_id
    )
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["groupId"])]
    assert other_client.execute(COMPARE_AS_OF, {"id": group_id, "at": moment})["node"] is None
    # A signed link names its account: another account's link to this group finds nothing.
    url = client.execute(URL_AS_OF, {"id": group_id, "at": moment})["node"]["downloadUrl"]
    assert httpx.get(url).status_code == 200
    forged = url.replace("/as-of/", "/backups/")
    assert httpx.get(forged).status_code == 403
    server.clock.advance(timedelta(hours=1))
    assert httpx.get(url).status_code == 410


def test_with_backups_off_no_history_is_kept_and_no_moment_restored(
    server: LiveServer, client: GraphQLClient
) -> None:
    group_id = client.import_file(csv_file([("ann@x.io", "Ann", "", "")]), groupName="off")[
        "group"
    ]["id"]
    group_db_id = decode_id(group_id, "Group", field=["id"])
    server.clock.advance(timedelta(seconds=5))
    protected = server.clock.now()
    switch(client, group_id, enabled=False)
    server.clock.advance(timedelta(seconds=5))
    client.import_file(
        csv_file([("ann@x.io", "Anna", "", "")]), groupId=group_id, mode="REFRESH_AND_ADD"
    )
    assert history_rows(server, group_db_id) == 0  # no copy of Ann
    server.clock.advance(timedelta(seconds=5))
    unprotected = server.clock.now()
    errors = restore_errors(client, asOf=iso(unprotected), groupId=group_id)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["asOf"])]
    switch(client, group_id, enabled=True)
    # Ann's version was never kept: the moment before that write is gone for good; the
    # moments after it are whole again.
    errors = restore_errors(client, asOf=iso(protected), groupId=group_id)
    assert [e["code"] for e in errors] == ["INVALID_INPUT"]
    server.clock.advance(timedelta(seconds=5))
    client.import_file(
        csv_file([("ann@x.io", "Annie", "", "")]), groupId=group_id, mode="REFRESH_AND_ADD"
    )
    assert history_rows(server, group_db_id) >= 1
    _, found = downloaded(as_of_download(client, group_id, unprotected))
    assert found == {"ann@x.io": ("Anna", "ACTIVE", {})}


def test_retention_keeps_the_period_and_drops_what_is_older(
    server: LiveServer, client: GraphQLClient
) -> None:
    from api.retention import sweep

    group_id = client.import_file(csv_file([("ann@x.io", "A0", "", "")]), groupName="kept")[
        "group"
    ]["id"]
    group_db_id = decode_id(group_id, "Group", field=["id"])
    moments = []
    for day in range(1, 5):
        server.clock.advance(timedelta(days=10))
        client.import_file(
            csv_file([("ann@x.io", f"A{day}", "", "")]), groupId=group_id, mode="REFRESH"
        )
        moments.append(server.clock.now() + timedelta(seconds=1))
    server.clock.advance(timedelta(days=5))
    # Now: writes at days 0, 10, 20, 30, 40; the period (30 days) starts at day 15.
    report = server.run(sweep(engine=server.services.engine, as_of=server.clock.now()))
    assert report.failures == []
    # Every write's backup sees the state before it; their expiry decides the rest. The
    # states as of day 20 and later are whole, day 10's is outside the period.
    for day, moment in zip((10, 20, 30, 40), moments, strict=True):
        if day < 15:
            assert restore_errors(client, asOf=iso(moment), groupId=group_id)
            continue
        _, found = downloaded(as_of_download(client, group_id, moment))
        assert found == {"ann@x.io": (f"A{day // 10}", "ACTIVE", {})}
    server.clock.advance(timedelta(days=40))
    server.run(sweep(engine=server.services.engine, as_of=server.clock.now()))
    # Everything is older than the period and every backup expired: no version, one log row.
    assert history_rows(server, group_db_id) == 0
    assert log_rows(server, group_db_id) == 1
    # The one moment left (the latest write) is outside the period too.
    assert restore_errors(client, asOf=iso(moments[-1]), groupId=group_id)


def switch(client: GraphQLClient, group_id: str, *, enabled: bool) -> None:
    """Turn the group's backup switch on or off."""
    payload = client.execute(SWITCH, {"input": {"groupId": group_id, "enabled": enabled}})
    assert payload["setBackupEnabled"]["userErrors"] == []


def history_rows(server: LiveServer, group_id: int) -> int:
    """The group's history rows."""
    return _count(server, "recipient_version", group_id)


def log_rows(server: LiveServer, group_id: int) -> int:
    """The group's write-log rows."""
    return _count(server, "group_write", group_id)


def _count(server: LiveServer, table: str, group_id: int) -> int:
    async def read() -> int:
        async with read_transaction(server.services.engine) as conn:
            result = await run(
                conn, f"SELECT count(*) FROM {table} WHERE group_id = :g", g=group_id
            )
            return int(result.scalar_one())

    return server.run(read())


def test_a_value_that_appears_is_a_change_in_every_comparison(
    server: LiveServer, client: GraphQLClient
) -> None:
    # A first name or an attribute where there was none: NULL on one side of the comparison.
    group_id = client.import_file(csv_file([("ann@x.io", "", "", "")]), groupName="nulls")["group"][
        "id"
    ]
    server.clock.advance(timedelta(seconds=5))
    moment = server.clock.now()
    server.clock.advance(timedelta(seconds=5))
    job = client.import_file(
        csv_file([("ann@x.io", "Ann", "Paris", "")]), groupId=group_id, mode="REFRESH"
    )
    found = compare(client, job["backup"]["id"])
    assert (found["unchanged"], found["changed"], found["added"], found["removed"]) == (0, 1, 0, 0)
    assert compare_as_of(client, group_id, moment) == (0, 1, 0, 0)
