"""Every benchmark in turn, their tables collected into bench/RESULTS.md (issue 12).

Each benchmark runs as its own process (`python -m bench.<name> ...`), one after the other,
with the load average read before and after it; their Markdown tables (the figure beside its
floor or peer measured in the same run, target and verdict) are copied into RESULTS.md under a
header giving the command, the date and the machine. A benchmark that fails is reported with
its exit status and the end of its output, and the others still run.

    .venv/bin/python -m bench.run_all [--rows 1000000] [--only bench_import,bench_backups]
        [--output bench/RESULTS.md]

PostgreSQL figures need LISTKEEPER_TEST_POSTGRES_URL, as each benchmark does.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# (module, arguments): the full run. `{rows}` is --rows.
RUNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bench_parse", ("--rows", "{rows}")),
    ("bench_import", ("--rows", "{rows}", "--backend", "both")),
    ("bench_backups", ("--rows", "{rows}", "--backend", "both")),
    ("bench_preview", ("--rows", "{rows}", "--backend", "both")),
    ("bench_writes", ("--rows", "{rows}", "--backend", "both", "--runs", "11")),
    ("bench_reads", ("--search", "{rows}", "--backend", "both", "--runs", "50")),
    ("bench_small_ops", ()),
    ("bench_import_flow", ("--rows", "{rows}")),
    ("bench_queue", ()),
    ("bench_topology", ("--rounds", "5")),
    ("bench_files", ("--mb", "100")),
)

TABLE_START = re.compile(r"^### ")


@dataclass
class Run:
    """One benchmark's run: its command, status, load before and after, and tables."""

    command: str
    status: int
    seconds: float
    load_before: str
    load_after: str
    tables: str
    tail: str


def load_average() -> str:
    """The 1-minute load average (the machine is shared: read figures beside it)."""
    return Path("/proc/loadavg").read_text().split()[0]


def tables_of(output: str) -> str:
    """The Markdown tables a benchmark printed (each from its `### ` title to a blank line)."""
    kept: list[str] = []
    inside = False
    for line in output.splitlines():
        if TABLE_START.match(line):
            inside = True
            kept.append("#" + line)  # one level below the run's own heading
            continue
        if inside:
            if line.strip() == "" and kept and kept[-1].startswith("|"):
                inside = False
                kept.append("")
                continue
            if line.startswith("|") or line.strip() == "":
                kept.append(line)
    return "\n".join(kept).strip()


def run_one(module: str, arguments: tuple[str, ...], rows: int) -> Run:
    """Run `python -m bench.<module>` to its end; its tables and status."""
    args = [arg.format(rows=rows) for arg in arguments]
    command = " ".join([".venv/bin/python", "-m", f"bench.{module}", *args])
    print(f"[{time.strftime('%H:%M:%S')}] {command}", flush=True)
    before = load_average()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    print(output[-3000:], flush=True)
    return Run(
        command=command,
        status=done.returncode,
        seconds=seconds,
        load_before=before,
        load_after=load_average(),
        tables=tables_of(done.stdout),
        tail="\n".join(output.strip().splitlines()[-15:]),
    )


def machine() -> str:
    """What the figures were measured on."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    postgres = subprocess.run(
        ["bash", "-c", "ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.1f} GB RAM, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, PostgreSQL {postgres or 'not found'}"
    )


def report(runs: list[Run], *, command: str, started: str) -> str:
    """RESULTS.md's text."""
    lines = [
        "# Benchmark results",
        "",
        "The tables of the last full run of `bench/run_all.py` (written by it: do not edit by",
        "hand). Each figure stands beside its floor or peer measured in the same run; the",
        "machine is shared, so read the ratios, and the load average beside each benchmark.",
        "",
        f"- command: `{command}`",
        f"- date: {started} (UTC)",
        f"- machine: {machine()}",
        "",
    ]
    for run in runs:
        lines += [
            f"## `{run.command}`",
            "",
            f"Exit status {run.status}, {run.seconds:.0f} s, load average "
            f"{run.load_before} before, {run.load_after} after.",
            "",
        ]
        if run.tables:
            lines += [run.tables, ""]
        if run.status != 0 or not run.tables:
            lines += ["The end of its output:", "", "```", run.tail, "```", ""]
    return "\n".join(lines)


def main() -> None:
    """Run the benchmarks and write the report."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    options.add_argument("--rows", type=int, default=1_000_000)
    options.add_argument("--only", help="comma-separated benchmark modules (default: all)")
    options.add_argument("--output", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = options.parse_args()
    chosen = set(args.only.split(",")) if args.only else None
    unknown = (chosen or set()) - {module for module, _ in RUNS}
    if unknown:
        options.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    runs = [
        run_one(module, arguments, args.rows)
        for module, arguments in RUNS
        if chosen is None or module in chosen
    ]
    command = "python -m bench.run_all " + " ".join(sys.argv[1:])
    args.output.write_text(report(runs, command=command.strip(), started=started))
    print(f"wrote {args.output}")
    if any(run.status != 0 for run in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
