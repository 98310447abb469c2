"""Crash trials: SIGKILL the server at random points of imports, restores, deletions and
retention sweeps, restart it, and check every invariant against an oracle.

    .venv/bin/python -m bench.crash_trials --backend sqlite --trials 200 --seed 1
    .venv/bin/python -m bench.crash_trials --backend postgresql --trials 50 --seed 1

PostgreSQL needs LISTKEEPER_TEST_POSTGRES_URL (an admin URL: each world is a new database,
dropped afterwards). A trial picks an operation, sends it, kills the server (and a sweep's
process) after a random delay, restarts it, waits for the jobs to finish, decides from the
database whether the operation committed, moves the oracle accordingly and checks: live groups
and every backup's download equal the oracle, counts equal rows, no orphan rows or staged
uploads, no job ran twice. A violation ends its world (the next trial starts a fresh one, its
folder is kept for inspection), except a leftover staged upload, which leaves the oracle right;
the exit status is 1 when there was any violation.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.crash_operations import Limits, Operation, choose_operation
from bench.crash_world import World

MID_OPERATION = ("request", "queued", "running", "sweep")
# Violations that leave the oracle right (a leftover staged file): the world goes on.
LEAKS = ("[upload]",)


@dataclass
class Options:
    """What to run: the backend, how many trials, the seed, the timing and sizes."""

    backend: str
    trials: int
    seed: int
    max_delay: float = 0.4
    trials_per_world: int = 40
    limits: Limits = field(default_factory=Limits)
    workdir: Path | None = None
    keep: bool = False
    verbose: bool = True


@dataclass
class Summary:
    """What the trials found."""

    backend: str
    trials: int = 0
    worlds: int = 0
    phases: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    failed_jobs: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def mid_operation(self) -> int:
        """Kills that landed before the operation had completed."""
        return sum(self.phases[p] for p in MID_OPERATION)

    def line(self) -> str:
        """The one summary line of the backend."""
        phases = ", ".join(f"{p} {n}" for p, n in sorted(self.phases.items()))
        kinds = Counter(v.split("]")[0] + "]" for v in self.violations)
        found = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        return (
            f"{self.backend}: {self.trials} trials in {self.worlds} worlds, {self.trials} SIGKILLs,"
            f" {self.mid_operation} landed mid-operation (at: {phases}),"
            f" {len(self.failed_jobs)} jobs FAILED, {len(self.violations)} violations"
            + (f" ({found})" if found else "")
        )


async def run_trials(options: Options) -> Summary:
    """Run the trials of one backend; the summary."""
    rng = random.Random(options.seed)
    summary = Summary(options.backend)
    root = Path(tempfile.mkdtemp(prefix=f"crash-{options.backend}-", dir=options.workdir))
    world: World | None = None
    in_world = 0
    completed = False
    try:
        for number in range(1, options.trials + 1):
            if world is None or in_world >= options.trials_per_world:
                if world is not None:
                    await world.close(keep=options.keep)
                summary.worlds += 1
                world = await World.create(
                    backend=options.backend, folder=root / f"world-{summary.worlds}"
                )
                in_world = 0
            found = await run_trial(world, rng, options, summary, number)
            in_world += 1
            summary.violations += [f"{v} (trial {number}, {world.folder})" for v in found]
            if any(not v.startswith(LEAKS) for v in found):
                # The oracle may be wrong from here on: keep this world, start a new one.
                summary.kept.append(str(world.folder))
                await world.close(keep=True)
                world = None
        completed = True
    finally:
        if world is not None:
            await world.close(keep=options.keep or not completed)
        if completed and not summary.kept and not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    return summary


async def run_trial(
    world: World, rng: random.Random, options: Options, summary: Summary, number: int
) -> list[str]:
    """One operation, one SIGKILL, one restart, every check; the violations."""
    started = time.monotonic()
    operation = await choose_operation(world, rng, options.limits)
    await operation.prepare(world)
    # Squared: half the kills come in the first quarter of the range, where most operations
    # are still running; the rest still reach past the slowest ones.
    delay = options.max_delay * rng.random() ** 2
    phase = await send_and_kill(world, operation, delay)
    summary.trials += 1
    summary.phases[phase] += 1
    restarted = time.monotonic()
    await world.start()
    resolving = time.monotonic()
    found = await operation.resolve(world, options.limits)
    checking = time.monotonic()
    found += await world.check()
    summary.failed_jobs += operation.failed_jobs
    if options.verbose:
        verdict = f"{len(found)} violations" if found else "ok"
        steps = (restarted - started, resolving - restarted, checking - resolving)
        timing = "op {:.1f} s, restart {:.1f} s, settle {:.1f} s".format(*steps)
        print(
            f"trial {number}/{options.trials} {operation.label}: killed after"
            f" {delay * 1000:.0f} ms at {phase}; {verdict}"
            f" ({timing}, checks {time.monotonic() - checking:.1f} s)",
            flush=True,
        )
        for violation in found:
            print(f"  VIOLATION {violation}", flush=True)
    return found


async def send_and_kill(world: World, operation: Operation, delay: float) -> str:
    """Send the operation, SIGKILL the server after `delay` seconds; where it stood then."""
    sending = asyncio.create_task(operation.send(world))
    await asyncio.sleep(delay)
    await world.kill()
    await operation.kill()
    phase = await operation.phase(world)
    await asyncio.wait_for(sending, timeout=60)
    return phase


def parse_args(argv: list[str] | None) -> Options:
    """The command line as options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-delay-ms", type=float, default=400, help="kill delay: 0 to this, skewed low"
    )
    parser.add_argument("--trials-per-world", type=int, default=40)
    parser.add_argument("--max-rows", type=int, default=10_000, help="rows of the largest file")
    parser.add_argument("--settle-timeout", type=float, default=60, help="seconds for jobs")
    parser.add_argument("--workdir", type=Path, default=None, help="where worlds are made")
    parser.add_argument("--keep", action="store_true", help="keep every world, not only bad ones")
    args = parser.parse_args(argv)
    return Options(
        backend=args.backend,
        trials=args.trials,
        seed=args.seed,
        max_delay=args.max_delay_ms / 1000,
        trials_per_world=args.trials_per_world,
        limits=Limits(
            max_rows=args.max_rows,
            pool=max(args.max_rows * 6 // 5, 100),
            settle_timeout=args.settle_timeout,
        ),
        workdir=args.workdir,
        keep=args.keep,
    )


def main(argv: list[str] | None = None) -> int:
    """Run, print the summary and each violation; 1 when any was found."""
    options = parse_args(argv)
    summary = asyncio.run(run_trials(options))
    print(summary.line())
    for violation in summary.violations:
        print(f"  violation: {violation}")
    for failure in summary.failed_jobs:
        print(f"  failed job: {failure}")
    return 1 if summary.violations else 0


if __name__ == "__main__":
    sys.exit(main())
