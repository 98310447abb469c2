"""`listkeeper worker`: run jobs (and the retention sweep) in a process of their own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

from api.settings import Settings

DESCRIPTION = """Run the job worker (imports and restores) and the retention loop without the
HTTP API. Run as many as you like beside `listkeeper serve` on the same database: each job
runs once, in one worker, and if that worker dies another takes the job over at its next
poll. The API instances and the workers must share LISTKEEPER_DATA_DIR, where uploads wait
for their job. To keep the API processes from running jobs themselves, start them with
LISTKEEPER_WORKER=false."""


def register(commands: Any) -> None:
    """Add the `worker` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "worker",
        help="run jobs and retention in a separate process (no HTTP)",
        description=DESCRIPTION,
    )
    parser.set_defaults(handler=handler)


def handler(args: argparse.Namespace, settings: Settings) -> int:
    """Work until SIGINT or SIGTERM."""
    from api.logs import configure_logging

    configure_logging(settings)
    asyncio.run(run_worker(settings))
    return 0


async def run_worker(settings: Settings) -> None:
    """Claim and run jobs, and sweep retention, until told to stop."""
    from api.runtime import job_worker, running_loops
    from api.services import open_services

    async with (
        open_services(settings) as services,
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
