"""Issue 3: export downloads, restore, group deletion, the backups page, storage growth.

For each backend, on a fresh database with groups of `--rows` and `--rows / 10` recipients,
each imported through `run_import` and then imported into twice (500 changed, 500 new rows) so
that its latest backup reads current rows and history rows:
5. `download`: the big group's latest backup through the real HTTP route of a `listkeeper
   serve` subprocess (issue 12 point 2): its first download (streamed from the database while
   the export is materialised; twice, the file deleted in between) beside the floor of its
   query measured in the same run (SQLite: the same statement on a plain `sqlite3` connection,
   rows written by `csv.writer`; PostgreSQL: `COPY (the statement) TO STDOUT` read by asyncpg;
   the faster of two runs), with the server's peak RSS above idle (VmRSS sampled every 5 ms);
   then repeats from the materialised file, gzip as stored and decompressed, against the first;
6. `run_restore` of the big backup into a new group: rows/s, beside its floor measured in
   the same run (the same state copied into a new group by plain `INSERT ... SELECT`s,
   rolled back); with `into`, that backup restored again (REPLACE) into the group it made;
7. `delete_group` of three groups of `--rows` recipients (the restored one and two SQL copies):
   median ms;
8. the backups page over HTTP for an account with 500 groups and 10,000 backups (inserted
   with SQL): the web app's `BackupsPage` document (frontend-contract/, as registered in
   persisted-documents.json) with `first: 50`, so 50 groups and their latest 7 days; median
   and p99 of 40 requests after 3 warm-ups (issue 12 point 4: under 30 ms);
9. 20 imports of 1,000 changed rows into the big group with backups on: new
   `recipient_version` rows and database growth; then (with `restore`) `run_restore` of the
   big group as of a moment between the 10th and the 11th of them into a new group: rows/s,
   beside the backup restore of 6 (issue 10 point 2); with `into`, the big group restored
   into itself as of that moment (REFRESH_AND_ADD: the 10 later imports undone); then (with
   `restore`) the big group restored into itself exactly (REPLACE) as of a moment after the
   5th import (the 15 later imports, and the restore before, undone): a group's own state
   merges only what changed since (`storage.store.merge.own_state_seq`);
10. `protection`, the cost of continuous protection (issue 10 point 2): writes of 1,000 changed
   rows into the big group through the write path, with a backup in between (as imports make
   one) and without (as API writes inside the backup window), each under the rule before
   continuous protection (history only for rows a backup sees) and after it (every replaced
   row): history rows written, database growth, median write time and the after/before ratio.

    .venv/bin/python -m bench.bench_backups [--rows 1000000] [--backend sqlite|postgresql|both]
        [--cases live,download,restore,into,growth,delete,protection] [--trace]
"""

from __future__ import annotations

import asyncio
import csv
import os
import secrets
import socket
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from api.backups import delete_group, run_restore
from api.global_ids import encode_id
from bench.common import (
    CLOCK,
    REPO,
    Database,
    Result,
    RssSampler,
    arguments,
    chosen_backends,
    finished_job,
    fresh_database,
    log,
    median,
    migrated_engine,
    new_account,
    no_progress,
    print_table,
    queue_job,
    sqlite_bytes,
    status_mb,
    timed_import,
    timed_restore,
    traced,
    write_changes_csv,
    write_recipients_csv,
)
from storage.account_changes import compact_account_changes
from storage.codec.export import export_header
from storage.db import write_transaction
from storage.files import FileStore, FolderStore
from storage.sql import run, scalar, statement
from storage.statistics import refreshed
from storage.store import merge
from storage.store.backups import BackupReason, take_backup
from storage.store.exports import StatePoint, copy_export_sql, sqlite_export_sql
from storage.store.groups import create_group
from storage.store.state import state_sql
from storage.store.write_path import (
    RECIPIENT_COLUMNS,
    StagedSource,
    WriteMode,
    create_stage,
    drop_stage,
    latest_backup_seq,
    lock_group,
    stage_rows,
    write_recipients,
)

CASES = ("live", "download", "restore", "into", "growth", "delete", "protection")
EXPORT_TARGET = {"sqlite": 100_000.0, "postgresql": 200_000.0}
EXPORT_MEMORY_LIMIT_MB = 50.0
# Issue 12 point 2: the first download at 0.9x its query's floor, a repeat 5x the first.
DOWNLOAD_FLOOR_RATIO = 0.9
REPEAT_RATIO = 5.0
RESTORE_TARGET = 200_000.0
DELETE_LIMIT_MS = 50.0
DELETE_RUNS = 3
OVERVIEW_LIMIT_MS = 30.0
OVERVIEW_GROUPS = 500
OVERVIEW_BACKUPS_PER_GROUP = 20
OVERVIEW_RUNS = 40
OVERVIEW_WARMUPS = 3
GROWTH_IMPORTS = 20
GROWTH_ROWS = 1_000
PROTECTION_WRITES = 10
# An extra history row per changed row is the price; the write itself may cost this much more.
PROTECTION_OVERHEAD_LIMIT = 1.10

OVERVIEW_PAGE = 50
OVERVIEW_DAYS = 7  # BackupsPage asks `dayConnection(first: 7)`
# What `listkeeper serve` runs (api/cli.py `_serve`), without loading every CLI subcommand.
SERVE = (
    "import sys, uvicorn; from api.app import create_asgi_app;"
    " uvicorn.run(create_asgi_app(), host='127.0.0.1', port=int(sys.argv[1]), log_config=None)"
)
LATEST_BACKUP_QUERY = (
    "query Latest($g: ID!) { backups(groupId: $g, first: 1) { edges { node { id recipientCount"
    " downloadUrl } } } }"
)


