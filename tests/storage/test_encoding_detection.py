"""UTF-8 or cp1252, decided from the whole file: a few bad bytes never make a UTF-8 file cp1252."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.codec.errors import CsvFileError
from storage.codec.sniff import Utf8Count, _within_latin1, count_utf8, sniff_file
from storage.files import FolderStore
from tests.storage.csv_files import SAMPLE, codes, read_all, write_bytes

ZOE_ROWS = "".join(f"zoe{n}@example.com,Zoë\n" for n in range(5_000)).encode()


def test_small_utf8_file_with_one_bad_byte_stays_utf8(tmp_path: Path) -> None:
    data = "email,firstName\na@x.io,Zoë\n".encode() + b"b@x.io,Ren\xe9\n" + "c@x.io,Zoë\n".encode()
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert [(row[1], row[2]) for row in rows] == [("a@x.io", "Zoë"), ("c@x.io", "Zoë")]
    assert codes(errors) == [(3, "firstName", "UNDECODABLE_BYTES")]
    assert "0xE9" in errors[0].message
    assert "UTF-8" in errors[0].message


def test_bad_byte_at_the_top_of_a_big_utf8_file(tmp_path: Path) -> None:
    data = b"email,firstName\nbad@x.io,\xff\n" + ZOE_ROWS
    assert len(data) > SAMPLE
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert len(rows) == 5_000
    assert {row[2] for row in rows} == {"Zoë"}
    assert codes(errors) == [(2, "firstName", "UNDECODABLE_BYTES")]


def test_bad_byte_after_plain_ascii_and_before_utf8(tmp_path: Path) -> None:
    """The old check decided from what preceded the first bad byte: nothing but ASCII."""
    ascii_rows = "".join(f"u{n}@example.com,Ann\n" for n in range(4_000)).encode()
    data = b"email,firstName\n" + ascii_rows + b"bad@x.io,Ren\xe9\n" + ZOE_ROWS
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert rows[-1][2] == "Zoë"
    assert codes(errors) == [(4_002, "firstName", "UNDECODABLE_BYTES")]


@pytest.mark.parametrize("big", [False, True])
def test_real_cp1252_files_stay_cp1252(tmp_path: Path, big: bool) -> None:
    head = "".join(f"u{n}@example.com,Ann\n" for n in range(4_000 if big else 1))
    text = "email,firstName\n" + head + "zoe@x.de,Zoë\nm@x.de,Müller\n"
    layout, rows, errors = read_all(write_bytes(tmp_path, text.encode("cp1252")))
    assert layout.encoding == "cp1252"
    assert [row[2] for row in rows[-2:]] == ["Zoë", "Müller"]
    assert errors == []


def test_cp1252_pair_that_happens_to_be_utf8_is_outvoted(tmp_path: Path) -> None:
    # "Ã©" in cp1252 is C3 A9, the UTF-8 of "é"; the file's other accents are not UTF-8.
    text = "email,firstName\na@x.fr,Ã©\nb@x.fr,Léa\nc@x.fr,Zoë\n"
    layout, rows, errors = read_all(write_bytes(tmp_path, text.encode("cp1252")))
    assert layout.encoding == "cp1252"
    assert [row[2] for row in rows] == ["Ã©", "Léa", "Zoë"]
    assert errors == []


def test_as_many_bad_bytes_as_utf8_characters_is_utf8(tmp_path: Path) -> None:
    """The unclear case errs toward UTF-8: a row error is loud, mojibake is silent."""
    data = b"email,firstName\nb@x.io,Ren\xe9\n" + "c@x.io,Zoë\n".encode()
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert [row[2] for row in rows] == ["Zoë"]
    assert codes(errors) == [(2, "firstName", "UNDECODABLE_BYTES")]


def test_a_real_replacement_character_is_not_a_bad_byte(tmp_path: Path) -> None:
    data = "email,firstName\na@x.io,\ufffd\ufffd\nb@x.io,Zoë\n".encode() + b"c@x.io,\xe9\n"
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert [row[2] for row in rows] == ["\ufffd\ufffd", "Zoë"]
    assert codes(errors) == [(4, "firstName", "UNDECODABLE_BYTES")]


def test_character_cut_by_the_end_of_the_file_counts_as_bad(tmp_path: Path) -> None:
    data = "email,firstName\na@x.io,Zoë\n".encode() + b"b@x.io,\xc3"
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert [row[2] for row in rows] == ["Zoë"]
    assert codes(errors) == [(3, "firstName", "UNDECODABLE_BYTES")]


# Pieces that stress the count: valid 2-, 3- and 4-byte characters, real U+FFFD, cut and
# broken sequences, cp1252 accents, and ASCII runs.
TRICKY = (
    "é".encode(),
    "€".encode(),
    "😀".encode(),
    b"\xef\xbf\xbd",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xe0\x80",
    b"\xed\xa0\x80",
    b"\xff",
    "Zoë".encode("cp1252"),
    b"a@x.io,Ann\n",
)
FILES = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.binary(max_size=6), st.text(max_size=4).map(str.encode)),
    max_size=40,
).map(b"".join)


def decoded_at_once(data: bytes) -> tuple[int, int]:
    """(multi-byte characters, invalid sequences) from one decode of the whole bytes."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return sum(1 for char in text if ord(char) > 0x7F) - replaced, replaced


