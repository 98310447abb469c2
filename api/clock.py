"""The clock: the one thing the tests fake."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the time, always in UTC."""

    def now(self) -> datetime:
        """The current time, aware, UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """The current time, aware, UTC."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock the tests set and move."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The time it was set to."""
        return self._now

    def set(self, value: datetime) -> None:
        """Jump to `value`."""
        self._now = value

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._now += delta
