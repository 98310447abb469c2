"""In-process notifications of job progress, for subscriptions and waiting clients."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class JobEvents:
    """Wakes whoever waits on a job when the worker reports a change; carries cancel requests.

    A cancel request made in this process reaches this process's worker at its next
    checkpoint at once, without waiting for the database flag (CANCELLING) it also sets.
    """

    def __init__(self) -> None:
        self._waiters: defaultdict[int, set[asyncio.Event]] = defaultdict(set)
        self._cancel_requests: set[int] = set()

    def ask_to_cancel(self, job_id: int) -> None:
        """A client asked to cancel `job_id`: this process's worker stops it if it runs it."""
        self._cancel_requests.add(job_id)

    def forget_cancel(self, job_id: int) -> None:
        """The request is in the database now (or moot): the worker reads it from there."""
        self._cancel_requests.discard(job_id)

    def cancel_asked(self, job_id: int) -> bool:
        """Whether a cancel of `job_id` was asked in this process and not yet forgotten."""
        return job_id in self._cancel_requests

    def publish(self, job_id: int) -> None:
        """Tell every waiter of `job_id` that the job changed."""
        for event in self._waiters.get(job_id, ()):
            event.set()

    def publish_all(self) -> None:
        """Tell every waiter that its job may have changed (notices were missed)."""
        for events in self._waiters.values():
            for event in events:
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
