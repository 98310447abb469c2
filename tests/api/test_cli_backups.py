"""`listkeeper backups`: the listing scripts use to find a backup to export."""

from __future__ import annotations

from pathlib import Path

from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.processes import run_cli


def test_lists_backups_newest_first_remote(
    server: LiveServer, client: GraphQLClient, tmp_path: Path
) -> None:
    one = client.import_file(b"email\na@x.io\n", groupName="One")["group"]["id"]
    first = client.import_file(b"email\nb@x.io\n", groupId=one)["backup"]
    two = client.import_file(b"email\nc@x.io\n", groupName="Two")["group"]["id"]
    second = client.import_file(b"email\nd@x.io\n", groupId=two)["backup"]
    env = {"LISTKEEPER_SERVER": server.url, "LISTKEEPER_TOKEN": str(client.token)}

    listed = run_cli("backups", env=env, cwd=tmp_path)
    only_one = run_cli("backups", "--group", "One", env=env, cwd=tmp_path)
    missing = run_cli("backups", "--group", "Nope", env=env, cwd=tmp_path)

    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(r[0], r[2], r[3], r[6]) for r in rows] == [
        (second["id"], "Two", "IMPORT", "1"),
        (first["id"], "One", "IMPORT", "1"),
    ]
    assert [line.split("\t")[0] for line in only_one.stdout.splitlines()] == [first["id"]]
    assert (missing.returncode, missing.stdout) == (5, "")
    assert "no live group named 'Nope'" in missing.stderr
    assert str(client.token) not in listed.stdout + listed.stderr


def test_lists_backups_of_the_local_database(tmp_path: Path) -> None:
    env = {
        "LISTKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "LISTKEEPER_DATA_DIR": str(tmp_path / "data"),
    }
    assert run_cli("create-token", "--account", "acme", env=env, cwd=tmp_path).returncode == 0
    people = tmp_path / "people.csv"
    people.write_text("email\na@x.io\n")
    for _ in range(2):
        imported = run_cli(
            "import", str(people), "--group", "G", "--account", "acme", env=env, cwd=tmp_path
        )
        assert imported.returncode == 0, imported.stderr
    listed = run_cli("backups", "--account", "acme", "--limit", "5", env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(r[1], r[2], r[3], r[6]) for r in rows] == [("1", "G", "IMPORT", "1")]
    exported = run_cli("export", rows[0][0], "-o", "-", "--account", "acme", env=env, cwd=tmp_path)
    assert exported.stdout.splitlines()[1:] == ["a@x.io,,,ACTIVE"]
