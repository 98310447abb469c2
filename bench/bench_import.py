"""Issue 2: import throughput against raw-insert floors, the cost of backups, import memory.

For each backend, on a fresh database:
1. (SQLite) / 2. (PostgreSQL) import `--rows` recipients into a new group through the job runner
   `api.imports.run_import`, timed from its start to its commit (the upload is excluded); the
   floor beside it is the same rows, parsed beforehand, inserted raw into `recipient` of another
   fresh database in one transaction (`sqlite3.executemany` / asyncpg `copy_records_to_table`).
3. 1,000-row imports (500 changed names of existing addresses, 500 new) into that group, whose
   switch is off (it never has a backup), and into a copy of it with backups on, alternating:
   median of 11 each (`--small-runs`), a fresh file each time. "On" pays for everything backups
   cost (the backup row and the history copy of the changed rows). Issue 12: on / off <= 1.05x.
3b. `updates`: the same with 200,000 changed names of existing addresses (a fifth of `--rows`
   when smaller), medians of 3 each (`--update-runs`), alternating. Issue 12: <= 1.25x.
4. The peak RSS (VmHWM) of the `--rows` import run alone in a child process, plus the peak of
   the parse process that child starts (api/parse_process.py): the two are resident together.

    .venv/bin/python -m bench.bench_import [--rows 1000000] [--backend sqlite|postgresql|both]
        [--cases import,small,memory] [--small-runs 11] [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from api.backups import set_backup_enabled
from api.imports import run_import
from api.parse_process import parser_peak_rss_mb
from api.services import open_engine
from bench.common import (
    CLOCK,
    REPO,
    Result,
    arguments,
    chosen_backends,
    fresh_database,
    log,
    median,
    migrated_engine,
    new_account,
    no_progress,
    print_table,
    queue_import,
    recipient_rows,
    status_mb,
    timed_import,
    traced,
    write_changes_csv,
    write_recipients_csv,
)
from storage.db import SQLITE_PRAGMAS, checkpoint, is_sqlite, write_transaction
from storage.files import FileStore, FolderStore
from storage.jobs import job_by_id
from storage.sql import run, scalar
from storage.store.groups import create_group
from storage.store.write_path import RECIPIENT_COLUMNS

CASES = ("import", "small", "updates", "memory")
SMALL_RUNS = 11
UPDATE_RUNS = 3
UPDATES = 200_000
IMPORT_TARGET = {"sqlite": 100_000.0, "postgresql": 50_000.0}
# Issue 12: past the random-order executemany floor on SQLite, at least the COPY floor on PostgreSQL.
FLOOR_RATIO_TARGET = {"sqlite": 1.5, "postgresql": 1.0}
SMALL_IMPORT_LIMIT_MS = 1_000.0
# Issue 12: backups on / off, 1,000 rows into 1,000,000 and 200,000 updates into 1,000,000.
SMALL_OVERHEAD_LIMIT = 1.05
UPDATES_OVERHEAD_LIMIT = 1.25
MEMORY_LIMIT_MB = 200.0
ROWID_4_BYTES = 2**21  # SQLite stores a rowid from here up to 2**28 as a 4-byte varint
SMALL_LABEL = "1,000-row import (500 updates, 500 new)"


# --- 1 and 2: the big import and its floor ----------------------------------------------------


async def big_import(
    engine: AsyncEngine, files: FileStore, *, account_id: int, source: Path, rows: int
) -> tuple[float, int]:
    """Import `source` into a new group: rows/s and the group's id."""
    seconds, job = await timed_import(
        engine, files, account_id=account_id, source=source, group_name="big"
    )
    if job.added != rows:
        raise RuntimeError(f"the import added {job.added:,} rows, not {rows:,}")
    assert job.group_id is not None
    return rows / seconds, job.group_id


