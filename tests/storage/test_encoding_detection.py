"""UTF-8 or cp1252, decided from the whole file: a few bad bytes never make a UTF-8 file cp1252."""

from __future__ import annotations

from pathlib import Path

import pytest

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
