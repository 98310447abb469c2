"""Compiled answers: a registered query's `data` built without graphql-core's execution.

The backups page (`BackupsPage`, 50 groups of 7 days) completes ~6,300 fields; graphql-core
spends 25 ms of CPU on them even over plain dicts, so that page cannot be answered in 30 ms
through it (decision 29). For a registered document the fast path may run (the response
cache's documents), `compile_query` turns the operation, once, into a tree of closures:
each field's response key, how its value is read from its parent's object and how it is
completed (leaves coerced by their own scalar or enum, lists, objects in the document's
order of fields, fragments merged as graphql-core's field collection merges them).

Only fields the compiler knows are compiled: fields strawberry reads as attributes
(its default resolver, no arguments), `__typename`, and a short table of resolver fields
whose values it reads the way their resolvers do (`RESOLVERS`): the overview page and the
viewer at the root, a group's and a backup's group, a backup's job, the page's day
connections (built by the overview's one read) and the relay ids of Group, Account and
ImportJob. A document with any other field, a directive, an abstract type or a fragment on
another type is not compiled. A request is answered by graphql-core after all (`Fallback`,
or any exception) when its variables do not coerce, a value would be an error (null for a
NonNull field, a value its scalar refuses), a resolver would raise (bad page arguments, an
unknown zone) or a value was not read with the page. Tests compare both answers byte for
byte (tests/api/test_compiled_query.py).
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    get_operation_ast,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from api.global_ids import encode_id
from api.graphql.accounts import Account
from api.graphql.backup_overview import asked_days, overview_connection, zone_of_request
from api.graphql.backups import UNREAD
from api.graphql.context import Context
from api.graphql.pagination import PageArgs

INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class NotCompiled(Exception):
    """The document has something the compiler does not know: graphql-core runs it."""


class Fallback(Exception):
    """This request's answer must come from graphql-core (an error, a value not read)."""


@dataclass
class Run:
    """One request's compiled run: its context and coerced variables."""

    context: Context
    variables: VariableValues
    arguments: dict[int, dict[str, Any]] = field(default_factory=dict)
    ids: dict[tuple[str, int], str] = field(default_factory=dict)  # relay ids made

    def args(self, definition: GraphQLField, node: FieldNode) -> dict[str, Any]:
        """The field's coerced arguments, worked out once per node and request."""
        found = self.arguments.get(id(node))
        if found is None:
            found = self.arguments[id(node)] = get_argument_values(definition, node, self.variables)
        return found


# A field's value read from its parent's object; a completed value from a read one.
Read = Callable[[Any, Run], Any]
Complete = Callable[[Any, Run], Any]
RootRead = Callable[[Run], Awaitable[Any]]


@dataclass(frozen=True)
class Selected:
    """A field of a selection set, its nodes merged by response key in collection order."""

    key: str
    nodes: list[FieldNode]
    definition: GraphQLField | None  # None: __typename


@dataclass(frozen=True)
class Compiling:
    """What compiling one operation needs: the schema and the document's fragments."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]


def collect(
    compiling: Compiling, parent: GraphQLObjectType, sets: Sequence[SelectionSetNode]
) -> list[Selected]:
    """The fields of `sets` on `parent`, as graphql-core's collect_fields orders them."""
    found: dict[str, Selected] = {}
    for selection_set in sets:
        _collect_into(compiling, parent, selection_set, found)
    return list(found.values())


def _collect_into(
    compiling: Compiling,
    parent: GraphQLObjectType,
    selection_set: SelectionSetNode,
    found: dict[str, Selected],
) -> None:
    for selection in selection_set.selections:
        if selection.directives:
            raise NotCompiled("a directive")
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            if key not in found:
                name = selection.name.value
                definition = None if name == "__typename" else parent.fields.get(name)
                if definition is None and name != "__typename":
                    raise NotCompiled(f"no field {parent.name}.{name}")
                found[key] = Selected(key, [], definition)
            found[key].nodes.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is not None and condition.name.value != parent.name:
                raise NotCompiled("a fragment on another type")
            _collect_into(compiling, parent, selection.selection_set, found)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = compiling.fragments.get(selection.name.value)
            if fragment is None or fragment.type_condition.name.value != parent.name:
                raise NotCompiled("a fragment on another type")
            _collect_into(compiling, parent, fragment.selection_set, found)


