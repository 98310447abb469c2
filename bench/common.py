"""Shared parts of the benchmarks: data files, databases, jobs, memory, timing, result tables.

The data is the one of docs/benchmarks.md's floors: email in scattered order, first and last name,
three custom attributes (city, plan, score). Databases are fresh: a SQLite file in a temporary
folder, or a new PostgreSQL database created on LISTKEEPER_TEST_POSTGRES_URL and dropped after.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import shutil
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from api.auth import create_token
from api.backups import run_restore
from api.clock import SystemClock
from api.imports import run_import
from api.services import open_engine
from api.settings import async_database_url
from storage.db import write_transaction
from storage.files import FileStore, folder_of
from storage.jobs import JobRow, claim_job, create_job, job_by_id
from storage.sql import scalar
from storage.statistics import refreshed

REPO = Path(__file__).resolve().parents[1]
BACKENDS = ("sqlite", "postgresql")
CLOCK = SystemClock()

FIRST_NAMES = ("Anna", "Jörg", "Léa", "Mohammed", "Sofia", "Liam", "Chloé", "Noah", "Ana", "Ben")
LAST_NAMES = ("Müller", "Smith", "García", "Dubois", "Rossi", "Nowak", "O'Brien", "Kim", "Lee")
CITIES = ("Berlin", "Paris", "Madrid", "Köln", "Zürich", "London", "Wien", "Lyon")
PLANS = ("free", "pro", "team", "enterprise")
HEADER = ("email", "firstName", "lastName", "city", "plan", "score")
CHANGE_BATCH_STRIDE = 1_000  # change files of batch b touch keys [b * stride, b * stride + n)


# --- data -------------------------------------------------------------------------------------


def key_at(n: int, rows: int) -> int:
    """The n-th key of a group of `rows`: n -> n * step mod rows visits each key once, scattered."""
    step = 7_919 if rows % 7_919 else 7_907
    return n * step % rows


def recipient_cells(
    key: int, first_name: str | None = None, last_name: str | None = None
) -> list[str]:
    """The CSV cells of recipient `key`, optionally with other names."""
    return [
        f"user{key}@example{key % 97}.com",
        first_name or FIRST_NAMES[key % len(FIRST_NAMES)],
        last_name or LAST_NAMES[key % len(LAST_NAMES)],
        CITIES[key % len(CITIES)],
        PLANS[key % len(PLANS)],
        str(key % 1000),
    ]


def write_recipients_csv(path: Path, rows: int) -> None:
    """Write `rows` recipients in scattered email order, streaming."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        writer.writerows(recipient_cells(key_at(n, rows)) for n in range(rows))


def write_changes_csv(path: Path, *, group_rows: int, batch: int, updates: int, new: int) -> None:
    """`updates` existing addresses with changed names (distinct per batch), then `new` ones."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        first = batch * CHANGE_BATCH_STRIDE
        for i in range(updates):
            key = key_at((first + i) % group_rows, group_rows)
            writer.writerow(recipient_cells(key, f"Changed{batch}", f"Renamed{batch}"))
        for i in range(new):
            writer.writerow([f"new{batch}-{i}@example.org", "New", "Person", "Berlin", "pro", "1"])


def recipient_rows(path: Path, *, group_id: int, created: Any) -> list[tuple[Any, ...]]:
    """The file as `recipient` rows, parsed with `csv.reader` (input of the raw-insert floors)."""
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        names = next(reader)[3:]
        return [
            (
                group_id,
                cells[0],
                cells[1],
                cells[2],
                "ACTIVE",
                orjson.dumps(dict(zip(names, cells[3:], strict=True))).decode(),
                created,
                created,
                1,
            )
            for cells in reader
        ]


# --- databases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """A fresh database: its plain URL (`sqlite:///...` or `postgresql://...`)."""

    backend: str
    url: str
    path: Path | None = None

    @property
    def async_url(self) -> str:
        """The SQLAlchemy URL with the async driver."""
        return async_database_url(self.url)


def postgres_admin_url() -> str:
    """The PostgreSQL the benchmarks may create databases in."""
    url = os.environ.get("LISTKEEPER_TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("PostgreSQL needs LISTKEEPER_TEST_POSTGRES_URL (source /tmp/pgenv)")
    return url


@asynccontextmanager
async def fresh_database(backend: str, folder: Path) -> AsyncIterator[Database]:
    """An empty database of `backend`, removed afterwards."""
    if backend == "sqlite":
        path = folder / f"bench-{secrets.token_hex(4)}.db"
        try:
            yield Database(backend, f"sqlite:///{path}", path)
        finally:
            _remove_sqlite(path)
        return
    admin = postgres_admin_url()
    name = "listkeeper_bench_" + secrets.token_hex(4)
    await _postgres_admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield Database(backend, admin.rsplit("/", 1)[0] + "/" + name)
    finally:
        await _postgres_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _postgres_admin(admin_url: str, sql: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def migrated_engine(database: Database) -> AsyncIterator[AsyncEngine]:
    """The app's engine on `database`, migrated to the newest revision."""
    async with open_engine(database.async_url) as engine:
        yield engine


