"""`listkeeper migrate` as a real process, and migrations started at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from api.health import code_migrations
from api.settings import async_database_url
from storage.db import create_engine
from storage.migrate import upgrade
from tests.conftest import BACKENDS, database_url

ROOT = Path(__file__).resolve().parents[2]


def migrate(url: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LISTKEEPER_DATABASE_URL": url, "LISTKEEPER_DATA_DIR": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrate_brings_a_new_database_to_head_then_has_nothing_to_do(
    backend: str, tmp_path: Path
) -> None:
    url = database_url(backend, tmp_path)
    head = code_migrations().head

    first = migrate(url, tmp_path / "data")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"Migrated the database from revision (empty) to {head}."

    again = migrate(url, tmp_path / "data")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == (
        f"The database is at revision {head}, this release's newest: nothing to do."
    )


def test_an_unreachable_database_is_said_with_its_exit_code(tmp_path: Path) -> None:
    done = migrate("postgresql://nobody@127.0.0.1:1/none", tmp_path / "data")
    assert done.returncode == 7
    assert "cannot open the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_processes_migrating_at_once_take_turns_on_postgresql(tmp_path: Path) -> None:
    url = database_url("postgresql", tmp_path)
    head = code_migrations().head

    async def both() -> list[tuple[str | None, str | None]]:
        engines = [create_engine(async_database_url(url)) for _ in range(3)]
        try:
            return list(await asyncio.gather(*(upgrade(engine) for engine in engines)))
        finally:
            for engine in engines:
                await engine.dispose()

    outcomes = asyncio.run(both())
    # One migrated the empty database; the others waited for it and found it at head.
    assert sorted(outcomes, key=str) == sorted([(None, head), (head, head), (head, head)], key=str)