def cut(data: bytes, at: list[int]) -> list[bytes]:
    """`data` cut at the offsets `at` (any order, repeats give empty pieces)."""
    edges = [0, *sorted(at), len(data)]
    return [data[start:end] for start, end in itertools.pairwise(edges)]


def fed(pieces: list[bytes]) -> Utf8Count:
    counted = Utf8Count()
    for piece in pieces:
        counted.feed(piece)
    return counted


def sniffed(path: Path, counted: Utf8Count | None) -> tuple[str, str] | str:
    """The sniff's answer, or its error's code."""
    try:
        return sniff_file(path, counted)
    except CsvFileError as error:
        return error.code


@settings(max_examples=400, deadline=None)
@given(data=FILES, cuts=st.lists(st.integers(min_value=0), max_size=12))
def test_the_count_does_not_depend_on_where_the_bytes_were_cut(
    data: bytes, cuts: list[int]
) -> None:
    pieces = cut(data, [at % (len(data) + 1) for at in cuts])
    assert b"".join(pieces) == data
    assert fed(pieces).counts() == fed([data]).counts() == decoded_at_once(data)


@settings(max_examples=150, deadline=None)
@given(data=FILES, cuts=st.lists(st.integers(min_value=0), max_size=12))
def test_the_sniff_from_a_count_made_while_saving_equals_the_whole_file_sniff(
    data: bytes, cuts: list[int]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.csv"
        # Header first: the delimiter sniff has a line to read, the encoding is the file's.
        content = b"email,name\n" + data
        path.write_bytes(content)
        pieces = cut(content, [at % (len(content) + 1) for at in cuts])
        assert sniffed(path, fed(pieces)) == sniffed(path, None)
        assert count_utf8(path).counts() == decoded_at_once(content)


def test_a_character_across_the_read_chunks_of_a_big_file_is_one_character(
    tmp_path: Path,
) -> None:
    # One "é" split by the 1 MiB chunks the sniff reads, and one bad byte: UTF-8 (1 >= 1);
    # counted as two broken halves it would be cp1252 (0 < 3).
    head = b"email,name\n" + b"a" * (1024 * 1024 - 13) + b","
    data = head + "é".encode() + b"\nb@x.io,\xff\n"
    assert data.index("é".encode()) == 1024 * 1024 - 1
    path = write_bytes(tmp_path, data)
    assert count_utf8(path).counts() == (1, 1)
    assert sniff_file(path)[0] == "utf-8"


async def test_save_gives_each_chunk_in_order_while_it_writes(tmp_path: Path) -> None:
    data = b"email\n" + "zoë@x.io\n".encode() * 300_000 + b"\xe9\n"
    store = FolderStore(tmp_path)
    offset = 0

    async def read(size: int) -> bytes:
        nonlocal offset
        piece = data[offset : offset + size]
        offset += len(piece)
        return piece

    counted, seen = Utf8Count(), []

    def look(chunk: bytes) -> None:
        seen.append(chunk)
        counted.feed(chunk)

    key = await store.save(read, max_bytes=len(data), on_chunk=look)
    assert store.path(key).read_bytes() == data == b"".join(seen)
    assert len(seen) > 1
    assert counted.counts() == count_utf8(store.path(key)).counts() == (300_000, 1)


@pytest.mark.parametrize(
    ("text", "within"),
    [
        ("", True),
        ("email,name\n" * 1000, True),
        ("Zoë\xff" * 1000, True),
        ("Zoë" * 1000 + "\u0100", False),
        ("€", False),
        ("😀", False),
        ("\ufffd", False),
        (b"a@x.io,Zo\xc3\xab\n".decode() * 50_000, True),
        (b"a@x.io,Zo\xc3\xab\xe2\x82\xac\n".decode() * 50_000, False),
    ],
)
def test_the_string_width_tells_latin1_text(text: str, within: bool) -> None:
    assert _within_latin1(text) is within
    assert all(ord(char) < 0x100 for char in text) is within
