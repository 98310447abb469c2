"""The CSV codec on real files: sniffing, decoding, mapping, row checks, chunks and export."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import zipfile
from pathlib import Path

import orjson
import pytest

from storage.csv_codec import (
    Chunk,
    CsvFileError,
    CsvLayout,
    RowError,
    StagedRow,
    export_header,
    export_row,
    neutralise_cell,
    normalise_email,
    open_import,
    restore_cell,
)

SAMPLE = 64 * 1024


def write_text(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "upload.csv"
    path.write_bytes(text.encode(encoding))
    return path


def write_bytes(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    return path


def read_all(
    path: Path, mapping: list[tuple[str, str]] | None = None
) -> tuple[CsvLayout, list[StagedRow], list[RowError]]:
    with open_import(path, mapping) as reader:
        chunks = list(reader.chunks())
    rows = [row for chunk in chunks for row in chunk.rows]
    errors = [error for chunk in chunks for error in chunk.errors]
    return reader.layout, rows, errors


def codes(errors: list[RowError]) -> list[tuple[int, str | None, str]]:
    return [(error.row, error.column, error.code) for error in errors]


def refused(path: Path, mapping: list[tuple[str, str]] | None = None) -> CsvFileError:
    with pytest.raises(CsvFileError) as caught:
        open_import(path, mapping)
    return caught.value


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


# Delimiters and quoting


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


def test_blank_lines_before_the_header(tmp_path: Path) -> None:
    layout, rows, _ = read_all(write_text(tmp_path, "\r\n\r\nemail;firstName\r\na@x.com;Ann\r\n"))
    assert layout.delimiter == ";"
    assert rows == [(4, "a@x.com", "Ann", None, None, None)]


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


# Header mapping


@pytest.mark.parametrize(
    "header",
    [
        ("Email", "First Name", "Last Name", "Status"),
        ("E-Mail", "Vorname", "Nachname", "Status"),
        ("e_mail", "first_name", "last.name", "STATE"),
        ("E-Mail-Adresse", "VORNAME", "nachname", "status"),
        ("Courriel", "Prénom", "Nom", "Statut"),
        ("Adresse e-mail", "prenom", "Nom de famille", "statut"),
        ("correo electrónico", "Nombre", "Apellido", "Estado"),
        ("EMAIL ADDRESS", "Given Name", "Surname", "State"),
        ("mail", "firstname", "family name", "status"),
    ],
)
def test_header_aliases(tmp_path: Path, header: tuple[str, ...]) -> None:
    text = ";".join(header) + "\na@x.com;Ann;Lee;active\n"
    layout, rows, _ = read_all(write_text(tmp_path, text))
    assert [target for _, target in layout.columns] == ["email", "firstName", "lastName", "status"]
    assert layout.attribute_names == ()
    assert rows == [(2, "a@x.com", "Ann", "Lee", "ACTIVE", None)]


def test_other_headers_become_attributes_and_empty_headers_are_ignored(tmp_path: Path) -> None:
    text = "Plan , email,,Customer ID,Notes\npro,a@x.com,ignored,42,\nfree,b@x.com,,,\n"
    layout, rows, _ = read_all(write_text(tmp_path, text))
    assert layout.columns == ((0, "Plan"), (1, "email"), (3, "Customer ID"), (4, "Notes"))
    assert layout.attribute_names == ("Customer ID", "Notes", "Plan")
    assert rows == [
        (2, "a@x.com", None, None, None, '{"Customer ID":"42","Plan":"pro"}'),
        (3, "b@x.com", None, None, None, '{"Plan":"free"}'),
    ]


def test_no_email_column_lists_the_headers(tmp_path: Path) -> None:
    error = refused(write_text(tmp_path, "name,phone\nAnn,123\n"))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")
    assert "'name', 'phone'" in error.message


@pytest.mark.parametrize("header", ["email,city,city", "Email,E-Mail,city"])
def test_duplicate_columns_are_refused(tmp_path: Path, header: str) -> None:
    error = refused(write_text(tmp_path, header + "\na@x.com,b,c\n"))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")


def test_too_long_attribute_name_is_refused(tmp_path: Path) -> None:
    error = refused(write_text(tmp_path, "email," + "x" * 101 + "\na@x.com,1\n"))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")


def test_explicit_mapping(tmp_path: Path) -> None:
    text = "Mail,Given,Family,Plan,Junk,Customer Number\na@x.com,Ann,Lee,pro,zzz,7\n"
    mapping = [("Mail", "email"), ("Given", "firstName"), ("Plan", "tier"), ("Junk", "")]
    mapping.append(("Customer Number", "customerId"))
    layout, rows, _ = read_all(write_text(tmp_path, text), mapping)
    assert layout.columns == ((0, "email"), (1, "firstName"), (3, "tier"), (5, "customerId"))
    assert (layout.has_first_name, layout.has_last_name) == (True, False)
    assert layout.attribute_names == ("customerId", "tier")
    assert rows == [(2, "a@x.com", "Ann", None, None, '{"customerId":"7","tier":"pro"}')]


@pytest.mark.parametrize(
    "mapping",
    [
        [("Mail", "email"), ("Phone", "phone")],  # no such column
        [("Mail", "email"), ("Given", "firstName"), ("Family", "firstName")],  # same field twice
        [("Mail", "email"), ("Given", "tag"), ("Family", "tag")],  # same attribute twice
        [("Given", "firstName")],  # no email
        [("Mail", "email"), ("Mail", "tag")],  # same column twice
        [("Mail", "email"), ("Given", "y" * 101)],  # attribute name too long
    ],
)
def test_explicit_mapping_errors(tmp_path: Path, mapping: list[tuple[str, str]]) -> None:
    error = refused(write_text(tmp_path, "Mail,Given,Family\na@x.com,Ann,Lee\n"), mapping)
    assert (error.code, error.field) == ("INVALID_INPUT", "fieldMapping")


# Row checks


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("ACTIVE", "ACTIVE"),
        ("active", "ACTIVE"),
        ("Aktiv", "ACTIVE"),
        ("subscribed", "ACTIVE"),
        ("inactif", "INACTIVE"),
        ("Unsubscribed", "UNSUBSCRIBED"),
        ("Désabonné", "UNSUBSCRIBED"),
        ("desabonne", "UNSUBSCRIBED"),
        ("Opted Out", "UNSUBSCRIBED"),
        ("abgemeldet", "UNSUBSCRIBED"),
        ("Hard Bounce", "BOUNCED"),
        ("bounce", "BOUNCED"),
        ("", None),
    ],
)
def test_status_words(tmp_path: Path, word: str, status: str | None) -> None:
    _, rows, _ = read_all(write_text(tmp_path, f"email,status\na@x.com,{word}\n"))
    assert rows == [(2, "a@x.com", None, None, status, None)]


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("o'brien+news@mail.example.co.uk", True),
        ("a_b-c.d@ex-ample.com", True),
        ("a@xn--bcher-kva.ch", True),
        ("zoë@bücher.ch", True),
        ("plain", False),
        ("a@b", False),
        ("a..b@x.com", False),
        (".a@x.com", False),
        ("a@-x.com", False),
        ("a@x_y.com", False),
        ("a@x.123", False),
        ("a b@x.com", False),
        ("x" * 65 + "@x.com", False),
        ("zoë@bücher", False),
    ],
)
def test_email_validation(tmp_path: Path, email: str, valid: bool) -> None:
    _, rows, errors = read_all(write_text(tmp_path, f"email\n{email}\n"))
    assert [row[1] for row in rows] == ([email] if valid else [])
    assert codes(errors) == ([] if valid else [(2, "email", "INVALID_EMAIL")])


def test_every_row_error_code(tmp_path: Path) -> None:
    text = (
        "email,firstName,lastName,status,city\n"
        "not-an-email,Ann,,,\n"  # 2
        ",Bob,Lee,,\n"  # 3
        f"c@x.com,{'n' * 256},,,\n"  # 4
        f"d@x.com,,,,{'v' * 4001}\n"  # 5
        "e@x.com,,,sleeping,\n"  # 6
        "f@x.com,Ann,Lee,,Rome,extra\n"  # 7
        f"{'g' * 250}@x.com,,,,\n"  # 8
        "ok@x.com,,,,\n"  # 9
    )
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert [row[:2] for row in rows] == [(9, "ok@x.com")]
    assert codes(errors) == [
        (2, "email", "INVALID_EMAIL"),
        (3, "email", "MISSING_EMAIL"),
        (4, "firstName", "FIELD_TOO_LONG"),
        (5, "city", "FIELD_TOO_LONG"),
        (6, "status", "INVALID_STATUS"),
        (7, None, "TOO_MANY_COLUMNS"),
        (8, "email", "FIELD_TOO_LONG"),
    ]
    assert all(error.message for error in errors)


def test_one_error_per_problem_and_the_row_is_rejected(tmp_path: Path) -> None:
    text = f"email,firstName,status,city\nnope,{'n' * 300},zzz,{'c' * 5000}\n"
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert rows == []
    assert codes(errors) == [
        (2, "email", "INVALID_EMAIL"),
        (2, "firstName", "FIELD_TOO_LONG"),
        (2, "status", "INVALID_STATUS"),
        (2, "city", "FIELD_TOO_LONG"),
    ]


def test_values_at_the_length_limits_are_accepted(tmp_path: Path) -> None:
    email = "a" * 64 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 63 + ".com"
    assert len(email) == 254
    text = f"email,firstName,note\n{email},{'n' * 255},{'v' * 4000}\n"
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert errors == []
    assert rows == [(2, email, "n" * 255, None, None, orjson.dumps({"note": "v" * 4000}).decode())]


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


def test_nul_character_past_the_sample_is_a_row_error(tmp_path: Path) -> None:
    filler = "".join(f"u{n}@x.com,A\n" for n in range(7_000))
    text = "email,firstName\n" + filler + "nul@x.com,A\x00B\n"
    assert len(text) > SAMPLE
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert len(rows) == 7_000
    assert codes(errors) == [(7_002, "firstName", "INVALID_CHARACTER")]


def test_cells_in_unmapped_columns_are_not_checked(tmp_path: Path) -> None:
    data = b"email;Vorname;Fax\r\na@x.de;J\xf6rg;\x81\r\n"
    mapping = [("email", "email"), ("Vorname", "firstName")]
    _, rows, errors = read_all(write_bytes(tmp_path, data), mapping)
    assert rows == [(2, "a@x.de", "Jörg", None, None, None)]
    assert errors == []


@pytest.mark.parametrize(
    "row",
    [
        "A@X.com,'=Ann,,active,short",
        " o'brien@x.com ,O'Brien,'-Lee,Désabonné,",
        "zoë@bücher.ch,Zoë,,,Köln",
        f"a@x.com,Ann,Lee,,{'n' * 3000}",
        f'a@x.com,Ann,Lee,,"{"ü, " * 1330}"',
    ],
)
def test_fast_and_careful_paths_agree(tmp_path: Path, row: str) -> None:
    # Trailing empty cells beyond the header send the same record down the careful path.
    text = f"email,firstName,lastName,status,note\n{row}\n{row},,\n"
    _, rows, errors = read_all(write_text(tmp_path, text))
    assert errors == []
    assert rows[0][1:] == rows[1][1:]


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


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"\n\r\n\n", b",,,\n;;\n"])
def test_empty_files_have_no_header(tmp_path: Path, data: bytes) -> None:
    error = refused(write_bytes(tmp_path, data))
    assert (error.code, error.field) == ("INVALID_INPUT", "file")


def test_header_only_yields_no_chunk(tmp_path: Path) -> None:
    _, rows, errors = read_all(write_text(tmp_path, "email,firstName\n"))
    assert (rows, errors) == ([], [])


# Chunks


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


# Formula neutralisation and export

TRICKY_ALPHABET = ("'", "=", "+", "-", "@", "\t", "\r", "a", " ", "é")


def tricky_values() -> list[str]:
    return [
        "".join(chars) for n in range(4) for chars in itertools.product(TRICKY_ALPHABET, repeat=n)
    ]


def test_restore_undoes_neutralise_for_every_tricky_value() -> None:
    for value in tricky_values():
        assert restore_cell(neutralise_cell(value)) == value, repr(value)


@pytest.mark.parametrize(
    ("value", "neutralised"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+49 30 123", "'+49 30 123"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("O'Brien", "O'Brien"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, neutralised: str) -> None:
    assert neutralise_cell(value) == neutralised


@pytest.mark.parametrize(
    ("value", "restored"), [("'=1", "=1"), ("''x", "'x"), ("'x", "'x"), ("'", "'")]
)
def test_restore_cell_only_removes_an_escape(value: str, restored: str) -> None:
    assert restore_cell(value) == restored


def test_export_row_expands_attributes_and_neutralises() -> None:
    attributes = orjson.dumps({"city": "=cmd()", "score": 3, "zip": "-100"}).decode()
    names = ["city", "missing", "score", "zip"]
    assert export_header(names) == ["email", "firstName", "lastName", "status", *names]
    assert export_header(["=evil"])[-1] == "'=evil"
    assert export_row("a@x.com", None, "+Lee", "ACTIVE", attributes, names) == [
        "a@x.com", "", "'+Lee", "ACTIVE", "'=cmd()", "", "3", "'-100",
    ]  # fmt: skip
    assert export_row("-a@x.com", "Ann", None, "BOUNCED", None, ["city"]) == [
        "'-a@x.com", "Ann", "", "BOUNCED", "",
    ]  # fmt: skip


def test_export_then_import_is_lossless(tmp_path: Path) -> None:
    names = ["=formula", "city", "note"]
    recipients: list[tuple[str, str | None, str | None, str, str | None]] = [
        ("-dash@x.com", "=Ann", "'Lee", "ACTIVE", '{"=formula":"@x","city":"+1","note":"\'=y"}'),
        ("o'brien@x.com", "O'Brien", None, "BOUNCED", '{"note":"line\\nbreak, comma \\"q\\""}'),
        ("plain@x.com", None, "-", "UNSUBSCRIBED", None),
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(export_header(names))
    for recipient in recipients:
        writer.writerow(export_row(*recipient, names))
    _, rows, errors = read_all(write_text(tmp_path, buffer.getvalue()))
    assert errors == []
    assert [row[1:] for row in rows] == recipients


def test_normalise_email() -> None:
    assert normalise_email("  Ann.Lee@Example.COM\t") == "ann.lee@example.com"
