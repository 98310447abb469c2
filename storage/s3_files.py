"""The file store on an S3-compatible bucket, through obstore's async client.

Uploads are streamed: `save` hands obstore an async iterator of the request's chunks, which
it sends as a multipart upload of PART_BYTES parts, at most PARTS_AT_ONCE in flight, so an
upload holds about PART_BYTES * PARTS_AT_ONCE in memory whatever its size. Reads stream the
object's body in CHUNK-sized pieces. Endpoint, region and credentials come from the
environment (`AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, ...), the endpoint also
from `LISTKEEPER_S3_ENDPOINT_URL`.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import aiofiles
import aiofiles.os
import obstore
from obstore.exceptions import NotFoundError
from obstore.store import S3Store

from storage.files import (
    CHUNK,
    COPY_PREFIX,
    SERVED_HEADERS,
    Head,
    TooLarge,
    check_key,
    flat_name,
    new_key,
)

# S3's smallest part is 5 MiB (but the last); 8 MiB parts, 4 at once: ~32 MiB an upload at most.
PART_BYTES = 8 * 1024 * 1024
PARTS_AT_ONCE = 4
UPLOADS = "uploads/"


class S3FileStore:
    """Keeps files as objects `uploads/<key>` under the store's prefix, keys of an area
    (`exports/<backup id>/<name>`) as objects of that name."""

    def __init__(self, store: S3Store, *, temp_dir: Path) -> None:
        self.store = store
        # Where `local_copy` downloads to: the data folder, never the system's /tmp.
        self.temp_dir = temp_dir

    @classmethod
    def from_url(cls, url: str, *, temp_dir: Path, endpoint_url: str | None = None) -> S3FileStore:
        """The store of `s3://bucket/prefix`; the rest of its configuration from the environment."""
        if endpoint_url:
            store = S3Store.from_url(
                url,
                endpoint=endpoint_url,
                client_options={"allow_http": endpoint_url.startswith("http://")},
            )
        else:
            store = S3Store.from_url(url)
        return cls(store, temp_dir=temp_dir)

    def _object(self, key: str) -> str:
        check_key(key)
        return key if "/" in key else UPLOADS + key

    async def save(
        self,
        read: Callable[[int], Awaitable[bytes]],
        *,
        max_bytes: int,
        on_chunk: Callable[[bytes], None] | None = None,
    ) -> str:
        """Stream `read(n)` chunks to a new object; raise TooLarge past `max_bytes`.

        Past the cap the stream ends with an error, so obstore aborts the multipart upload and
        no object is made; the delete after covers a store that kept one anyway.
        """
        key = new_key()
        too_large = False

        async def chunks() -> AsyncIterator[bytes]:
            nonlocal too_large
            size = 0
            while chunk := await read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    too_large = True
                    raise TooLarge
                if on_chunk is not None:
                    on_chunk(chunk)
                yield chunk

        try:
            await obstore.put_async(
                self.store,
                self._object(key),
                chunks(),
                chunk_size=PART_BYTES,
                max_concurrency=PARTS_AT_ONCE,
            )
        except BaseException as error:
            with contextlib.suppress(Exception):
                await self.delete(key)
            if too_large and not isinstance(error, TooLarge):
                raise TooLarge from error  # obstore wraps what the iterator raised
            raise
        return key

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes as they arrive (FileNotFoundError when `key` is gone)."""
        try:
            result = await obstore.get_async(self.store, self._object(key))
        except (NotFoundError, FileNotFoundError) as error:
            raise FileNotFoundError(key) from error
        async for chunk in result.stream(min_chunk_size=CHUNK):
            yield bytes(chunk)

    async def size(self, key: str) -> int:
        """The object's length in bytes."""
        try:
            meta = await obstore.head_async(self.store, self._object(key))
        except (NotFoundError, FileNotFoundError) as error:
            raise FileNotFoundError(key) from error
        return meta["size"]

    async def link(self, key: str) -> str:
        """A server-side copy under a new key (FileNotFoundError when `key` is gone)."""
        new = new_key()
        try:
            await obstore.copy_async(self.store, self._object(key), self._object(new))
        except (NotFoundError, FileNotFoundError) as error:
            raise FileNotFoundError(key) from error
        return new

    async def put_file(
        self, key: str, local: Path, *, headers: Mapping[str, str] | None = None
    ) -> None:
        """Upload `local` as `key` (a PUT, multipart when large: it appears whole), then
        remove `local`. `headers` are kept as the object's attributes: what S3 answers to a
        GET of it, a presigned one included."""
        attributes = {name: value for name, value in (headers or {}).items()}
        await obstore.put_async(
            self.store,
            self._object(key),
            local,
            attributes=attributes or None,
            chunk_size=PART_BYTES,
            max_concurrency=PARTS_AT_ONCE,
        )
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(local)

    async def keys(self, prefix: str) -> dict[str, float]:
        """Every key starting with `prefix`, with seconds since it was written (the store's).

        A listing is by path segments: a prefix with a `/` lists only the objects under its
        folder (`exports/12/`: one backup's), a plain one the uploads area."""
        now = time.time()
        ages = {}
        if "/" in prefix:
            folder = prefix.rsplit("/", 1)[0]
            check_key(folder)
            listed, whole = folder + "/", True
        else:
            listed, whole = UPLOADS, False
        async for batch in obstore.list(self.store, listed, chunk_size=1000):
            for meta in batch:
                path = meta["path"]
                key = path if whole else path.rsplit("/", 1)[-1]
                if key.startswith(prefix):
                    ages[key] = now - meta["last_modified"].timestamp()
        return ages

    async def presigned_url(
        self, key: str, *, headers: Mapping[str, str], expires_in: float
    ) -> str | None:
        """A presigned GET of the object, valid `expires_in` seconds, when the object's stored
        attributes are `headers` (one HEAD request); None when they differ.

        obstore signs the path alone: `response-content-*` query parameters added after
        signing would break the signature on S3 (SigV4 signs every query parameter), so the
        headers come from the object's own attributes, written by `put_file`.
        """
        path = self._object(key)
        try:
            head = await obstore.get_async(self.store, path, options={"head": True})
        except (NotFoundError, FileNotFoundError) as error:
            raise FileNotFoundError(key) from error
        stored: Mapping[str, str] = head.attributes
        if any(stored.get(name) != headers.get(name) for name in SERVED_HEADERS):
            return None
        return await obstore.sign_async(self.store, "GET", path, timedelta(seconds=expires_in))

    async def upload_ages(self) -> dict[str, float]:
        """Seconds since each staged object was written (the store's times)."""
        found = await self.keys("")
        return {key: age for key, age in found.items() if key.endswith(".upload")}

    async def delete(self, key: str) -> None:
        """Remove the object of `key` if it is there."""
        with contextlib.suppress(NotFoundError, FileNotFoundError):
            await obstore.delete_async(self.store, self._object(key))

    @asynccontextmanager
    async def local_copy(self, key: str) -> AsyncIterator[Path]:
        """`key` downloaded (streamed) into a file in the data folder, removed after the block."""
        await aiofiles.os.makedirs(self.temp_dir, exist_ok=True)
        # A process killed in the block leaves it: `storage.files.sweep_old_copies` deletes it.
        path = self.temp_dir / f"{COPY_PREFIX}{secrets.token_hex(8)}-{flat_name(key)}"
        try:
            async with aiofiles.open(path, "wb") as out:
                async for chunk in self.open(key):
                    await out.write(chunk)
            yield path
        finally:
            with contextlib.suppress(FileNotFoundError):
                await aiofiles.os.remove(path)

    @asynccontextmanager
    async def head_copy(self, key: str, limit: int) -> AsyncIterator[Head]:
        """The first `limit` bytes of `key` (one ranged GET, which also tells the object's
        size) in a file of the data folder, removed after the block."""
        try:
            result = await obstore.get_async(
                self.store, self._object(key), options={"range": (0, max(limit, 1))}
            )
            data, size = bytes(await result.bytes_async()), int(result.meta["size"])
        except (NotFoundError, FileNotFoundError) as error:
            raise FileNotFoundError(key) from error
        except Exception:
            # S3 refuses every range of an empty object (416): then it is empty, nothing else.
            if await self.size(key) != 0:
                raise
            data, size = b"", 0
        await aiofiles.os.makedirs(self.temp_dir, exist_ok=True)
        path = self.temp_dir / f"{COPY_PREFIX}{secrets.token_hex(8)}-head-{flat_name(key)}"
        try:
            async with aiofiles.open(path, "wb") as out:
                await out.write(data)
            yield Head(path, size, len(data))
        finally:
            with contextlib.suppress(FileNotFoundError):
                await aiofiles.os.remove(path)
