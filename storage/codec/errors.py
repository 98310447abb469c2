"""What can go wrong reading a recipient CSV file.

    CsvFileError   the whole file cannot be imported (raised; the API maps `code` and `field`)
    RowError       one problem of one rejected record (collected in a `Chunk`, never raised)

Both live here, below the sniffing, header and row modules, so that each can use them without an
import cycle; `storage.codec` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass


class CsvFileError(Exception):
    """The whole file cannot be imported; `code` and `field` feed the API's user error."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one rejected record (row 1 is the header)."""

    row: int
    column: str | None
    message: str
    code: str