def completer(compiling: Compiling, kind: GraphQLOutputType, nodes: list[FieldNode]) -> Complete:
    """How a value of `kind` read for `nodes` is completed into JSON values."""
    if isinstance(kind, GraphQLNonNull):
        inner = completer(compiling, kind.of_type, nodes)

        def non_null(value: Any, run: Run) -> Any:
            if value is None:
                raise Fallback("null for a NonNull field")
            return inner(value, run)

        return non_null
    if isinstance(kind, GraphQLList):
        item = completer(compiling, kind.of_type, nodes)

        def listed(value: Any, run: Run) -> Any:
            return None if value is None else [item(v, run) for v in value]

        return listed
    if is_leaf_type(kind):
        assert isinstance(kind, GraphQLLeafType)
        return _leaf(kind)
    if not isinstance(kind, GraphQLObjectType):
        raise NotCompiled(f"an abstract type {kind}")
    sets = [n.selection_set for n in nodes if n.selection_set is not None]
    fields = tuple((s.key, field_value(compiling, kind, s)) for s in collect(compiling, kind, sets))

    def object_value(value: Any, run: Run) -> Any:
        if value is None:
            return None
        return {key: field(value, run) for key, field in fields}

    return object_value


def _field_completer(compiling: Compiling, selected: Selected) -> Complete:
    if selected.definition is None:
        return _as_is
    return completer(compiling, selected.definition.type, selected.nodes)


def _as_is(value: Any, run: Run) -> Any:
    return value


def _leaf(kind: GraphQLLeafType) -> Complete:
    """The scalar's or enum's own coercion (graphql-core's), with its common cases inline."""
    coerce = kind.coerce_output_value

    def coerced(value: Any, run: Run) -> Any:
        if value is None:
            return None
        out = coerce(value)
        if out is None or out is Undefined:
            raise Fallback("a value the type refuses")
        return out

    if kind is GraphQLString or kind is GraphQLID:

        def text(value: Any, run: Run) -> Any:
            return value if type(value) is str else coerced(value, run)

        return text
    if kind is GraphQLInt:

        def integer(value: Any, run: Run) -> Any:
            if type(value) is int and INT_MIN <= value <= INT_MAX:
                return value
            return coerced(value, run)

        return integer
    if kind is GraphQLBoolean:

        def boolean(value: Any, run: Run) -> Any:
            return value if type(value) is bool else coerced(value, run)

        return boolean
    return coerced


# Leaf types whose values of one Python type are their own output (Int: within 32 bits).
AS_THEY_ARE: dict[str, type] = {"String": str, "ID": str, "Boolean": bool, "Int": int}


def field_value(compiling: Compiling, parent: GraphQLObjectType, selected: Selected) -> Complete:
    """The field's completed value from an object of `parent`: read, then completed."""
    read = reader(compiling, parent, selected)
    complete = _field_completer(compiling, selected)
    attribute = _attribute(selected.definition) if selected.definition else None
    kind = selected.definition.type if selected.definition else None
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    exact = AS_THEY_ARE.get(kind.name) if isinstance(kind, GraphQLLeafType) else None
    if attribute is None or exact is None or RESOLVERS.get((parent.name, kind_name(selected))):
        return lambda source, run: complete(read(source, run), run)
    # An attribute read as it is (most of the page's fields): one call, not four.
    if exact is int:

        def integer(source: Any, run: Run) -> Any:
            value = attribute(source)
            if type(value) is int and INT_MIN <= value <= INT_MAX:
                return value
            return complete(value, run)

        return integer

    def same(source: Any, run: Run) -> Any:
        value = attribute(source)
        return value if type(value) is exact else complete(value, run)

    return same


