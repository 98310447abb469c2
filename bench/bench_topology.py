"""Two API instances and two workers against one of each (issue 13's first figure).

Two deployments of real processes (tests/support/topology.py) on PostgreSQL and moto's S3
server on loopback (tests/s3_server.py), each with a fresh database and bucket and a data
folder per process: "single", one `listkeeper serve` (LISTKEEPER_WORKER=false) and one
`listkeeper worker`; "two", two of each. Both stay up for the whole run and are measured in
turns, `--rounds` times each, alternating (single first, then two, ...), so that the load of
the shared machine falls on both alike. A round: `--jobs` imports of `--rows` rows into as
many new groups, sent at once (to the instances in turn), timed from the first request to the
last job ended (bench_queue.parallel_seconds). The figure: throughput of "two" over "single",
the ratio of the median times, with each pair's ratio beside it. Target: >= 1.6x.

    .venv/bin/python -m bench.bench_topology [--rounds N] [--jobs N] [--rows N] [--concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import asyncpg

from bench.bench_queue import parallel_seconds
from bench.common import Result, fresh_database, log, print_table
from tests.s3_server import S3Server, running_s3_server
from tests.support.topology import Deployment, deployment

TARGET = 1.6
TICKS = os.sysconf("SC_CLK_TCK")


def processes() -> dict[int, tuple[str, int, float]]:
    """Every process of the machine: pid -> (command name, parent pid, CPU seconds used)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2 :].split()
            found[int(entry.name)] = (
                name,
                int(fields[1]),
                (int(fields[11]) + int(fields[12])) / TICKS,
            )
    return found


def machine_busy() -> tuple[float, float]:
    """The machine's CPU seconds busy and in all, over every core, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


def roles(made: Deployment, seen: dict[int, tuple[str, int, float]]) -> dict[int, str]:
    """The processes to account: this deployment's, their parse processes, moto, PostgreSQL
    (every `postgres` process: the other deployment's backends too, idle) and this client."""
    named = {p.popen.pid: "api" if p.name.startswith("api") else "worker" for p in made.started}
    for pid, (name, parent, _) in seen.items():
        if named.get(parent) == "worker":
            named[pid] = "parse"
        elif name == "postgres":
            named[pid] = "postgres"
        elif "moto" in name or _runs_moto(pid):
            named[pid] = "moto"
    named[os.getpid()] = "client"
    return named


def _runs_moto(pid: int) -> bool:
    try:
        return b"moto.server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def cpu_by_role(before: dict[int, tuple[str, int, float]], made: Deployment) -> dict[str, float]:
    """CPU seconds each role used since `before` (a process started since counts whole)."""
    after = processes()
    used: dict[str, float] = {}
    for pid, role in roles(made, after).items():
        if pid in after:
            spent = after[pid][2] - (before[pid][2] if pid in before else 0.0)
            used[role] = used.get(role, 0.0) + spent
    return used


@asynccontextmanager
async def running(
    name: str,
    size: int,
    s3: S3Server,
    folder: Path,
    concurrency: str | None,
) -> AsyncIterator[tuple[Deployment, Sequence[int], asyncpg.Connection, str]]:
    """`size` API instances and `size` workers on a fresh database and bucket: the
    deployment, the instances' ports, a connection to its database and a token."""
    async with fresh_database("postgresql", folder) as database:
        settings = {"LISTKEEPER_ENV": "production"}
        if concurrency is not None:
            settings["LISTKEEPER_WORKER_CONCURRENCY"] = concurrency
        with deployment(
            database_url=database.url,
            files_url=f"s3://{s3.new_bucket()}/{name}-{secrets.token_hex(2)}",
            s3_endpoint_url=s3.endpoint_url,
            folder=folder / name,
            **settings,
        ) as made:
            token = await asyncio.to_thread(made.token, "bench")
            instances, _ = await asyncio.to_thread(
                made.start,
                [f"api-{n}" for n in range(size)],
                [f"worker-{n}" for n in range(size)],
            )
            db = await asyncpg.connect(database.url)
            try:
                yield made, [i.port for i in instances], db, token
            finally:
                await db.close()
                await asyncio.to_thread(made.stop_all)


async def main(args: argparse.Namespace) -> None:
    seconds: dict[str, list[float]] = {"single": [], "two": []}
    with tempfile.TemporaryDirectory() as folder, running_s3_server() as s3:
        async with AsyncExitStack() as stack:
            setups = {
                name: await stack.enter_async_context(
                    running(name, size, s3, Path(folder), args.concurrency)
                )
                for name, size in (("single", 1), ("two", 2))
            }
            for round_ in range(args.rounds):
                for name, (made, ports, db, token) in setups.items():
                    before, busy = processes(), machine_busy()
                    took = await parallel_seconds(ports, token, db, args.jobs, args.rows)
                    seconds[name].append(took)
                    used = cpu_by_role(before, made)
                    cores = (machine_busy()[0] - busy[0]) / took
                    shares = ", ".join(f"{role} {cpu:.2f}" for role, cpu in sorted(used.items()))
                    log(
                        f"round {round_ + 1}, {name}: {took:.2f} s; CPU s: {shares};"
                        f" machine busy {cores:.2f} of {os.cpu_count()} cores;"
                        f" load {os.getloadavg()[0]:.2f}"
                    )
    print_table(
        "Two API instances and two workers (PostgreSQL, S3 on moto)", results(seconds, args)
    )


def results(seconds: dict[str, list[float]], args: argparse.Namespace) -> list[Result]:
    """Each configuration's throughput, then the ratio of the medians."""
    found = []
    for name, label in (("single", "1 instance, 1 worker"), ("two", "2 instances, 2 workers")):
        median = statistics.median(seconds[name])
        found.append(
            Result(
                f"{args.jobs} x {args.rows}-row imports, {label}",
                "postgresql",
                args.jobs * args.rows / median,
                "rows/s",
                floor="median of " + ", ".join(f"{s:.2f} s" for s in seconds[name]),
            )
        )
    pairs = [s / t for s, t in zip(seconds["single"], seconds["two"], strict=True)]
    found.append(
        Result(
            "throughput, 2 instances + 2 workers / 1 + 1",
            "postgresql",
            statistics.median(seconds["single"]) / statistics.median(seconds["two"]),
            "x",
            target=TARGET,
            floor="pairs " + ", ".join(f"{p:.2f}x" for p in pairs),
        )
    )
    return found


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument(
        "--concurrency", default=None, help="LISTKEEPER_WORKER_CONCURRENCY (default: unset, 4)"
    )
    asyncio.run(main(parser.parse_args()))
