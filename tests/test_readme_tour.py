"""The README's tour runs as written: its sh blocks, in order, in one bash, against a real server.

The server is `listkeeper serve` as a process on a free port with a temporary data folder; the
blocks run in a folder of their own (holding only a `.venv` link, so `.venv/bin/listkeeper`
works as in the README) with the port put in place of 8000. At the end the restore must have
given back the first import's people, and nothing may be left in that folder.
"""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
TOUR_HEADING = "## A short tour\n"
DEFAULT_ADDRESS = "127.0.0.1:8000"
START_TIMEOUT = 60.0
TOUR_TIMEOUT = 120.0
# Appended to the tour: where its files went, the group it restored, and the token.
REPORT = 'printf "%s\\n" "$WORK" "$GROUP" "$TOKEN" > "$TOUR_REPORT"\n'

Person = tuple[str, str | None, str | None, dict[str, str]]


def tour_blocks(readme: str) -> list[str]:
    """The sh blocks of the README's tour section, in order."""
    start = readme.index(TOUR_HEADING) + len(TOUR_HEADING)
    end = readme.find("\n## ", start)
    section = readme[start : end if end >= 0 else None]
    return re.findall(r"^```sh\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def listkeeper() -> Path:
    """The `listkeeper` command of the environment running the tests."""
    command = Path(sys.prefix) / "bin" / "listkeeper"
    assert command.exists(), f"{command} is missing: install listkeeper (scripts/test does)"
    return command


def tour_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the server and the tour: a temporary data folder, nothing inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
    (tmp_path / "tmp").mkdir()
    env.update(
        LISTKEEPER_DATA_DIR=str(tmp_path / "data"),
        TMPDIR=str(tmp_path / "tmp"),  # where the tour's mktemp -d goes
        TOUR_REPORT=str(tmp_path / "report"),
    )
    return env


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """`listkeeper serve` on a free port; the port and the environment it shares with the tour."""
    env, port = tour_env(tmp_path), free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [str(listkeeper()), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(server, port, tmp_path / "server.log")
        yield port, env
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_healthy(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if server.poll() is not None:
            pytest.fail(f"the server exited at start:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the server did not start:\n{log.read_text()}")
        time.sleep(0.1)


def run_tour(port: int, env: dict[str, str], folder: Path) -> str:
    """Run the tour's blocks in one bash in `folder`; its stdout."""
    blocks = tour_blocks(README.read_text(encoding="utf-8"))
    script = "set -euo pipefail\n" + "".join(blocks) + REPORT
    script = script.replace(DEFAULT_ADDRESS, f"127.0.0.1:{port}")
    folder.mkdir()
    (folder / ".venv").symlink_to(sys.prefix)
    done = subprocess.run(
        ["bash", "-c", script],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=TOUR_TIMEOUT,
    )
    assert done.returncode == 0, f"the tour failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def people_in_file(path: Path) -> list[Person]:
    """The people of a tour CSV file (email, first name, last name, then attributes)."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    header, rows = rows[0], rows[1:]
    return sorted(
        (row[0], row[1], row[2], dict(zip(header[3:], row[3:], strict=True))) for row in rows
    )


def people_in_export(path: Path) -> list[Person]:
    """The people of a downloaded backup (email, firstName, lastName, status, attributes)."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    fixed = ("email", "firstName", "lastName", "status")
    return sorted(
        (
            row["email"],
            row["firstName"] or None,
            row["lastName"] or None,
            {k: v for k, v in row.items() if k not in fixed and v},
        )
        for row in rows
    )


def people_in_group(port: int, token: str, group_id: str) -> list[Person]:
    """The recipients of a group, read through the API."""
    query = (
        "query($id: ID!) { node(id: $id) { ... on Group { recipients(first: 100) { edges {"
        " node { email firstName lastName attributes { name value } } } } } } }"
    )
    answer = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": {"id": group_id}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    edges = answer["data"]["node"]["recipients"]["edges"]
    return sorted(
        (
            n["email"],
            n["firstName"],
            n["lastName"],
            {a["name"]: a["value"] for a in n["attributes"]},
        )
        for n in (edge["node"] for edge in edges)
    )


def test_the_tour_has_every_step_as_a_command() -> None:
    tour = "".join(tour_blocks(README.read_text(encoding="utf-8")))
    for step in (
        "create-token",
        "importRecipients",
        "importJob",
        "backups(",
        "backupOverview",
        "downloadUrl",
        "comparison",
        "restoreBackup",
    ):
        assert step in tour, step
    assert DEFAULT_ADDRESS in tour


def test_the_readme_tour_runs_as_written(
    served: tuple[int, dict[str, str]], tmp_path: Path
) -> None:
    port, env = served
    folder = tmp_path / "cwd"
    output = run_tour(port, env, folder)
    answers = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert len(answers) >= 10, output
    assert [a for a in answers if a.get("errors") or a.get("data") is None] == []
    work, group_id, token = (tmp_path / "report").read_text().split()
    assert Path(work).parent == tmp_path / "tmp"
    first_import = people_in_file(Path(work) / "people.csv")
    assert first_import != []
    assert people_in_export(Path(work) / "backup.csv") == first_import
    assert people_in_group(port, token, group_id) == first_import
    assert sorted(p.name for p in folder.iterdir()) == [".venv"]