@dataclass(frozen=True)
class Bench:
    """One backend's database, engine, file store and benchmark account."""

    database: Database
    engine: AsyncEngine
    files: FileStore
    folder: Path
    account_id: int
    token: str
    trace: bool = False


@dataclass(frozen=True)
class BackedUpGroup:
    """A group and its latest backup."""

    group_id: int
    rows: int
    backup_id: int
    backup_rows: int


# --- setup ------------------------------------------------------------------------------------


async def backed_up_group(bench: Bench, source: Path, rows: int, name: str) -> BackedUpGroup:
    """Import `source` into a new group, then import into it twice: two backups."""
    _, job = await timed_import(
        bench.engine, bench.files, account_id=bench.account_id, source=source, group_name=name
    )
    assert job.group_id is not None
    for batch in (0, 1):
        changes = bench.folder / f"{name}-changes-{batch}.csv"
        write_changes_csv(changes, group_rows=rows, batch=batch, updates=500, new=500)
        await timed_import(
            bench.engine,
            bench.files,
            account_id=bench.account_id,
            source=changes,
            mode="REFRESH_AND_ADD",
            group_id=job.group_id,
        )
    async with write_transaction(bench.engine) as conn:
        backup = (
            await run(
                conn,
                "SELECT id, recipient_count FROM backup WHERE group_id = :g"
                " ORDER BY seq DESC LIMIT 1",
                g=job.group_id,
            )
        ).one()
    return BackedUpGroup(job.group_id, rows, int(backup.id), int(backup.recipient_count))


async def fill_overview_account(engine: AsyncEngine) -> str:
    """An account with OVERVIEW_GROUPS groups of OVERVIEW_BACKUPS_PER_GROUP backups; its token."""
    account_id, token = await new_account(engine, "overview")
    now = CLOCK.now()
    async with write_transaction(engine) as conn:
        backups: list[dict[str, Any]] = []
        for g in range(OVERVIEW_GROUPS):
            group_id = await create_group(conn, account_id=account_id, name=f"List {g}", now=now)
            for k in range(OVERVIEW_BACKUPS_PER_GROUP):
                created = now - timedelta(days=k, minutes=g)
                backups.append(
                    {
                        "a": account_id,
                        "g": group_id,
                        "name": f"List {g}",
                        "seq": k + 1,
                        "count": 1_000 + k,
                        "now": created,
                        "expires_at": created + timedelta(days=30),
                    }
                )
        # `now` and `expires_at` are the parameter names storage.sql types as UTC timestamps.
        await conn.execute(
            statement(
                "INSERT INTO backup (account_id, group_id, group_name, reason, seq,"
                " recipient_count, attribute_names, created_at, expires_at)"
                " VALUES (:a, :g, :name, 'IMPORT', :seq, :count, '[]', :now, :expires_at)"
            ),
            backups,
        )
    async with write_transaction(engine) as conn:
        # The change rows of 10,500 inserts folded into one, as a retention sweep leaves them.
        await compact_account_changes(conn, account_id=account_id)
    return token


async def copy_group(bench: Bench, source: BackedUpGroup, name: str) -> int:
    """A new group holding a copy of the current rows of `source` (for deletion runs)."""
    async with write_transaction(bench.engine) as conn:
        group_id = await create_group(conn, account_id=bench.account_id, name=name, now=CLOCK.now())
        columns = RECIPIENT_COLUMNS.replace("group_id, ", "")
        await run(
            conn,
            f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT :new, {columns} FROM recipient"
            " WHERE group_id = :g",
            new=group_id,
            g=source.group_id,
        )
        await run(
            conn,
            "UPDATE recipient_group SET recipient_count = (SELECT count(*) FROM recipient"
            " WHERE group_id = :g) WHERE id = :g",
            g=group_id,
        )
    return group_id


# --- the live server --------------------------------------------------------------------------


class ServerProcess:
    """The server as `listkeeper serve` runs it, in a subprocess on a free loopback port."""

    def __init__(
        self, database: Database, folder: Path, settings: dict[str, str] | None = None
    ) -> None:
        self.settings = settings or {}  # more LISTKEEPER_* variables
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = database
        self.folder = folder
        self.log_path = folder / "server.log"
        # One data folder per database: materialised exports are named by backup id.
        self.data_dir = folder / f"server-data-{database.backend}"
        self.process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        """Start the server and wait until /healthz answers."""
        env = dict(os.environ)
        env.update(
            LISTKEEPER_DATABASE_URL=self.database.url,
            LISTKEEPER_DATA_DIR=str(self.data_dir),
            LISTKEEPER_SECRET_KEY=secrets.token_urlsafe(32),
        )
        env.update(self.settings)
        with self.log_path.open("wb") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                SERVE,
                str(self.port),
                env=env,
                cwd=REPO,
                stdout=out,
                stderr=out,
            )
        async with httpx.AsyncClient(base_url=self.url) as client:
            for _ in range(600):
                if self.process.returncode is not None:
                    break
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the server did not start; see {self.log_path}:\n{self.log_tail()}")

    def log_tail(self) -> str:
        """The end of the server's output."""
        return self.log_path.read_text(errors="replace")[-3000:]

    async def stop(self) -> None:
        """Stop the server (SIGTERM) and wait for it."""
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


async def graphql(
    client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any] | None = None
) -> Any:
    """Run a query as the token's account that must succeed; its `data`."""
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise RuntimeError(f"GraphQL failed ({response.status_code}): {body}")
    return body["data"]


@dataclass(frozen=True)
class Download:
    """What one export download measured."""

    rows: int
    seconds: float
    idle_mb: float
    peak_mb: float
    hwm_mb: float