async def insert_floor(backend: str, folder: Path, source: Path) -> float:
    """Rows/s of a raw one-transaction insert of the pre-parsed rows into a fresh `recipient`."""
    now = CLOCK.now()
    created: Any = now if backend == "postgresql" else now.strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = await asyncio.to_thread(recipient_rows, source, group_id=1, created=created)
    async with fresh_database(backend, folder) as database:
        async with migrated_engine(database):
            pass
        if database.path is not None:
            seconds = await asyncio.to_thread(sqlite_insert, database.path, rows)
        else:
            seconds = await postgres_copy(database.url, rows)
    return len(rows) / seconds


def sqlite_insert(path: Path, rows: list[tuple[Any, ...]]) -> float:
    """Seconds of `executemany` of `rows` into `recipient` in one transaction, app pragmas."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for pragma in SQLITE_PRAGMAS:
            conn.execute(pragma)
        marks = ",".join("?" * len(rows[0]))
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) VALUES ({marks})", rows)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


async def postgres_copy(url: str, rows: list[tuple[Any, ...]]) -> float:
    """Seconds of asyncpg `copy_records_to_table` of `rows` into `recipient`, one transaction."""
    conn = await asyncpg.connect(url)
    try:
        columns = [c.strip() for c in RECIPIENT_COLUMNS.split(",")]
        start = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table("recipient", records=rows, columns=columns)
        return time.perf_counter() - start
    finally:
        await conn.close()


# --- 3: small imports into the big group, backups off and on ----------------------------------


async def copy_group(engine: AsyncEngine, *, account_id: int, source_group: int) -> int:
    """A new group holding a copy of the current rows of `source_group` (set-based)."""
    async with write_transaction(engine) as conn:
        group_id = await create_group(conn, account_id=account_id, name="copy", now=CLOCK.now())
        columns = RECIPIENT_COLUMNS.replace("group_id, ", "")
        copied = await run(
            conn,
            f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT :new, {columns} FROM recipient"
            " WHERE group_id = :g ORDER BY email",
            new=group_id,
            g=source_group,
        )
        # The copy's seq is its source's: its rows' versions are then not ahead of it, so its
        # first write keeps their history as a write into the source would.
        await run(
            conn,
            "UPDATE recipient_group SET recipient_count = :n, attribute_names ="
            " (SELECT attribute_names FROM recipient_group WHERE id = :g),"
            " seq = (SELECT seq FROM recipient_group WHERE id = :g) WHERE id = :new",
            n=copied.rowcount,
            g=source_group,
            new=group_id,
        )
        if not is_sqlite(conn):
            await run(conn, "ANALYZE recipient")  # as the import path does after bulk writes
    return group_id


async def twin_groups(engine: AsyncEngine, *, account_id: int, group_id: int) -> tuple[int, int]:
    """(off, on): two copies of `group_id`, the first with its switch turned off (it never has
    a backup, so an import there pays nothing for backups), the second with backups on."""
    # Both are copies made the same way: the imported group itself updated measurably faster
    # than its copy (200,000 updates on PostgreSQL: 1.34x with the copy "on", 0.96x with the
    # roles swapped), a difference of the groups, not of backups.
    # SQLite: both copies' row ids above 2**21, so that every rowid of both is a 4-byte varint.
    # With the third million of ids straddling that line, the same 500 updates wrote 13-15%
    # more WAL pages into the "on" copy (rows above it: 1,236-1,275 pages, below: 1,094-1,099;
    # the table's leaf pages are full and a wider rowid leaves less room for a longer name).
    await _ids_from(engine, ROWID_4_BYTES)
    off = await copy_group(engine, account_id=account_id, source_group=group_id)
    on = await copy_group(engine, account_id=account_id, source_group=group_id)
    await set_backup_enabled(engine=engine, account_id=account_id, group_id=off, enabled=False)
    return off, on


async def _ids_from(engine: AsyncEngine, first: int) -> None:
    """SQLite: the next `recipient` ids start at `first` or later (PostgreSQL ids are 8 bytes)."""
    if not is_sqlite(engine):
        return
    async with write_transaction(engine) as conn:
        await run(
            conn,
            "UPDATE sqlite_sequence SET seq = :s WHERE name = 'recipient' AND seq < :s",
            s=first - 1,
        )


async def alternating_imports(
    engine: AsyncEngine,
    files: FileStore,
    *,
    account_id: int,
    groups: tuple[int, int],
    rows: int,
    folder: Path,
    trace: bool,
    runs: int,
    updates: int,
    new: int,
    first_batch: int = 0,
) -> tuple[list[float], list[float]]:
    """Seconds of `runs` imports of `updates` changed and `new` new rows with backups off and
    on, into the two equal groups of `twin_groups`. The runs alternate between them, so that
    drift (caches, WAL checkpoints, the machine) hits both alike.
    """
    times: dict[bool, list[float]] = {False: [], True: []}
    for n in range(runs):
        for backups, target in ((False, groups[0]), (True, groups[1])):
            batch = first_batch + 2 * n + backups
            path = folder / f"changes-{batch}.csv"
            write_changes_csv(path, group_rows=rows, batch=batch, updates=updates, new=new)
            label = f"import {n + 1} of {updates:,}+{new:,}, backups {'on' if backups else 'off'}"
            # A server checkpoints the WAL every few seconds (api/runtime.py checkpoint_loop);
            # without it the commit that passes wal_autocheckpoint pays a whole checkpoint
            # (200-500 ms), and the run writing more pages takes most of them.
            if is_sqlite(engine):
                await checkpoint(engine)
            with traced(engine, trace and n == runs - 1, label):
                seconds, job = await timed_import(
                    engine,
                    files,
                    account_id=account_id,
                    source=path,
                    mode="REFRESH_AND_ADD",
                    group_id=target,
                )
            path.unlink()
            if (job.updated, job.added, job.backup_id is not None) != (updates, new, backups):
                raise RuntimeError(f"unexpected outcome of an import: {job}")
            times[backups].append(seconds)
    return times[False], times[True]


async def history_rows(engine: AsyncEngine) -> int:
    """Rows in `recipient_version`."""
    async with write_transaction(engine) as conn:
        return int(await scalar(conn, "SELECT count(*) FROM recipient_version"))


# --- 4: memory of the big import in a child process -------------------------------------------


async def import_memory(backend: str, folder: Path, source: Path) -> dict[str, float]:
    """Run the import of `source` into a new group in a child; its RSS figures in MB."""
    async with fresh_database(backend, folder) as database:
        async with migrated_engine(database) as engine:
            files = FolderStore(folder / "files-child")
            account_id, _ = await new_account(engine, "memory")
            job = await queue_import(
                engine, files, account_id=account_id, source=source, group_name="memory"
            )
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.bench_import",
            "--child-url",
            database.async_url,
            "--child-files",
            str(files.root),
            "--child-job",
            str(job.id),
            cwd=REPO,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await child.communicate()
        assert job.upload_key is not None
        await files.delete(job.upload_key)
        if child.returncode != 0:
            raise RuntimeError(f"the import child failed ({child.returncode})")
    figures: dict[str, float] = orjson.loads(out.splitlines()[-1])
    return figures


def child_import(url: str, files_root: Path, job_id: int) -> None:
    """Child entry point: run one queued import job and print its memory figures as JSON."""
    baseline = status_mb("VmRSS")
    seconds, parser_mb = asyncio.run(_run_job(url, files_root, job_id))
    peak = status_mb("VmHWM")
    figures = {"baseline_mb": baseline, "peak_mb": peak, "parser_mb": parser_mb, "seconds": seconds}
    print(orjson.dumps(figures).decode())


async def _run_job(url: str, files_root: Path, job_id: int) -> tuple[float, float]:
    """Seconds of the job, and the parse process's peak RSS (it served this job alone)."""
    async with open_engine(url, migrate=False) as engine:
        async with write_transaction(engine) as conn:
            job = await job_by_id(conn, job_id=job_id)
        if job is None:
            raise RuntimeError(f"job {job_id} is gone")
        start = time.perf_counter()
        await run_import(
            job, engine=engine, files=FolderStore(files_root), now=CLOCK.now, progress=no_progress
        )
        seconds = time.perf_counter() - start
        return seconds, await parser_peak_rss_mb()


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What to run."""

    rows: int
    cases: frozenset[str]
    trace: bool
    small_runs: int
    update_runs: int = UPDATE_RUNS


async def bench_backend(backend: str, folder: Path, source: Path, options: Options) -> list[Result]:
    """The figures of issue 2 on one backend."""
    rows = options.rows
    results: list[Result] = []
    async with fresh_database(backend, folder) as database, migrated_engine(database) as engine:
        files = FolderStore(folder / f"files-{backend}")
        account_id, _ = await new_account(engine, "bench")
        # A server starts its parse process once, at its first import: not timed here.
        await parser_peak_rss_mb()
        log(f"{backend}: importing {rows:,} rows into a new group")
        with traced(engine, options.trace, f"the {rows:,}-row import"):
            rate, group_id = await big_import(
                engine, files, account_id=account_id, source=source, rows=rows
            )
        log(f"{backend}: {rate:,.0f} rows/s")
        if "import" in options.cases:
            results += await import_results(backend, folder, source, rows, rate)
        if "small" in options.cases or "updates" in options.cases:
            groups = await twin_groups(engine, account_id=account_id, group_id=group_id)
            kwargs: dict[str, Any] = {
                "account_id": account_id,
                "groups": groups,
                "rows": rows,
                "folder": folder,
                "trace": options.trace,
            }
        if "small" in options.cases:
            log(f"{backend}: small imports, backups off and on, alternating")
            history_before = await history_rows(engine)
            off, on = await alternating_imports(
                engine, files, runs=options.small_runs, updates=500, new=500, **kwargs
            )
            history = await history_rows(engine) - history_before
            results += small_results(backend, rows, off, on, history)
        if "updates" in options.cases:
            log(f"{backend}: {UPDATES:,}-update imports, backups off and on, alternating")
            off, on = await alternating_imports(
                engine,
                files,
                runs=options.update_runs,
                updates=min(UPDATES, rows // 5),
                new=0,
                first_batch=1000,
                **kwargs,
            )
            results += updates_results(backend, rows, min(UPDATES, rows // 5), off, on)
    if "memory" in options.cases:
        results.append(await memory_result(backend, folder, source, rows))
    return results


async def import_results(
    backend: str, folder: Path, source: Path, rows: int, rate: float
) -> list[Result]:
    """The big import's figure, and its ratio to the raw-insert floor measured now (issue 12)."""
    log(f"{backend}: raw insert floor")
    floor = await insert_floor(backend, folder, source)
    floor_text = f"{'executemany' if backend == 'sqlite' else 'COPY'} {floor:,.0f} rows/s"
    return [
        Result(
            f"{rows:,}-row import into an empty group (run_import, parse to commit)",
            backend,
            rate,
            "rows/s",
            IMPORT_TARGET[backend],
            floor=floor_text,
        ),
        Result(
            "the same import / its raw-insert floor (same run)",
            backend,
            rate / floor,
            "x",
            FLOOR_RATIO_TARGET[backend],
            floor=floor_text,
        ),
    ]


