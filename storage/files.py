"""The file store: staged uploads in a local folder, written with aiofiles."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiofiles
import aiofiles.os
from aiofiles.threadpool.binary import AsyncBufferedIOBase

CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The stream went past the size it may have."""


async def _write(
    out: AsyncBufferedIOBase, chunk: bytes, on_chunk: Callable[[bytes], None] | None
) -> None:
    """Write `chunk`; meanwhile (aiofiles writes in a thread) give it to `on_chunk`."""
    writing = asyncio.ensure_future(out.write(chunk))
    try:
        if on_chunk is not None:
            await asyncio.sleep(0)  # the write starts in its thread before the look here
            on_chunk(chunk)
    finally:
        await writing


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

    async def save(
        self,
        read: Callable[[int], Awaitable[bytes]],
        *,
        max_bytes: int,
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> str:
        """Stream `read(n)` chunks to a new file; raise TooLarge past `max_bytes`.

        `on_chunk` is given each chunk in order (e.g. the sniff's `Utf8Count.feed`), while
        the chunk is being written: the file is written in a thread, the chunk looked at here
        meanwhile, so that looking costs little more than the copy.
        """
        await aiofiles.os.makedirs(self.uploads, exist_ok=True)
        key = secrets.token_hex(16) + ".upload"
        size = 0
        try:
            async with aiofiles.open(self.path(key), "wb") as out:
                while chunk := await read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge
                    await _write(out, chunk, on_chunk)
        except BaseException:
            await self.delete(key)
            raise
        return key

    async def link(self, key: str) -> str:
        """A new key for the bytes of `key`: deleting either key leaves the other's file.

        A hard link (no copy, no extra space), or a copy where the file system has none.
        Raises FileNotFoundError when `key` is gone.
        """
        new = secrets.token_hex(16) + ".upload"
        source, target = self.path(key), self.path(new)
        try:
            await aiofiles.os.link(source, target)
        except FileNotFoundError:
            raise
        except OSError:
            await asyncio.to_thread(shutil.copyfile, source, target)
        # A link shares its file's time: renew it, or the orphan sweep would see an old file.
        await asyncio.to_thread(os.utime, target)
        return new

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
