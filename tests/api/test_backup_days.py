"""The backups page by local day: time zones, midnight, DST changes, node ids, download URLs."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from api.global_ids import decode_id
from tests.client import GraphQLClient
from tests.server import LiveServer

DAYS = """query D($tz: String, $first: Int) { backupOverview(first: $first, timeZone: $tz) {
  edges { node { id groupId timeZone days { id date backups { id createdAt } } } } } }"""
NODE = """query N($id: ID!) { node(id: $id) { id
  ... on GroupBackups { groupName backupCount timeZone days { id date backups { id } } }
  ... on BackupDay { date backups { id createdAt } } } }"""
URL = "query U($id: ID!) { node(id: $id) { ... on Backup { downloadUrl downloadUrlExpiresAt } } }"


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of the month (European clock changes happen then)."""
    day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def at(day: date, hour: int, minute: int) -> datetime:
    """That UTC time of `day`."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def backups_at(server: LiveServer, client: GraphQLClient, instants: list[datetime]) -> str:
    """A group with one IMPORT backup made at each instant (ascending); its id."""
    group_id: str | None = None
    for index, instant in enumerate([instants[0] - timedelta(minutes=1), *instants]):
        server.clock.set(instant)
        content = f"email\nn{index}@x.io\n".encode()
        fields = {"groupId": group_id} if group_id else {"groupName": "days"}
        job = client.import_file(content, **fields)
        group_id = job["group"]["id"]
    assert group_id is not None
    return group_id


def expected_days(instants: list[datetime], zone: str) -> list[tuple[str, int]]:
    """(local day, backups) newest first, as Python's zoneinfo reads the instants."""
    local = [i.astimezone(ZoneInfo(zone)).date().isoformat() for i in sorted(instants)[::-1]]
    return [(day, len(list(same))) for day, same in groupby(local)]


def overview_days(client: GraphQLClient, zone: str | None) -> list[tuple[str, int]]:
    """(day, backups) of the account's only group with backups."""
    edges = client.execute(DAYS, {"tz": zone})["backupOverview"]["edges"]
    assert len(edges) == 1
    return [(d["date"], len(d["backups"])) for d in edges[0]["node"]["days"]]


def later_year(server: LiveServer) -> int:
    """A year after the clock's (the session's clock only moves forward)."""
    return server.clock.now().year + 1


def test_paris_days_around_midnight_and_both_clock_changes(
    server: LiveServer, client: GraphQLClient
) -> None:
    year = later_year(server)
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    instants = [
        at(spring - timedelta(days=1), 22, 59),  # 23:59 CET, the day before
        at(spring - timedelta(days=1), 23, 0),  # 00:00 CET on the day of the change
        at(spring, 0, 59),  # 01:59 CET, just before 02:00 becomes 03:00
        at(spring, 1, 0),  # 03:00 CEST
        at(spring, 21, 59),  # 23:59 CEST
        at(spring, 22, 0),  # 00:00 CEST, the next day
        at(autumn, 0, 30),  # 02:30 CEST
        at(autumn, 1, 30),  # 02:30 CET, the same wall time an hour later
        at(autumn, 22, 59),  # 23:59 CET
        at(autumn, 23, 0),  # 00:00 CET, the next day
    ]
    backups_at(server, client, instants)
    paris = overview_days(client, "Europe/Paris")
    assert paris == expected_days(instants, "Europe/Paris")
    assert [count for _, count in paris] == [1, 3, 1, 4, 1]
    assert overview_days(client, "UTC") == expected_days(instants, "UTC")
    assert overview_days(client, "UTC") != paris


def test_half_hour_zones(server: LiveServer, client: GraphQLClient) -> None:
    year = later_year(server)
    base = datetime(year, 4, 10, tzinfo=UTC)
    # Asia/Kolkata is UTC+05:30 all year; Australia/Adelaide +10:30 then +09:30 (April change).
    adelaide_change = datetime(year, 4, 1, tzinfo=UTC) + timedelta(
        days=(6 - datetime(year, 4, 1).weekday()) % 7
    )
    instants = sorted(
        [
            base + timedelta(hours=18, minutes=29),  # 23:59 in Kolkata
            base + timedelta(hours=18, minutes=30),  # 00:00 the next day in Kolkata
            base + timedelta(hours=14, minutes=29),  # 23:59 in Adelaide (+09:30)
            base + timedelta(hours=14, minutes=30),  # 00:00 in Adelaide
            adelaide_change - timedelta(hours=13, minutes=31),  # the Saturday before, at +10:30
        ]
    )
    backups_at(server, client, instants)
    for zone in ("Asia/Kolkata", "Australia/Adelaide"):
        assert overview_days(client, zone) == expected_days(instants, zone), zone
    kolkata = dict(overview_days(client, "Asia/Kolkata"))
    assert kolkata[(base + timedelta(days=1)).date().isoformat()] == 1