async def download(
    client: httpx.AsyncClient, token: str, server: ServerProcess, group: BackedUpGroup
) -> Download:
    """Stream the latest backup's export of `group`, counting rows, sampling the server's RSS."""
    data = await graphql(
        client, token, LATEST_BACKUP_QUERY, {"g": encode_id("Group", group.group_id)}
    )
    node = data["backups"]["edges"][0]["node"]
    idle = status_mb("VmRSS", server.pid)
    lines = 0
    with RssSampler(server.pid) as sampler:
        start = time.perf_counter()
        async with client.stream("GET", node["downloadUrl"]) as response:
            if response.status_code != 200:
                raise RuntimeError(
                    f"download failed: {response.status_code} {await response.aread()!r}"
                )
            # Decoded: a repeat download may come gzip-encoded from the stored export.
            async for chunk in response.aiter_bytes():
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - start
    rows = lines - 1
    if rows != node["recipientCount"]:
        raise RuntimeError(f"the export has {rows:,} rows, the backup {node['recipientCount']:,}")
    return Download(rows, seconds, idle, sampler.peak_mb, status_mb("VmHWM", server.pid))


def backups_page_document() -> str:
    """The BackupsPage operation as the web app sends it: its registered document text."""
    manifest = orjson.loads((REPO / "frontend-contract" / "persisted-documents.json").read_bytes())
    texts: list[str] = [text for text in manifest.values() if "query BackupsPage(" in text]
    return texts[0]


@dataclass(frozen=True)
class ServerUsage:
    """A process's CPU time (user + system) and minor page faults so far."""

    cpu_ms: float
    minor_faults: int

    @classmethod
    def of(cls, pid: int) -> ServerUsage:
        """Read from /proc/<pid>/stat (fields after the command's closing parenthesis)."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return cls((int(fields[11]) + int(fields[12])) * 1000 / ticks, int(fields[7]))


@dataclass
class OverviewTimes:
    """The requests' times (ms) and the server's CPU time and page faults per request: on a
    shared machine the CPU time varies less than the wall-clock time."""

    ms: list[float] = field(default_factory=list)
    server_cpu_ms: float = 0.0
    server_faults: float = 0.0


# A change to the overview account's shown data, as a write from another process makes it:
# the account_change triggers count it, so the next BackupsPage runs instead of being kept.
OVERVIEW_CHANGE = (
    "UPDATE recipient_group SET name = name WHERE name = 'List 0'"
    " AND account_id = (SELECT id FROM account WHERE name = 'overview')"
)


async def timed_overview(
    cached: ServerProcess, uncached: ServerProcess, engine: AsyncEngine, token: str
) -> dict[str, OverviewTimes]:
    """OVERVIEW_RUNS rounds after warm-ups, each: a change to the account, the first
    BackupsPage after it and a repeat on the server that keeps answers, one on the server
    that keeps none. Milliseconds of each, and each server's CPU per round."""
    document, variables = backups_page_document(), {"first": OVERVIEW_PAGE}
    times = {name: OverviewTimes() for name in ("first after a change", "repeat", "cache off")}
    async with (
        httpx.AsyncClient(base_url=cached.url, timeout=60) as on,
        httpx.AsyncClient(base_url=uncached.url, timeout=60) as off,
    ):
        for _ in range(OVERVIEW_WARMUPS):
            data = await graphql(on, token, document, variables)
            if await graphql(off, token, document, variables) != data:
                raise RuntimeError("the kept BackupsPage differs from the one run")
        overview = data["backupOverview"]
        days = [len(e["node"]["dayConnection"]["edges"]) for e in overview["edges"]]
        if overview["totalCount"] != OVERVIEW_GROUPS or days != [OVERVIEW_DAYS] * OVERVIEW_PAGE:
            raise RuntimeError(f"unexpected overview: {overview['totalCount']} groups, {days}")
        size = len(orjson.dumps(data)) / 1e3
        log(f"BackupsPage: {OVERVIEW_PAGE} groups, {sum(days)} days, {size:.0f} kB of data")
        usage = {s.pid: ServerUsage.of(s.pid) for s in (cached, uncached)}
        for _ in range(OVERVIEW_RUNS):
            async with write_transaction(engine) as conn:
                await run(conn, OVERVIEW_CHANGE)
            for name, client in (("first after a change", on), ("repeat", on), ("cache off", off)):
                start = time.perf_counter()
                await graphql(client, token, document, variables)
                times[name].ms.append((time.perf_counter() - start) * 1000)
        for name, server in (("repeat", cached), ("cache off", uncached)):
            now = ServerUsage.of(server.pid)
            times[name].server_cpu_ms = (now.cpu_ms - usage[server.pid].cpu_ms) / OVERVIEW_RUNS
            faults = now.minor_faults - usage[server.pid].minor_faults
            times[name].server_faults = faults / OVERVIEW_RUNS
    return times


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of `values` lie (p99 of 40 values: the largest)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def live_figures(bench: Bench, overview_token: str) -> list[Result]:
    """The backups page, on two server subprocesses of one database, one keeping answers
    (LISTKEEPER_RESPONSE_CACHE_ENTRIES's default) and one not (0): downloads elsewhere."""
    cached = ServerProcess(bench.database, bench.folder)
    uncached = ServerProcess(
        bench.database, bench.folder, {"LISTKEEPER_RESPONSE_CACHE_ENTRIES": "0"}
    )
    uncached.log_path = bench.folder / "server-uncached.log"
    try:
        await cached.start()
        await uncached.start()
        measured = await timed_overview(cached, uncached, bench.engine, overview_token)
    except BaseException:
        print(cached.log_tail(), uncached.log_tail(), file=sys.stderr)
        raise
    finally:
        await cached.stop()
        await uncached.stop()
    backend = bench.database.backend
    cpu = {
        "repeat": f"server CPU {measured['repeat'].server_cpu_ms:.0f} ms a round (first + repeat)",
        "cache off": f"server CPU {measured['cache off'].server_cpu_ms:.0f} ms and"
        f" {measured['cache off'].server_faults:.0f} page faults a request",
    }
    return [
        Result(
            f"BackupsPage (first: {OVERVIEW_PAGE}, {OVERVIEW_DAYS} days each),"
            f" {OVERVIEW_GROUPS} groups / {OVERVIEW_GROUPS * OVERVIEW_BACKUPS_PER_GROUP:,}"
            f" backups, HTTP, {name} (median of {OVERVIEW_RUNS})",
            backend,
            median(times.ms),
            "ms",
            OVERVIEW_LIMIT_MS,
            higher_is_better=False,
            floor=f"p99 {percentile(times.ms, 0.99):.0f} ms, min {min(times.ms):.0f} ms"
            + (f"; {cpu[name]}" if name in cpu else ""),
        )
        for name, times in measured.items()
    ]


