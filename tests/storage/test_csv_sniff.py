"""Sniffing real files: encodings, delimiters, and files that are not CSV text."""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from tests.storage.csv_files import SAMPLE, codes, read_all, refused, write_bytes, write_text

# Encodings


def test_utf8_rows_are_normalised(tmp_path: Path) -> None:
    path = write_text(
        tmp_path, "email,firstName,lastName\n  Ann@Example.COM , Ann ,\nb@x.org,,Bo\n"
    )
    layout, rows, errors = read_all(path)
    assert layout.encoding == "utf-8"
    assert layout.delimiter == ","
    assert layout.header == ("email", "firstName", "lastName")
    assert (layout.has_first_name, layout.has_last_name, layout.has_status) == (True, True, False)
    assert rows == [
        (2, "ann@example.com", "Ann", None, None, None),
        (3, "b@x.org", None, "Bo", None, None),
    ]
    assert errors == []


def test_utf8_bom_is_not_part_of_the_header(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, codecs.BOM_UTF8 + "email,Vorname\na@x.de,Jörg\n".encode())
    layout, rows, _ = read_all(path)
    assert layout.encoding == "utf-8-sig"
    assert layout.header == ("email", "Vorname")
    assert rows == [(2, "a@x.de", "Jörg", None, None, None)]


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_excel_unicode_text_is_utf16_with_tabs(tmp_path: Path, bom: bytes, codec: str) -> None:
    text = "E-Mail\tVorname\tNachname\r\nzoë@example.com\tZoë\tŁukasiewicz\r\n"
    layout, rows, errors = read_all(write_bytes(tmp_path, bom + text.encode(codec)))
    assert (layout.encoding, layout.delimiter) == ("utf-16", "\t")
    assert rows == [(2, "zoë@example.com", "Zoë", "Łukasiewicz", None, None)]
    assert errors == []


def test_utf16_with_a_broken_character_reports_the_row(tmp_path: Path) -> None:
    good = "email\tname\r\na@x.com\tAnn\r\n".encode("utf-16-le")
    broken = "b@x.com\t".encode("utf-16-le") + b"\x00\xd8" + "X\r\n".encode("utf-16-le")
    _, rows, errors = read_all(write_bytes(tmp_path, codecs.BOM_UTF16_LE + good + broken))
    assert [row[1] for row in rows] == ["a@x.com"]
    assert codes(errors) == [(3, "name", "UNDECODABLE_BYTES")]


def test_windows_csv_is_cp1252_with_semicolons(tmp_path: Path) -> None:
    text = (
        "E-Mail;Vorname;Nachname;Ort\r\nj@x.de;Jörg;Müller;Köln\r\nl@x.fr;Léa;Dubois;Besançon\r\n"
    )
    layout, rows, errors = read_all(write_text(tmp_path, text, "cp1252"))
    assert (layout.encoding, layout.delimiter) == ("cp1252", ";")
    assert rows == [
        (2, "j@x.de", "Jörg", "Müller", None, '{"Ort":"Köln"}'),
        (3, "l@x.fr", "Léa", "Dubois", None, '{"Ort":"Besançon"}'),
    ]
    assert errors == []


def test_bytes_cp1252_cannot_decode_are_row_errors(tmp_path: Path) -> None:
    data = "email;Vorname\r\na@x.de;Jörg\r\nb@x.de;".encode("cp1252") + b"Ab\x81c\r\n"
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "cp1252"
    assert [row[1] for row in rows] == ["a@x.de"]
    assert codes(errors) == [(3, "Vorname", "UNDECODABLE_BYTES")]
    assert "0x81" in errors[0].message


def test_stray_latin1_byte_past_the_utf8_sample(tmp_path: Path) -> None:
    lines = [f"user{n}@example.com,Zoë\n" for n in range(4_000)]
    head = ("email,firstName\n" + "".join(lines)).encode()
    assert len(head) > SAMPLE
    data = head + b"late@example.com,Ren\xe9\nlast@example.com,Ok\n"
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert len(rows) == 4_001
    assert rows[-1][:3] == (4_003, "last@example.com", "Ok")
    assert codes(errors) == [(4_002, "firstName", "UNDECODABLE_BYTES")]


