"""A file's start tells what the whole file would, or nothing (property tests).

Before an import is queued, and when a file is staged, the server reads only the first bytes
of the upload (`FileStore.head_copy`: a ranged GET on S3) with the encoding counted while it
was saved. Cut anywhere past the sniff's sample, those bytes must give the answer the whole
file gives, or say they cannot tell (then the whole file is read): never a different header,
delimiter or encoding, never a refusal of a file the import would read, never an accepted
file the import would refuse.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.staged_files import Inspection, inspect_file
from storage import codec
from storage.codec import sniff

# A small sample, so that small files are cut past it (and within their header) as large
# ones are past 64 KB.
SAMPLE = 8

HEADER_NAMES = ("email", "E-Mail", "first name", "Nachname", "city", "plan", "status", "", "a " * 9)
CELL = st.lists(st.sampled_from([*"ab@.x ,;\t\"'\r\né中ü", "\r\n"]), max_size=12).map("".join)


@pytest.fixture(autouse=True)
def small_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff, "SAMPLE_BYTES", SAMPLE)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """The bytes of a CSV file as spreadsheets write them, in one of the encodings."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    names = draw(st.lists(st.sampled_from(HEADER_NAMES), min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=len(names) + 1), max_size=30))
    text = io.StringIO()
    writer = csv.writer(
        text, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(names)
    for row in rows:
        if draw(st.booleans()):
            row = [f"u{len(row)}@x.io", *row]
        writer.writerow(row)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    content = text.getvalue()
    if encoding == "cp1252":
        content = content.replace("中", "?")
    return content.encode(encoding), encoding


def check(path: Path, counted: codec.Utf8Count, *, whole: bool) -> bool | str:
    """The import's check: True, False (cannot tell) or the refusal's code and message."""
    try:
        return codec.import_head_checked(path, None, counted, whole=whole)
    except codec.CsvFileError as error:
        return f"{error.code}: {error.message}"


def inspected(
    path: Path, size: int, counted: codec.Utf8Count, *, whole: bool
) -> Inspection | str | None:
    try:
        return inspect_file(path, size, [], counted, whole=whole)
    except codec.CsvFileError as error:
        return f"{error.code}: {error.message}"


@settings(max_examples=400, deadline=None)
@given(file=csv_files(), cut=st.integers(min_value=SAMPLE, max_value=4000))
def test_the_start_of_a_file_tells_what_the_whole_does_or_nothing(
    file: tuple[bytes, str], cut: int
) -> None:
    content, _ = file
    counted = codec.Utf8Count()
    counted.feed(content)
    with tempfile.TemporaryDirectory() as folder:
        whole, head = Path(folder, "whole.csv"), Path(folder, "head.csv")
        whole.write_bytes(content)
        head.write_bytes(content[:cut])
        is_whole = cut >= len(content)

        told = check(head, counted, whole=is_whole)
        expected = check(whole, counted, whole=True)
        if is_whole:
            assert told == expected
        else:
            assert told in (True, False)  # a cut file never refuses: the whole file decides
            if told:
                assert expected is True

        found = inspected(head, len(content), counted, whole=is_whole)
        full = inspected(whole, len(content), counted, whole=True)
        if is_whole:
            assert found == full
        elif found is not None:
            assert isinstance(found, Inspection), found
            assert isinstance(full, Inspection), full
            assert (found.encoding, found.delimiter) == (full.encoding, full.delimiter)
            assert [(c.index, c.header, c.suggested_field) for c in found.columns] == [
                (c.index, c.header, c.suggested_field) for c in full.columns
            ]
            for mine, theirs in zip(found.columns, full.columns, strict=True):
                assert theirs.samples[: len(mine.samples)] == mine.samples
            assert found.row_estimate >= 1


def test_a_header_cut_short_cannot_tell(tmp_path: Path) -> None:
    content = b'email,"' + b"x" * 500 + b'"\nok@x.io,1\n'
    counted = codec.Utf8Count()
    counted.feed(content)
    head = tmp_path / "head.csv"
    head.write_bytes(content[:200])

    assert check(head, counted, whole=False) is False
    assert inspected(head, len(content), counted, whole=False) is None


def test_a_cut_last_record_is_not_sampled(tmp_path: Path) -> None:
    content = b"email,city\na@x.io,Paris\nb@x.io,Berlin-Neuk\xc3\xb6lln\n"
    counted = codec.Utf8Count()
    counted.feed(content)
    head = tmp_path / "head.csv"
    head.write_bytes(content[: content.index(b"Berlin") + 3])

    found = inspected(head, len(content), counted, whole=False)

    assert isinstance(found, Inspection)
    assert found.columns[1].samples == ["Paris"]  # not "Ber"
    assert found.row_estimate >= 1
