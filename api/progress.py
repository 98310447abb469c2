"""In-process notifications of job progress, for subscriptions and waiting clients."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class JobEvents:
    """Wakes whoever waits on a job when the worker reports a change."""

    def __init__(self) -> None:
        self._waiters: defaultdict[int, set[asyncio.Event]] = defaultdict(set)

    def publish(self, job_id: int) -> None:
        """Tell every waiter of `job_id` that the job changed."""
        for event in self._waiters.get(job_id, ()):
            event.set()

    async def wait(self, job_id: int, *, seconds: float) -> None:
        """Return when the job changes or after `seconds`."""
        event = asyncio.Event()
        self._waiters[job_id].add(event)
        try:
            async with asyncio.timeout(seconds):
                await event.wait()
        except TimeoutError:
            pass
        finally:
            self._waiters[job_id].discard(event)
            if not self._waiters[job_id]:
                del self._waiters[job_id]