async def memory_result(backend: str, folder: Path, source: Path, rows: int) -> Result:
    """The peak RSS of the big import run alone in a child process."""
    log(f"{backend}: memory of the {rows:,}-row import in a child process")
    memory = await import_memory(backend, folder, source)
    return Result(
        f"peak RSS of the {rows:,}-row import (child process + its parse process, VmHWM)",
        backend,
        memory["peak_mb"] + memory["parser_mb"],
        "MB",
        MEMORY_LIMIT_MB,
        higher_is_better=False,
        floor=(
            f"child {memory['peak_mb']:.0f} MB (idle {memory['baseline_mb']:.0f} MB) + parse"
            f" process {memory['parser_mb']:.0f} MB; import took {memory['seconds']:.1f} s"
        ),
    )


def small_results(
    backend: str, rows: int, off: list[float], on: list[float], history: int
) -> list[Result]:
    """The figures of the 1,000-row imports."""
    off_ms, on_ms = median(off) * 1000, median(on) * 1000
    runs = ", ".join(f"{t * 1000:.0f}" for t in on)
    return [
        Result(
            f"{SMALL_LABEL} into {rows:,}, backups off (median of {len(off)})",
            backend,
            off_ms,
            "ms",
            SMALL_IMPORT_LIMIT_MS,
            higher_is_better=False,
            floor="runs " + ", ".join(f"{t * 1000:.0f}" for t in off) + " ms",
        ),
        Result(
            f"{SMALL_LABEL} into {rows:,}, backups on (median of {len(off)})",
            backend,
            on_ms,
            "ms",
            SMALL_IMPORT_LIMIT_MS,
            higher_is_better=False,
            floor=f"runs {runs} ms; {history:,} history rows written",
        ),
        Result(
            "backups on / off",
            backend,
            on_ms / off_ms,
            "x",
            SMALL_OVERHEAD_LIMIT,
            higher_is_better=False,
        ),
    ]


