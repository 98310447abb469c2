"""A retention sweep in a process of its own, started ahead and run on a word, to be killed.

`python -m bench.crash_sweeper DATABASE_URL` connects, prints `ready`, reads one line
`AS_OF PURGE_BATCH` on stdin, runs `api.retention.sweep` (what `listkeeper retention --as-of`
and the server's retention loop run) and prints `done` with its counts. Starting ahead keeps
the interpreter's start-up out of the delay before the harness's SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

import orjson

from api.retention import sweep
from api.services import open_engine
from api.settings import async_database_url


async def main(database_url: str) -> None:
    """Wait for the word, sweep, report."""
    async with open_engine(async_database_url(database_url), migrate=False) as engine:
        async with engine.connect():
            pass
        print("ready", flush=True)
        as_of, batch = (await asyncio.to_thread(sys.stdin.readline)).split()
        report = await sweep(
            engine=engine, as_of=datetime.fromisoformat(as_of), purge_batch=int(batch)
        )
        counts = {"deleted": report.deleted_backup_ids, "failures": report.failures}
        print("done", orjson.dumps(counts).decode(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
