"""Each distinct document is parsed and validated once per schema, limits included.

strawberry's ParserCache and ValidationCache key their LRU caches by the parsed document,
whose hash walks the whole tree on every request (AST nodes are frozen dataclasses), and by
the rule classes, which a per-request limiter renews each time. Here the key is the query
text itself: Python caches a string's hash, and a persisted document's text is the same
object on every request. The rules, the token limit included, are fixed per schema, so a
document's verdict never changes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

DEFAULT_SIZE = 512


@dataclass
class Checked:
    """A parsed document and, once validated, what validation found."""

    document: DocumentNode
    errors: list[GraphQLError] | None = None


class DocumentCache:
    """The most recent `size` documents by text, parsed and validated; counts its work."""

    def __init__(self, *, max_tokens: int, size: int = DEFAULT_SIZE) -> None:
        self.max_tokens = max_tokens
        self.size = size
        self.entries: OrderedDict[str, Checked] = OrderedDict()
        self.parses = 0
        self.validations = 0

    def checked(self, query: str) -> Checked:
        """The cached entry of `query`, parsed now if new (a syntax error is not cached)."""
        entry = self.entries.get(query)
        if entry is not None:
            self.entries.move_to_end(query)
            return entry
        self.parses += 1
        entry = Checked(parse(query, max_tokens=self.max_tokens))
        self.entries[query] = entry
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return entry

    def valid(self, query: str) -> DocumentNode | None:
        """The document of `query` if it was parsed and found valid before, else None (the
        fast path, api/graphql/fast_path.py, leaves everything else to the normal path)."""
        entry = self.entries.get(query)
        if entry is None or entry.errors is None or entry.errors:
            return None
        self.entries.move_to_end(query)
        return entry.document

    def errors(
        self,
        entry: Checked,
        schema: GraphQLSchema,
        rules: Sequence[type[ASTValidationRule]],
    ) -> list[GraphQLError]:
        """What validation finds in the entry's document, found once."""
        if entry.errors is None:
            self.validations += 1
            entry.errors = validate_document(schema, entry.document, tuple(rules))
        return entry.errors


class CachedDocuments(SchemaExtension):
    """Parses and validates through the schema's DocumentCache (one per request, shared cache)."""

    def __init__(self, cache: DocumentCache, rules: Sequence[type[ASTValidationRule]]) -> None:
        self.cache = cache
        self.rules = rules
        self.entry: Checked | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            self.entry = self.cache.checked(context.query)
            context.graphql_document = self.entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self.entry is not None:
            context.pre_execution_errors = self.cache.errors(
                self.entry, context.schema._schema, self.rules
            )
        yield