def export_results(backend: str, group: BackedUpGroup, measured: Download) -> list[Result]:
    """Rate and memory figures of one download."""
    size = f"{measured.rows:,}-row backup"
    return [
        Result(
            f"export download of a {size} (HTTP, streamed)",
            backend,
            measured.rows / measured.seconds,
            "rows/s",
            EXPORT_TARGET[backend],
            floor=f"{measured.seconds:.1f} s",
        ),
        Result(
            f"server peak RSS above idle during the {size} download",
            backend,
            measured.peak_mb - measured.idle_mb,
            "MB",
            EXPORT_MEMORY_LIMIT_MB,
            higher_is_better=False,
            floor=f"idle {measured.idle_mb:.0f} MB, peak {measured.peak_mb:.0f} MB,"
            f" VmHWM {measured.hwm_mb:.0f} MB",
        ),
    ]


# --- downloads: the first at the floor of its query, repeats from the materialised file -------


@dataclass(frozen=True)
class Transfer:
    """One download: bytes on the wire, seconds, and the CSV's rows."""

    wire_bytes: int
    seconds: float
    rows: int


async def fetch_download(client: httpx.AsyncClient, url: str, encoding: str) -> Transfer:
    """GET `url` with `Accept-Encoding: encoding`, reading the bytes as sent (curl's way);
    lines are counted in the CSV only (`rows` 0 for gzip: inflating is the client's work)."""
    lines = size = 0
    start = time.perf_counter()
    async with client.stream("GET", url, headers={"Accept-Encoding": encoding}) as response:
        if response.status_code != 200:
            raise RuntimeError(f"download failed: {response.status_code}")
        async for chunk in response.aiter_raw():
            size += len(chunk)
            if encoding == "identity":
                lines += chunk.count(b"\n")
    return Transfer(size, time.perf_counter() - start, max(0, lines - 1))


def sqlite_floor(database: Database, backup: dict[str, Any]) -> float:
    """Seconds for the backup's export statement on a plain `sqlite3` connection, its rows
    written by `csv.writer` (to /dev/null), in this process: the first download's floor."""
    assert database.path is not None
    point = StatePoint(backup["seq"], backup["names"])
    with sqlite3.connect(database.path) as conn, open(os.devnull, "w", newline="") as sink:
        start = time.perf_counter()
        history = conn.execute(
            "SELECT 1 FROM recipient_version WHERE group_id = ? AND valid_to > ?"
            " AND valid_from <= ? LIMIT 1",
            (backup["group_id"], point.seq, point.seq),
        ).fetchone()
        sql, parameters = sqlite_export_sql(backup["group_id"], point, history=history is not None)
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(export_header(point.names))
        cursor = conn.execute(sql, parameters)
        while rows := cursor.fetchmany(5_000):
            writer.writerows(rows)
        return time.perf_counter() - start


async def postgres_floor(database: Database, backup: dict[str, Any]) -> float:
    """Seconds for `COPY (the backup's export statement) TO STDOUT` read by asyncpg."""
    point = StatePoint(backup["seq"], backup["names"])
    conn = await asyncpg.connect(database.url)
    try:
        received = 0

        async def sink(data: bytes) -> None:
            nonlocal received
            received += len(data)

        start = time.perf_counter()
        sql = copy_export_sql(backup["group_id"], point)
        await conn.copy_from_query(sql, *point.names, output=sink, format="csv")
        return time.perf_counter() - start
    finally:
        await conn.close()


async def download_floor(database: Database, backup: dict[str, Any]) -> float:
    """The faster of two runs of the floor (the first warms the cache as a download would)."""
    runs = []
    for _ in range(2):
        if database.backend == "sqlite":
            runs.append(await asyncio.to_thread(sqlite_floor, database, backup))
        else:
            runs.append(await postgres_floor(database, backup))
    return min(runs)


async def backup_facts(engine: AsyncEngine, backup_id: int) -> dict[str, Any]:
    """What the floors need of a backup: group, seq, attribute names, count."""
    async with write_transaction(engine) as conn:
        row = (
            await run(
                conn,
                "SELECT group_id, seq, attribute_names, recipient_count FROM backup WHERE id = :b",
                b=backup_id,
            )
        ).one()
    return {
        "group_id": int(row.group_id),
        "seq": int(row.seq),
        "names": orjson.loads(row.attribute_names),
        "rows": int(row.recipient_count),
    }


