"""Top-level GraphQL errors: each carries a stable `extensions.code`, as Apollo's do.

    GRAPHQL_PARSE_FAILED       not GraphQL, or more tokens than LISTKEEPER_MAX_TOKENS
    GRAPHQL_VALIDATION_FAILED  unknown field or argument, depth or alias limit, ...
    QUERY_TOO_COSTLY           over LISTKEEPER_MAX_QUERY_COST (`cost` and `maxCost` beside)
    BAD_USER_INPUT             a variable of the wrong type, an unknown operation name
    INVALID_CURSOR             an `after` that is not a cursor of this list
    INVALID_PAGE_SIZE          a `first` out of range
    NOT_FOUND, INVALID_INPUT…  a UserFacingError raised outside a mutation payload
    TIMEOUT                    past LISTKEEPER_QUERY_TIME_LIMIT_SECONDS of database time
    INTERNAL_SERVER_ERROR      anything unexpected, masked as "Unexpected error."

Expected failures of mutations stay in their payload's `userErrors` (api/errors.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors, SchemaExtension

from api.errors import UserFacingError
from api.graphql.pagination import PageArgumentError
from storage.db import ReadTimeout

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
TIMEOUT = "TIMEOUT"
INTERNAL = "INTERNAL_SERVER_ERROR"
# graphql-core's suggestions end a message: " Did you mean 'a', 'b', or 'c'?"
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def code_of(error: GraphQLError) -> str:
    """The code an error is answered with (validation errors are tagged earlier)."""
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError) or isinstance(original, GraphQLSyntaxError):
        return PARSE_FAILED
    if isinstance(original, UserFacingError):
        return original.code.value
    if isinstance(original, PageArgumentError):
        return original.code
    if isinstance(original, ReadTimeout):
        return TIMEOUT
    # Variables are coerced before any resolver runs: such errors have no path.
    if isinstance(original, GraphQLError | None) and error.path is None:
        return BAD_USER_INPUT
    return INTERNAL


def tag(error: GraphQLError, code: str) -> None:
    """Give `error` this code unless it has one."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}


def strip_suggestions(error: GraphQLError) -> None:
    """Drop "Did you mean ...?" (names of the schema) from the message."""
    error.message = SUGGESTION.sub("", error.message)


class ValidationErrorCodes(SchemaExtension):
    """Tags what validation found (the cost rule sets its own code first)."""

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            tag(error, VALIDATION_FAILED)


class CodedMaskErrors(MaskErrors):
    """MaskErrors whose "Unexpected error." still has a code."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL}
        return masked
