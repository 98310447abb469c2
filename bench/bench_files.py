"""Upload and download of a large file through the S3 file store: memory stays flat.

Issue 13's figure: a 100 MB file saved through `S3FileStore.save` (as a request streams it)
and read back through `open` and `local_copy`, this process's peak resident memory under
50 MB above what it held before. The S3 API is moto's server on loopback (its own process,
whose memory is not counted). Peak memory is the kernel's high-water mark (`VmHWM`), reset
before each step where the kernel allows it (`/proc/self/clear_refs`), else read as a rise.

    .venv/bin/python -m bench.bench_files [--mb 100]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from obstore.store import S3Store

from storage.files import CHUNK
from storage.s3_files import S3FileStore
from tests.s3_server import CREDENTIALS, running_s3_server

TARGET_MB = 50.0


def resident_mb(field: str) -> float:
    """`VmHWM` (peak) or `VmRSS` (now) of this process, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> bool:
    """Make `VmHWM` start again from the current size (Linux >= 4.0); whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def body(total: int) -> Callable[[int], Awaitable[bytes]]:
    """`read(n)` of a request body of `total` bytes, made as it is read (never held whole)."""
    sent = 0
    block = bytes(range(256)) * (CHUNK // 256)

    async def read(n: int) -> bytes:
        nonlocal sent
        size = min(n, len(block), total - sent)
        sent += size
        return block[:size]

    return read


async def measure(store: S3FileStore, total: int) -> list[tuple[str, float, float]]:
    """(step, MiB above before, seconds) for the upload, the streamed read, the local copy."""
    loop = asyncio.get_running_loop()
    rows = []
    # Warm up: the client's pools and the runtime's threads exist before the baseline.
    warm = await store.save(body(CHUNK), max_bytes=CHUNK)
    await store.delete(warm)

    async def step(name: str, run: Callable[[], Awaitable[object]]) -> object:
        reset_peak()
        before = resident_mb("VmRSS")
        started = loop.time()
        result = await run()
        rows.append((name, resident_mb("VmHWM") - before, loop.time() - started))
        return result

    key = str(
        await step("upload (save, multipart)", lambda: store.save(body(total), max_bytes=total))
    )
    assert await store.size(key) == total

    async def read_all() -> str:
        digest = hashlib.sha256()
        async for chunk in store.open(key):
            digest.update(chunk)
        return digest.hexdigest()

    expected = hashlib.sha256()
    read = body(total)
    while chunk := await read(CHUNK):
        expected.update(chunk)
    assert await step("download (open, streamed)", read_all) == expected.hexdigest()

    async def copy() -> int:
        async with store.local_copy(key) as path:
            return path.stat().st_size

    assert await step("download (local_copy)", copy) == total
    await store.delete(key)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()
    total = args.mb * 1024 * 1024
    with running_s3_server() as server, tempfile.TemporaryDirectory() as folder:
        store = S3FileStore(
            S3Store(
                server.new_bucket(),
                prefix="bench",
                endpoint=server.endpoint_url,
                access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
                secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                region=CREDENTIALS["AWS_REGION"],
                client_options={"allow_http": True},
            ),
            temp_dir=Path(folder),
        )
        rows = asyncio.run(measure(store, total))
    print(f"\n{args.mb} MiB through the S3 file store (moto on loopback)\n")
    print("| step | peak memory above before | target | seconds | verdict |")
    print("|---|---|---|---|---|")
    for name, above, seconds in rows:
        verdict = "pass" if above < TARGET_MB else "MISS"
        print(f"| {name} | {above:.1f} MiB | < {TARGET_MB:.0f} MiB | {seconds:.1f} | {verdict} |")


if __name__ == "__main__":
    main()
