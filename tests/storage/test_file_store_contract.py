"""The file-store contract, run against both stores: the local folder and S3 (moto's server).

The S3 store talks HTTP to a real S3 API on loopback (tests/s3_server.py), so multipart
uploads, server-side copies, listings and streamed reads are the protocol's own.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from obstore.store import S3Store

from storage.files import (
    CHUNK,
    FileStore,
    FolderStore,
    TooLarge,
    file_store_for,
    sweep_old_copies,
)
from storage.s3_files import PART_BYTES, S3FileStore
from tests.s3_server import CREDENTIALS, S3Server, running_s3_server


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server for this module."""
    with running_s3_server() as server:
        yield server


def s3_store(server: S3Server, data_dir: Path) -> S3FileStore:
    """An S3 file store on a new bucket, under a prefix (as `s3://bucket/prefix` gives)."""
    store = S3Store(
        server.new_bucket(),
        prefix="listkeeper/files",
        endpoint=server.endpoint_url,
        access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region=CREDENTIALS["AWS_REGION"],
        client_options={"allow_http": True},
    )
    return S3FileStore(store, temp_dir=data_dir / "tmp")


@pytest.fixture(params=["folder", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> FileStore:
    """Each implementation, empty."""
    if request.param == "folder":
        return FolderStore(tmp_path)
    server: S3Server = request.getfixturevalue("s3_server")
    return s3_store(server, tmp_path)


def reader(content: bytes) -> Callable[[int], Awaitable[bytes]]:
    """`read(n)` over `content`, as an upload's body is read."""
    source = io.BytesIO(content)

    async def read(n: int) -> bytes:
        return source.read(n)

    return read


def pattern(size: int) -> bytes:
    """`size` bytes that differ from chunk to chunk (a misplaced chunk changes the digest)."""
    block = bytes(range(251)) * 4177  # 251 is prime: no chunk boundary lines up with it
    return (block * (size // len(block) + 1))[:size]


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def test_saved_bytes_read_back_whole_in_order(store: FileStore) -> None:
    content = pattern(3 * CHUNK + 17)
    seen: list[bytes] = []

    key = await store.save(reader(content), max_bytes=len(content), on_chunk=seen.append)

    assert b"".join(seen) == content
    assert await store.size(key) == len(content)
    assert await read_all(store.open(key)) == content


async def test_a_multipart_upload_streams_through(store: FileStore) -> None:
    content = pattern(2 * PART_BYTES + 3 * CHUNK + 5)  # three parts on S3, the last short

    key = await store.save(reader(content), max_bytes=len(content))

    digest = hashlib.sha256()
    async for chunk in store.open(key):
        assert len(chunk) <= 2 * CHUNK  # streamed, never the whole object at once
        digest.update(chunk)
    assert digest.digest() == hashlib.sha256(content).digest()


async def test_past_the_cap_is_too_large_and_leaves_nothing(store: FileStore) -> None:
    content = pattern(2 * CHUNK + 1)

    with pytest.raises(TooLarge):
        await store.save(reader(content), max_bytes=2 * CHUNK)

    assert await store.upload_ages() == {}


async def test_empty_file_is_kept(store: FileStore) -> None:
    key = await store.save(reader(b""), max_bytes=10)

    assert await store.size(key) == 0
    assert await read_all(store.open(key)) == b""


async def test_a_link_outlives_its_source(store: FileStore) -> None:
    content = pattern(CHUNK + 3)
    key = await store.save(reader(content), max_bytes=len(content))

    linked = await store.link(key)
    await store.delete(key)

    assert linked != key
    assert await read_all(store.open(linked)) == content
    assert set(await store.upload_ages()) == {linked}


async def test_ages_list_each_staged_file(store: FileStore) -> None:
    keys = {await store.save(reader(b"a,b\n"), max_bytes=10) for _ in range(3)}

    ages = await store.upload_ages()

    assert set(ages) == keys
    assert all(isinstance(age, float) for age in ages.values())


async def test_a_deleted_key_is_gone_everywhere(store: FileStore) -> None:
    key = await store.save(reader(b"x"), max_bytes=10)
    await store.delete(key)
    await store.delete(key)  # deleting what is gone is no error

    with pytest.raises(FileNotFoundError):
        await read_all(store.open(key))
    with pytest.raises(FileNotFoundError):
        await store.size(key)
    with pytest.raises(FileNotFoundError):
        await store.link(key)
    with pytest.raises(FileNotFoundError):
        async with store.local_copy(key):
            pass
    with pytest.raises(FileNotFoundError):
        async with store.head_copy(key, 10):
            pass
    assert await store.upload_ages() == {}


async def test_local_copy_holds_the_bytes(store: FileStore, tmp_path: Path) -> None:
    content = pattern(CHUNK * 2 + 9)
    key = await store.save(reader(content), max_bytes=len(content))

    async with store.local_copy(key) as path:
        assert path.read_bytes() == content
        assert path.is_relative_to(tmp_path)  # in the data folder, not the system's /tmp

    # The folder store lends its own file; a download is removed after the block.
    assert path.exists() == isinstance(store, FolderStore)
    assert await read_all(store.open(key)) == content


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, CHUNK * 2 + 9])
async def test_a_head_copy_holds_the_first_bytes_and_tells_the_size(
    store: FileStore, tmp_path: Path, size: int
) -> None:
    content = pattern(size)
    key = await store.save(reader(content), max_bytes=max(size, 1))

    async with store.head_copy(key, 4096) as head:
        held = head.path.read_bytes()
        assert (head.size, head.held, head.whole) == (size, len(held), len(held) == size)
        assert content.startswith(held)
        # The folder store lends the whole file; S3 fetches the first bytes, no more.
        assert len(held) == (size if isinstance(store, FolderStore) else min(size, 4096))
        assert head.path.is_relative_to(tmp_path)

    assert head.path.exists() == isinstance(store, FolderStore)
    assert await read_all(store.open(key)) == content


async def test_a_put_file_is_stored_whole_and_moved(store: FileStore) -> None:
    content = pattern(CHUNK * 2 + 5)
    store.temp_dir.mkdir(parents=True, exist_ok=True)
    local = store.temp_dir / "written.tmp"
    local.write_bytes(content)

    await store.put_file("rejects-7-abc.csv", local)

    assert not local.exists()  # moved or uploaded, not left behind
    assert await store.size("rejects-7-abc.csv") == len(content)
    assert await read_all(store.open("rejects-7-abc.csv")) == content
    local.write_bytes(b"again")
    await store.put_file("rejects-7-abc.csv", local)  # replaces the one there
    assert await read_all(store.open("rejects-7-abc.csv")) == b"again"
    assert await store.upload_ages() == {}  # not a staged upload


async def test_area_keys_live_in_their_own_folder(store: FileStore) -> None:
    store.temp_dir.mkdir(parents=True, exist_ok=True)
    for key in ("exports/1/a.csv.gz", "exports/1/b.csv.gz", "exports/12/c.csv.gz", "export-1-x"):
        (store.temp_dir / "t").write_bytes(key.encode())
        await store.put_file(key, store.temp_dir / "t")

    assert set(await store.keys("exports/1/")) == {"exports/1/a.csv.gz", "exports/1/b.csv.gz"}
    assert set(await store.keys("exports/12/")) == {"exports/12/c.csv.gz"}
    assert set(await store.keys("exports/1")) == {  # a string prefix, as for plain keys
        "exports/1/a.csv.gz",
        "exports/1/b.csv.gz",
        "exports/12/c.csv.gz",
    }
    assert set(await store.keys("export")) == {"export-1-x"}  # the uploads area alone
    assert await read_all(store.open("exports/12/c.csv.gz")) == b"exports/12/c.csv.gz"
    assert await store.size("exports/1/a.csv.gz") == len(b"exports/1/a.csv.gz")
    async with store.local_copy("exports/1/b.csv.gz") as path:
        assert path.read_bytes() == b"exports/1/b.csv.gz"
    for key in ("exports/1/a.csv.gz", "exports/1/b.csv.gz"):
        await store.delete(key)
    assert await store.keys("exports/1/") == {}
    assert await store.upload_ages() == {}
    (store.temp_dir / "t").write_bytes(b"again")
    await store.put_file("exports/1/d.csv.gz", store.temp_dir / "t")  # its folder made again
    assert set(await store.keys("exports/1/")) == {"exports/1/d.csv.gz"}


async def test_keys_list_by_prefix_with_ages(store: FileStore) -> None:
    store.temp_dir.mkdir(parents=True, exist_ok=True)
    for key in ("export-1-a.csv.gz", "export-12-b.csv.gz", "rejects-1-c.csv"):
        (store.temp_dir / "t").write_bytes(key.encode())
        await store.put_file(key, store.temp_dir / "t")
    staged = await store.save(reader(b"x"), max_bytes=10)

    assert set(await store.keys("export-1-")) == {"export-1-a.csv.gz"}
    assert set(await store.keys("export-")) == {"export-1-a.csv.gz", "export-12-b.csv.gz"}
    every = await store.keys("")
    assert set(every) == {"export-1-a.csv.gz", "export-12-b.csv.gz", "rejects-1-c.csv", staged}
    assert all(0 <= age < 3600 for age in every.values())
    await store.delete("rejects-1-c.csv")
    assert await store.keys("rejects-") == {}


@pytest.mark.parametrize(
    "key",
    ["../secret", "a/b", ".hidden", "", "exports/../x", "exports/1/.x", "exports//x", "uploads/a"],
)
async def test_a_key_never_names_another_place(store: FileStore, key: str) -> None:
    with pytest.raises(ValueError, match="bad file key"):
        await store.size(key)


SERVED = {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Encoding": "gzip",
    "Content-Disposition": 'attachment; filename="list.csv"',
}


async def test_a_presigned_url_serves_the_object_with_its_stored_headers(
    store: FileStore,
) -> None:
    content = gzip.compress(pattern(CHUNK + 5))
    store.temp_dir.mkdir(parents=True, exist_ok=True)
    (store.temp_dir / "t").write_bytes(content)
    await store.put_file("exports/3/e.csv.gz", store.temp_dir / "t", headers=SERVED)

    url = await store.presigned_url("exports/3/e.csv.gz", headers=SERVED, expires_in=60)

    if isinstance(store, FolderStore):  # a local folder has no URL: the app streams it
        assert url is None
        return
    assert url is not None
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=60" in url
    async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    assert response.status_code == 200
    assert body == content
    for name, value in SERVED.items():
        assert response.headers[name] == value
    renamed = {**SERVED, "Content-Disposition": 'attachment; filename="renamed.csv"'}
    assert await store.presigned_url("exports/3/e.csv.gz", headers=renamed, expires_in=60) is None
    (store.temp_dir / "t").write_bytes(content)
    await store.put_file("exports/3/plain.csv.gz", store.temp_dir / "t")  # stored without them
    assert (
        await store.presigned_url("exports/3/plain.csv.gz", headers=SERVED, expires_in=60) is None
    )
    with pytest.raises(FileNotFoundError):
        await store.presigned_url("exports/3/gone.csv.gz", headers=SERVED, expires_in=60)


async def test_old_local_copies_are_swept_young_ones_kept(store: FileStore) -> None:
    key = await store.save(reader(b"a,b\n"), max_bytes=10)
    async with store.local_copy(key) as path:
        pass
    store.temp_dir.mkdir(parents=True, exist_ok=True)
    old, young = store.temp_dir / "copy-0123-old.upload", store.temp_dir / "copy-4567-new.upload"
    other = store.temp_dir / "export-1-0123456789abcdef.tmp"  # the export cache's to sweep
    for made in (old, young, other):
        made.write_bytes(b"left by a killed process")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(other, (two_hours_ago, two_hours_ago))

    assert sweep_old_copies(store.temp_dir) == 1

    assert (old.exists(), young.exists(), other.exists()) == (False, True, True)
    assert path.exists() == isinstance(store, FolderStore)  # the folder lends its own file


def test_a_local_copy_left_by_a_sigkill_is_swept(s3_server: S3Server, tmp_path: Path) -> None:
    """A process killed (SIGKILL) inside `local_copy` leaves its download; the sweep takes it
    once it is an hour old."""
    store = s3_store(s3_server, tmp_path)
    key = asyncio.run(store.save(reader(pattern(CHUNK + 1)), max_bytes=2 * CHUNK))
    config = store.store.config
    script = KILLED_IN_A_COPY.format(
        bucket=config["bucket"], endpoint=s3_server.endpoint_url, temp=str(store.temp_dir), key=key
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        env={**os.environ, **CREDENTIALS},
        cwd=Path(__file__).parents[2],
    )
    with child:
        assert child.stdout is not None
        left = Path(child.stdout.readline().decode().strip())  # the copy is whole and in use
        child.send_signal(signal.SIGKILL)
    assert child.returncode == -signal.SIGKILL
    assert left.parent == store.temp_dir
    assert left.read_bytes() == pattern(CHUNK + 1)

    assert sweep_old_copies(store.temp_dir) == 0  # young: maybe a copy in use
    an_hour_ago = time.time() - 3601
    os.utime(left, (an_hour_ago, an_hour_ago))
    assert sweep_old_copies(store.temp_dir) == 1
    assert list(store.temp_dir.iterdir()) == []


KILLED_IN_A_COPY = """
import asyncio, sys
from pathlib import Path
from obstore.store import S3Store
from storage.s3_files import S3FileStore

async def main():
    store = S3Store("{bucket}", prefix="listkeeper/files", endpoint="{endpoint}",
                    client_options={{"allow_http": True}})
    files = S3FileStore(store, temp_dir=Path("{temp}"))
    async with files.local_copy("{key}") as path:
        print(path, flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


async def test_the_url_picks_the_store(
    tmp_path: Path, s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)  # credentials and region from the environment
    url = f"s3://{s3_server.new_bucket()}/some/prefix"

    chosen = file_store_for(url, tmp_path, s3_endpoint_url=s3_server.endpoint_url)

    assert isinstance(chosen, S3FileStore)
    key = await chosen.save(reader(b"a,b\n"), max_bytes=10)
    assert await read_all(chosen.open(key)) == b"a,b\n"
    assert isinstance(file_store_for(None, tmp_path), FolderStore)
    with pytest.raises(ValueError, match="s3://"):
        file_store_for("gs://elsewhere", tmp_path)
