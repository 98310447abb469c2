"""The cost of an operation: an upper bound of its work, checked before anything runs.

A field weighs 1 (a scalar 0: it comes with its parent's row), plus its children's
cost times the number of items it can return. A list's size is its page argument
(`first`/`last`) when it has one, else its default page; a connection's page size
multiplies the lists just below it (`edges`), not its `pageInfo` or `totalCount`.
Fields that read much more than a row weigh more (`FIELD_WEIGHTS`).

The check is a validation rule, made once per schema: validation runs before the
variables are known and strawberry caches its result per document, so a page size
given by a variable counts as the largest page the field accepts. That bound is
safe whatever the variables hold, and a document's verdict never changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from api.errors import RequestErrorCode
from api.graphql.pagination import DEFAULT_PAGE, MAX_PAGE

OBJECT_WEIGHT = 1
SCALAR_WEIGHT = 0
# Lists without a page argument (a group's backup days, a day's backups, attributes).
UNPAGED_LIST_SIZE = 5
# Nesting (fields and fragments) deeper than this is refused whatever it costs.
MAX_NESTING = 64
PAGE_ARGUMENTS = ("first", "last")

FIELD_WEIGHTS: Mapping[tuple[str, str], int] = {
    # Counts over the group and an index walk over what changed since the backup.
    ("Backup", "comparison"): 100,
    # One index range over the group's current and historical rows.
    ("BackupComparison", "differences"): 10,
    # Signs a link that streams the whole group at that point in time.
    ("Backup", "downloadUrl"): 10,
    # The same, for a group as of a moment (a seq found in the write log first).
    ("Group", "comparison"): 100,
    ("Group", "downloadUrl"): 10,
    # Jobs that read and write a whole file or backup.
    ("Mutation", "importRecipients"): 20,
    ("Mutation", "restoreBackup"): 20,
    ("Mutation", "deleteGroup"): 20,
    # Visits every group and every backup of the account.
    ("Mutation", "eraseRecipient"): 100,
}
# Lists whose page is larger than a connection's.
LARGEST_PAGE: Mapping[tuple[str, str], int] = {("ImportJob", "rowErrors"): 1000}


class _TooDeep(Exception):
    """The document nests deeper than MAX_NESTING."""


class CostWalk:
    """Walks one document's operations against the schema, summing field costs."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def operation(self, operation: OperationDefinitionNode) -> int | None:
        """The operation's cost; None when it nests too deeply to be worth counting."""
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0
        try:
            return self.selections(root, operation.selection_set.selections, None, 0, frozenset())
        except _TooDeep:
            return None

    def selections(
        self,
        parent: GraphQLNamedType,
        selections: Sequence[SelectionNode],
        page: int | None,
        depth: int,
        spreads: frozenset[str],
    ) -> int:
        """The summed cost of a selection set; `page` sizes the lists directly in it."""
        if depth > MAX_NESTING:
            raise _TooDeep
        total = 0
        for selection in selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection, page, depth, spreads)
            elif isinstance(selection, InlineFragmentNode):
                inner = self._condition(selection.type_condition, parent)
                sel = selection.selection_set.selections
                total += self.selections(inner, sel, page, depth + 1, spreads)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(parent, selection, page, depth, spreads)
        return total

    def field(
        self,
        parent: GraphQLNamedType,
        node: FieldNode,
        page: int | None,
        depth: int,
        spreads: frozenset[str],
    ) -> int:
        """One field: its weight plus its children's cost times how many items it returns."""
        definition = _field_definition(parent, node.name.value)
        if definition is None:
            return 0  # __typename, introspection, or unknown (another rule reports it)
        key = (parent.name, node.name.value)
        named = get_named_type(definition.type)
        own_page = page_size(node, definition, key)
        if node.selection_set is None:
            return FIELD_WEIGHTS.get(key, SCALAR_WEIGHT)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            items, child_page = _first_known(own_page, page, UNPAGED_LIST_SIZE), None
        else:
            items, child_page = 1, own_page
        children = self.selections(
            named, node.selection_set.selections, child_page, depth + 1, spreads
        )
        return FIELD_WEIGHTS.get(key, OBJECT_WEIGHT) + items * children

    def _spread(
        self,
        parent: GraphQLNamedType,
        node: FragmentSpreadNode,
        page: int | None,
        depth: int,
        spreads: frozenset[str],
    ) -> int:
        name = node.name.value
        fragment = self.fragments.get(name)
        if fragment is None or name in spreads:
            return 0  # unknown or cyclic: other rules report it
        inner = self._condition(fragment.type_condition, parent)
        sel = fragment.selection_set.selections
        return self.selections(inner, sel, page, depth + 1, spreads | {name})

    def _condition(self, condition: Any, parent: GraphQLNamedType) -> GraphQLNamedType:
        if condition is None:
            return parent
        found = self.schema.get_type(condition.name.value)
        return found if found is not None else parent


def _first_known(*sizes: int | None) -> int:
    return next(s for s in sizes if s is not None)


def _field_definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def page_size(node: FieldNode, definition: GraphQLField, key: tuple[str, str]) -> int | None:
    """The items a paged field may return; None when it takes no page argument."""
    names = [n for n in PAGE_ARGUMENTS if n in definition.args]
    if not names:
        return None
    largest = LARGEST_PAGE.get(key, MAX_PAGE)
    given = [a for a in node.arguments or () if a.name.value in names]
    if not given:
        default = definition.args[names[0]].default_value
        return default if isinstance(default, int) else DEFAULT_PAGE
    value = given[0].value
    if isinstance(value, IntValueNode):
        # Out of range is refused when the field runs; count no more than it can return.
        return min(max(int(value.value), 0), largest)
    if isinstance(value, VariableNode):
        return largest
    return DEFAULT_PAGE  # null: the field's default page


def operation_costs(schema: GraphQLSchema, document: DocumentNode) -> dict[str, int | None]:
    """The cost of each operation of `document` by name ("" for an anonymous one)."""
    walk = CostWalk(schema, document)
    return {
        (d.name.value if d.name else ""): walk.operation(d)
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    }


def cost_limit_rule(limit: int) -> type[ValidationRule]:
    """A validation rule refusing operations that cost more than `limit` (make it once)."""

    class CostLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.walk = CostWalk(context.schema, context.document)

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> Any:
            cost = self.walk.operation(node)
            if cost is None or cost > limit:
                self.report_error(too_costly(node, cost, limit))
            return self.SKIP

    return CostLimit


def too_costly(node: OperationDefinitionNode, cost: int | None, limit: int) -> GraphQLError:
    """The error of an operation over the limit, with both numbers."""
    if cost is None:
        message = f"This operation nests more than {MAX_NESTING} levels deep."
    else:
        message = (
            f"This operation costs {cost}, more than the limit of {limit}: ask for smaller "
            "pages (first), fewer aliases, or fewer comparisons per request."
        )
    extensions = {"code": RequestErrorCode.QUERY_TOO_COSTLY.value, "cost": cost, "maxCost": limit}
    return GraphQLError(message, node, extensions=extensions)