async def download_figures(bench: Bench, small: BackedUpGroup, big: BackedUpGroup) -> list[Result]:
    """First download (streamed and materialised) beside its floor, measured twice (the file
    deleted in between), then repeats from the file: as stored (gzip) and decompressed."""
    server = ServerProcess(bench.database, bench.folder)
    await server.start()
    facts = await backup_facts(bench.engine, big.backup_id)
    uploads = server.data_dir / "exports" / str(big.backup_id)  # the backup's own folder
    pattern = f"export-{big.backup_id}-*.csv.gz"  # storage/export_cache.py's keys
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=600) as client:
            log("downloads: warm-up (small group), floor, first (twice), repeats")
            await download(client, bench.token, server, small)
            floor = await download_floor(bench.database, facts)
            firsts: list[Download] = []
            for _ in range(2):
                for stored_export in uploads.glob(pattern):
                    stored_export.unlink()
                firsts.append(await download(client, bench.token, server, big))
            url = await latest_download_url(client, bench.token, big)
            repeats = {e: await fetch_download(client, url, e) for e in ("gzip", "identity")}
    except BaseException:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        await server.stop()
    stored = sum(p.stat().st_size for p in uploads.glob(pattern))
    if repeats["identity"].rows != facts["rows"]:
        raise RuntimeError(
            f"the repeat has {repeats['identity'].rows:,} rows, not {facts['rows']:,}"
        )
    return first_and_repeat_results(bench.database.backend, big, floor, firsts, repeats, stored)


async def latest_download_url(client: httpx.AsyncClient, token: str, group: BackedUpGroup) -> str:
    """The downloadUrl of the group's latest backup."""
    data = await graphql(
        client, token, LATEST_BACKUP_QUERY, {"g": encode_id("Group", group.group_id)}
    )
    return str(data["backups"]["edges"][0]["node"]["downloadUrl"])


def first_and_repeat_results(
    backend: str,
    big: BackedUpGroup,
    floor: float,
    firsts: list[Download],
    repeats: dict[str, Transfer],
    stored: int,
) -> list[Result]:
    """The first download against its floor, the repeats against the first."""
    first = min(firsts, key=lambda d: d.seconds)
    rows = first.rows
    floor_name = "sqlite3 + csv.writer" if backend == "sqlite" else "COPY ... TO STDOUT"
    results = [
        Result(
            f"first download of a {rows:,}-row backup / floor ({floor_name}, same run)",
            backend,
            floor / first.seconds,
            "x",
            DOWNLOAD_FLOOR_RATIO,
            floor=f"first {rows / first.seconds:,.0f} rows/s"
            f" (runs {', '.join(f'{d.seconds:.2f}' for d in firsts)} s);"
            f" floor {rows / floor:,.0f} rows/s ({floor:.2f} s)",
        ),
        *export_results(backend, big, first),
    ]
    for encoding, transfer in repeats.items():
        results.append(
            Result(
                f"repeat download ({encoding}) / first download",
                backend,
                first.seconds / transfer.seconds,
                "x",
                REPEAT_RATIO,
                floor=f"{transfer.seconds:.2f} s, {rows / transfer.seconds:,.0f} rows/s,"
                f" {transfer.wire_bytes / 1e6:.0f} MB sent; stored file {stored / 1e6:.0f} MB",
            )
        )
    return results


# --- restore, deletion, growth ----------------------------------------------------------------


async def restore_figure(bench: Bench, big: BackedUpGroup) -> tuple[Result, int]:
    """Restore the big backup into a new group: the figure and the new group's id."""
    with traced(bench.engine, bench.trace, "the restore"):
        seconds, job = await timed_restore(
            bench.engine,
            bench.files,
            account_id=bench.account_id,
            backup_id=big.backup_id,
            name="restored",
        )
    if job.added != big.backup_rows:
        raise RuntimeError(
            f"the restore added {job.added:,} rows, the backup has {big.backup_rows:,}"
        )
    assert job.group_id is not None
    floor_seconds, floor_rows = await restore_floor(bench, big.backup_id)
    result = Result(
        f"restore of a {big.backup_rows:,}-row backup into a new group (run_restore)",
        bench.database.backend,
        big.backup_rows / seconds,
        "rows/s",
        RESTORE_TARGET,
        floor=f"{seconds:.1f} s; raw INSERT...SELECT of the same state into a new group"
        f" {floor_rows / floor_seconds / 1000:.0f}k rows/s ({floor_seconds:.1f} s)",
    )
    return result, job.group_id


async def restore_floor(bench: Bench, backup_id: int) -> tuple[float, int]:
    """The floor of a restore into a new group: the backup's state copied into a new group by
    plain `INSERT ... SELECT`s (its current part in index order, then its history part; no
    job, no conflict clause, no statistics), rolled back. Seconds and rows."""
    async with bench.engine.connect() as conn:
        backup = (
            await run(conn, "SELECT group_id, seq FROM backup WHERE id = :b", b=backup_id)
        ).one()
        await conn.commit()
        await conn.execution_options(immediate=True)
        start = time.perf_counter()
        async with conn.begin() as transaction:
            group = await create_group(
                conn, account_id=bench.account_id, name="floor", now=CLOCK.now()
            )
            rows = 0
            for part in ("current", "history"):
                select = state_sql(backup.group_id, backup.seq, parts=(part,), ordered=True)
                result = await run(
                    conn,
                    f"INSERT INTO recipient ({RECIPIENT_COLUMNS}) SELECT :g, email, first_name,"
                    f" last_name, status, attributes, :now, :now, 1 FROM ({select}) AS src",
                    g=group,
                    now=CLOCK.now(),
                )
                rows += result.rowcount
            seconds = time.perf_counter() - start
            await transaction.rollback()
    return seconds, rows