def test_multibyte_character_cut_by_the_sample_end_is_still_utf8(tmp_path: Path) -> None:
    head = "email,firstName\n" + "".join(f"u{n}@x.com,Ann\n" for n in range(5_000))
    head = head[: head.rindex("\n", 0, SAMPLE - 100) + 1] + "last@x.com,"
    filler = "a" * (SAMPLE - len(head) - 1)  # the 2-byte "é" straddles the sample end
    data = (head + filler + "é\n").encode()
    assert data[SAMPLE - 1 : SAMPLE + 1] == "é".encode()
    layout, rows, errors = read_all(write_bytes(tmp_path, data))
    assert layout.encoding == "utf-8"
    assert errors == []
    assert rows[-1][1:3] == ("last@x.com", filler + "é")


# Delimiters


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows_text = [
        ["email", "firstName", "city"],
        ["a@x.com", "Ann", "Rome"],
        ["b@x.com", "", "Oslo"],
    ]
    text = "".join(delimiter.join(cells) + "\r\n" for cells in rows_text)
    layout, rows, _ = read_all(write_text(tmp_path, text))
    assert layout.delimiter == delimiter
    assert rows == [
        (2, "a@x.com", "Ann", None, None, '{"city":"Rome"}'),
        (3, "b@x.com", None, None, None, '{"city":"Oslo"}'),
    ]


def test_one_column_file(tmp_path: Path) -> None:
    layout, rows, _ = read_all(write_text(tmp_path, "Email\na@x.com\nb@x.com\n"))
    assert layout.delimiter == ","
    assert [row[:2] for row in rows] == [(2, "a@x.com"), (3, "b@x.com")]


def test_delimiter_inside_quotes_does_not_fool_the_sniffer(tmp_path: Path) -> None:
    text = 'email;name;note\na@x.com;"Doe, Jane";"a,b,c"\nb@x.com;"Roe, Ric";"d,e"\n'
    layout, rows, _ = read_all(write_text(tmp_path, text))
    assert layout.delimiter == ";"
    assert rows[0] == (2, "a@x.com", None, None, None, '{"name":"Doe, Jane","note":"a,b,c"}')


def test_blank_lines_before_the_header(tmp_path: Path) -> None:
    layout, rows, _ = read_all(write_text(tmp_path, "\r\n\r\nemail;firstName\r\na@x.com;Ann\r\n"))
    assert layout.delimiter == ";"
    assert rows == [(4, "a@x.com", "Ann", None, None, None)]


# Files that are not CSV text


def zip_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes({"recipients.csv": "email\na@x.com\n"}),
        zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
        gzip.compress(b"email\na@x.com\n"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        b"BZh91AY&SY" + b"\x00" * 20,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"email\na@x.com\x00\x00\n",
    ],
    ids=["zip", "xlsx", "gzip", "pdf", "xls", "bzip2", "png", "nul-bytes"],
)
def test_binary_files_are_unsupported(tmp_path: Path, data: bytes) -> None:
    error = refused(write_bytes(tmp_path, data))
    assert (error.code, error.field) == ("UNSUPPORTED_FILE", "file")


def test_the_stdlib_sniffer_reads_a_bounded_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # csv.Sniffer's quote regexes are quadratic: a hostile upload of quotes and line ends
    # must not reach it whole (8 KB of them cost it seconds, 64 KB hours).
    import csv

    from storage.codec.sniff import sniff_file

    seen: list[int] = []
    real = csv.Sniffer.sniff

    def measured(
        self: csv.Sniffer, sample: str, delimiters: str | None = None
    ) -> type[csv.Dialect]:
        seen.append(len(sample))
        return real(self, sample, delimiters)

    monkeypatch.setattr(csv.Sniffer, "sniff", measured)
    path = write_bytes(tmp_path, b"email;name\n" + b'\n"' * 40_000)
    sniff_file(path)
    assert seen, "the sniffer was not asked"
    assert max(seen) <= 4 * 1024, seen
