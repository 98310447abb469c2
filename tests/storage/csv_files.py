"""Write CSV files for the codec tests and read them back through `open_import`."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.codec import CsvFileError, CsvLayout, RowError, StagedRow, open_import

SAMPLE = 64 * 1024  # bytes the sniffer reads; files longer than this test the rest


def write_text(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` in `encoding` as the upload and return its path."""
    path = tmp_path / "upload.csv"
    path.write_bytes(text.encode(encoding))
    return path


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    """Write `data` as the upload and return its path."""
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return path


def read_all(
    path: Path, mapping: list[tuple[str, str]] | None = None
) -> tuple[CsvLayout, list[StagedRow], list[RowError]]:
    """Open the file, read every chunk and return the layout, staged rows and row errors."""
    with open_import(path, mapping) as reader:
        chunks = list(reader.chunks())
    rows = [row for chunk in chunks for row in chunk.rows]
    errors = [error for chunk in chunks for error in chunk.errors]
    return reader.layout, rows, errors


def codes(errors: list[RowError]) -> list[tuple[int, str | None, str]]:
    """Reduce row errors to (row, column, code) for comparison."""
    return [(error.row, error.column, error.code) for error in errors]


def refused(path: Path, mapping: list[tuple[str, str]] | None = None) -> CsvFileError:
    """Assert that `open_import` refuses the file and return the error."""
    with pytest.raises(CsvFileError) as caught:
        open_import(path, mapping)
    return caught.value