def test_account_zone_is_the_default_and_unknown_zones_are_refused(
    server: LiveServer, client: GraphQLClient
) -> None:
    year = later_year(server)
    instants = [datetime(year, 6, 1, 23, 30, tzinfo=UTC)]  # 01:30 on June 2 in Paris
    backups_at(server, client, instants)
    assert overview_days(client, None) == [(f"{year}-06-01", 1)]
    set_account_zone(server, client, "Europe/Paris")
    assert overview_days(client, None) == [(f"{year}-06-02", 1)]
    for bad in ("Mars/Olympus", "europe/paris", "../etc/passwd", "", "Europe/Paris "):
        body = client.post(DAYS, {"tz": bad}).json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT", bad


def set_account_zone(server: LiveServer, client: GraphQLClient, zone: str) -> None:
    """Set the account's zone in the database (updateAccountSettings is another change's)."""
    viewer = client.execute("{ viewer { id } }")["viewer"]["id"]
    account_id = decode_id(viewer, "Account", field=[])

    async def update() -> None:
        async with server.services.engine.begin() as conn:
            query = sa.text("UPDATE account SET time_zone = :z WHERE id = :a")
            await conn.execute(query, {"z": zone, "a": account_id})

    server.run(update())


def test_group_backups_and_days_are_nodes_of_their_account_only(
    server: LiveServer, client: GraphQLClient, other_client: GraphQLClient
) -> None:
    year = later_year(server)
    instants = [datetime(year, 7, 1, 21, 0, tzinfo=UTC), datetime(year, 7, 1, 23, 0, tzinfo=UTC)]
    backups_at(server, client, instants)
    node = client.execute(DAYS, {"tz": "Europe/Paris"})["backupOverview"]["edges"][0]["node"]
    again = client.execute(DAYS, {"tz": "Europe/Paris"})["backupOverview"]["edges"][0]["node"]
    assert again["id"] == node["id"]
    assert [d["id"] for d in again["days"]] == [d["id"] for d in node["days"]]
    utc = client.execute(DAYS, {"tz": "UTC"})["backupOverview"]["edges"][0]["node"]
    assert utc["id"] != node["id"]  # other days: another object for a client cache

    fetched = client.execute(NODE, {"id": node["id"]})["node"]
    assert fetched["timeZone"] == "Europe/Paris"
    assert fetched["days"] == [
        {"id": d["id"], "date": d["date"], "backups": [{"id": b["id"]} for b in d["backups"]]}
        for d in node["days"]
    ]
    for day in node["days"]:
        found = client.execute(NODE, {"id": day["id"]})["node"]
        assert (found["id"], found["date"], found["backups"]) == (
            day["id"],
            day["date"],
            day["backups"],
        )
        assert other_client.execute(NODE, {"id": day["id"]})["node"] is None
    assert other_client.execute(NODE, {"id": node["id"]})["node"] is None
    type_name, key = base64.b64decode(node["days"][0]["id"]).decode().split(":", 1)
    missing = key.replace(node["days"][0]["date"], f"{year}-07-05")
    misspelt = key.replace(node["days"][0]["date"], node["days"][0]["date"].replace("-", ""))
    for other in (missing, misspelt, key.replace("Europe/Paris", "europe/paris")):
        other_id = base64.b64encode(f"{type_name}:{other}".encode()).decode()
        assert client.execute(NODE, {"id": other_id})["node"] is None, other


def test_download_url_is_stable_within_its_window(
    server: LiveServer, client: GraphQLClient
) -> None:
    year = later_year(server)
    start = datetime(year, 8, 1, 12, 0, tzinfo=UTC)
    backups_at(server, client, [start])
    backup = client.execute(DAYS, {"tz": "UTC"})["backupOverview"]["edges"][0]["node"]
    backup_id = backup["days"][0]["backups"][0]["id"]
    ttl = server.settings.download_url_ttl_seconds
    window = ttl // 3
    reads: list[dict[str, Any]] = []
    for seconds in (0, window // 2, window - 1):
        server.clock.set(start + timedelta(seconds=seconds))
        reads.append(client.execute(URL, {"id": backup_id})["node"])
    assert len({r["downloadUrl"] for r in reads}) == 1
    expires = datetime.fromisoformat(reads[0]["downloadUrlExpiresAt"])
    assert expires == start + timedelta(seconds=ttl)
    server.clock.set(start + timedelta(seconds=window))
    later = client.execute(URL, {"id": backup_id})["node"]
    assert later["downloadUrl"] != reads[0]["downloadUrl"]
    left = datetime.fromisoformat(later["downloadUrlExpiresAt"]) - server.clock.now()
    assert timedelta(seconds=ttl - window) <= left <= timedelta(seconds=ttl)