def kind_name(selected: Selected) -> str:
    """The field's name in the schema (its response key may be an alias)."""
    return selected.nodes[0].name.value


def _attribute(definition: GraphQLField) -> Callable[[Any], Any] | None:
    """The attribute a strawberry basic field reads, as an attrgetter; None for others."""
    own = definition.extensions.get("strawberry-definition")
    if own is not None and own.is_basic_field and own.default_resolver is getattr:
        return operator.attrgetter(own.python_name)
    return None


def reader(compiling: Compiling, parent: GraphQLObjectType, selected: Selected) -> Read:
    """How the field's value is read from an object of `parent`."""
    if selected.definition is None:
        name = parent.name
        return lambda source, run: name
    definition = selected.definition
    special = RESOLVERS.get((parent.name, selected.nodes[0].name.value))
    if special is not None:
        return special(definition, selected)
    resolve = definition.resolve
    if resolve is None or not getattr(resolve, "_is_default", False) or definition.args:
        raise NotCompiled(f"a resolver field {parent.name}.{selected.nodes[0].name.value}")
    attribute = _attribute(definition)
    if attribute is not None:  # what strawberry's basic-field resolver does, in one call
        return lambda source, run: attribute(source)
    return lambda source, run: resolve(source, None)


def _read_loaded(definition: GraphQLField, selected: Selected, attribute: str) -> Read:
    def read(source: Any, run: Run) -> Any:
        value = getattr(source, attribute)
        if value is UNREAD:
            raise Fallback("not read with the page")
        return value

    return read


def _relay_id(type_name: str) -> Callable[[GraphQLField, Selected], Read]:
    def make(definition: GraphQLField, selected: Selected) -> Read:
        def read(source: Any, run: Run) -> str:
            key = (type_name, source.id)
            found = run.ids.get(key)
            if found is None:
                found = run.ids[key] = encode_id(type_name, source.id)
            return found

        return read

    return make


def _day_connection(definition: GraphQLField, selected: Selected) -> Read:
    node = selected.nodes[0]

    def read(source: Any, run: Run) -> Any:
        args = _page_args(run.args(definition, node))
        built = source.page.day_pages.get((source.db_group_id, args))
        if built is None:
            raise Fallback("a day page not read with the overview")
        return built

    return read


def _page_args(args: dict[str, Any]) -> PageArgs:
    return PageArgs(args.get("first"), args.get("after"), args.get("last"), args.get("before"))


RESOLVERS: dict[tuple[str, str], Callable[[GraphQLField, Selected], Read]] = {
    ("GroupBackups", "group"): lambda d, s: lambda source, run: source.live_group,
    ("GroupBackups", "dayConnection"): _day_connection,
    ("Backup", "group"): lambda d, s: _read_loaded(d, s, "live_group"),
    ("Backup", "job"): lambda d, s: _read_loaded(d, s, "made_by"),
    ("Group", "id"): _relay_id("Group"),
    ("Account", "id"): _relay_id("Account"),
    ("ImportJob", "id"): _relay_id("ImportJob"),
}


# --- the root ---------------------------------------------------------------------------------


def _days_asked(compiling: Compiling, overview: Selected) -> tuple[list[Selected], bool]:
    """The `dayConnection` fields below the overview's nodes, and whether a `job` is
    selected below one of them (the overview then reads the backups' jobs)."""
    page = compiling.schema.type_map["GroupBackups"]
    assert isinstance(page, GraphQLObjectType)
    days: list[Selected] = []
    for edges in _below(compiling, overview, ["edges", "node"]):
        days += [s for s in collect(compiling, page, _sets(edges)) if _named(s, "dayConnection")]
    jobs = any(_selects(compiling, d, "job") for d in days)
    return days, jobs


