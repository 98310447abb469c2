"""`listkeeper import` and `listkeeper export` as operators run them: real processes."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.client import GraphQLClient
from tests.conftest import BACKENDS, database_url
from tests.server import LiveServer
from tests.support.processes import REPO, run_cli

PEOPLE = (
    "email,first name,last name,status,city\n"
    "ann@x.io,Ann,Lee,ACTIVE,Paris\n"
    "bob@x.io,Bob,,UNSUBSCRIBED,\n"
    'cy@x.io,=Cy,O\'Neil,BOUNCED,"Lyon, FR"\n'
)
CHANGED = "email,first name,last name,city\nann@x.io,Anna,Lee-Smith,Rome\ndee@x.io,Dee,,Oslo\n"
GROUP_IDS = "query { groups(first: 100) { edges { node { id name } } } }"
BACKUPS = "query B($g: ID) { backups(groupId: $g) { edges { node { id reason } } } }"


def assert_plain(result: subprocess.CompletedProcess[str], *secrets: str) -> None:
    """Piped: nothing on stdout, no terminal escapes, no secret anywhere."""
    assert result.stdout == "", result.stdout
    assert "\x1b" not in result.stderr, result.stderr
    for secret in secrets:
        assert secret not in result.stderr


def group_id(client: GraphQLClient, name: str) -> str:
    """The id of the account's live group called `name`."""
    edges = client.execute(GROUP_IDS)["groups"]["edges"]
    found = [e["node"]["id"] for e in edges if e["node"]["name"] == name]
    assert len(found) == 1, edges
    return str(found[0])


def csv_rows(text: str) -> list[dict[str, str]]:
    """The records of a CSV text, by header name."""
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def remote(server: LiveServer, client: GraphQLClient) -> dict[str, str]:
    """The environment of a CLI run against the live server with the client's token."""
    assert client.token is not None
    return {"LISTKEEPER_SERVER": server.url, "LISTKEEPER_TOKEN": client.token}


