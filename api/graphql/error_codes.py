"""Top-level GraphQL errors: each carries a stable `extensions.code`, as Apollo's do.

The codes themselves live in api/errors.py (`RequestErrorCode`, and a UserFacingError's
`ErrorCode` when one is raised outside a mutation payload); here they are attached.
Expected failures of mutations stay in their payload's `userErrors`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import MaskErrors, SchemaExtension

from api.errors import RequestErrorCode, UserFacingError
from api.graphql.pagination import PageArgumentError
from storage.db import ReadTimeout

# graphql-core's suggestions end a message: " Did you mean 'a', 'b', or 'c'?"
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def code_of(error: GraphQLError) -> str:
    """The code an error is answered with (validation errors are tagged earlier)."""
    original = error.original_error
    if isinstance(error, GraphQLSyntaxError) or isinstance(original, GraphQLSyntaxError):
        return RequestErrorCode.PARSE_FAILED.value
    if isinstance(original, UserFacingError):
        return original.code.value
    if isinstance(original, PageArgumentError):
        return original.code.value
    if isinstance(original, ReadTimeout):
        return RequestErrorCode.TIMEOUT.value
    # Variables are coerced before any resolver runs: such errors have no path.
    if isinstance(original, GraphQLError | None) and error.path is None:
        return RequestErrorCode.BAD_USER_INPUT.value
    return RequestErrorCode.INTERNAL.value


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
            tag(error, RequestErrorCode.VALIDATION_FAILED.value)


class CodedMaskErrors(MaskErrors):
    """MaskErrors whose "Unexpected error." still has a code."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": RequestErrorCode.INTERNAL.value}
        return masked
