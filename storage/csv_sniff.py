"""Find out what an uploaded file is: refuse binary files, pick the encoding and the delimiter.

`sniff_file` reads a sample of the file (and, for UTF-8, checks the rest); `UNDECODABLE` is the
error handler the file is then decoded with, which turns each byte the encoding cannot decode into
a lone surrogate (`SURROGATE` finds them), so a bad byte becomes a row error, not a failed file.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

from storage.csv_errors import CsvFileError

UNDECODABLE = "listkeeper.undecodable"
# Valid text never holds a lone surrogate: each one found is a byte `UNDECODABLE` stood in for.
SURROGATE = re.compile(r"[\ud800-\udfff]")

_SAMPLE_BYTES = 64 * 1024
_SNIFF_CHARS = 8 * 1024  # "a few KB"; the sniffer is quadratic on some inputs
_DELIMITERS = ",;\t|"

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (xlsx, docx, ods or zip)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip file"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (xls) or Word document"),
    *((b"BZh%d1AY&SY" % level, "a bzip2 file") for level in range(1, 10)),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\xfd7zXZ\x00", "an xz file"),
    (b"\x28\xb5\x2f\xfd", "a zstd file"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)


def _as_surrogates(error: UnicodeError) -> tuple[str, int]:
    """Like `surrogateescape`, but for any byte: UTF-16 errors include bytes below 0x80."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(chr(0xDC00 + byte) for byte in bad), error.end


codecs.register_error(UNDECODABLE, _as_surrogates)


def sniff_file(path: Path) -> tuple[str, str]:
    """Return the (encoding, delimiter) of the file at `path`; raises CsvFileError."""
    with path.open("rb") as raw:
        sample = raw.read(_SAMPLE_BYTES)
    complete = len(sample) < _SAMPLE_BYTES
    encoding = _sniff_encoding(sample, complete)
    if encoding == "utf-8" and not complete:
        encoding = _confirm_utf8(path)
    delimiter = _sniff_delimiter(_decode_sample(sample, encoding, complete), complete)
    return encoding, delimiter


def _sniff_encoding(sample: bytes, complete: bool) -> str:
    """Refuse binary files, then pick the encoding: BOM, else UTF-8 if it decodes, else cp1252."""
    if not sample:
        raise CsvFileError("The file is empty.", code="INVALID_INPUT", field="file")
    for signature, kind in _BINARY_SIGNATURES:
        if sample.startswith(signature):
            raise _unsupported(f"The file is {kind}, not a CSV file.")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise _unsupported("The file contains binary data, not CSV text.")
    try:
        # Incremental, so a multi-byte character cut at the end of the sample still decodes.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _confirm_utf8(path: Path) -> str:
    """Check the whole file (C speed, ~1 GB/s): a plain-ASCII start may hide a cp1252 file.

    A file with valid multi-byte UTF-8 before its first bad byte stays UTF-8 (the bad
    bytes become row errors); one with no UTF-8 character before it is cp1252.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen_multibyte = False
    with path.open("rb") as raw:
        while chunk := raw.read(1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                seen_multibyte = seen_multibyte or not chunk[: error.start].isascii()
                return "utf-8" if seen_multibyte else "cp1252"
            seen_multibyte = seen_multibyte or not chunk.isascii()
    return "utf-8"


def _unsupported(message: str) -> CsvFileError:
    hint = " Save it from your spreadsheet as CSV (comma or semicolon separated) and retry."
    return CsvFileError(message + hint, code="UNSUPPORTED_FILE", field="file")


def _decode_sample(sample: bytes, encoding: str, complete: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors=UNDECODABLE)
    text: str = decoder.decode(sample, final=complete)
    return text[:_SNIFF_CHARS]


def _sniff_delimiter(text: str, complete: bool) -> str:
    """Ask csv.Sniffer, but only believe a delimiter the header line contains."""
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not complete or len(text) == _SNIFF_CHARS:
        # The sniffer judges lines by consistency: drop the cut-off last one.
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text
    try:
        found = csv.Sniffer().sniff(text, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header_line:
        return found
    # The most frequent candidate in the header; `,` (first) when there is none: one column.
    return max(_DELIMITERS, key=header_line.count)
