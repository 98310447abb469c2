"""The CLI's messages and exit codes, from outside: one message per kind of failure, no traceback.

Every run is a real `listkeeper` process (tests/support/processes.run_cli); the exit codes are
those of api/commands/console.py, which README's table and every command's --help repeat.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from api.commands.console import EXIT_MEANINGS
from tests.client import GraphQLClient
from tests.conftest import BACKENDS, database_url
from tests.server import LiveServer
from tests.support.processes import REPO, run_cli

JOBS = "query { jobs(first: 10) { edges { node { id } } } }"
GROUPS = "query { groups(first: 10) { edges { node { name } } } }"
COMMANDS = [
    "serve", "import", "export", "backups", "create-token", "tokens", "revoke-token", "retention",
    "worker",
]  # fmt: skip


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single message of a failed run (it may take an indented second line), checked."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.count("error:") == 1, result.stderr
    assert result.stdout == "", result.stdout
    return result.stderr


@pytest.fixture
def offline(tmp_path: Path) -> dict[str, str]:
    """A local target whose database is never opened when the file is refused first."""
    return {
        "LISTKEEPER_DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}",
        "LISTKEEPER_DATA_DIR": str(tmp_path / "data"),
    }


def refused_file(tmp_path: Path, env: dict[str, str], name: str, *options: str) -> str:
    """Import `name` locally; the message of a refusal with exit code 4, nothing opened."""
    result = run_cli(
        "import", name, "--group", "G", "--account", "a", *options, env=env, cwd=tmp_path
    )
    assert result.returncode == 4, result.stderr
    assert not (tmp_path / "never.db").exists()  # refused before the database was opened
    return one_error(result)


def test_no_email_column_suggests_the_address_column(
    offline: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "shop.csv").write_text("Name;Kontakt;Stadt\nAnn;ann@x.io;Paris\nBob;bob@x.io;Rom\n")
    assert refused_file(tmp_path, offline, "shop.csv") == (
        "error: shop.csv cannot be imported: it has no email column; its columns are 'Name',"
        " 'Kontakt', 'Stadt'.\n"
        '  Say which column holds the addresses with --map, e.g. --map "Kontakt=email"'
        " ('Kontakt' holds addresses).\n"
    )


def test_no_email_column_without_addresses_gets_the_generic_form(
    offline: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "names.csv").write_text("Vorname,Nachname\nAnn,Lee\n")
    assert refused_file(tmp_path, offline, "names.csv") == (
        "error: names.csv cannot be imported: it has no email column; its columns are"
        " 'Vorname', 'Nachname'.\n"
        '  Say which column holds the addresses with --map, e.g. --map "COLUMN=email".\n'
    )


def test_a_mapping_naming_an_unknown_column_or_no_email(
    offline: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "shop.csv").write_text("Name,E-Mail Kunde,Kosten $\nAnn,ann@x.io,3\n")
    misspelt = refused_file(tmp_path, offline, "shop.csv", "--map", "E-Mail Kunden=email")
    assert misspelt == (
        'error: shop.csv cannot be imported: --map "E-Mail Kunden=email" names a column the'
        " file does not have; its columns are 'Name', 'E-Mail Kunde', 'Kosten $'.\n"
        '  Use the column\'s name as the header spells it, e.g. --map "E-Mail Kunde=email".\n'
    )
    no_email = refused_file(tmp_path, offline, "shop.csv", "--map", "Name=firstName")
    assert no_email == (
        "error: shop.csv cannot be imported: no --map names the email column; its columns are"
        " 'Name', 'E-Mail Kunde', 'Kosten $'.\n"
        '  Say which column holds the addresses with --map, e.g. --map "E-Mail Kunde=email"'
        " ('E-Mail Kunde' holds addresses) besides your other --map options.\n"
    )
    # A `$` would expand inside double quotes: the example is single-quoted.
    dollar = refused_file(tmp_path, offline, "shop.csv", "--map", "Kosten=cost")
    assert "e.g. --map 'Kosten $=cost'." in dollar


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "error: no such file: missing.csv\n"),
        ("folder", "dir", "error: folder is not a file (a directory?)\n"),
        ("empty.csv", b"", "error: empty.csv cannot be imported: The file is empty.\n"),
        (
            "book.xlsx",
            b"PK\x03\x04rest",
            "error: book.xlsx cannot be imported: The file is a ZIP archive (xlsx, docx, ods or"
            " zip), not a CSV file. Save it from your spreadsheet as CSV (comma or semicolon"
            " separated) and retry.\n",
        ),
        (
            "noise.bin",
            b"\x00\x01\x02" * 100,
            "error: noise.bin cannot be imported: The file contains binary data, not CSV text."
            " Save it from your spreadsheet as CSV (comma or semicolon separated) and retry.\n",
        ),
    ],
)
def test_files_that_cannot_be_imported(
    offline: dict[str, str], tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    if content == "dir":
        (tmp_path / name).mkdir()
    elif isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    assert refused_file(tmp_path, offline, name) == message


def test_an_unreadable_file(offline: dict[str, str], tmp_path: Path) -> None:
    # Reading a process's own memory from offset 0 fails with EIO, for root as for anyone.
    result = run_cli(
        "import", "/proc/self/mem", "--group", "G", "--account", "a", env=offline, cwd=tmp_path
    )
    assert result.returncode == 4, result.stderr
    assert one_error(result) == "error: cannot read /proc/self/mem: Input/output error\n"


def test_remote_refuses_a_bad_file_before_uploading(
    client: GraphQLClient, server: LiveServer, tmp_path: Path
) -> None:
    (tmp_path / "names.csv").write_text("Vorname,Kontakt\nAnn,ann@x.io\n")
    env = {"LISTKEEPER_SERVER": server.url, "LISTKEEPER_TOKEN": str(client.token)}
    result = run_cli("import", "names.csv", "--group", "G", env=env, cwd=tmp_path)
    assert result.returncode == 4
    assert 'e.g. --map "Kontakt=email"' in one_error(result)
    assert client.execute(JOBS)["jobs"]["edges"] == []


@pytest.fixture(params=BACKENDS)
def local(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A fresh local database with the account `acme`."""
    env = {
        "LISTKEEPER_DATABASE_URL": database_url(request.param, tmp_path),
        "LISTKEEPER_DATA_DIR": str(tmp_path / "data"),
    }
    made = run_cli("create-token", "--account", "acme", env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    return env


SUBSCRIBED = "email,status\nann@x.io,UNSUBSCRIBED\nbob@x.io,ACTIVE\ncy@x.io,BOUNCED\n"
RESUBSCRIBED = "email,status\nann@x.io,ACTIVE\nbob@x.io,ACTIVE\ncy@x.io,ACTIVE\n"
KEPT = (
    "Imported into group 'G' ({group}): 0 added, 0 updated, 1 unchanged, 0 skipped, 0 rejected,"
    " kept unsubscribed: 2.\n"
)


def test_kept_unsubscribed_is_counted_locally(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "first.csv").write_text(SUBSCRIBED)
    (tmp_path / "again.csv").write_text(RESUBSCRIBED)
    base = ("--group", "G", "--account", "acme")
    first = run_cli("import", "first.csv", *base, env=local, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "kept unsubscribed" not in first.stderr
    again = run_cli(
        "import", "again.csv", *base, "--mode", "refresh-and-add", env=local, cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    group = re.search(r"existing group 'G' \((\S+)\)", again.stderr)
    assert group is not None, again.stderr
    assert KEPT.format(group=group[1]) in again.stderr


def test_kept_unsubscribed_is_counted_remotely(
    client: GraphQLClient, server: LiveServer, tmp_path: Path
) -> None:
    group = client.import_file(SUBSCRIBED.encode(), groupName="G")["group"]["id"]
    (tmp_path / "again.csv").write_text(RESUBSCRIBED)
    env = {"LISTKEEPER_SERVER": server.url, "LISTKEEPER_TOKEN": str(client.token)}
    again = run_cli(
        "import", "again.csv", "--group-id", group, "--mode", "refresh", env=env, cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert KEPT.format(group=group) in again.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_every_help_shows_its_exit_codes(command: str, tmp_path: Path) -> None:
    result = run_cli(command, "--help", env={}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("exit codes:\n", 1)[1]
    codes = [int(code) for code in re.findall(r"^  (\d+) ", listed, flags=re.MULTILINE)]
    assert {0, 2} <= set(codes), listed
    for code in codes:
        meaning = " ".join(EXIT_MEANINGS[code].split()[:4])
        assert meaning in " ".join(listed.split()), (code, listed)


def test_export_help_lists_its_own_codes(tmp_path: Path) -> None:
    listed = run_cli("export", "--help", env={}, cwd=tmp_path).stdout.split("exit codes:\n")[1]
    codes = re.findall(r"^  (\d+) ", listed, flags=re.MULTILINE)
    assert codes == ["0", "1", "2", "5", "6", "7", "8", "130"]


def test_readme_has_the_one_table_of_exit_codes() -> None:
    readme = (REPO / "README.md").read_text()
    rows = re.findall(r"^\| `(\d+)` \| (.+) \|$", readme, flags=re.MULTILINE)
    assert {int(code): meaning for code, meaning in rows} == EXIT_MEANINGS
    assert len(set(EXIT_MEANINGS)) == len(EXIT_MEANINGS)


def test_bad_settings_and_an_unreachable_database(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("email\na@x.io\n")
    args = ("import", "people.csv", "--group", "G", "--account", "acme")
    bad_number = run_cli(*args, env={"LISTKEEPER_MAX_UPLOAD_MB": "lots"}, cwd=tmp_path)
    assert bad_number.returncode == 2
    assert one_error(bad_number).startswith(
        "error: a setting is not valid: LISTKEEPER_MAX_UPLOAD_MB: Input should be a valid integer"
    )
    bad_url = run_cli(*args, env={"LISTKEEPER_DATABASE_URL": "nonsense"}, cwd=tmp_path)
    assert bad_url.returncode == 2
    assert one_error(bad_url).startswith(
        "error: LISTKEEPER_DATABASE_URL is not a database URL this can use: "
    )
    down = {"LISTKEEPER_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
    for command in (args, ("tokens", "--account", "acme"), ("retention", "--dry-run")):
        unreachable = run_cli(*command, env=down, cwd=tmp_path)
        assert unreachable.returncode == 7, unreachable.stderr
        assert one_error(unreachable).startswith("error: cannot open the database: ")


def test_outputs_that_cannot_be_written(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("email\na@x.io\n")
    base = ("--group", "G", "--account", "acme")
    nowhere = run_cli(
        "import", "people.csv", *base, "--rejects", "no/such/r.csv", env=local, cwd=tmp_path
    )
    assert nowhere.returncode == 8
    assert one_error(nowhere) == "error: cannot write no/such/r.csv: its folder does not exist\n"
    assert run_cli("import", "people.csv", *base, env=local, cwd=tmp_path).returncode == 0
    assert run_cli("import", "people.csv", *base, env=local, cwd=tmp_path).returncode == 0
    export = ("export", "1", "--account", "acme")  # the second import's backup
    missing = run_cli(*export, "-o", "no/such.csv", env=local, cwd=tmp_path)
    assert missing.returncode == 8
    assert one_error(missing) == "error: cannot write no/such.csv: No such file or directory\n"
    with open("/dev/full", "w") as full:  # every write: ENOSPC, a full disk
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", *export, "-o", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(local),
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
    assert result.returncode == 8
    assert result.stderr == "error: cannot write stdout: No space left on device\n"


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
    return clean | {"PYTHONPATH": str(REPO), **extra}


def test_ctrl_c_rolls_the_local_import_back(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "one.csv").write_text("email\nfirst@x.io\n")
    base = ("--group", "G", "--account", "acme")
    assert run_cli("import", "one.csv", *base, env=local, cwd=tmp_path).returncode == 0
    # Big enough that the job is still parsing at its first progress line (C parses about
    # 800,000 rows a second: 300,000 rows were staged between two polls of the meter).
    rows = "".join(f"user{i}@example.com,Name {i}\n" for i in range(1_500_000))
    (tmp_path / "big.csv").write_text("email,first name\n" + rows)
    with subprocess.Popen(
        [sys.executable, "-m", "api.cli", "import", "big.csv", *base, "--mode", "refresh-and-add"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(local),
        cwd=tmp_path,
    ) as process:
        assert process.stderr is not None
        # "Importing big.csv into the existing group ...", then the first 10% of the job.
        seen = [process.stderr.readline() for _ in range(2)]
        assert seen[1].startswith("Importing: "), seen
        assert "100%" not in seen[1], seen
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=120)
    assert process.returncode == 130
    assert "Traceback" not in rest
    assert rest == "interrupted: the import was stopped and rolled back; nothing was changed\n"
    listed = run_cli("backups", "--account", "acme", env=local, cwd=tmp_path)
    assert (listed.returncode, listed.stdout) == (0, "")  # the import's backup rolled back too


BAD_ROWS = (
    "email,first name,status,city\nok@x.io,Ok,ACTIVE,Paris\n"
    + "".join(f"bad{i}-at-x.io,B{i},ACTIVE,Rome\n" for i in range(12))
    + "st@x.io,St,WEIRD,Oslo\nmore@x.io,M,ACTIVE,Lyon,extra\n"
)
REJECTS_HEADER = "email,first name,status,city,error_row,error_column,error_code,error_message"


def fixed(rejects: str) -> str:
    """The rejected rows as an operator fixes them: each error corrected in place."""
    return rejects.replace("-at-", "@").replace("WEIRD", "ACTIVE").replace(",extra\n", "\n")


def check_rejects(first: subprocess.CompletedProcess[str], rejects: Path) -> None:
    """The run that wrote --rejects: exit 3, the first rows listed, every row in the file."""
    assert first.returncode == 3, first.stderr
    assert "14 rows were rejected:" in first.stderr
    assert "  row 12, column 'email': INVALID_EMAIL: " in first.stderr
    assert "row 13," not in first.stderr  # the first 10 only
    assert "more:" not in first.stderr
    assert f"All rejected rows are in {rejects.name}: fix them there" in first.stderr
    lines = rejects.read_text().splitlines()
    assert lines[0] == REJECTS_HEADER
    codes = [line.split(",")[6] for line in lines[1:]]
    assert codes == ["INVALID_EMAIL"] * 12 + ["INVALID_STATUS", "TOO_MANY_COLUMNS"]
    assert not rejects.with_name(rejects.name + ".part").exists()


def test_ctrl_c_after_the_job_ended_says_the_import_is_kept(
    local: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A Ctrl-C that lands once the job has committed (here while the outcome is read) must not
    say the import was rolled back: it says it was kept, from the job itself."""
    import asyncio

    from api import cli
    from api.commands import transfer_local

    (tmp_path / "two.csv").write_text("email\nann@x.io\nbob@x.io\n")
    for name, value in local.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)

    async def interrupted(*_: object) -> None:
        raise asyncio.CancelledError

    with monkeypatch.context() as patch:
        patch.setattr(transfer_local, "_outcome", interrupted)
        code = cli.main(["import", "two.csv", "--group", "G", "--account", "acme"])
    assert code == 130
    said = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(
        r"interrupted: the import had already finished: its changes are kept"
        r" \(job \d+; 2 added, 0 updated\)",
        said,
    ), said
    again = run_cli(
        "import", "two.csv", "--group", "G", "--account", "acme", env=local, cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 updated, 0 unchanged, 2 skipped" in again.stderr  # both are there


def test_rejects_file_locally(local: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(BAD_ROWS)
    base = ("--account", "acme")
    plain = run_cli("import", "bad.csv", "--group", "G", *base, env=local, cwd=tmp_path)
    assert plain.returncode == 3, plain.stderr
    assert "  ... and 4 more: --rejects FILE writes every rejected row to FILE\n" in plain.stderr
    first = run_cli(
        "import", "bad.csv", "--group", "H", *base, "--rejects", "r.csv", env=local, cwd=tmp_path
    )
    check_rejects(first, tmp_path / "r.csv")
    (tmp_path / "r.csv").write_text(fixed((tmp_path / "r.csv").read_text()))
    again = run_cli(
        "import", "r.csv", "--group", "H", *base, "--rejects", "r2.csv", env=local, cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert "14 added, 0 updated, 0 unchanged, 0 skipped, 0 rejected." in again.stderr
    assert "No row was rejected: r2.csv was not written." in again.stderr
    assert not (tmp_path / "r2.csv").exists()


def test_rejects_file_remotely(client: GraphQLClient, server: LiveServer, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(BAD_ROWS)
    env = {"LISTKEEPER_SERVER": server.url, "LISTKEEPER_TOKEN": str(client.token)}
    first = run_cli(
        "import", "bad.csv", "--group", "G", "--rejects", "r.csv", env=env, cwd=tmp_path
    )
    check_rejects(first, tmp_path / "r.csv")
    (tmp_path / "r.csv").write_text(fixed((tmp_path / "r.csv").read_text()))
    again = run_cli("import", "r.csv", "--group", "G", env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "14 added, 0 updated, 0 unchanged, 0 skipped, 0 rejected." in again.stderr
