"""Materialised backup exports: the first download writes the file, later ones stream it
(ETag, 304, ranges, gzip), and erasure and retention delete every file they make stale."""

from __future__ import annotations

import gzip
import hashlib
import random
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

from api.global_ids import decode_id
from api.retention import sweep, sweep_uploads
from storage.db import write_transaction
from storage.files import folder_of
from storage.store.backup_reads import backup_by_id
from storage.store.erasure import erase_address
from tests.client import GraphQLClient
from tests.server import LiveServer
from tests.support.backups import two_imports
from tests.support.documents import ERASE

EXPIRED = timedelta(days=31)
IDENTITY = {"Accept-Encoding": "identity"}
GZIP = {"Accept-Encoding": "gzip"}


def number(backup_id: str) -> int:
    """The database id of a backup's global ID."""
    return int(decode_id(backup_id, "Backup", field=["id"]))


def stored(server: LiveServer, backup_id: str) -> list[Path]:
    """The backup's materialised files (in the folder store: its own folder of exports)."""
    folder = folder_of(server.services.files).root / "exports" / str(number(backup_id))
    return sorted(folder.glob(f"export-{number(backup_id)}-*")) if folder.is_dir() else []


def url_of(client: GraphQLClient, backup_id: str) -> str:
    """The backup's downloadUrl."""
    node = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Backup { downloadUrl } } }", {"id": backup_id}
    )["node"]
    return str(node["downloadUrl"])


@dataclass(frozen=True)
class Answer:
    """A response as sent: status, headers and the body not decoded."""

    status_code: int
    headers: httpx.Headers
    body: bytes


def get(url: str, **headers: str) -> Answer:
    """A GET with these headers and no Authorization."""
    with httpx.stream("GET", url, headers=headers) as response:
        body = b"".join(response.iter_raw())
    return Answer(response.status_code, response.headers, body)


def raw(answer: Answer) -> bytes:
    """The bytes on the wire."""
    return answer.body


def big_backup(client: GraphQLClient, name: str, rows: int = 12_000) -> str:
    """A backup of a group of `rows` people with random cells (the file spans read chunks)."""
    rng = random.Random(rows)
    lines = [b"email,first name,code"]
    lines += [
        f"p{n:05d}@x.io,N{rng.getrandbits(40):x},{rng.getrandbits(200):x}".encode()
        for n in range(rows)
    ]
    group = client.import_file(b"\n".join(lines) + b"\n", groupName=name)["group"]["id"]
    job = client.import_file(b"email\np00000@x.io\n", groupId=group, mode="ADD")
    return str(job["backup"]["id"])