async def delete_figure(bench: Bench, big: BackedUpGroup, restored: int) -> Result:
    """Median time of `delete_group` on groups of the big group's size."""
    groups = [restored]
    for n in range(DELETE_RUNS - 1):
        log(f"copying the big group for deletion run {n + 2}")
        groups.append(await copy_group(bench, big, f"copy {n}"))
    times = []
    for group_id in groups:
        start = time.perf_counter()
        await delete_group(
            engine=bench.engine, account_id=bench.account_id, group_id=group_id, now=CLOCK.now()
        )
        times.append((time.perf_counter() - start) * 1000)
    return Result(
        f"deleteGroup of a {big.rows:,}-row group (delete_group, median of {DELETE_RUNS})",
        bench.database.backend,
        median(times),
        "ms",
        DELETE_LIMIT_MS,
        higher_is_better=False,
        floor="runs " + ", ".join(f"{t:.1f}" for t in times) + " ms",
    )


async def database_bytes(bench: Bench) -> int:
    """The database's size on disk (SQLite: after a WAL checkpoint)."""
    path = bench.database.path
    if path is not None:
        await asyncio.to_thread(_checkpoint, path)
        return sqlite_bytes(path)
    async with write_transaction(bench.engine) as conn:
        return int(await scalar(conn, "SELECT pg_database_size(current_database())"))


