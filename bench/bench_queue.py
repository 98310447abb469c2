"""The queue on PostgreSQL (issue 13 point 3): pickup latency and parallel jobs.

Real processes on loopback: one `listkeeper serve` with LISTKEEPER_WORKER=false and one
`listkeeper worker`, on a fresh PostgreSQL database. This process is the client.

- pickup: `--samples` times, a 2-row import into a new group; the time from the
  importRecipients response to the job seen no longer QUEUED by a poll of the database every
  5 ms, with the worker woken by NOTIFY, then with notices off (LISTKEEPER_JOB_NOTICES=false,
  polls of LISTKEEPER_JOB_POLL_SECONDS=1 alone). A random pause before each sample spreads
  the requests over the poll interval. Target: under 100 ms with NOTIFY.
- parallel: 20 concurrent 1,000-row imports into 20 new groups, sent at once; the time from
  the first request to the last job ended, with LISTKEEPER_WORKER_CONCURRENCY 1 and then 4;
  the throughput ratio.

    .venv/bin/python -m bench.bench_queue [--samples N] [--jobs N] [--rows N]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import orjson

from bench.common import (
    REPO,
    Result,
    fresh_database,
    log,
    migrated_engine,
    new_account,
    print_table,
)

IMPORT = (
    "mutation($input: ImportRecipientsInput!) { importRecipients(input: $input) {"
    " job { id status } userErrors { code message } } }"
)
PICKUP_TARGET_MS = 100.0
SEEN_EVERY_SECONDS = 0.005


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def processes(
    url: str, data_dir: Path, port: int, worker_env: dict[str, str]
) -> AsyncIterator[None]:
    """An API-only server and one worker, until the block ends (SIGTERM, then wait)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("LISTKEEPER_")}
    base |= {
        "PYTHONPATH": str(REPO),
        "LISTKEEPER_DATABASE_URL": url,
        "LISTKEEPER_DATA_DIR": str(data_dir),
        "LISTKEEPER_SECRET_KEY": "bench-queue-secret-key",
        "LISTKEEPER_ENV": "production",
    }
    api = spawn(["serve", "--port", str(port)], base | {"LISTKEEPER_WORKER": "false"})
    worker = spawn(["worker"], base | worker_env)
    try:
        await _answering(port)
        await asyncio.sleep(2.0)  # the worker has started and is listening (or polling)
        yield
    finally:
        for process in (worker, api):
            process.terminate()
        for process in (worker, api):
            await asyncio.to_thread(process.wait, 60)


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`listkeeper COMMAND` in a process of its own, its output dropped."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *command],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _answering(port: int) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