def _below(compiling: Compiling, selected: Selected, path: list[str]) -> list[Selected]:
    """The fields reached from `selected` along `path` of field names."""
    level = [selected]
    for name in path:
        nxt: list[Selected] = []
        for s in level:
            assert s.definition is not None
            kind = _object_type(s.definition.type)
            nxt += [c for c in collect(compiling, kind, _sets(s)) if _named(c, name)]
        level = nxt
    return level


def _object_type(kind: GraphQLOutputType) -> GraphQLObjectType:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    if not isinstance(kind, GraphQLObjectType):
        raise NotCompiled(f"an abstract type {kind}")
    return kind


def _sets(selected: Selected) -> list[SelectionSetNode]:
    return [n.selection_set for n in selected.nodes if n.selection_set is not None]


def _named(selected: Selected, name: str) -> bool:
    return selected.definition is not None and selected.nodes[0].name.value == name


def _selects(compiling: Compiling, selected: Selected, name: str) -> bool:
    """Whether a field of this name is selected anywhere below (fragments included)."""
    stack = _sets(selected)
    while stack:
        for child in stack.pop().selections:
            if isinstance(child, FieldNode) and child.name.value == name:
                return True
            if isinstance(child, FragmentSpreadNode):
                fragment = compiling.fragments.get(child.name.value)
                if fragment is not None:
                    stack.append(fragment.selection_set)
            elif isinstance(child, FieldNode | InlineFragmentNode) and child.selection_set:
                stack.append(child.selection_set)
    return False


def _overview_root(compiling: Compiling, selected: Selected) -> RootRead:
    definition, node = selected.definition, selected.nodes[0]
    assert definition is not None
    days, jobs = _days_asked(compiling, selected)

    async def read(run: Run) -> Any:
        args = run.args(definition, node)
        zone = await zone_of_request(run.context, args.get("timeZone"))
        asked = [_page_args(run.args(d.definition, d.nodes[0])) for d in days if d.definition]
        return await overview_connection(
            run.context, _page_args(args), zone, asked_days(asked, jobs=jobs)
        )

    return read


def _viewer_root(compiling: Compiling, selected: Selected) -> RootRead:
    async def read(run: Run) -> Any:
        context = run.context
        return Account.from_row(await context.loaders.account.load(context.account_id))

    return read


ROOTS: dict[str, Callable[[Compiling, Selected], RootRead]] = {
    "backupOverview": _overview_root,
    "viewer": _viewer_root,
}


@dataclass(frozen=True)
class CompiledQuery:
    """One operation of a document, compiled: `data` from a context and variables."""

    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fields: tuple[tuple[str, RootRead, Complete], ...]

    async def data(self, context: Context, variables: dict[str, Any] | None) -> dict[str, Any]:
        """The answer's `data`; Fallback (or any exception) when graphql-core must answer."""
        coerced = get_variable_values(
            self.schema, self.operation.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            raise Fallback("variables that do not coerce")
        run = Run(context, coerced)
        out: dict[str, Any] = {}
        for key, read, complete in self.fields:
            out[key] = complete(await read(run), run)
        return out


def compile_query(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> CompiledQuery | None:
    """The operation compiled, or None if it has anything the compiler does not know."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    compiling = Compiling(schema, fragments)
    root = schema.query_type
    try:
        if operation.directives or root is None:
            raise NotCompiled("a directive")
        fields = []
        for selected in collect(compiling, root, [operation.selection_set]):
            make = ROOTS.get(selected.nodes[0].name.value)
            if make is None or selected.definition is None:
                raise NotCompiled(f"a root field {selected.key}")
            complete = completer(compiling, selected.definition.type, selected.nodes)
            fields.append((selected.key, make(compiling, selected), complete))
    except NotCompiled:
        return None
    return CompiledQuery(schema, operation, tuple(fields))
