"""`listkeeper migrate` as a real process, and migrations started at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext

from api.health import code_migrations
from api.settings import async_database_url
from storage.db import create_engine
from storage.migrate import alembic_config, upgrade
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


def revision_of(url: str) -> str | None:
    """The database's revision, read by a connection of this process."""

    async def read() -> str | None:
        engine = create_engine(async_database_url(url))
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


@contextmanager
def migration_probe(url: str, backend: str) -> Iterator[Callable[[], bool]]:
    """Whether another process holds the database's migration transaction open now: on
    SQLite its write lock (a BEGIN IMMEDIATE fails at once), on PostgreSQL the exclusive lock
    a migration's DDL takes on what it creates or alters."""
    if backend == "sqlite":
        path = url.removeprefix("sqlite:///")

        def sqlite_busy() -> bool:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                probe.close()

        yield sqlite_busy
        return
    loop = asyncio.new_event_loop()
    admin = loop.run_until_complete(asyncpg.connect(url))

    def postgres_busy() -> bool:
        held = loop.run_until_complete(
            admin.fetchval(
                "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock'"
                " AND pid <> pg_backend_pid() AND granted AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
        return bool(held)

    try:
        yield postgres_busy
    finally:
        loop.run_until_complete(admin.close())
        loop.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_migration_killed_in_the_middle_leaves_the_database_as_it_was(
    backend: str, tmp_path: Path
) -> None:
    """A release's migration killed with SIGKILL while its transaction is open: the database
    is still at the revision before (no table or index half made), and the next run migrates
    it whole."""
    url = database_url(backend, tmp_path)
    command.upgrade(alembic_config(async_database_url(url)), "0005")
    assert revision_of(url) == "0005"
    config = alembic_config(async_database_url(url))
    # How long the migration's transaction is open: the kill lands halfway through it, or
    # earlier when a run (faster than that first one) had committed at the kill.
    migrating = run_migration(url, backend, tmp_path, kill_after=None)
    command.downgrade(config, "0005")
    for share in (0.5, 0.25, 0.1, 0.0):
        if run_migration(url, backend, tmp_path, kill_after=migrating * share) == -signal.SIGKILL:
            break
        command.downgrade(config, "0005")
    else:
        raise AssertionError("no kill landed while the migration's transaction was open")
    assert revision_of(url) == "0005"

    head = code_migrations().head
    again = migrate(url, tmp_path / "data")
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"Migrated the database from revision 0005 to {head}."


def run_migration(url: str, backend: str, folder: Path, *, kill_after: float | None) -> float:
    """Run `listkeeper migrate`. Without `kill_after`: the seconds from its transaction first
    seen open to the last time one was. With it: SIGKILL that many seconds after a transaction
    is seen open; its exit status if a transaction was still open at the kill, else 0."""
    env = {**os.environ, "LISTKEEPER_DATABASE_URL": url, "LISTKEEPER_DATA_DIR": str(folder)}
    during = False
    with migration_probe(url, backend) as busy:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "migrate"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(6000):  # a migration's transaction opens within seconds
                if busy():
                    break
                assert process.poll() is None, "migrate ended before it was seen migrating"
                time.sleep(0.002)
            else:
                raise AssertionError("the migration was never seen in progress")
            seen = time.monotonic()
            if kill_after is None:
                last = seen
                while process.poll() is None:
                    if busy():
                        last = time.monotonic()
                    time.sleep(0.002)
                assert process.returncode == 0
                return last - seen
            time.sleep(kill_after)
            # Only a kill that lands while a transaction is open counts (a faster run may have
            # committed by now): the time between this look and the kill is well under 1 ms.
            during = busy()
            process.kill()
        finally:
            process.wait(timeout=60)
    return float(process.returncode) if during else 0.0
