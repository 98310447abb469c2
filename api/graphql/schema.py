"""The schema, its protective extensions, and the SDL export.

Every operation is checked before it runs: at most LISTKEEPER_MAX_TOKENS tokens, depth
and aliases within their limits, a cost within LISTKEEPER_MAX_QUERY_COST (cost.py); each
distinct document is parsed and checked once (document_cache.py). A client may send a
registered document's hash instead of its text (persisted.py).
While it runs, its database reads stop after LISTKEEPER_QUERY_TIME_LIMIT_SECONDS.
Every top-level error carries `extensions.code` (error_codes.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, specified_rules
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.websockets import WebSocket
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.types.graphql import OperationType

from api.errors import InvalidInput, RequestErrorCode, UserFacingError
from api.graphql.accounts import Account
from api.graphql.backups import Backup
from api.graphql.cost import cost_limit_rule
from api.graphql.document_cache import CachedDocuments, DocumentCache
from api.graphql.error_codes import (
    CodedMaskErrors,
    ValidationErrorCodes,
    code_of,
    strip_suggestions,
    tag,
)
from api.graphql.groups import Group
from api.graphql.jobs import ImportJob
from api.graphql.mutations import Mutation
from api.graphql.pagination import PageArgumentError
from api.graphql.persisted import PersistedDocuments, PersistedQueries
from api.graphql.plain_fields import PlainFieldsExecution
from api.graphql.queries import Query
from api.graphql.recipients import Recipient
from api.graphql.staged_files import StagedFile
from api.graphql.subscriptions import Subscription
from api.graphql.tokens import ApiToken
from api.settings import Settings
from storage.db import ReadTimeout, read_deadline

log = logging.getLogger("listkeeper")
EXPECTED_ERRORS = (PageArgumentError, UserFacingError, ReadTimeout)


class SubscriptionsOverWebSocket(SchemaExtension):
    """A subscription sent over plain HTTP gets a clear error, not a masked one."""

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.operation_type is OperationType.SUBSCRIPTION and not isinstance(
            getattr(context.context, "request", None), WebSocket
        ):
            raise InvalidInput(
                "Subscriptions need a WebSocket on /graphql (graphql-transport-ws);"
                " over HTTP, poll the importJob query instead."
            )


class ReadTimeLimit(SchemaExtension):
    """Queries and mutations read the database for at most `seconds` (subscriptions
    follow a job for minutes and are not limited)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_execute(self) -> Iterator[None]:
        if self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            yield
            return
        with read_deadline(self.seconds):
            yield


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions only: validation, coercion and our own errors stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, (*EXPECTED_ERRORS, GraphQLError))


def validation_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    """graphql-core's rules and ours, made once per schema: a rule class made per request
    (QueryDepthLimiter(...) in a factory) would make every request validate again."""
    rules = [
        *specified_rules,
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        cost_limit_rule(settings.max_query_cost),
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules


def build_schema(settings: Settings | None = None) -> ListkeeperSchema:
    """The schema with token, depth, alias, cost and time limits, caches and error masking."""
    settings = settings or Settings()
    limits = settings
    rules = validation_rules(settings)
    # One per schema: every request of this schema shares what they found.
    documents = DocumentCache(max_tokens=settings.max_tokens)
    persisted = PersistedDocuments.from_file(
        settings.persisted_documents_file, trusted_only=settings.trusted_documents_only
    )
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: PersistedQueries(persisted),
        lambda: CachedDocuments(documents, rules),
        ValidationErrorCodes,
        lambda: CodedMaskErrors(should_mask_error=should_mask),
        SubscriptionsOverWebSocket,
        lambda: ReadTimeLimit(limits.query_time_limit_seconds),
    ]
    schema = ListkeeperSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Account, Group, Recipient, Backup, ImportJob, ApiToken, StagedFile],
        extensions=extensions,
        hide_suggestions=not settings.introspection,
        execution_context_class=PlainFieldsExecution,
    )
    schema.documents = documents
    schema.persisted = persisted
    return schema


def export_sdl() -> str:
    """The SDL of the schema, as committed in schema.graphql (independent of the environment)."""
    return build_schema(Settings(env="development")).as_str() + "\n"


class ListkeeperSchema(strawberry.Schema):
    """Our schema: every error gets a code; only unexpected ones are logged as failures."""

    def __init__(self, *args: Any, hide_suggestions: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without introspection, "Did you mean 'viewer'?" would still spell out the schema.
        self.hide_suggestions = hide_suggestions
        self.documents = DocumentCache(max_tokens=0)
        self.persisted = PersistedDocuments({}, trusted_only=False)

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Every error passes here once, before masking: code it, then log the unexpected."""
        for error in errors:
            if self.hide_suggestions:
                strip_suggestions(error)
            tag(error, code_of(error))
            if isinstance(error.original_error, ReadTimeout):
                log.warning("operation stopped at its database time limit path=%s", error.path)
        # Client mistakes (parse, validation, variables, userErrors' kin) are not failures.
        unexpected = [
            e for e in errors if (e.extensions or {}).get("code") == RequestErrorCode.INTERNAL
        ]
        if unexpected:
            super().process_errors(unexpected, execution_context)
