"""`listkeeper retention` as a real process on a SQLite file a live server filled."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from api.auth import create_token
from api.clock import FrozenClock
from api.global_ids import decode_id
from tests.client import GraphQLClient
from tests.server import LiveServer

ROOT = Path(__file__).resolve().parents[2]
DELETE = """mutation D($input: DeleteGroupInput!) {
  deleteGroup(input: $input) { backup { id } userErrors { code } } }"""
# The frozen clock starts at 2026-01-01 12:00 UTC: backups made then expire 30 days later.
EXPIRY = "2026-01-31T12:00:00"


@dataclass(frozen=True)
class Prepared:
    """A SQLite file with a live group (one backup) and a deleted group (two backups)."""

    database: Path
    live_backup: int
    gone_group: int
    gone_backups: list[int]


@pytest.fixture
def prepared(tmp_path: Path) -> Prepared:
    """Fill a SQLite file through a live server, then stop the server."""
    database = tmp_path / "listkeeper.db"
    server = LiveServer(
        database_url=f"sqlite:///{database}", data_dir=tmp_path / "data", clock=FrozenClock()
    )
    server.start()
    try:
        token = server.run(
            create_token(engine=server.services.engine, account_name="cli", now=server.clock.now())
        )
        client = GraphQLClient(server.url, token)
        try:
            live = group_with_backup(client, "Live")
            gone = group_with_backup(client, "Gone")
            payload = client.execute(DELETE, {"input": {"groupId": gone[0]}})["deleteGroup"]
            assert payload["userErrors"] == []
        finally:
            client.close()
    finally:
        server.stop()
    deletion = decode_id(payload["backup"]["id"], "Backup", field=[])
    return Prepared(
        database, live[1], decode_id(gone[0], "Group", field=[]), sorted([gone[1], deletion])
    )


def group_with_backup(client: GraphQLClient, name: str) -> tuple[str, int]:
    """A group imported twice (the second import backs it up); its id and the backup's id."""
    job = client.import_file(b"email,first name\na@x.io,Ann\nb@x.io,Bob\n", groupName=name)
    group: str = job["group"]["id"]
    again = client.import_file(
        b"email,first name\na@x.io,Anna\n", groupId=group, mode="REFRESH_AND_ADD"
    )
    return group, decode_id(again["backup"]["id"], "Backup", field=[])


def listkeeper(
    *args: str, database: Path | None = None, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line as a separate process."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LISTKEEPER_")}
    if database is not None:
        env["LISTKEEPER_DATABASE_URL"] = f"sqlite:///{database}"
    if data_dir is not None:
        env["LISTKEEPER_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def rows(database: Path, query: str) -> list[tuple[object, ...]]:
    """Read the SQLite file directly."""
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute(query).fetchall()


def test_dry_run_then_sweep_print_what_they_delete(prepared: Prepared, tmp_path: Path) -> None:
    def retention(*args: str) -> subprocess.CompletedProcess[str]:
        return listkeeper("retention", *args, database=prepared.database, data_dir=tmp_path / "cli")

    early = retention("--dry-run", "--as-of", "2026-01-31T11:59:59")
    assert (early.returncode, early.stderr) == (0, ""), early.stderr
    assert "Would delete 0 expired backups\n" in early.stdout
    every = ", ".join(str(i) for i in sorted([prepared.live_backup, *prepared.gone_backups]))

    # 13:00 at +01:00 is 12:00 UTC: the expiry itself.
    dry = retention("--dry-run", "--as-of", "2026-01-31T13:00:00+01:00")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [
        "Retention sweep as of 2026-01-31T12:00:00+00:00 (dry run: nothing was deleted)",
        f"Would delete 3 expired backups: {every}",
        f"Would purge 1 deleted group: {prepared.gone_group}",
        "Would purge 2 recipient versions that no backup needs",
        "Would purge 2 recipients and 0 activities of deleted groups",
    ]
    assert rows(prepared.database, "SELECT count(*) FROM backup") == [(3,)]
    assert rows(prepared.database, "SELECT count(*) FROM recipient_version") == [(2,)]

    real = retention("--as-of", EXPIRY)
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[1:3] == [
        f"Deleted 3 expired backups: {every}",
        f"Purged 1 deleted group: {prepared.gone_group}",
    ]
    assert (
        real.stdout.replace("Deleted", "Would delete")
        .replace("Purged", "Would purge")
        .splitlines()[1:]
        == dry.stdout.splitlines()[1:]
    )
    assert rows(prepared.database, "SELECT count(*) FROM backup") == [(0,)]
    assert rows(prepared.database, "SELECT count(*) FROM recipient_version") == [(0,)]
    assert rows(prepared.database, "SELECT name FROM recipient_group") == [("Live",)]

    again = retention()
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[1:] == [
        "Deleted 0 expired backups",
        "Purged 0 deleted groups",
        "Purged 0 recipient versions that no backup needs",
        "Purged 0 recipients and 0 activities of deleted groups",
    ]


def test_help_explains_the_command() -> None:
    shown = listkeeper("retention", "--help")
    assert shown.returncode == 0
    for words in (
        "--dry-run",
        "--as-of ISO-DATETIME",
        "ISO 8601",
        "UTC",
        "whose expiry has passed",
        "exit codes",
    ):
        assert words in shown.stdout


def test_a_wrong_date_is_a_usage_error(tmp_path: Path) -> None:
    wrong = listkeeper("retention", "--as-of", "yesterday", data_dir=tmp_path)
    assert wrong.returncode == 2
    assert "not an ISO 8601 date-time: 'yesterday'" in wrong.stderr
    assert not (tmp_path / "listkeeper.db").exists()
