"""The parse process (api/parse_process.py) gives exactly what the codec gives in process.

Imports parse through it (the import suites on both databases run that path); these tests
compare it with `codec.open_import` directly, chunk by chunk, on fixed and random files, and
check that a dead parse process fails the import in flight and is replaced for the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import parse_process
from storage.codec import Chunk, CsvFileError, CsvLayout, open_import

CHUNK = 3
Outcome = tuple[CsvLayout, tuple[str, ...], list[Chunk]] | tuple[str, str, str | None]


def read_here(path: Path, mapping: list[tuple[str, str]] | None = None) -> Outcome:
    """The codec in this process: layout, own columns and chunks, or the error's parts."""
    try:
        with open_import(path, mapping) as reader:
            return reader.layout, reader.data_header, list(reader.chunks(CHUNK))
    except CsvFileError as error:
        return error.message, error.code, error.field


async def read_there(path: Path, mapping: list[tuple[str, str]] | None = None) -> Outcome:
    """The same through the parse process."""
    try:
        parsed = await parse_process.open_parsed(path, mapping, chunk_rows=CHUNK)
        async with contextlib.aclosing(parsed):
            chunks = []
            while (chunk := await parsed.next_chunk()) is not None:
                chunks.append(chunk)
            return parsed.layout, parsed.data_header, chunks
    except CsvFileError as error:
        return error.message, error.code, error.field


FILES: dict[str, bytes] = {
    "clean": b"email,firstName,city\na@x.io,Ann,Paris\nB@X.io,Bob,Lyon\nc@x.io,,\nd@x.io,D,E\n",
    "row errors": "email,status,note\nnot-an-email,ACTIVE,x\na@x.io,maybe,y\n\nb@x.io,BOUNCED,\u00e9\n"
    "a@x.io,,too,many,cells\n".encode(),
    "cp1252 semicolons": "email;Vorname;Stadt\njörg@x.de;Jörg;Köln\nann@x.de;Ann;Zürich\n".encode(
        "cp1252"
    ),
    "utf-16 tabs": "\ufeffemail\tname\na@x.io\tAnn\n".encode("utf-16-le"),
    "undecodable byte": b"email,name\na@x.io,Ann\nb@x.io,B\x81b\nc@x.io,Cy\n",
    "export escapes": b"email,first_name,last_name,status,created_at,updated_at,city\n"
    b"a@x.io,'=SUM(1),Lee,UNSUBSCRIBED,,,'+33\n",
    "rejects file": b"email,name,error_row,error_column,error_code,error_message\n"
    b"a@x.io,Ann,2,email,INVALID_EMAIL,bad\n",
    "no email column": b"name,city\nAnn,Paris\n",
    "binary": b"\x00\x01\x02PK\x03\x04" * 200,
    "unclosed quote": b'email,note\na@x.io,"never closed\n' + b"x" * (10 * 1024 * 1024 + 10),
}


@pytest.mark.parametrize("name", sorted(FILES))
async def test_the_parse_process_reads_as_the_codec_does(tmp_path: Path, name: str) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(FILES[name])
    assert await read_there(path) == read_here(path)


async def test_a_field_mapping_reaches_the_parse_process(tmp_path: Path) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(b"Mail,Vorname,Ort\na@x.io,Ann,Paris\n")
    mapping = [("Mail", "email"), ("Vorname", "firstName"), ("Ort", "town")]
    there = await read_there(path, mapping)
    assert there == read_here(path, mapping)
    assert isinstance(there[0], CsvLayout)
    assert there[0].attribute_names == ("town",)


async def test_two_files_parsed_at_once_keep_their_own_rows(tmp_path: Path) -> None:
    paths = []
    for n in range(2):
        path = tmp_path / f"upload-{n}.csv"
        path.write_text("email\n" + "".join(f"u{k}@file{n}.io\n" for k in range(20)))
        paths.append(path)
    both = await asyncio.gather(*(read_there(path) for path in paths))
    assert both == [read_here(path) for path in paths]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400) | st.text(max_size=200).map(str.encode))
def test_random_bytes_read_as_the_codec_reads_them(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(b"email,name,status,city\n" + data)
    assert asyncio.run(read_there(path)) == read_here(path)


async def read_to_the_end(parsed: parse_process.ParsedFile) -> None:
    """Read the remaining chunks."""
    while await parsed.next_chunk() is not None:
        pass


async def test_a_dead_parse_process_fails_the_file_in_flight_and_is_replaced(
    tmp_path: Path,
) -> None:
    path = tmp_path / "upload.csv"
    path.write_text("email\n" + "".join(f"u{k}@x.io\n" for k in range(50)))
    parsed = await parse_process.open_parsed(path, None, chunk_rows=CHUNK)
    async with contextlib.aclosing(parsed):
        assert await parsed.next_chunk() is not None
        process = parse_process._parse_process()
        os.kill(process._child.pid, signal.SIGKILL)
        with pytest.raises(parse_process.ParseProcessError):
            await read_to_the_end(parsed)
    assert await read_there(path) == read_here(path)  # a new process
    assert parse_process._parse_process() is not process