def updates_results(
    backend: str, rows: int, updates: int, off: list[float], on: list[float]
) -> list[Result]:
    """The figure of the big update imports: backups on / off (issue 12: <= 1.25x)."""
    shown = ", ".join(f"{t:.2f}" for t in off) + " s off; " + ", ".join(f"{t:.2f}" for t in on)
    return [
        Result(
            f"{updates:,} updates into {rows:,}: backups on / off (medians of {len(off)},"
            " alternating)",
            backend,
            median(on) / median(off),
            "x",
            UPDATES_OVERHEAD_LIMIT,
            higher_is_better=False,
            floor=f"runs {shown} s on",
        ),
    ]


async def run_all(options: Options, backends: tuple[str, ...]) -> list[Result]:
    """Write the file once, then bench each backend."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-bench-") as name:
        folder = Path(name)
        source = folder / "recipients.csv"
        write_recipients_csv(source, options.rows)
        log(f"file: {options.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB")
        results: list[Result] = []
        for backend in backends:
            results += await bench_backend(backend, folder, source, options)
        return results


def parser() -> argparse.ArgumentParser:
    """The options, with the hidden ones of the memory child."""
    options = arguments(__doc__.splitlines()[0] if __doc__ else "bench_import")
    options.add_argument(
        "--cases",
        default=",".join(CASES),
        help="comma-separated subset of: " + ", ".join(CASES),
    )
    options.add_argument(
        "--small-runs", type=int, default=SMALL_RUNS, help="1,000-row imports of each kind"
    )
    options.add_argument(
        "--trace", action="store_true", help="log the slowest SQL statements of the imports"
    )
    options.add_argument(
        "--update-runs", type=int, default=UPDATE_RUNS, help="200,000-update imports of each kind"
    )
    options.add_argument("--child-url", help=argparse.SUPPRESS)
    options.add_argument("--child-files", type=Path, help=argparse.SUPPRESS)
    options.add_argument("--child-job", type=int, help=argparse.SUPPRESS)
    return options


def main() -> None:
    """Run the benchmark and print its table."""
    args = parser().parse_args()
    if args.child_job is not None:
        child_import(args.child_url, args.child_files, args.child_job)
        return
    started = time.strftime("%Y-%m-%d %H:%M")
    cases = frozenset(args.cases.split(","))
    if not cases <= set(CASES):
        raise SystemExit(f"--cases takes a subset of {', '.join(CASES)}")
    options = Options(args.rows, cases, args.trace, args.small_runs, args.update_runs)
    results = asyncio.run(run_all(options, chosen_backends(args.backend)))
    print_table(f"bench_import --rows {args.rows} ({started})", results)


if __name__ == "__main__":
    main()