def sqlite_bytes(path: Path) -> int:
    """Size of a SQLite database with its WAL file."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


async def new_account(engine: AsyncEngine, name: str) -> tuple[int, str]:
    """Create an account with a token: its id and the token."""
    token = await create_token(engine=engine, account_name=name, now=CLOCK.now())
    async with write_transaction(engine) as conn:
        account_id = await scalar(conn, "SELECT id FROM account WHERE name = :n", n=name)
    return int(account_id), token


# --- jobs -------------------------------------------------------------------------------------


async def no_progress(processed: int, rejected: int, total: int | None) -> None:
    """A progress sink that drops the reports (the worker's writes a row twice a second)."""


async def queue_job(engine: AsyncEngine, **fields: Any) -> JobRow:
    """Create a job row as the API does and claim it as a worker does (its ends are fenced)."""
    async with write_transaction(engine) as conn:
        job_id = await create_job(conn, now=CLOCK.now(), **fields)
        job = await claim_job(conn, job_id=job_id, now=CLOCK.now(), max_attempts=1)
    if job is None:
        raise RuntimeError(f"job {job_id} could not be claimed")
    return job


async def finished_job(engine: AsyncEngine, job_id: int) -> JobRow:
    """The job row after its run; raises unless it succeeded."""
    async with write_transaction(engine) as conn:
        job = await job_by_id(conn, job_id=job_id)
    if job is None or job.status != "SUCCEEDED":
        raise RuntimeError(f"job {job_id} did not succeed: {job}")
    return job


def stage_upload(files: FileStore, source: Path) -> str:
    """Copy `source` into the file store as an upload; its key."""
    folder_of(files).uploads.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(16) + ".upload"
    shutil.copyfile(source, folder_of(files).path(key))
    return key


async def queue_import(
    engine: AsyncEngine,
    files: FileStore,
    *,
    account_id: int,
    source: Path,
    mode: str = "ADD",
    group_id: int | None = None,
    group_name: str | None = None,
) -> JobRow:
    """An import job of `source` into an existing group or a new one, as `start_import` makes."""
    return await queue_job(
        engine,
        account_id=account_id,
        kind="IMPORT",
        mode=mode,
        group_id=group_id,
        new_group_name=group_name,
        upload_key=stage_upload(files, source),
    )


async def timed_import(
    engine: AsyncEngine,
    files: FileStore,
    *,
    account_id: int,
    source: Path,
    mode: str = "ADD",
    group_id: int | None = None,
    group_name: str | None = None,
) -> tuple[float, JobRow]:
    """Run an import job: seconds from the start of `run_import` to its commit, and the job."""
    job = await queue_import(
        engine,
        files,
        account_id=account_id,
        source=source,
        mode=mode,
        group_id=group_id,
        group_name=group_name,
    )
    start = time.perf_counter()
    await run_import(job, engine=engine, files=files, now=CLOCK.now, progress=no_progress)
    seconds = time.perf_counter() - start
    await refreshed()  # the statistics' refresh after the commit: out of the next timing
    if job.upload_key is not None:
        await files.delete(job.upload_key)
    return seconds, await finished_job(engine, job.id)


async def timed_restore(
    engine: AsyncEngine, files: FileStore, *, account_id: int, backup_id: int, name: str
) -> tuple[float, JobRow]:
    """Run a restore job of a backup into a new group: seconds of `run_restore`, and the job."""
    job = await queue_job(
        engine,
        account_id=account_id,
        kind="RESTORE",
        mode="REFRESH_AND_ADD",
        group_id=None,
        new_group_name=name,
        source_backup_id=backup_id,
    )
    start = time.perf_counter()
    await run_restore(job, engine=engine, files=files, now=CLOCK.now, progress=no_progress)
    seconds = time.perf_counter() - start
    await refreshed()  # the statistics' refresh after the commit: out of the next timing
    return seconds, await finished_job(engine, job.id)


# --- memory and time --------------------------------------------------------------------------


def status_mb(field: str, pid: int | str = "self") -> float:
    """A `/proc/<pid>/status` figure (VmRSS, VmHWM, ...) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


class RssSampler:
    """Samples VmRSS of a process in a thread while it runs; `peak_mb` is the largest seen."""

    def __init__(self, pid: int, interval: float = 0.005) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, status_mb("VmRSS", self.pid))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, status_mb("VmRSS", self.pid))


class SqlTrace:
    """Times each statement an engine runs (cursor events), to find where a job spends its time.

    Bulk calls made on the driver's own connection (`stage_rows`) are not seen.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.times: defaultdict[str, list[float]] = defaultdict(list)
        self._started: list[float] = []

    def _before(self, *args: Any) -> None:
        self._started.append(time.perf_counter())

    def _after(self, conn: Any, cursor: Any, sql: str, *args: Any) -> None:
        self.times[" ".join(sql.split())].append(time.perf_counter() - self._started.pop())

    def __enter__(self) -> SqlTrace:
        event.listen(self.engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(self.engine.sync_engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine.sync_engine, "before_cursor_execute", self._before)
        event.remove(self.engine.sync_engine, "after_cursor_execute", self._after)

    def report(self, top: int = 8, width: int = 160) -> str:
        """The slowest statements, total milliseconds first."""
        ranked = sorted(self.times.items(), key=lambda item: -sum(item[1]))[:top]
        total = sum(sum(t) for t in self.times.values()) * 1000
        lines = [f"  SQL total {total:,.1f} ms in {sum(map(len, self.times.values()))} statements"]
        for sql, times in ranked:
            lines.append(f"  {sum(times) * 1000:8.1f} ms x{len(times):<3} {sql[:width]}")
        return "\n".join(lines)


@contextmanager
def traced(engine: AsyncEngine, enabled: bool, label: str) -> Iterator[None]:
    """Log the slowest statements of the block when `enabled`."""
    if not enabled:
        yield
        return
    with SqlTrace(engine) as trace:
        yield
    log(f"SQL of {label}:\n{trace.report()}")


def median(values: Sequence[float]) -> float:
    """The median."""
    return float(statistics.median(values))


def stamp() -> datetime:
    """Now, UTC (what the jobs are given as their clock)."""
    return CLOCK.now()


# --- command line and results -----------------------------------------------------------------


def arguments(description: str, default_rows: int = 1_000_000) -> argparse.ArgumentParser:
    """The common options: `--rows` and `--backend`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--rows", type=int, default=default_rows, help="recipients of the big group"
    )
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    return parser


def chosen_backends(choice: str) -> tuple[str, ...]:
    """The backends of a `--backend` value."""
    return BACKENDS if choice == "both" else (choice,)


@dataclass(frozen=True)
class Result:
    """One figure with its target; `floor` is text measured (or quoted) beside it."""

    case: str
    backend: str
    value: float
    unit: str
    target: float | None = None
    higher_is_better: bool = True
    floor: str = "-"

    def shown(self) -> str:
        """The value with its unit."""
        return show(self.value, self.unit)

    def target_shown(self) -> str:
        """The target with its direction."""
        if self.target is None:
            return "-"
        return (">= " if self.higher_is_better else "<= ") + show(self.target, self.unit)

    def verdict(self) -> str:
        """ok, or by how much it misses."""
        if self.target is None:
            return "-"
        if self.higher_is_better:
            if self.value >= self.target:
                return "ok"
            return f"MISS: {self.value / self.target:.2f}x of target"
        if self.value <= self.target:
            return "ok"
        return f"MISS: {self.value / self.target:.2f}x the limit"


def show(value: float, unit: str) -> str:
    """A number in its unit's usual precision."""
    if unit in ("rows/s", "rows", "bytes"):
        return f"{value:,.0f} {unit}"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "ms":
        return f"{value:,.1f} ms"
    return f"{value:,.0f} {unit}"


def print_table(title: str, results: Sequence[Result]) -> None:
    """Print the results as a Markdown table (ready for bench/README.md)."""
    print(f"\n### {title}\n")
    print("| case | backend | result | floor (same run) | target | verdict |")
    print("|---|---|---|---|---|---|")
    for r in results:
        cells = (r.case, r.backend, r.shown(), r.floor, r.target_shown(), r.verdict())
        print("| " + " | ".join(cells) + " |")
    print(flush=True)


def log(message: str) -> None:
    """A progress line with the time, flushed."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)