def test_first_download_writes_the_file_later_ones_stream_it(
    server: LiveServer, client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(client, "cached")
    url = url_of(client, backup["id"])
    assert stored(server, backup["id"]) == []

    first = get(url, **IDENTITY)

    assert first.status_code == 200
    assert "etag" not in first.headers  # streamed from the database, hash not yet known
    (path,) = stored(server, backup["id"])
    csv = raw(first)
    assert gzip.decompress(path.read_bytes()) == csv
    etag = f'"{hashlib.sha256(csv).hexdigest()}"'
    again = get(url, **IDENTITY)
    assert (again.status_code, raw(again), again.headers["etag"]) == (200, csv, etag)
    assert again.headers["content-length"] == str(len(csv))
    assert again.headers["content-disposition"] == first.headers["content-disposition"]
    packed = get(url, **GZIP)
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["etag"] == etag[:-1] + '-gzip"'
    assert raw(packed) == path.read_bytes()
    assert gzip.decompress(raw(packed)) == csv
    assert "gzip" not in get(url, **{"Accept-Encoding": "gzip;q=0, br"}).headers.get(
        "content-encoding", ""
    )
    assert stored(server, backup["id"]) == [path]


def test_etag_and_not_modified(server: LiveServer, client: GraphQLClient) -> None:
    _, backup, _ = two_imports(client, "etag")
    url = url_of(client, backup["id"])
    csv = raw(get(url, **IDENTITY))
    etag = get(url, **IDENTITY).headers["etag"]

    for named in (etag, f"W/{etag}", f'"other", {etag}', "*", etag[:-1] + '-gzip"'):
        unchanged = get(url, **IDENTITY, **{"If-None-Match": named})
        assert (unchanged.status_code, raw(unchanged)) == (304, b""), named
        assert unchanged.headers["etag"] == etag
    changed = get(url, **IDENTITY, **{"If-None-Match": '"something-else"'})
    assert (changed.status_code, raw(changed)) == (200, csv)


def test_ranges_are_slices_of_the_whole_csv(server: LiveServer, client: GraphQLClient) -> None:
    backup = big_backup(client, "ranges")
    url = url_of(client, backup)
    whole = raw(get(url, **IDENTITY))
    assert stored(server, backup)[0].stat().st_size > 256 * 1024  # several read chunks
    size = len(whole)
    rng = random.Random(7)
    asked = [(0, 0), (size - 1, size - 1), (0, size - 1), (size - 10, size + 50)]
    asked += [tuple(sorted(rng.sample(range(size), 2))) for _ in range(12)]  # type: ignore[misc]
    for start, end in asked:
        for accept in (IDENTITY, GZIP):  # ranges are on the CSV whatever the client accepts
            part = get(url, Range=f"bytes={start}-{end}", **accept)
            assert part.status_code == 206
            assert "content-encoding" not in part.headers
            assert raw(part) == whole[start : end + 1], (start, end)
            last = min(end, size - 1)
            assert part.headers["content-range"] == f"bytes {start}-{last}/{size}"
    offset = rng.randrange(size)
    assert raw(get(url, Range=f"bytes={offset}-", **IDENTITY)) == whole[offset:]
    assert raw(get(url, Range="bytes=-100", **IDENTITY)) == whole[-100:]
    past = get(url, Range=f"bytes={size}-", **IDENTITY)
    assert (past.status_code, past.headers["content-range"]) == (416, f"bytes */{size}")
    several = get(url, Range="bytes=0-1,5-9", **IDENTITY)
    assert (several.status_code, raw(several)) == (200, whole)
    other_version = get(url, Range="bytes=0-9", **{"If-Range": '"old"'}, **IDENTITY)
    assert (other_version.status_code, raw(other_version)) == (200, whole)
    etag = get(url, **IDENTITY).headers["etag"]
    same_version = get(url, Range="bytes=0-9", **{"If-Range": etag}, **IDENTITY)
    assert (same_version.status_code, raw(same_version)) == (206, whole[:10])


def test_two_first_downloads_at_once_leave_one_valid_file(
    server: LiveServer, client: GraphQLClient
) -> None:
    backup = big_backup(client, "together", rows=6_000)
    url = url_of(client, backup)
    bodies: list[bytes] = []
    start = threading.Barrier(2)

    def fetch() -> None:
        start.wait()
        bodies.append(raw(get(url, **IDENTITY)))

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(bodies) == 2
    assert bodies[0] == bodies[1]
    (path,) = stored(server, backup)
    assert gzip.decompress(path.read_bytes()) == bodies[0]
    temps = server.services.files.temp_dir
    assert [p for p in temps.iterdir() if p.name.startswith(f"export-{number(backup)}-")] == []


def test_erasure_deletes_the_files_that_hold_the_address(
    server: LiveServer, client: GraphQLClient
) -> None:
    _, holding, _ = two_imports(client, "holds")  # the first state: a@x.io and b@x.io
    other = client.import_file(b"email\nz@x.io\n", groupName="other")["group"]["id"]
    without = client.import_file(b"email\ny@x.io\n", groupId=other, mode="ADD")["backup"]["id"]
    for backup in (holding["id"], without):
        get(url_of(client, backup), **IDENTITY)
    kept = stored(server, without)
    assert len(stored(server, holding["id"])) == len(kept) == 1

    client.execute(ERASE, {"input": {"email": "B@x.io"}})

    assert stored(server, holding["id"]) == []
    assert stored(server, without) == kept
    fresh = raw(get(url_of(client, holding["id"]), **IDENTITY))
    assert b"b@x.io" not in fresh
    assert b"a@x.io" in fresh
    for path in stored(server, holding["id"]) + stored(server, without):
        assert b"b@x.io" not in gzip.decompress(path.read_bytes())


def test_a_file_that_outlived_its_erasure_is_never_served(
    server: LiveServer, client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(client, "crash")
    url = url_of(client, backup["id"])
    assert b"b@x.io" in raw(get(url, **IDENTITY))
    backup_id = number(backup["id"])

    async def erase_without_files() -> None:  # as if the process died after the commit
        async with write_transaction(server.services.engine) as conn:
            row = await backup_by_id(conn, backup_id=backup_id)
            assert row is not None
            await erase_address(conn, account_id=row.account_id, email="b@x.io")

    server.run(erase_without_files())
    assert len(stored(server, backup["id"])) == 1  # the stale file is still there

    served = raw(get(url, **IDENTITY))

    assert b"b@x.io" not in served
    (path,) = stored(server, backup["id"])
    assert gzip.decompress(path.read_bytes()) == served


def test_retention_deletes_the_file_of_a_deleted_backup(
    server: LiveServer, client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(client, "swept")
    get(url_of(client, backup["id"]), **IDENTITY)
    assert len(stored(server, backup["id"])) == 1
    engine, files = server.services.engine, server.services.files
    server.clock.advance(EXPIRED)

    report = server.run(sweep(engine=engine, as_of=server.clock.now(), files=files))

    assert number(backup["id"]) in report.deleted_backup_ids
    assert stored(server, backup["id"]) == []


def test_a_sweep_without_the_file_store_leaves_work_for_sweep_uploads(
    server: LiveServer, client: GraphQLClient
) -> None:
    _, backup, _ = two_imports(client, "orphan")
    get(url_of(client, backup["id"]), **IDENTITY)
    engine, files = server.services.engine, server.services.files
    server.clock.advance(EXPIRED)
    server.run(sweep(engine=engine, as_of=server.clock.now()))
    assert len(stored(server, backup["id"])) == 1

    server.run(sweep_uploads(engine=engine, files=files))

    assert stored(server, backup["id"]) == []


def test_live_group_exports_are_never_materialised(
    server: LiveServer, client: GraphQLClient
) -> None:
    group = client.import_file(b"email\nq@x.io\n", groupName="live-only")["group"]["id"]
    node = client.execute(
        "query($id: ID!) { node(id: $id) { ... on Group { exportUrl } } }", {"id": group}
    )["node"]
    files = folder_of(server.services.files)

    def exports() -> list[Path]:
        stored = sorted(files.uploads.glob("export-*")) + sorted(files.root.glob("exports/*/*"))
        return stored + sorted(files.temp_dir.glob("export-*"))

    before = exports()
    assert b"q@x.io" in raw(get(node["exportUrl"], **IDENTITY))
    assert exports() == before
