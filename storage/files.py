"""The file store: where every file lives, by key: staged uploads, files of rejected rows
(api/rejects.py) and materialised backup exports (storage/export_cache.py).

`FileStore` is what callers see; `FolderStore` (a local folder, written with aiofiles) is the
embedded default, `storage.s3_files.S3FileStore` an S3-compatible bucket for instances on
several hosts (`LISTKEEPER_FILES_URL=s3://bucket/prefix`; `file_store_for` picks one).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiofiles
import aiofiles.os
from aiofiles.threadpool.binary import AsyncBufferedIOBase

CHUNK = 1024 * 1024
# Key areas with a path part of their own: `exports/<backup id>/<name>`, listed alone (one
# backup's keys, not the whole uploads area). Any other key is a plain name in the uploads area.
AREAS = ("exports",)
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# A local copy (S3's `local_copy`) is `copy-<random>-<name>` in `temp_dir`; one this old was left
# by a process that died (SIGKILL) in its block, and `sweep_old_copies` deletes it.
COPY_PREFIX = "copy-"
TEMP_SECONDS = 3600.0
# The headers a stored file can carry (S3 object attributes) for a presigned download.
SERVED_HEADERS = ("Content-Type", "Content-Encoding", "Content-Disposition")


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


class FileStore(Protocol):
    """Files by key: saved from a stream, read as a stream, linked, listed by age, deleted.

    A key is a plain name (no `/`) that `save` or `link` made, or one `put_file` was given, or
    `<area>/<segment>/.../<name>` in one of AREAS (`check_key`). Reading a key that is gone
    raises FileNotFoundError in every implementation. `temp_dir` is a local folder (in the data
    folder) for files being written before `put_file`.
    """

    temp_dir: Path

    async def save(
        self,
        read: Callable[[int], Awaitable[bytes]],
        *,
        max_bytes: int,
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> str:
        """Stream `read(n)` chunks to a new file, its key; raise TooLarge past `max_bytes`."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The bytes of `key`, in chunks of at most about CHUNK bytes."""
        ...

    async def size(self, key: str) -> int:
        """The length of `key`'s file in bytes."""
        ...

    async def link(self, key: str) -> str:
        """A new key for the bytes of `key`: deleting either key leaves the other's file."""
        ...

    async def put_file(
        self, key: str, local: Path, *, headers: Mapping[str, str] | None = None
    ) -> None:
        """Store the finished local file `local` as `key` (replacing one there); `local` is
        moved or uploaded, and gone afterwards. `headers` (of SERVED_HEADERS) are what a
        presigned download of it answers (`presigned_url`); a folder store ignores them."""
        ...

    async def keys(self, prefix: str) -> dict[str, float]:
        """Every key starting with `prefix`, with seconds since it was written (store times).

        A prefix with a `/` lists only its area's folder up to its last `/` (`exports/12/`:
        that backup's keys); a plain prefix lists the uploads area."""
        ...

    async def presigned_url(
        self, key: str, *, headers: Mapping[str, str], expires_in: float
    ) -> str | None:
        """A URL that answers a GET with `key`'s bytes and these headers (of SERVED_HEADERS)
        for `expires_in` seconds, without us; None when this store has none (the folder store)
        or the stored file would answer other headers (stored without them, or a file name
        changed since). FileNotFoundError when `key` is gone."""
        ...

    async def upload_ages(self) -> dict[str, float]:
        """Seconds since each staged file was last written to (store times, not the clock)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the file of `key` if it is there."""
        ...

    def local_copy(self, key: str) -> AbstractAsyncContextManager[Path]:
        """A local path holding `key`'s bytes for the block (the CSV codec reads paths)."""
        ...

    def head_copy(self, key: str, limit: int) -> AbstractAsyncContextManager[Head]:
        """A local path holding at least the first `limit` bytes of `key` (or all of them) for
        the block, and the file's whole size: what a sniff needs, without the rest of a large
        object. FileNotFoundError when `key` is gone."""
        ...