def _checkpoint(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


async def count_rows(bench: Bench, table: str) -> int:
    """Rows of a table."""
    async with write_transaction(bench.engine) as conn:
        return int(await scalar(conn, f"SELECT count(*) FROM {table}"))


async def growth_figures(
    bench: Bench, big: BackedUpGroup
) -> tuple[list[Result], datetime, datetime]:
    """GROWTH_IMPORTS imports of GROWTH_ROWS changed rows into the big group, backups on; a
    moment between the middle two of them, and one after the first quarter of them."""
    versions, size = await count_rows(bench, "recipient_version"), await database_bytes(bench)
    recipients = await count_rows(bench, "recipient")
    times = []
    for n in range(GROWTH_IMPORTS):
        changes = bench.folder / f"growth-{n}.csv"
        write_changes_csv(changes, group_rows=big.rows, batch=100 + n, updates=GROWTH_ROWS, new=0)
        with traced(bench.engine, bench.trace and n == GROWTH_IMPORTS - 1, "a growth import"):
            seconds, job = await timed_import(
                bench.engine,
                bench.files,
                account_id=bench.account_id,
                source=changes,
                mode="REFRESH_AND_ADD",
                group_id=big.group_id,
            )
        if job.updated != GROWTH_ROWS or job.backup_id is None:
            raise RuntimeError(f"unexpected outcome of a growth import: {job}")
        times.append(seconds * 1000)
        if n == GROWTH_IMPORTS // 4 - 1:
            await asyncio.sleep(0.01)
            early = CLOCK.now()
            await asyncio.sleep(0.01)
        if n == GROWTH_IMPORTS // 2 - 1:
            await asyncio.sleep(0.01)
            moment = CLOCK.now()
            await asyncio.sleep(0.01)
    new_versions = await count_rows(bench, "recipient_version") - versions
    grown = await database_bytes(bench) - size
    per_copy = size / recipients * big.rows
    backend = bench.database.backend
    return (
        [
            Result(
                f"recipient_version rows after {GROWTH_IMPORTS} imports of {GROWTH_ROWS:,} changed rows"
                f" into {big.rows:,}",
                backend,
                new_versions,
                "rows",
                float(GROWTH_IMPORTS * GROWTH_ROWS),
                higher_is_better=False,
                floor=f"import median {median(times):.0f} ms (max {max(times):.0f} ms)",
            ),
            Result(
                f"database growth over those {GROWTH_IMPORTS} imports",
                backend,
                grown / 1e6,
                "MB",
                floor=f"before {size / 1e6:.0f} MB; one full copy of the group"
                f" ~{per_copy / 1e6:.0f} MB",
            ),
        ],
        moment,
        early,
    )


async def as_of_restore_figure(bench: Bench, big: BackedUpGroup, moment: datetime) -> Result:
    """`run_restore` of the big group as of `moment` into a new group: rows/s."""
    job = await queue_job(
        bench.engine,
        account_id=bench.account_id,
        kind="RESTORE",
        mode="REFRESH_AND_ADD",
        group_id=None,
        new_group_name="restored as of",
        source_group_id=big.group_id,
        source_as_of=moment,
    )
    with traced(bench.engine, bench.trace, "the restore as of a moment"):
        start = time.perf_counter()
        await run_restore(
            job, engine=bench.engine, files=bench.files, now=CLOCK.now, progress=no_progress
        )
        seconds = time.perf_counter() - start
    await refreshed()  # the statistics' refresh after the commit: out of the next timing
    done = await finished_job(bench.engine, job.id)
    if done.status != "SUCCEEDED" or done.added < big.rows:
        raise RuntimeError(f"unexpected outcome of the restore as of a moment: {done}")
    return Result(
        f"restore of the {big.rows:,}-row group as of a moment between {GROWTH_IMPORTS} imports"
        " (run_restore, asOf)",
        bench.database.backend,
        done.added / seconds,
        "rows/s",
        RESTORE_TARGET,
        floor=f"{seconds:.1f} s, {done.added:,} rows; the backup restore above is the same job",
    )


async def restore_into_figure(
    bench: Bench,
    rows: int,
    *,
    group_id: int,
    mode: str,
    label: str,
    source: dict[str, Any],
) -> Result:
    """`run_restore` back into an existing group (a backup up before it, then a merge): rows/s
    of the source state."""
    job = await queue_job(
        bench.engine,
        account_id=bench.account_id,
        kind="RESTORE",
        mode=mode,
        group_id=group_id,
        **source,
    )
    with traced(bench.engine, bench.trace, f"the restore {label}"):
        start = time.perf_counter()
        await run_restore(
            job, engine=bench.engine, files=bench.files, now=CLOCK.now, progress=no_progress
        )
        seconds = time.perf_counter() - start
    await refreshed()  # the statistics' refresh after the commit: out of the next timing
    done = await finished_job(bench.engine, job.id)
    if done.total_rows is None or done.total_rows < rows or done.backup_id is None:
        raise RuntimeError(f"unexpected outcome of the restore {label}: {done}")
    return Result(
        f"restore {label} (run_restore, {mode})",
        bench.database.backend,
        done.total_rows / seconds,
        "rows/s",
        RESTORE_TARGET,
        floor=f"{seconds:.1f} s, {done.total_rows:,} source rows: {done.updated:,} updated,"
        f" {done.added:,} added, {done.removed:,} removed; the new-group restore above",
    )


# --- the cost of continuous protection --------------------------------------------------------


async def _backup_rule_horizon(conn: Any, *, group: Any) -> int | None:
    """The rule before continuous protection: history only for rows a backup sees."""
    return await latest_backup_seq(conn, group_id=group.id)


def changed_rows(bench: Bench, big: BackedUpGroup, batch: int) -> list[tuple[Any, ...]]:
    """GROWTH_ROWS existing addresses of the big group with changed names, as staged rows."""
    path = bench.folder / f"protection-{batch}.csv"
    write_changes_csv(path, group_rows=big.rows, batch=batch, updates=GROWTH_ROWS, new=0)
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        names = next(reader)[3:]
        return [
            (
                rn,
                cells[0],
                cells[1],
                cells[2],
                None,
                orjson.dumps(dict(zip(names, cells[3:], strict=True))).decode(),
            )
            for rn, cells in enumerate(reader, start=2)
        ]


async def direct_write(
    bench: Bench, group_id: int, rows: list[tuple[Any, ...]], *, backup: bool
) -> float:
    """One write as a job does it (stage, then lock, maybe back up, write, commit): seconds of
    the write transaction."""
    async with bench.engine.connect() as conn:
        await create_stage(conn)
        await stage_rows(conn, rows)
        await conn.commit()
        await conn.execution_options(immediate=True)
        start = time.perf_counter()
        async with conn.begin():
            group = await lock_group(conn, group_id=group_id, now=CLOCK.now())
            if group is None:
                raise RuntimeError(f"group {group_id} is gone")
            if backup:
                await take_backup(conn, group=group, reason=BackupReason.IMPORT, now=CLOCK.now())
            await write_recipients(
                conn,
                group=group,
                source=StagedSource(),
                mode=WriteMode.REFRESH_AND_ADD,
                now=CLOCK.now(),
            )
        seconds = time.perf_counter() - start
        await drop_stage(conn)
        await conn.commit()
    return seconds


@dataclass
class ProtectionArm:
    """What the writes of one rule and one arm cost, summed write by write."""

    history_rows: int = 0
    growth_bytes: int = 0
    times_ms: list[float] = field(default_factory=list)


def with_rule(rule: str) -> Any:
    """The history rule in force: "before" continuous protection, or "after" (the code's)."""
    return _backup_rule_horizon if rule == "before" else ORIGINAL_HORIZON


ORIGINAL_HORIZON = merge.history_horizon


async def measured_write(
    bench: Bench,
    big: BackedUpGroup,
    rows: list[tuple[Any, ...]],
    arm: ProtectionArm,
    *,
    backup: bool,
) -> None:
    """One write, its history rows, growth and time added to `arm`."""
    versions, size = await count_rows(bench, "recipient_version"), await database_bytes(bench)
    arm.times_ms.append(await direct_write(bench, big.group_id, rows, backup=backup) * 1000)
    arm.history_rows += await count_rows(bench, "recipient_version") - versions
    arm.growth_bytes += await database_bytes(bench) - size


def renamed(rows: list[tuple[Any, ...]], n: int) -> list[tuple[Any, ...]]:
    """The same addresses with another first name (the n-th change of the same rows)."""
    return [(rn, email, f"Again{n}", *rest) for rn, email, _first, *rest in rows]


async def protection_figures(bench: Bench, big: BackedUpGroup) -> list[Result]:
    """Writes with a backup in between (distinct rows each, as imports) and without (the same
    rows again and again, as API writes inside the backup window), the rules alternated write
    by write so that both see the same machine."""
    arms = {
        (rule, backup): ProtectionArm() for rule in ("before", "after") for backup in (True, False)
    }
    again = {rule: changed_rows(bench, big, 400 + i) for i, rule in enumerate(("before", "after"))}
    try:
        # The arm with backups first: a backup between the writes of the other arm would
        # make the rule before copy its rows again.
        for backup in (True, False):
            for n in range(PROTECTION_WRITES):
                for i, rule in enumerate(("before", "after")):
                    merge.history_horizon = with_rule(rule)
                    if backup:
                        rows = changed_rows(bench, big, 500 + 2 * n + i)
                    else:
                        rows = renamed(again[rule], n)
                    await measured_write(bench, big, rows, arms[rule, backup], backup=backup)
    finally:
        merge.history_horizon = ORIGINAL_HORIZON
    return [
        result
        for backup in (True, False)
        for result in protection_results(
            bench, big, arms["before", backup], arms["after", backup], backup
        )
    ]


def protection_results(
    bench: Bench, big: BackedUpGroup, before: ProtectionArm, after: ProtectionArm, backup: bool
) -> list[Result]:
    """The history rows and the time ratio of one arm, before and after."""
    name = (
        "with a backup before each (distinct rows)"
        if backup
        else "without a backup (the same rows again)"
    )
    writes = f"{PROTECTION_WRITES} writes of {GROWTH_ROWS:,} changed rows into {big.rows:,}, {name}"
    return [
        Result(
            f"{writes}: history rows after continuous protection",
            bench.database.backend,
            after.history_rows,
            "rows",
            float(PROTECTION_WRITES * GROWTH_ROWS),
            higher_is_better=False,
            floor=f"before: {before.history_rows:,} rows; growth {before.growth_bytes / 1e6:.1f} MB"
            f" before, {after.growth_bytes / 1e6:.1f} MB after",
        ),
        Result(
            f"{writes}: write time after / before",
            bench.database.backend,
            median(after.times_ms) / median(before.times_ms),
            "x",
            PROTECTION_OVERHEAD_LIMIT,
            higher_is_better=False,
            floor=f"median {median(before.times_ms):.0f} ms -> {median(after.times_ms):.0f} ms",
        ),
    ]


# --- the run ----------------------------------------------------------------------------------


async def bench_backend(
    backend: str, folder: Path, sources: dict[int, Path], options: Options
) -> list[Result]:
    """The figures of issue 3 on one backend."""
    small_rows, big_rows = sorted(sources)
    cases = options.cases
    results: list[Result] = []
    async with fresh_database(backend, folder) as database, migrated_engine(database) as engine:
        account_id, token = await new_account(engine, "bench")
        files = FolderStore(folder / f"files-{backend}")
        bench = Bench(database, engine, files, folder, account_id, token, options.trace)
        log(f"{backend}: building groups of {small_rows:,} and {big_rows:,} with two backups each")
        small = await backed_up_group(bench, sources[small_rows], small_rows, "small")
        big = await backed_up_group(bench, sources[big_rows], big_rows, "big")
        if "live" in cases:
            overview_token = await fill_overview_account(engine)
            log(f"{backend}: live server: backupOverview")
            results += await live_figures(bench, overview_token)
        if "download" in cases:
            log(f"{backend}: live server: downloads, first and repeated, and their floor")
            results += await download_figures(bench, small, big)
        restored = None
        if cases & {"restore", "into", "delete"}:
            log(f"{backend}: restore")
            restore, restored = await restore_figure(bench, big)
            results += [restore] if "restore" in cases else []
            if "into" in cases:
                log(f"{backend}: restore of the backup into the group it made (REPLACE)")
                results.append(
                    await restore_into_figure(
                        bench,
                        big.backup_rows,
                        group_id=restored,
                        mode="REPLACE",
                        label=f"of a {big.backup_rows:,}-row backup into a group holding it",
                        source={"source_backup_id": big.backup_id},
                    )
                )
        if "growth" in cases:
            log(f"{backend}: storage growth")
            growth, moment, early = await growth_figures(bench, big)
            results += growth
            if "restore" in cases:
                log(f"{backend}: restore as of a moment")
                results.append(await as_of_restore_figure(bench, big, moment))
            if "into" in cases:
                log(f"{backend}: restore of the big group into itself as of a moment")
                results.append(
                    await restore_into_figure(
                        bench,
                        big.rows,
                        group_id=big.group_id,
                        mode="REFRESH_AND_ADD",
                        label=f"of the {big.rows:,}-row group into itself as of that moment",
                        source={"source_group_id": big.group_id, "source_as_of": moment},
                    )
                )
            if "restore" in cases:
                log(
                    f"{backend}: the big group restored into itself exactly as of an earlier moment"
                )
                undone = GROWTH_IMPORTS - GROWTH_IMPORTS // 4
                results.append(
                    await restore_into_figure(
                        bench,
                        big.rows,
                        group_id=big.group_id,
                        mode="REPLACE",
                        label=f"of the {big.rows:,}-row group into itself exactly as of a moment"
                        f" {undone} imports back",
                        source={"source_group_id": big.group_id, "source_as_of": early},
                    )
                )
        if "protection" in cases:
            log(f"{backend}: the cost of continuous protection")
            results += await protection_figures(bench, big)
        if restored is not None and "delete" in cases:
            log(f"{backend}: deleteGroup")
            results.append(await delete_figure(bench, big, restored))
    return results


@dataclass(frozen=True)
class Options:
    """What to run."""

    rows: int
    cases: frozenset[str]
    trace: bool


async def run_all(options: Options, backends: tuple[str, ...]) -> list[Result]:
    """Write the two files once, then bench each backend."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-bench-") as name:
        folder = Path(name)
        sources = {n: folder / f"recipients-{n}.csv" for n in (options.rows // 10, options.rows)}
        for n, path in sources.items():
            write_recipients_csv(path, n)
        results: list[Result] = []
        for backend in backends:
            results += await bench_backend(backend, folder, sources, options)
        return results


def main() -> None:
    """Run the benchmark and print its table."""
    options = arguments(__doc__.splitlines()[0] if __doc__ else "bench_backups")
    options.add_argument(
        "--trace", action="store_true", help="log the slowest SQL of the restore and an import"
    )
    options.add_argument(
        "--cases",
        default=",".join(CASES),
        help="comma-separated subset of: " + ", ".join(CASES),
    )
    args = options.parse_args()
    cases = frozenset(args.cases.split(","))
    if not cases <= set(CASES):
        raise SystemExit(f"--cases takes a subset of {', '.join(CASES)}")
    started = time.strftime("%Y-%m-%d %H:%M")
    results = asyncio.run(
        run_all(Options(args.rows, cases, args.trace), chosen_backends(args.backend))
    )
    print_table(f"bench_backups --rows {args.rows} ({started})", results)


if __name__ == "__main__":
    main()
