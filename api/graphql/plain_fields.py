"""Plain leaf fields completed without graphql-core's per-field machinery.

graphql-core completes every field alike: a `Path`, an info object (strawberry's, with the
operation context), the resolver, then `complete_value` down through NonNull to the leaf's
`coerce_output_value`: about 10 us a field here. The backups page completes ~6,000 fields,
most of them attributes read as they are (`id`, `groupName`, `createdAt`, ...): 60 ms.

A plain field here is one strawberry resolves by reading the attribute (its default
resolver, marked `_is_default`: no resolver, permission, extension or exception handler),
with no arguments, of a scalar or enum type (NonNull or not), on a schema without
middleware. Its value is read with that same resolver and coerced with the same
`coerce_output_value`, in the same order of fields. Anything else, and a plain field whose
value would be an error (null for a NonNull field, a value the scalar refuses), goes the
usual way (`execute_field`), which reports it exactly as before.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

# What `plain_leaf` found of a field: its leaf type and whether it is NonNull; None if the
# field is not plain.
_Plain = tuple[GraphQLLeafType, bool] | None
# Per schema (its lifetime), by type and field name: GraphQLField objects are not hashable.
_CACHE = "_listkeeper_plain_fields"


def plain_fields(schema: GraphQLSchema) -> dict[tuple[str, str], _Plain]:
    """The schema's cache of `plain_leaf` answers."""
    cache: dict[tuple[str, str], _Plain] | None = schema.__dict__.get(_CACHE)
    if cache is None:
        cache = schema.__dict__[_CACHE] = {}
    return cache


def plain_leaf(field: GraphQLField) -> _Plain:
    """The leaf type of a plain field and whether it is NonNull; None for any other field."""
    found: _Plain = None
    resolve = field.resolve
    if resolve is not None and getattr(resolve, "_is_default", False) and not field.args:
        kind, non_null = field.type, False
        if isinstance(kind, GraphQLNonNull):
            kind, non_null = kind.of_type, True
        if is_leaf_type(kind):
            found = (kind, non_null)
    return found


class PlainFieldsExecution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with plain leaf fields read and coerced in one step."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        middleware = self.middleware_manager
        if middleware is not None and middleware._middleware_resolvers is not None:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        fields, known = parent_type.fields, plain_fields(self.schema)
        type_name = parent_type.name
        plain: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        for response_name, details in grouped_field_set.items():
            name = details[0].node.name.value
            field = fields.get(name)
            try:
                leaf = known[type_name, name]
            except KeyError:
                leaf = known[type_name, name] = plain_leaf(field) if field is not None else None
            value = self._plain_value(field, leaf, source_value) if leaf is not None else Undefined
            if value is Undefined:
                rest[response_name] = details
            else:
                plain[response_name] = value
        if not rest:
            return plain
        done = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(done):

            async def merged() -> dict[str, Any]:
                return _in_order(grouped_field_set, plain, await done)

            return merged()
        return _in_order(grouped_field_set, plain, done)  # type: ignore[arg-type]

    def _plain_value(self, field: Any, leaf: tuple[GraphQLLeafType, bool], source: Any) -> Any:
        """The field's completed value; Undefined when it must go the usual way (an error,
        an awaitable)."""
        kind, non_null = leaf
        try:
            value = field.resolve(source, None)
            if value is None:
                return Undefined if non_null else None
            if self.is_awaitable(value):
                return Undefined
            coerced = kind.coerce_output_value(value)
        except Exception:
            return Undefined
        return Undefined if coerced is None or coerced is Undefined else coerced


def _in_order(
    grouped_field_set: GroupedFieldSet, plain: dict[str, Any], rest: dict[str, Any]
) -> dict[str, Any]:
    """Both parts in the order the query asks for them (a field left out stays out)."""
    if not plain:
        return rest
    out: dict[str, Any] = {}
    for name in grouped_field_set:
        if name in plain:
            out[name] = plain[name]
        elif name in rest:
            out[name] = rest[name]
    return out
