"""The import reader on real files: records and quoting, row numbers, chunks, closing."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.codec import Chunk, CsvFileError, open_import
from tests.storage.csv_files import codes, read_all, write_text

# Records and quoting


def test_quoted_newlines_count_as_one_row(tmp_path: Path) -> None:
    text = (
        "email,firstName,note\r\n"
        'a@x.com,Ann,"line one\r\nline two"\r\n'
        'bad-address,Bob,"x\ny\nz"\r\n'
        'c@x.com,"Cé\ncile",\r\n'
    )
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert rows == [
        (2, "a@x.com", "Ann", None, None, '{"note":"line one\\r\\nline two"}'),
        (4, "c@x.com", "Cé\ncile", None, None, None),
    ]
    assert codes(errors) == [(3, "email", "INVALID_EMAIL")]


def test_blank_lines_are_skipped_but_keep_their_row_numbers(tmp_path: Path) -> None:
    text = "email,firstName\n\na@x.com,Ann\n,\n  ,  \n\nb@x.com,Bob\n\n"
    with open_import(write_text(tmp_path, text)) as reader:
        chunks = list(reader.chunks())
    assert [row[:2] for chunk in chunks for row in chunk.rows] == [(3, "a@x.com"), (7, "b@x.com")]
    assert sum(chunk.records for chunk in chunks) == 2


def test_short_rows_have_empty_cells_and_spaces_after_delimiters(tmp_path: Path) -> None:
    text = 'email, firstName, lastName, city\na@x.com, "Doe, Jane"\nb@x.com\n'
    layout, rows, errors = read_all(write_text(tmp_path, text))
    assert layout.header == ("email", "firstName", "lastName", "city")
    assert rows == [
        (2, "a@x.com", "Doe, Jane", None, None, None),
        (3, "b@x.com", None, None, None, None),
    ]
    assert errors == []


def test_old_mac_line_endings(tmp_path: Path) -> None:
    _, rows, _ = read_all(write_text(tmp_path, "email,firstName\ra@x.com,Ann\rb@x.com,Bob\r"))
    assert [row[:3] for row in rows] == [(2, "a@x.com", "Ann"), (3, "b@x.com", "Bob")]


def test_field_longer_than_the_csv_default_limit(tmp_path: Path) -> None:
    text = f'email,note\na@x.com,"{"x" * 200_000}"\nb@x.com,ok\n'
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert codes(errors) == [(2, "note", "FIELD_TOO_LONG")]
    assert [row[1] for row in rows] == ["b@x.com"]


def test_unclosed_quote_beyond_the_field_size_limit_refuses_the_file(tmp_path: Path) -> None:
    path = write_text(tmp_path, 'email,note\na@x.com,"never closed\n' + "x" * (10 * 1024 * 1024))
    with open_import(path) as reader, pytest.raises(CsvFileError) as caught:
        list(reader.chunks())
    assert (caught.value.code, caught.value.field) == ("INVALID_INPUT", "file")


# Chunks


def test_header_only_yields_no_chunk(tmp_path: Path) -> None:
    _, rows, errors = read_all(write_text(tmp_path, "email,firstName\n"))
    assert (rows, errors) == ([], [])


@pytest.mark.parametrize(("size", "sizes"), [(1, [1] * 7), (3, [3, 3, 1]), (7, [7]), (100, [7])])
def test_chunk_boundaries(tmp_path: Path, size: int, sizes: list[int]) -> None:
    lines = ["a@x.com", "bad", "c@x.com", "", "d@x.com", "", "e@x.com", "f@x.com", "bad2"]
    path = write_text(tmp_path, "email\n" + "\n".join(lines) + "\n")
    with open_import(path) as reader:
        chunks = list(reader.chunks(size))
    assert [chunk.records for chunk in chunks] == sizes
    assert all(len(c.rows) + len({e.row for e in c.errors}) == c.records for c in chunks)
    assert [row[0] for chunk in chunks for row in chunk.rows] == [2, 4, 6, 8, 9]
    assert [error.row for chunk in chunks for error in chunk.errors] == [3, 10]


def test_chunks_resume_where_the_last_call_stopped(tmp_path: Path) -> None:
    path = write_text(tmp_path, "email\n" + "".join(f"u{n}@x.com\n" for n in range(5)))
    with open_import(path) as reader:
        first = next(reader.chunks(2))
        rest = list(reader.chunks(10))
    assert [row[0] for row in first.rows] == [2, 3]
    assert rest == [
        Chunk(
            rows=[(n, f"u{n - 2}@x.com", None, None, None, None) for n in (4, 5, 6)],
            errors=[],
            records=3,
        )
    ]


def test_chunk_size_must_be_positive(tmp_path: Path) -> None:
    with (
        open_import(write_text(tmp_path, "email\na@x.com\n")) as reader,
        pytest.raises(ValueError, match="size"),
    ):
        next(reader.chunks(0))


def test_close_closes_the_file(tmp_path: Path) -> None:
    reader = open_import(write_text(tmp_path, "email\na@x.com\n"))
    reader.close()
    with pytest.raises(ValueError, match="closed file"):
        list(reader.chunks())
