"""Find out what an uploaded file is: refuse binary files, pick the encoding and the delimiter.

`sniff_file` reads a sample of the file for the delimiter and, without a BOM, counts the whole
file's UTF-8 to choose between UTF-8 and cp1252 (`Utf8Count` states the rule): it reads the file
for that, unless it is given the count made while the file was written (`FileStore.save` feeds
each chunk of an upload to one). `UNDECODABLE` is the error handler the file is then decoded
with, which turns each byte the encoding cannot decode into a lone surrogate (`SURROGATE` finds
them), so a bad byte becomes a row error, not a failed file.
"""

from __future__ import annotations

import codecs
import csv
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from storage.codec.errors import CsvFileError
from storage.codec.export import is_export_header

UNDECODABLE = "listkeeper.undecodable"
# Valid text never holds a lone surrogate: each one found is a byte `UNDECODABLE` stood in for.
SURROGATE = re.compile(r"[\ud800-\udfff]")

SAMPLE_BYTES = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
_DECODE_BYTES = 64 * 1024
_REPLACEMENT = "\ufffd"
_ENCODED_REPLACEMENT = _REPLACEMENT.encode()
_SNIFF_CHARS = 8 * 1024  # "a few KB"
# csv.Sniffer's quote regexes are quadratic in its input: 8 KB of `\n"` cost it 1.7 s here,
# 4 KB 0.47 s. Its lines are cut to this (whole lines), which still holds dozens of rows.
_SNIFFER_CHARS = 4 * 1024
_DELIMITERS = ",;\t|"
# CPython stores a string in 1 byte a character when all its characters are below U+0100,
# else in 2 or 4 (PEP 393): such a string's size less its length is at most this one's.
# (Checking by `encode("latin-1")` copies the text: as costly as decoding it, per chunk.)
_ONE_BYTE_STRING = sys.getsizeof("\xff") - 1

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


@dataclass(frozen=True)
class KnownEncoding:
    """The encoding a Utf8Count of the file decided before (a staged file keeps it)."""

    name: str

    def encoding(self) -> str:
        """The encoding decided."""
        return self.name


def sniff_file(path: Path, counted: Utf8Count | KnownEncoding | None = None) -> tuple[str, str]:
    """Return the (encoding, delimiter) of the file at `path`; raises CsvFileError.

    `counted`: the whole file's bytes already fed to a Utf8Count, or its decision kept (the
    file is then not read past its sample, and `path` may hold only the file's start, at least
    `SAMPLE_BYTES` of it); None: the file is read whole here when it has no BOM.
    """
    with path.open("rb") as raw:
        sample = raw.read(SAMPLE_BYTES)
    complete = len(sample) < SAMPLE_BYTES
    encoding = _sniff_encoding(sample) or (counted or count_utf8(path)).encoding()
    delimiter = _sniff_delimiter(_decode_sample(sample, encoding, complete), complete)
    return encoding, delimiter


def _sniff_encoding(sample: bytes) -> str | None:
    """Refuse binary files, then name the encoding a BOM declares; None when there is none."""
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
    return None


class Utf8Count:
    """How much of a file reads as UTF-8, from its bytes fed in pieces of any size.

    The decision (`encoding`) is UTF-8 when the file has at least as many valid multi-byte
    UTF-8 characters as invalid sequences (pure ASCII is UTF-8 too), cp1252 when invalid
    sequences outnumber them, e.g. when nothing but ASCII decodes. A cp1252 file almost never
    holds a valid UTF-8 sequence (an accented capital followed by a symbol such as `Ã©`), and
    UTF-8 with a few bad bytes stays UTF-8: each bad byte becomes a row error, where the wrong
    guess would silently store mojibake (`ZoÃ«`) in every row.

    The counts do not depend on where the pieces were cut: a sequence split between two
    pieces is carried over to the next. C speed throughout, and cheap enough to run on each
    chunk of an upload: ASCII pieces are skipped, the others decoded 64 KB at a time (a 1 MB
    string at once costs 3-4 times as much: fresh memory each time), and text that decodes
    within Latin-1 (most European files) is counted from lengths alone.
    """

    def __init__(self) -> None:
        # The start of a sequence cut off by the end of the bytes fed so far.
        self._carried = b""
        self.multibyte = 0
        self.invalid = 0

    def feed(self, piece: bytes) -> None:
        """Count the next bytes of the file."""
        if not self._carried and piece.isascii():
            return
        view = memoryview(piece)
        for start in range(0, len(view), _DECODE_BYTES):
            self._count(view[start : start + _DECODE_BYTES])

    def _count(self, part: memoryview) -> None:
        data = self._carried + part if self._carried else part
        text, decoded = codecs.utf_8_decode(data, "replace", False)
        self._carried = bytes(data[decoded:])
        if _within_latin1(text):
            # Only 2-byte characters and no U+FFFD: each one is one byte more than its text.
            self.multibyte += decoded - len(text)
            return
        # A U+FFFD the file really holds (EF BF BD, possibly begun in the carried bytes) is
        # valid, not a replacement; EF never continues a sequence, so each one decodes so.
        replaced = text.count(_REPLACEMENT) - bytes(data).count(_ENCODED_REPLACEMENT)
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        self.multibyte += non_ascii - replaced
        self.invalid += replaced

    def counts(self) -> tuple[int, int]:
        """(valid multi-byte characters, invalid sequences) of the bytes fed so far, as a file.

        A sequence cut off by the end of the file is invalid too. Feeding may go on after.
        """
        cut_off = codecs.utf_8_decode(self._carried, "replace", True)[0]
        return self.multibyte, self.invalid + len(cut_off)

    def encoding(self) -> str:
        """The encoding of a file without BOM whose bytes were all fed: utf-8 or cp1252."""
        multibyte, invalid = self.counts()
        return "utf-8" if multibyte >= invalid else "cp1252"


def count_utf8(path: Path) -> Utf8Count:
    """The whole file at `path` fed to a Utf8Count (~0.1 s for 60 MB)."""
    counted = Utf8Count()
    with path.open("rb") as raw:
        while chunk := raw.read(_CHUNK_BYTES):
            counted.feed(chunk)
    return counted


def _within_latin1(text: str) -> bool:
    """Whether every character is below U+0100, told from the string's size alone (O(1))."""
    return sys.getsizeof(text) - len(text) <= _ONE_BYTE_STRING


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
    if is_export_header([cell.strip() for cell in header_line.split(",", 4)]):
        return ","  # our own export: its values may hold more `;` or tabs than commas
    if not complete or len(text) > _SNIFFER_CHARS:
        # The sniffer judges lines by consistency: drop the cut-off last one.
        text = text[:_SNIFFER_CHARS]
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text
    try:
        found = csv.Sniffer().sniff(text, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header_line:
        return found
    # The most frequent candidate in the header; `,` (first) when there is none: one column.
    return max(_DELIMITERS, key=header_line.count)