@dataclass(frozen=True)
class Head:
    """The start of a stored file, local (`FileStore.head_copy`)."""

    path: Path
    size: int  # the stored file's
    held: int  # the bytes at `path`: the first `held` of the file

    @property
    def whole(self) -> bool:
        """Whether `path` holds the whole file."""
        return self.held >= self.size


async def opened(files: FileStore, key: str) -> AsyncGenerator[bytes]:
    """The stored file's chunks, its first one read now: FileNotFoundError here when `key` is
    gone, and a file deleted after this (the folder store's open file, S3's running GET) is
    still read to its end."""
    chunks = aiter(files.open(key))
    first = await anext(chunks, b"")

    async def body() -> AsyncGenerator[bytes]:
        try:
            if first:
                yield first
            async for chunk in chunks:
                yield chunk
        finally:
            close = getattr(chunks, "aclose", None)  # a reader that stops early closes the file
            if close is not None:
                await close()

    return body()


def check_key(key: str) -> None:
    """Refuse (ValueError) a key that could name a place outside its area."""
    parts = key.split("/")
    if len(parts) == 1:
        if key.startswith(".") or not key:
            raise ValueError("bad file key")
    elif parts[0] not in AREAS or not all(_SEGMENT.fullmatch(part) for part in parts[1:]):
        raise ValueError("bad file key")


def flat_name(key: str) -> str:
    """The key as one file name (its `/` as `-`), for local temp files."""
    return key.replace("/", "-")


def sweep_old_temps(temp_dir: Path, older_than: float, ours: Callable[[str], bool]) -> int:
    """Delete the files of `temp_dir` whose name `ours` accepts, untouched for `older_than`
    seconds (left by a process that died while it wrote them); how many. Blocking: call it in
    a thread."""
    if not temp_dir.is_dir():
        return 0
    now, removed = time.time(), 0
    with os.scandir(temp_dir) as entries:
        for entry in entries:
            if not ours(entry.name):
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - entry.stat().st_mtime > older_than:
                    os.remove(entry.path)
                    removed += 1
    return removed


def sweep_old_copies(temp_dir: Path, older_than: float = TEMP_SECONDS) -> int:
    """Delete local copies (`copy-*` in `temp_dir`) untouched for `older_than` seconds: left
    by a process killed in a `local_copy` block; how many. Blocking: call it in a thread."""
    return sweep_old_temps(temp_dir, older_than, lambda name: name.startswith(COPY_PREFIX))


def new_key() -> str:
    """A fresh key for a staged file (the `.upload` suffix is what the orphan sweep lists)."""
    return secrets.token_hex(16) + ".upload"


def file_store_for(
    files_url: str | None, data_dir: Path, *, s3_endpoint_url: str | None = None
) -> FileStore:
    """The store `files_url` names (`s3://bucket/prefix`), else the data folder's."""
    if files_url is None or files_url == "":
        return FolderStore(data_dir)
    if not files_url.startswith("s3://"):
        raise ValueError("LISTKEEPER_FILES_URL must be s3://bucket/prefix (or unset)")
    from storage.s3_files import S3FileStore  # its client is loaded only when configured

    return S3FileStore.from_url(files_url, temp_dir=data_dir / "tmp", endpoint_url=s3_endpoint_url)


