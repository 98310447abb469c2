"""The CSV codec: reading recipient files and writing exports.

Callers import from `storage.codec` only; the work is done by, in import order:

    storage.codec.errors   CsvFileError, RowError
    storage.codec.sniff    binary files, encoding, delimiter
    storage.codec.header   header aliases, the client's field mapping, CsvLayout
    storage.codec.rows     one record to a StagedRow or RowErrors (hot path and checking path)
    storage.codec.reader   open_import and the streaming reader
    storage.codec.records  recipients given as values (the API), checked by the rows' rules
    storage.codec.export   writing files, spreadsheet-safe cells
"""

from __future__ import annotations

from storage.codec.errors import CsvFileError, RowError
from storage.codec.export import (
    RECIPIENT_FIELDS,
    STATUSES,
    RecipientStatus,
    export_header,
    export_row,
    neutralise_cell,
    restore_cell,
)
from storage.codec.header import (
    MAX_ATTRIBUTE_NAME_LENGTH,
    CsvLayout,
)
from storage.codec.reader import Chunk, CsvImportReader, import_head_checked, open_import
from storage.codec.records import RecipientRecord, RecordChecker
from storage.codec.rows import (
    MAX_ATTRIBUTE_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_NAME_LENGTH,
    StagedRow,
    normalise_email,
)
from storage.codec.sniff import SAMPLE_BYTES, KnownEncoding, Utf8Count

__all__ = [
    "MAX_ATTRIBUTE_LENGTH",
    "MAX_ATTRIBUTE_NAME_LENGTH",
    "MAX_EMAIL_LENGTH",
    "MAX_NAME_LENGTH",
    "RECIPIENT_FIELDS",
    "SAMPLE_BYTES",
    "STATUSES",
    "Chunk",
    "CsvFileError",
    "CsvImportReader",
    "CsvLayout",
    "KnownEncoding",
    "RecipientRecord",
    "RecipientStatus",
    "RecordChecker",
    "RowError",
    "StagedRow",
    "Utf8Count",
    "export_header",
    "export_row",
    "import_head_checked",
    "neutralise_cell",
    "normalise_email",
    "open_import",
    "restore_cell",
]
