"""The errors of listkeeper.

Expected failures are values, not exceptions, once they reach a client:
mutation payloads carry `userErrors { field message code }` and import jobs
carry `RowError`s. Inside the code they travel as exceptions:

    UserFacingError            -> a UserError in the payload (code, field, message)
      ├── NotFound             -> NOT_FOUND: missing, deleted, or another account's
      ├── InvalidInput         -> INVALID_INPUT
      ├── UnsupportedFile      -> UNSUPPORTED_FILE
      ├── FileTooLarge         -> FILE_TOO_LARGE
      ├── Conflict             -> CONFLICT
      └── LimitReached         -> LIMIT_REACHED: the account holds the most it may
    storage.codec.CsvFileError -> mapped to a UserFacingError by its code

Anything else is unexpected: GraphQL masks it as "Unexpected error." and the
log keeps the details; a job that hits one ends FAILED with a readable error.

Errors outside a payload (the response's top-level `errors`) each carry a stable
`extensions.code`: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QUERY_TOO_COSTLY,
BAD_USER_INPUT, INVALID_CURSOR, INVALID_PAGE_SIZE, TIMEOUT, INTERNAL_SERVER_ERROR, or
the code of a UserFacingError (api/graphql/error_codes.py has the list).
"""

from __future__ import annotations

import enum


class ErrorCode(enum.Enum):
    """Stable codes a client may branch on."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    UNSUPPORTED_FILE = "UNSUPPORTED_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    CONFLICT = "CONFLICT"
    LIMIT_REACHED = "LIMIT_REACHED"


class UserFacingError(Exception):
    """An expected failure, told to the client as a userError."""

    code = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, field: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(UserFacingError):
    """The object does not exist for this account (it may exist for another)."""

    code = ErrorCode.NOT_FOUND


class InvalidInput(UserFacingError):
    """The input breaks a rule; `field` names the input path."""

    code = ErrorCode.INVALID_INPUT


class UnsupportedFile(UserFacingError):
    """The upload is not a text file we can read (zip, gzip, xlsx, PDF...)."""

    code = ErrorCode.UNSUPPORTED_FILE


class FileTooLarge(UserFacingError):
    """The upload is larger than `LISTKEEPER_MAX_UPLOAD_MB`."""

    code = ErrorCode.FILE_TOO_LARGE


class Conflict(UserFacingError):
    """The object is busy or in a state that forbids the change."""

    code = ErrorCode.CONFLICT


class LimitReached(UserFacingError):
    """The account already holds as many of these as it may (e.g. API tokens)."""

    code = ErrorCode.LIMIT_REACHED