def csv_file(rows: int, prefix: str) -> bytes:
    lines = ["email,first name"] + [f"{prefix}{n}@x.io,N{n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def start_import(client: httpx.AsyncClient, port: int, content: bytes, group: str) -> int:
    """Send importRecipients into a new group; the job's database id."""
    variables = {"input": {"file": None, "groupName": group, "mode": "REFRESH_AND_ADD"}}
    response = await client.post(
        f"http://127.0.0.1:{port}/graphql",
        data={
            "operations": orjson.dumps({"query": IMPORT, "variables": variables}).decode(),
            "map": '{"0": ["variables.input.file"]}',
        },
        files={"0": ("people.csv", content, "text/csv")},
        headers={"Apollo-Require-Preflight": "true"},
    )
    payload = response.json()["data"]["importRecipients"]
    assert payload["userErrors"] == [], payload
    return int(base64.b64decode(payload["job"]["id"]).decode().split(":", 1)[1])


async def seen_running(db: asyncpg.Connection, job_id: int) -> None:
    """Return once the job is no longer QUEUED (a read every 5 ms)."""
    while True:
        if await db.fetchval("SELECT status FROM job WHERE id = $1", job_id) != "QUEUED":
            return
        await asyncio.sleep(SEEN_EVERY_SECONDS)


async def pickup_ms(port: int, token: str, db: asyncpg.Connection, samples: int) -> list[float]:
    """Response-to-RUNNING times of `samples` small imports."""
    found: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        for n in range(samples):
            await asyncio.sleep(random.uniform(0.2, 1.2))
            job_id = await start_import(client, port, csv_file(2, f"s{n}-"), f"pickup {n}")
            answered = time.perf_counter()
            await seen_running(db, job_id)
            found.append((time.perf_counter() - answered) * 1000)
    return found


async def parallel_seconds(
    ports: Sequence[int], token: str, db: asyncpg.Connection, jobs: int, rows: int
) -> float:
    """Seconds from sending `jobs` imports at once (to the API instances at `ports` in
    turn) to the last one ended."""
    headers = {"Authorization": f"Bearer {token}"}
    files = [csv_file(rows, f"g{n}-") for n in range(jobs)]
    async with httpx.AsyncClient(headers=headers, timeout=120) as client:
        started = time.perf_counter()
        ids = await asyncio.gather(
            *(
                start_import(client, ports[n % len(ports)], f, f"parallel {n}")
                for n, f in enumerate(files)
            )
        )
        while True:
            statuses = await db.fetch(
                "SELECT id, status, error FROM job WHERE id = ANY($1::int[])", ids
            )
            if all(s["status"] not in ("QUEUED", "RUNNING") for s in statuses):
                failed = [dict(s) for s in statuses if s["status"] != "SUCCEEDED"]
                assert not failed, failed
                return time.perf_counter() - started
            await asyncio.sleep(0.02)


async def one_run(
    worker_env: dict[str, str], measure: str, args: argparse.Namespace
) -> list[float] | float:
    """A fresh database and processes; the measure's figures."""
    with tempfile.TemporaryDirectory() as folder:
        async with fresh_database("postgresql", Path(folder)) as database:
            async with migrated_engine(database) as engine:
                _, token = await new_account(engine, "bench")
            port = free_port()
            db = await asyncpg.connect(database.url)
            try:
                async with processes(database.url, Path(folder) / "data", port, worker_env):
                    if measure == "pickup":
                        return await pickup_ms(port, token, db, args.samples)
                    return await parallel_seconds([port], token, db, args.jobs, args.rows)
            finally:
                await db.close()


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(args: argparse.Namespace) -> None:
    results: list[Result] = []
    pickups: dict[str, list[float]] = {}
    for name, env in (
        ("NOTIFY", {"LISTKEEPER_JOB_POLL_SECONDS": "1"}),
        (
            "polling only (1 s)",
            {"LISTKEEPER_JOB_POLL_SECONDS": "1", "LISTKEEPER_JOB_NOTICES": "false"},
        ),
    ):
        log(f"pickup, {name}")
        found = await one_run(env, "pickup", args)
        assert isinstance(found, list)
        pickups[name] = found
        target = PICKUP_TARGET_MS if name == "NOTIFY" else None
        floor = f"p90 {percentile(found, 0.9):.1f} ms, max {max(found):.1f} ms, n={len(found)}"
        results.append(
            Result(
                f"pickup median, {name}",
                "postgresql",
                statistics.median(found),
                "ms",
                target=target,
                higher_is_better=False,
                floor=floor,
            )
        )
    seconds: dict[int, float] = {}
    for concurrency in (1, 4):
        log(f"{args.jobs} imports of {args.rows} rows, concurrency {concurrency}")
        env = {"LISTKEEPER_WORKER_CONCURRENCY": str(concurrency)}
        took = await one_run(env, "parallel", args)
        assert isinstance(took, float)
        seconds[concurrency] = took
        jobs_per_s = args.jobs / took
        results.append(
            Result(
                f"{args.jobs} x {args.rows}-row imports, concurrency {concurrency}",
                "postgresql",
                jobs_per_s * args.rows,
                "rows/s",
                floor=f"{took:.2f} s",
            )
        )
    results.append(
        Result(
            "throughput, concurrency 4 / 1",
            "postgresql",
            seconds[1] / seconds[4],
            "x",
            floor=f"{seconds[1]:.2f} s / {seconds[4]:.2f} s",
        )
    )
    print_table("The queue on PostgreSQL", results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