class FolderStore:
    """Keeps uploads under `root/uploads` until their job has run, keys of an area (AREAS)
    under `root/<area>/...`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uploads = root / "uploads"
        # Beside `uploads`, on the same file system: `put_file` is a rename.
        self.temp_dir = root / "tmp"

    def path(self, key: str) -> Path:
        """Where the file of `key` lives."""
        check_key(key)
        return self.root / key if "/" in key else self.uploads / key

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
        key = new_key()
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
        new = new_key()
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

    async def put_file(
        self, key: str, local: Path, *, headers: Mapping[str, str] | None = None
    ) -> None:
        """Move `local` to `key`'s place: a rename, so readers see the whole file or none.
        (`headers` are for presigned downloads, which a folder has not.)"""
        target = self.path(key)
        for attempt in range(3):
            await aiofiles.os.makedirs(target.parent, exist_ok=True)
            try:
                await asyncio.to_thread(shutil.move, local, target)
                return
            except FileNotFoundError:
                # A delete of the folder's last file removed the folder meanwhile: again.
                if attempt == 2 or not await aiofiles.os.path.exists(local):
                    raise

    async def keys(self, prefix: str) -> dict[str, float]:
        """Every key starting with `prefix`, with seconds since it was written (file times)."""
        if "/" in prefix:
            check_key(prefix.rsplit("/", 1)[0])
            return await asyncio.to_thread(self._area_ages, prefix)
        if not await aiofiles.os.path.isdir(self.uploads):
            return {}
        return await asyncio.to_thread(self._ages, prefix)

    def _ages(self, prefix: str) -> dict[str, float]:
        now = time.time()
        ages = {}
        # Closed at once: an iterator left to the garbage collector warns (ResourceWarning).
        with os.scandir(self.uploads) as entries:
            for entry in entries:
                with contextlib.suppress(FileNotFoundError):
                    if entry.name.startswith(prefix) and entry.is_file():
                        ages[entry.name] = now - entry.stat().st_mtime
        return ages

    def _area_ages(self, prefix: str) -> dict[str, float]:
        """The keys under the folder of `prefix` (up to its last `/`), every depth."""
        now = time.time()
        ages = {}
        for folder, _, names in os.walk(self.root / prefix.rsplit("/", 1)[0]):
            for name in names:
                key = Path(folder, name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    with contextlib.suppress(FileNotFoundError):
                        ages[key] = now - Path(folder, name).stat().st_mtime
        return ages

    async def upload_ages(self) -> dict[str, float]:
        """Seconds since each staged file was last written to (file times, not the clock)."""
        found = await self.keys("")
        return {key: age for key, age in found.items() if key.endswith(".upload")}

    async def delete(self, key: str) -> None:
        """Remove the file of `key` if it is there (and its area's folder once empty)."""
        path = self.path(key)
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(path)
        if "/" in key:
            with contextlib.suppress(OSError):  # not empty, or gone: left as it is
                await aiofiles.os.rmdir(path.parent)

    async def presigned_url(
        self, key: str, *, headers: Mapping[str, str], expires_in: float
    ) -> str | None:
        """None: a local folder has no URL of its own (the app streams the file)."""
        return None

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The bytes of `key` in CHUNK-sized reads, each in a thread."""
        source = await asyncio.to_thread(self.path(key).open, "rb")
        try:
            while chunk := await asyncio.to_thread(source.read, CHUNK):
                yield chunk
        finally:
            # Closed here without awaiting: a response its client left is finalised by the
            # garbage collector, where an async close would never run.
            source.close()

    async def size(self, key: str) -> int:
        """The length of `key`'s file in bytes."""
        return (await aiofiles.os.stat(self.path(key))).st_size

    @asynccontextmanager
    async def local_copy(self, key: str) -> AsyncIterator[Path]:
        """The file itself: it is local already (FileNotFoundError when `key` is gone)."""
        path = self.path(key)
        if not await aiofiles.os.path.isfile(path):
            raise FileNotFoundError(key)
        yield path

    @asynccontextmanager
    async def head_copy(self, key: str, limit: int) -> AsyncIterator[Head]:
        """The file itself, whole: reading its start costs no more than a copy of it would."""
        async with self.local_copy(key) as path:
            size = (await aiofiles.os.stat(path)).st_size
            yield Head(path, size, size)


def folder_of(files: FileStore) -> FolderStore:
    """The local folder behind `files`, for tests and benchmarks that look at its files.

    No production code uses it: every file kind goes through `FileStore`.
    """
    if not isinstance(files, FolderStore):
        raise NotImplementedError("not a folder store")
    return files
