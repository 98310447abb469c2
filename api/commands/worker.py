"""`listkeeper worker`: run jobs (and the retention sweep) in a process of their own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

from api.commands.console import (
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    Output,
    exit_codes_help,
)
from api.settings import Settings

DESCRIPTION = """Run the job worker (imports and restores) and the retention loop without the
HTTP API. Run as many as you like beside `listkeeper serve` on the same database: each job
runs once, in one worker, and if that worker dies another takes the job over at its next
poll. The API instances and the workers must share LISTKEEPER_DATA_DIR, where uploads wait
for their job. To keep the API processes from running jobs themselves, start them with
LISTKEEPER_WORKER=false. On PostgreSQL a queued job wakes an idle worker at once
(LISTEN/NOTIFY) and a worker runs up to LISTKEEPER_WORKER_CONCURRENCY jobs at once
(default 4; always 1 on SQLite), never two of one group."""

EPILOG = f"""It runs until SIGINT (Ctrl-C) or SIGTERM, then drains: it claims no more jobs, lets
its running jobs finish for up to LISTKEEPER_WORKER_GRACE_SECONDS (default 8), stops the rest
and queues them again (their attempt not counted) for another worker, and ends with 0.

{exit_codes_help(EXIT_OK, EXIT_USAGE, EXIT_UNREACHABLE)}"""


def register(commands: Any) -> None:
    """Add the `worker` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "worker",
        help="run jobs and retention in a separate process (no HTTP)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)


def handler(args: argparse.Namespace, settings: Settings) -> int:
    """Work until SIGINT or SIGTERM."""
    from api.commands.transfer import guarded
    from api.logs import configure_logging

    configure_logging(settings)
    return guarded(Output(quiet=False), lambda: _work(settings))


def _work(settings: Settings) -> int:
    asyncio.run(run_worker(settings))
    return EXIT_OK


async def run_worker(settings: Settings) -> None:
    """Claim and run jobs, and sweep retention, until told to stop."""
    from api.commands.database import local_services
    from api.runtime import job_worker, running_loops

    async with (
        local_services(settings) as services,
        running_loops(services, worker=job_worker(services)),
    ):
        await _until_stopped()


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