def test_remote_import_export_round_trip(
    client: GraphQLClient, remote: dict[str, str], server: LiveServer, tmp_path: Path
) -> None:
    assert client.token is not None
    (tmp_path / "people.csv").write_text(PEOPLE)
    (tmp_path / "changed.csv").write_text(CHANGED)
    # The token on the command line once, to check it is never echoed.
    first = run_cli(
        "import",
        "people.csv",
        "--group",
        "G",
        "--server",
        server.url,
        "--token",
        client.token,
        env={},
        cwd=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert_plain(first, client.token)
    assert "into a new group 'G'" in first.stderr
    group = group_id(client, "G")
    before = client.recipients(group)
    assert [p["email"] for p in before] == ["ann@x.io", "bob@x.io", "cy@x.io"]

    second = run_cli(
        "import",
        "changed.csv",
        "--group",
        "G",
        "--mode",
        "refresh-and-add",
        env=remote,
        cwd=tmp_path,
    )
    assert second.returncode == 0, second.stderr
    assert_plain(second, client.token)
    assert "into the existing group 'G'" in second.stderr
    assert "1 added, 1 updated, 0 unchanged, 0 skipped, 0 rejected" in second.stderr
    backups = client.execute(BACKUPS, {"g": group})["backups"]["edges"]
    assert [b["node"]["reason"] for b in backups] == ["IMPORT"]
    backup = backups[0]["node"]["id"]
    assert f"Backup made before the import: {backup}" in second.stderr
    assert client.recipients(group) != before

    export = run_cli("export", backup, "-o", "out.csv", env=remote, cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    assert_plain(export, client.token)
    assert not (tmp_path / "out.csv.part").exists()
    again = run_cli("import", "out.csv", "--group", "Copy", env=remote, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert client.recipients(group_id(client, "Copy")) == before


def test_remote_export_to_stdout_by_number(
    client: GraphQLClient, remote: dict[str, str], tmp_path: Path
) -> None:
    group = client.import_file(PEOPLE.encode(), groupName="G")["group"]["id"]
    job = client.import_file(CHANGED.encode(), groupId=group, mode="REFRESH_AND_ADD")
    number = re.sub(r"\D", "", _decoded(job["backup"]["id"]))
    result = run_cli("export", number, "-o", "-", env=remote, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [r["email"] for r in csv_rows(result.stdout)] == ["ann@x.io", "bob@x.io", "cy@x.io"]
    assert csv_rows(result.stdout)[2]["firstName"] == "'=Cy"  # neutralised for spreadsheets
    assert "Wrote 3 recipients of 'G'" in result.stderr


def _decoded(global_id: str) -> str:
    import base64

    return base64.b64decode(global_id).decode()


def test_rejected_rows_exit_3_and_are_listed(remote: dict[str, str], tmp_path: Path) -> None:
    bad = "".join(f"bad{i}-at-x.io,B{i}\n" for i in range(12))
    (tmp_path / "bad.csv").write_text("email,first name\nok@x.io,Ok\n" + bad)
    result = run_cli("import", "bad.csv", "--group", "G", env=remote, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "1 added" in result.stderr
    assert "12 rows were rejected:" in result.stderr
    assert "row 3, column 'email': INVALID_EMAIL: " in result.stderr
    assert "row 12, column 'email'" in result.stderr
    assert "row 13, column 'email'" not in result.stderr
    assert "... and 2 more" in result.stderr

    quiet = run_cli("import", "bad.csv", "--group", "G", "-q", env=remote, cwd=tmp_path)
    assert quiet.returncode == 3
    assert "added" not in quiet.stderr
    assert "row 3, column 'email'" in quiet.stderr


def test_unknown_ids_are_clear_errors(
    remote: dict[str, str], other_client: GraphQLClient, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE)
    foreign = other_client.import_file(PEOPLE.encode(), groupName="Theirs")["group"]["id"]
    for unknown in (foreign, "nonsense"):
        result = run_cli("import", "people.csv", "--group-id", unknown, env=remote, cwd=tmp_path)
        assert result.returncode == 5, result.stderr
        assert f"error: no group with id {unknown}" in result.stderr
    for unknown in ("999999", "QmFja3VwOjk5OTk5OQ=="):
        result = run_cli("export", unknown, "-o", "out.csv", env=remote, cwd=tmp_path)
        assert result.returncode == 5, result.stderr
        assert f"error: no backup with id {unknown}" in result.stderr
    assert not (tmp_path / "out.csv").exists()
    assert other_client.recipients(foreign) != []


def test_refused_import_prints_user_errors(remote: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE)
    # A group name of spaces only: the file is fine, the server refuses the request.
    result = run_cli("import", "people.csv", "--group", "  ", env=remote, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("Importing people.csv into a new group ''.\n")
    assert "error: the server refused the import:" in result.stderr
    assert "(INVALID_INPUT [groupName])" in result.stderr
    assert result.stderr.count("error:") == 1


def test_bad_token_and_unreachable_server(server: LiveServer, tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE)
    env = {"LISTKEEPER_SERVER": server.url, "LISTKEEPER_TOKEN": "lk_wrong-token"}
    refused = run_cli("import", "people.csv", "--group", "G", env=env, cwd=tmp_path)
    assert refused.returncode == 6
    assert refused.stderr == (
        f"error: {server.url} refused the token (401): check LISTKEEPER_TOKEN or --token\n"
    )
    env["LISTKEEPER_SERVER"] = "http://127.0.0.1:9"
    unreachable = run_cli("export", "1", "-o", "x.csv", env=env, cwd=tmp_path)
    assert unreachable.returncode == 7
    assert unreachable.stderr.startswith("error: cannot talk to http://127.0.0.1:9: ")
    assert unreachable.stderr.count("\n") == 1
    assert not (tmp_path / "x.csv").exists()


@pytest.fixture(params=BACKENDS)
def local(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """The environment of a CLI run on a fresh local database with the account `acme`."""
    env = {
        "LISTKEEPER_DATABASE_URL": database_url(request.param, tmp_path),
        "LISTKEEPER_DATA_DIR": str(tmp_path / "data"),
    }
    made = run_cli("create-token", "--account", "acme", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return env


def test_local_import_export_round_trip(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE)
    (tmp_path / "changed.csv").write_text(CHANGED)
    first = run_cli(
        "import", "people.csv", "--group", "G", "--account", "acme", env=local, cwd=tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert_plain(first)
    assert "3 added" in first.stderr
    second = run_cli(
        "import",
        "changed.csv",
        "--group",
        "G",
        "--mode",
        "refresh-and-add",
        "--account",
        "acme",
        env=local,
        cwd=tmp_path,
    )
    assert second.returncode == 0, second.stderr
    assert "1 added, 1 updated" in second.stderr
    found = re.search(r"Backup made before the import: (\S+) \(number (\d+)\)", second.stderr)
    assert found is not None, second.stderr
    global_id, number = found.groups()

    export = run_cli(
        "export", number, "-o", "out.csv", "--account", "acme", env=local, cwd=tmp_path
    )
    assert export.returncode == 0, export.stderr
    assert_plain(export)
    exported = (tmp_path / "out.csv").read_text()
    assert [
        (r["email"], r["firstName"], r["lastName"], r["status"], r["city"])
        for r in csv_rows(exported)
    ] == [
        ("ann@x.io", "Ann", "Lee", "ACTIVE", "Paris"),
        ("bob@x.io", "Bob", "", "UNSUBSCRIBED", ""),
        ("cy@x.io", "'=Cy", "O'Neil", "BOUNCED", "Lyon, FR"),
    ]
    piped = run_cli("export", global_id, "-o", "-", "--account", "acme", env=local, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == exported

    # Re-imported into a new group and exported again, the file comes back the same.
    copy = run_cli(
        "import", "out.csv", "--group", "Copy", "--account", "acme", env=local, cwd=tmp_path
    )
    assert copy.returncode == 0, copy.stderr
    third = run_cli(
        "import",
        "changed.csv",
        "--group",
        "Copy",
        "--mode",
        "refresh",
        "--account",
        "acme",
        env=local,
        cwd=tmp_path,
    )
    copy_backup = re.search(r"\(number (\d+)\)", third.stderr)
    assert copy_backup is not None, third.stderr
    again = run_cli(
        "export", copy_backup.group(1), "-o", "-", "--account", "acme", env=local, cwd=tmp_path
    )
    assert again.stdout == exported


def test_local_errors(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE)
    nobody = run_cli(
        "import", "people.csv", "--group", "G", "--account", "nobody", env=local, cwd=tmp_path
    )
    assert nobody.returncode == 5
    assert "error: no account named 'nobody'" in nobody.stderr
    missing = run_cli("export", "42", "-o", "x.csv", "--account", "acme", env=local, cwd=tmp_path)
    assert missing.returncode == 5
    assert "error: no backup with id 42" in missing.stderr
    refresh = run_cli(
        "import",
        "people.csv",
        "--group",
        "G",
        "--mode",
        "refresh",
        "--account",
        "acme",
        env=local,
        cwd=tmp_path,
    )
    assert refresh.returncode == 5
    assert "error: no group named 'G'" in refresh.stderr
    unmapped = run_cli(
        "import",
        "people.csv",
        "--group",
        "G",
        "--map",
        "nonsense",
        "--account",
        "acme",
        env=local,
        cwd=tmp_path,
    )
    assert unmapped.returncode == 2
    assert "--map takes COLUMN=FIELD" in unmapped.stderr
    no_target = run_cli("import", "people.csv", "--group", "G", env=local, cwd=tmp_path)
    assert no_target.returncode == 2
    assert "--account" in no_target.stderr


def test_local_import_with_mapping_and_rejected_rows(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "shop.csv").write_text(
        "E-Post;Vorname;Kundennr;Notiz\na@x.io;Ann;7;x\nnope;B;8;y\n"
    )
    result = run_cli(
        "import",
        "shop.csv",
        "--group",
        "Shop",
        "--account",
        "acme",
        "--map",
        "E-Post=email",
        "--map",
        "Vorname=firstName",
        "--map",
        "Kundennr=customerId",
        "--map",
        "Notiz=",
        env=local,
        cwd=tmp_path,
    )
    assert result.returncode == 3, result.stderr
    assert "1 added" in result.stderr
    assert "1 row was rejected:" in result.stderr
    assert "row 3, column 'E-Post': INVALID_EMAIL" in result.stderr


def test_progress_bar_on_a_terminal(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE)
    output = _run_on_terminal(
        ["import", "people.csv", "--group", "G", "--account", "acme"], env=local, cwd=tmp_path
    )
    assert "\x1b[" in output  # rich drew (and removed) its live bar
    assert "3 added" in output


def _run_on_terminal(args: list[str], *, env: dict[str, str], cwd: Path) -> str:
    import pty

    master, slave = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=clean | {"PYTHONPATH": str(REPO), "TERM": "xterm", **env},
        cwd=cwd,
    )
    os.close(slave)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(timeout=180) == 0
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.parametrize(
    ("command", "mentions"),
    [
        ([], ["import", "export"]),
        (
            ["import"],
            ["--group", "--group-id", "--mode", "--map", "--rejects", "--server", "--account"],
        ),
        (["export"], ["BACKUP_ID", "-o FILE", "--server", "--token", "--account", "FILE.part"]),
    ],
)
def test_help_explains_itself(command: list[str], mentions: list[str], tmp_path: Path) -> None:
    result = run_cli(*command, "--help", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for word in mentions:
        assert word in result.stdout
    if command:
        assert "exit codes:" in result.stdout
        assert "examples:" in result.stdout
