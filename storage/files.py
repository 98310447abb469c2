"""The file store: staged uploads in a local folder, written with aiofiles."""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiofiles
import aiofiles.os

CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The stream went past the size it may have."""


class FileStore:
    """Keeps uploads under `root/uploads` until their job has run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uploads = root / "uploads"

    def path(self, key: str) -> Path:
        """Where the file of `key` lives."""
        if "/" in key or key.startswith("."):
            raise ValueError("bad file key")
        return self.uploads / key

    async def save(self, read: Callable[[int], Awaitable[bytes]], *, max_bytes: int) -> str:
        """Stream `read(n)` chunks to a new file; raise TooLarge past `max_bytes`."""
        await aiofiles.os.makedirs(self.uploads, exist_ok=True)
        key = secrets.token_hex(16) + ".upload"
        size = 0
        try:
            async with aiofiles.open(self.path(key), "wb") as out:
                while chunk := await read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge
                    await out.write(chunk)
        except BaseException:
            await self.delete(key)
            raise
        return key

    async def upload_ages(self) -> dict[str, float]:
        """Seconds since each staged file was last written to (file times, not the clock)."""
        if not await aiofiles.os.path.isdir(self.uploads):
            return {}
        now = time.time()
        ages = {}
        for entry in await aiofiles.os.scandir(self.uploads):
            with contextlib.suppress(FileNotFoundError):
                if entry.name.endswith(".upload"):
                    ages[entry.name] = now - entry.stat().st_mtime
        return ages

    async def delete(self, key: str) -> None:
        """Remove the file of `key` if it is there."""
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(self.path(key))
