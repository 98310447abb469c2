"""bench_import_flow: stageFile of a big CSV, and cancelJob of a running import, on a live server.

(a) `stageFile` of a ~100 MB CSV (`--stage-mb`, within 1%) posted to a `listkeeper serve`
process: the whole mutation; the same bytes merely uploaded (the same multipart request,
refused as INVALID_INPUT before anything is saved: the upload's cost alone); the rest of the
mutation (save, sniff, row); and, timed in this process on the same file (medians of 3), the
sniff the server runs once the upload is saved (`inspect_file` given the `Utf8Count` fed
while saving), that count's own work over the file's 1 MiB chunks (what the save adds), and
the whole-file sniff it replaces.
(b) `cancelJob` of a running import of `--rows` rows (half of them changes, half new) into a
group of `--rows` recipients, sent once the job is RUNNING and inside its write (SQLite: the
write lock is held; PostgreSQL: its backend runs a write statement): the request -> response
time beside a status query's just before (the server's latency while the job writes) and, on
SQLite, whether the job still held the write lock after the response; the time from the
response to the job's CANCELLED status; the group's rows, versions, backups and seq before
and after.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncEngine

from api.global_ids import decode_id
from api.staged_files import inspect_file
from bench.common import (
    Database,
    Result,
    arguments,
    chosen_backends,
    fresh_database,
    log,
    print_table,
    write_changes_csv,
    write_recipients_csv,
)
from storage.codec.sniff import Utf8Count
from storage.db import create_engine, read_transaction
from storage.files import CHUNK
from storage.sql import run

CANCEL_TARGET_MS = 1_000.0
SNIFF_TARGET_MS = 100.0
STAGE = "mutation S($input: StageFileInput!) { stageFile(input: $input) { stagedFile { id rowEstimate } userErrors { code } } }"
# Both a file and a staged file: INVALID_INPUT, answered before the upload is saved.
REFUSED = (
    "mutation I($input: ImportRecipientsInput!) { importRecipients(input: $input)"
    " { job { id } userErrors { code } } }"
)
IMPORT = "mutation I($input: ImportRecipientsInput!) { importRecipients(input: $input) { job { id } userErrors { code message } } }"
STATUS = "query J($id: ID!) { importJob(id: $id) { status group { id } } }"
CANCEL = "mutation C($input: CancelJobInput!) { cancelJob(input: $input) { job { status } userErrors { code } } }"
ENDED = ("SUCCEEDED", "FAILED", "CANCELLED")
WRITES = (
    "INSERT OR REPLACE INTO stage_final%",
    "INSERT INTO stage_final%",
    "INSERT INTO stage_changes%",
    "INSERT INTO recipient%",
    "UPDATE recipient %",
)


class Server:
    """A `listkeeper serve` process on a free port, and an account's token on it."""

    def __init__(self, database: Database, data_dir: Path) -> None:
        self.env = {
            **os.environ,
            "LISTKEEPER_DATABASE_URL": database.url,
            "LISTKEEPER_DATA_DIR": str(data_dir),
            "LISTKEEPER_MAX_UPLOAD_MB": "1024",
        }
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.process = subprocess.Popen(
            [_listkeeper(), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.token = ""

    def start(self) -> None:
        """Wait until it answers; make a token."""
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(self.url.replace("/graphql", "/healthz"), timeout=1)
                break
            except httpx.TransportError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.1)
        made = subprocess.run(
            [_listkeeper(), "create-token", "--account", "bench"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        self.token = made.stdout.strip()

    def stop(self) -> None:
        """End the process (it was started here)."""
        self.process.terminate()
        self.process.wait(timeout=60)

    def gql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """A JSON request; its data."""
        answer = httpx.post(
            self.url,
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=600,
        )
        body = answer.json()
        if "errors" in body:
            raise SystemExit(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data

    def upload(self, query: str, variables: dict[str, Any], path: Path) -> dict[str, Any]:
        """A multipart request carrying `path` as variables.input.file; its data."""
        operations = orjson.dumps({"query": query, "variables": variables}).decode()
        with path.open("rb") as file:
            answer = httpx.post(
                self.url,
                data={"operations": operations, "map": '{"0": ["variables.input.file"]}'},
                files={"0": (path.name, file, "text/csv")},
                headers={"Authorization": f"Bearer {self.token}", "Apollo-Require-Preflight": "1"},
                timeout=600,
            )
        body = answer.json()
        if "errors" in body:
            raise SystemExit(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data

    def wait(self, job_id: str, every: float = 0.2) -> dict[str, Any]:
        """Poll the job every `every` seconds until it has ended."""
        while True:
            job: dict[str, Any] = self.gql(STATUS, {"id": job_id})["importJob"]
            if job["status"] in ENDED:
                return job
            time.sleep(every)


def _listkeeper() -> str:
    return str(Path(sys.executable).with_name("listkeeper"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(database: Database, data_dir: Path) -> Iterator[Server]:
    """A started server, stopped at the end."""
    server = Server(database, data_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def timed_ms(action: Any) -> tuple[float, Any]:
    """Run `action()`; its milliseconds and its result."""
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def write_file_of(path: Path, megabytes: int) -> None:
    """A recipients CSV of `megabytes` MB, within 1% (rows' length depends on their number)."""
    target = megabytes * 1_000_000
    rows = max(10, target // 55)
    for _ in range(3):
        write_recipients_csv(path, rows)
        size = path.stat().st_size
        if abs(size - target) <= target // 100:
            return
        rows = max(10, round(rows * target / size))


def counted_while_saved(source: Path) -> Utf8Count:
    """The count the server makes while it saves the upload: each 1 MiB chunk fed."""
    counted = Utf8Count()
    with source.open("rb") as file:
        while chunk := file.read(CHUNK):
            counted.feed(chunk)
    return counted


def count_ms(source: Path) -> float:
    """The count's own work over the file's chunks (read beforehand): what the save adds."""
    with source.open("rb") as file:
        chunks = list(iter(lambda: file.read(CHUNK), b""))
    counted = Utf8Count()
    started = time.perf_counter()
    for chunk in chunks:
        counted.feed(chunk)
    return (time.perf_counter() - started) * 1000


def bench_stage(server: Server, backend: str, source: Path) -> list[Result]:
    """stageFile of `source`, beside the upload alone and the sniff alone."""
    mb = source.stat().st_size / 1e6
    total, staged = timed_ms(lambda: server.upload(STAGE, {"input": {"file": None}}, source))
    assert staged["stageFile"]["userErrors"] == [], staged
    refused_input = {"input": {"file": None, "stagedFileId": "x", "groupName": "never"}}
    upload, refused = timed_ms(lambda: server.upload(REFUSED, refused_input, source))
    assert refused["importRecipients"]["job"] is None, refused
    size = source.stat().st_size
    counted = counted_while_saved(source)
    sniff = _median_ms(lambda: inspect_file(source, size, [], counted))
    whole_file = _median_ms(lambda: inspect_file(source, size, []))
    counting = statistics.median(count_ms(source) for _ in range(3))
    case = f"stageFile {mb:.1f} MB"
    return [
        Result(f"{case}: whole mutation", backend, total, "ms", higher_is_better=False),
        Result(f"{case}: same bytes, upload only", backend, upload, "ms", higher_is_better=False),
        Result(
            f"{case}: the rest (save with its count, sniff, row)",
            backend,
            total - upload,
            "ms",
            higher_is_better=False,
        ),
        Result(
            f"{case}: sniff after the upload (inspect_file with the count, in process)",
            backend,
            sniff,
            "ms",
            SNIFF_TARGET_MS,
            higher_is_better=False,
            floor=f"whole-file sniff it replaces: {whole_file:.0f} ms",
        ),
        Result(
            f"{case}: the count fed each chunk while saving (in process)",
            backend,
            counting,
            "ms",
            higher_is_better=False,
        ),
    ]


def _median_ms(action: Any) -> float:
    return statistics.median(timed_ms(action)[0] for _ in range(3))


async def group_counts(engine: AsyncEngine, group_id: int) -> tuple[int, ...]:
    """The group's current rows, history rows, backups, recipientCount and seq."""
    async with read_transaction(engine) as conn:
        found = []
        for table in ("recipient", "recipient_version", "backup"):
            rows = await run(conn, f"SELECT count(*) FROM {table} WHERE group_id = :g", g=group_id)
            found.append(int(rows.scalar_one()))
        group = (
            await run(
                conn, "SELECT recipient_count, seq FROM recipient_group WHERE id = :g", g=group_id
            )
        ).one()
        return (*found, *(int(value) for value in group))


async def writing(engine: AsyncEngine, database: Database) -> bool:
    """Whether an import is inside its write (SQLite: the write lock held twice in a row)."""
    if database.path is not None:
        return _write_locked(database.path) and _locked_again(database.path)
    like = " OR ".join(f"query LIKE :w{i}" for i in range(len(WRITES)))
    async with read_transaction(engine) as conn:
        active = await run(
            conn,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            f" AND state = 'active' AND ({like})",
            **{f"w{i}": w for i, w in enumerate(WRITES)},
        )
        return int(active.scalar_one()) > 0


def _locked_again(path: Path) -> bool:
    time.sleep(0.02)
    return _write_locked(path)


def _write_locked(path: Path) -> bool:
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def _status(server: Server, job_id: str) -> str:
    status: str = server.gql(STATUS, {"id": job_id})["importJob"]["status"]
    return status


async def bench_cancel(
    server: Server, database: Database, backend: str, folder: Path, rows: int
) -> list[Result]:
    """Cancel a running import of `rows` rows into a group of `rows`, inside its write."""
    case = f"cancelJob of a {rows:,}-row import into {rows:,} rows"
    group_file, changes = folder / "group.csv", folder / "changes.csv"
    write_recipients_csv(group_file, rows)
    write_changes_csv(changes, group_rows=rows, batch=1, updates=rows // 2, new=rows - rows // 2)
    seeded = server.upload(
        IMPORT, {"input": {"file": None, "groupName": f"cancel {backend}"}}, group_file
    )["importRecipients"]
    group = server.wait(seeded["job"]["id"])["group"]["id"]
    log(f"{backend}: group of {rows:,} rows imported")
    engine = create_engine(database.async_url)
    try:
        group_id = decode_id(group, "Group", field=["id"])
        before = await group_counts(engine, group_id)
        started = server.upload(
            IMPORT,
            {"input": {"file": None, "groupId": group, "mode": "REFRESH_AND_ADD"}},
            changes,
        )["importRecipients"]
        job_id = started["job"]["id"]
        # RUNNING first: the write lock may be held before the job is even claimed.
        while not (_status(server, job_id) == "RUNNING" and await writing(engine, database)):
            status = _status(server, job_id)
            if status in ENDED:  # too small a file to be caught in its write
                log(f"{backend}: the import ended ({status}) before it could be cancelled")
                return [Result(f"{case}: not caught, the import ended {status}", backend, 0, "x")]
            await asyncio.sleep(0.01)
        # The server's latency in this state: a status query just before the cancel.
        probe = timed_ms(lambda: _status(server, job_id))[0]
        asked = time.perf_counter()
        answer = server.gql(CANCEL, {"input": {"jobId": job_id}})["cancelJob"]
        answered = time.perf_counter()
        held = database.path is not None and _write_locked(database.path)
        status = server.wait(job_id, every=0.01)["status"]
        if answer["userErrors"]:  # CONFLICT: it had ended meanwhile (too small a file)
            return [Result(f"{case}: not caught, the import ended {status}", backend, 0, "x")]
        ended = time.perf_counter()
        after = await group_counts(engine, group_id)
    finally:
        await engine.dispose()
    log(f"{backend}: cancel answered {answer['job']['status']}, job {status}; {before} -> {after}")
    return [
        Result(
            f"{case}: request -> response ({answer['job']['status']})",
            backend,
            (answered - asked) * 1000,
            "ms",
            higher_is_better=False,
            floor=f"status query just before: {probe:.0f} ms"
            + (f"; write lock held after the response: {held}" if database.path else ""),
        ),
        Result(
            f"{case}: response -> {status}",
            backend,
            (ended - answered) * 1000,
            "ms",
            CANCEL_TARGET_MS,
            higher_is_better=False,
        ),
        Result(
            f"{case}: rows, versions, backups, count, seq unchanged ({before})",
            backend,
            float(before == after and status == "CANCELLED"),
            "x",
            1.0,
        ),
    ]


CASES = ("stage", "cancel")


async def bench_backend(
    backend: str, folder: Path, stage_mb: int, rows: int, cases: tuple[str, ...]
) -> list[Result]:
    """The chosen cases on one backend, each server on a fresh database."""
    source = folder / "stage.csv"
    if "stage" in cases and not source.exists():
        write_file_of(source, stage_mb)
        log(f"stage file: {source.stat().st_size / 1e6:.1f} MB")
    results: list[Result] = []
    async with fresh_database(backend, folder) as database:
        with running_server(database, folder / f"data-{backend}") as server:
            if "stage" in cases:
                results += bench_stage(server, backend, source)
                log(f"{backend}: stageFile done")
            if "cancel" in cases:
                results += await bench_cancel(server, database, backend, folder, rows)
    return results


async def run_all(
    backends: tuple[str, ...], stage_mb: int, rows: int, cases: tuple[str, ...]
) -> list[Result]:
    """The chosen cases on every backend."""
    with tempfile.TemporaryDirectory(prefix="listkeeper-bench-") as name:
        results: list[Result] = []
        for backend in backends:
            results += await bench_backend(backend, Path(name), stage_mb, rows, cases)
        return results


def main() -> None:
    """Run the benchmark and print its table."""
    options = arguments(__doc__.splitlines()[0] if __doc__ else "bench_import_flow")
    options.add_argument("--stage-mb", type=int, default=100, help="size of the staged file")
    options.add_argument("--cases", default=",".join(CASES), help="stage,cancel")
    args = options.parse_args()
    cases = tuple(case for case in args.cases.split(",") if case in CASES)
    started = time.strftime("%Y-%m-%d %H:%M")
    results = asyncio.run(run_all(chosen_backends(args.backend), args.stage_mb, args.rows, cases))
    print_table(
        f"bench_import_flow --rows {args.rows} --stage-mb {args.stage_mb} --cases"
        f" {','.join(cases)} ({started})",
        results,
    )


if __name__ == "__main__":
    main()
