"""The errors of listkeeper, and every code a client may see.

Expected failures are values, not exceptions, once they reach a client:
mutation payloads carry `userErrors { field message code }` and import jobs
carry `RowError`s. Inside the code they travel as exceptions:

    UserFacingError            -> a UserError in the payload (code, field, message)
      ├── NotFound             -> NOT_FOUND: missing, deleted, or another account's
      ├── InvalidInput         -> INVALID_INPUT
      ├── UnsupportedFile      -> UNSUPPORTED_FILE
      ├── FileTooLarge         -> FILE_TOO_LARGE
      ├── Conflict             -> CONFLICT: the object is busy (a job still runs on it)
      ├── LimitReached         -> LIMIT_REACHED: the account holds the most it may
      └── StatusGuarded        -> STATUS_GUARDED: resubscribing needs `resubscribe: true`
    storage.codec.CsvFileError -> mapped to a UserFacingError by its code

Anything else is unexpected: GraphQL masks it as "Unexpected error." and the
log keeps the details; a job that hits one ends FAILED with a readable error.

The codes live here, both kinds: `ErrorCode` is published in the schema as the
`UserErrorCode` enum; `RequestErrorCode` is only ever an `extensions.code` of an
error outside a payload (the response's top-level `errors`), which may also carry
the ErrorCode of a UserFacingError raised outside a mutation (api/graphql/error_codes.py
attaches them).
"""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Stable codes a client may branch on (the schema's `UserErrorCode`, in this order)."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_INPUT = "INVALID_INPUT"
    UNSUPPORTED_FILE = "UNSUPPORTED_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    CONFLICT = "CONFLICT"
    LIMIT_REACHED = "LIMIT_REACHED"
    STATUS_GUARDED = "STATUS_GUARDED"


class RequestErrorCode(enum.StrEnum):
    """Codes of top-level errors, the operation's own failures (Apollo's names where it has one)."""

    # Not GraphQL, or more tokens than LISTKEEPER_MAX_TOKENS.
    PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    # An unknown field or argument, the depth or alias limit, ...
    VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    # Over LISTKEEPER_MAX_QUERY_COST (`cost` and `maxCost` beside the code).
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    # A variable of the wrong type, an unknown operation name.
    BAD_USER_INPUT = "BAD_USER_INPUT"
    # An `after` that is not a cursor of this list.
    INVALID_CURSOR = "INVALID_CURSOR"
    # A `first` out of range.
    INVALID_PAGE_SIZE = "INVALID_PAGE_SIZE"
    # Past LISTKEEPER_QUERY_TIME_LIMIT_SECONDS of database time.
    TIMEOUT = "TIMEOUT"
    # A persisted query's hash the server does not know: send the text with the hash.
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    # A persisted query's hash that is not the SHA-256 of the text sent with it.
    PERSISTED_QUERY_INVALID = "PERSISTED_QUERY_INVALID"
    # A document outside the registered ones, under LISTKEEPER_TRUSTED_DOCUMENTS_ONLY.
    DOCUMENT_NOT_REGISTERED = "DOCUMENT_NOT_REGISTERED"
    # Anything unexpected, masked as "Unexpected error.".
    INTERNAL = "INTERNAL_SERVER_ERROR"


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
    """The object is busy or in a state that forbids the change (retry once it is free)."""

    code = ErrorCode.CONFLICT


class LimitReached(UserFacingError):
    """The account already holds as many of these as it may (e.g. API tokens)."""

    code = ErrorCode.LIMIT_REACHED


class StatusGuarded(UserFacingError):
    """An unsubscribed or bounced recipient would become sendable again without being asked to."""

    code = ErrorCode.STATUS_GUARDED
