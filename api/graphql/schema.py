"""The schema, its protective extensions, and the SDL export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from starlette.websockets import WebSocket
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types.graphql import OperationType

from api.errors import InvalidInput, UserFacingError
from api.graphql.backup_types import Backup, ImportJob
from api.graphql.mutations import Mutation
from api.graphql.pagination import PageArgumentError
from api.graphql.queries import Query
from api.graphql.subscriptions import Subscription
from api.graphql.token_types import ApiToken
from api.graphql.types import Account, Group, Recipient
from api.settings import Settings

EXPECTED_ERRORS = (PageArgumentError, UserFacingError)


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


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions only: validation errors and our own stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, EXPECTED_ERRORS)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with depth, alias and token limits, caches and error masking."""
    settings = settings or Settings()
    limits = settings
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=limits.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=limits.max_aliases),
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: MaskErrors(should_mask_error=should_mask),
        SubscriptionsOverWebSocket,
    ]
    if not settings.introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return ListkeeperSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Account, Group, Recipient, Backup, ImportJob, ApiToken],
        extensions=extensions,
    )


def export_sdl() -> str:
    """The SDL of the schema, as committed in schema.graphql (independent of the environment)."""
    return build_schema(Settings(env="development")).as_str() + "\n"


class ListkeeperSchema(strawberry.Schema):
    """Our schema: expected errors (userErrors' kin) are not logged as failures."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected = [e for e in errors if not isinstance(e.original_error, EXPECTED_ERRORS)]
        if unexpected:
            super().process_errors(unexpected, execution_context)
