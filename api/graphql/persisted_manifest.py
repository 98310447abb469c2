"""The manifest of trusted documents: each operation of frontend-contract/ by its hash.

graphql-codegen's client preset (`presetConfig.persistedDocuments`, @graphql-codegen/
client-preset 6.2) hashes each operation document, the operation plus every fragment it
uses, as `sha256:` + the SHA-256 of that document printed by `@graphql-tools/documents`'
`printExecutableGraphQLDocument`: definitions sorted (fragments first, then by name),
variables and selections sorted (fields by name, then spreads, then inline fragments), a
mutation's own selections left in order, whitespace collapsed, graphql-js 16's printer.
This module prints the same text, so the web app's generated hashes are the keys here.
The manifest is written once by scripts/persisted-documents and committed;
tests/api/test_persisted_documents.py fails when it drifts from the contract.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeAlias

import orjson
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    Node,
    NonNullTypeNode,
    NullValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    parse,
)

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "frontend-contract"
MANIFEST = CONTRACT / "persisted-documents.json"
# SDL kept beside the operations (codegen.ts excludes the same files).
SCHEMA_FILES = frozenset({"design-contract.graphql", "released-schema.graphql"})
HASH_PREFIX = "sha256:"
# graphql-js 16 puts a field's arguments on lines of their own past this length.
MAX_LINE_LENGTH = 80
# ICU's root collation of printable ASCII (what Node's localeCompare sorts by): case is
# only a tie-break after the whole string compares equal without it.
COLLATION = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz"
PRIMARY = {c: i for i, c in enumerate(COLLATION)}
WHITESPACE = re.compile(r"\s+")
Definition: TypeAlias = OperationDefinitionNode | FragmentDefinitionNode
STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}


def collation_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Sort `text` as JavaScript's `a.localeCompare(b)` does in Node (en-US, ICU)."""
    primary = tuple(PRIMARY.get(c.lower(), 0x10000 + ord(c)) for c in text)
    return primary, tuple(int(c.isupper()) for c in text)


def normalized(text: str) -> str:
    """Whitespace runs as one space, trimmed (@graphql-tools/documents' normalizeWhiteSpace)."""
    return WHITESPACE.sub(" ", text).strip()


# --- printing (graphql-js 16 `print`) ---------------------------------------------------------


def _wrap(start: str, text: str, end: str = "") -> str:
    return start + text + end if text else ""


def _join(parts: Iterable[str], separator: str = "") -> str:
    return separator.join(p for p in parts if p)


def print_value(node: ValueNode) -> str:
    """A value as graphql-js 16 prints it (objects as `{a: 1}`, strings JSON-escaped)."""
    if isinstance(node, VariableNode):
        return "$" + node.name.value
    if isinstance(node, IntValueNode | FloatValueNode | EnumValueNode):
        return node.value
    if isinstance(node, StringValueNode):
        if node.block:
            raise ValueError("block strings are not printed here: use a plain string")
        return '"' + "".join(_escaped(c) for c in node.value) + '"'
    if isinstance(node, BooleanValueNode):
        return "true" if node.value else "false"
    if isinstance(node, NullValueNode):
        return "null"
    if isinstance(node, ListValueNode):
        return "[" + ", ".join(print_value(v) for v in node.values) + "]"
    if isinstance(node, ObjectValueNode):
        fields = (f"{f.name.value}: {print_value(f.value)}" for f in node.fields)
        return "{" + ", ".join(fields) + "}"
    raise ValueError(f"cannot print {node.kind}")


def _escaped(char: str) -> str:
    if char in STRING_ESCAPES:
        return STRING_ESCAPES[char]
    return f"\\u{ord(char):04X}" if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F else char


def print_type(node: TypeNode) -> str:
    """A variable's type."""
    if isinstance(node, NonNullTypeNode):
        return print_type(node.type) + "!"
    if isinstance(node, ListTypeNode):
        return "[" + print_type(node.type) + "]"
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def print_arguments(arguments: Sequence[ArgumentNode]) -> str:
    """`(a: 1, b: 2)` (empty when there are none)."""
    return _wrap("(", ", ".join(f"{a.name.value}: {print_value(a.value)}" for a in arguments), ")")


def print_directives(directives: Sequence[DirectiveNode]) -> str:
    """`@a(x: 1) @b`."""
    return " ".join("@" + d.name.value + print_arguments(d.arguments or ()) for d in directives)


def print_selection_set(node: SelectionSetNode | None) -> str:
    """`{ a b }` (already collapsed: the block's lines end up as single spaces)."""
    if node is None or not node.selections:
        return ""
    return "{ " + " ".join(print_selection(s) for s in node.selections) + " }"


def print_selection(node: SelectionNode) -> str:
    """A field, fragment spread or inline fragment."""
    if isinstance(node, FieldNode):
        prefix = _wrap("", node.alias.value if node.alias else "", ": ") + node.name.value
        arguments = [f"{a.name.value}: {print_value(a.value)}" for a in node.arguments or ()]
        line = prefix + _wrap("(", ", ".join(arguments), ")")
        if len(line) > MAX_LINE_LENGTH:
            line = prefix + "( " + " ".join(arguments) + " )"
        return _join(
            (
                line,
                print_directives(node.directives or ()),
                print_selection_set(node.selection_set),
            ),
            " ",
        )
    if isinstance(node, FragmentSpreadNode):
        return "..." + node.name.value + _wrap(" ", print_directives(node.directives or ()))
    assert isinstance(node, InlineFragmentNode)
    condition = _wrap("on ", node.type_condition.name.value if node.type_condition else "")
    parts = (
        "...",
        condition,
        print_directives(node.directives or ()),
        print_selection_set(node.selection_set),
    )
    return _join(parts, " ")


def print_variable(node: VariableDefinitionNode) -> str:
    """`$a: Int = 1`."""
    default = _wrap(" = ", print_value(node.default_value) if node.default_value else "")
    text = "$" + node.variable.name.value + ": " + print_type(node.type) + default
    return text + _wrap(" ", print_directives(node.directives or ()))


def print_definition(node: Definition) -> str:
    """An operation or a fragment."""
    variables = _wrap(
        "(", ", ".join(print_variable(v) for v in node.variable_definitions or ()), ")"
    )
    if isinstance(node, FragmentDefinitionNode):
        head = f"fragment {node.name.value}{variables} on {node.type_condition.name.value} "
        return (
            head
            + _wrap("", print_directives(node.directives or ()), " ")
            + print_selection_set(node.selection_set)
        )
    assert isinstance(node, OperationDefinitionNode)
    name = (node.name.value if node.name else "") + variables
    prefix = _join((node.operation.value, name, print_directives(node.directives or ())), " ")
    return ("" if prefix == "query" else prefix + " ") + print_selection_set(node.selection_set)


# --- sorting (@graphql-tools/documents' sortExecutableDocument) -------------------------------


def sorted_selections(
    selections: Sequence[SelectionNode], *, keep_order: bool
) -> tuple[SelectionNode, ...]:
    """The selections sorted, each sorted within (a mutation's own keep their order)."""
    inner = tuple(_sorted_selection(s, keep_order=keep_order) for s in selections)
    if keep_order:
        return inner
    keys = {id(s): _selection_key(original) for s, original in zip(inner, selections, strict=True)}
    return tuple(sorted(inner, key=lambda s: collation_key(keys[id(s)])))


def _selection_key(node: SelectionNode) -> str:
    if isinstance(node, FieldNode):
        return "0" + node.name.value
    if isinstance(node, FragmentSpreadNode):
        return "1" + node.name.value
    assert isinstance(node, InlineFragmentNode)
    # The key prints the fragment's selections sorted one level deep, as the original does.
    condition = node.type_condition.name.value if node.type_condition else ""
    shallow = sorted(node.selection_set.selections, key=lambda s: collation_key(_selection_key(s)))
    return "2" + condition + normalized(" ".join(print_selection(s) for s in shallow))


def _sorted_selection(node: SelectionNode, *, keep_order: bool) -> SelectionNode:
    if isinstance(node, FragmentSpreadNode):
        return FragmentSpreadNode(name=node.name, directives=_by_name(node.directives))
    if isinstance(node, FieldNode):
        # A field's arguments and directives keep their order (only directives' arguments sort).
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=node.arguments,
            directives=_arguments_sorted(node.directives),
            selection_set=_sorted_set(node.selection_set, keep_order=False)
            if node.selection_set
            else None,
        )
    assert isinstance(node, InlineFragmentNode)
    # Inline fragments right inside a mutation keep their order, all the way down them.
    directives = _arguments_sorted(node.directives) if keep_order else _by_name(node.directives)
    selection_set = _sorted_set(node.selection_set, keep_order=keep_order)
    return InlineFragmentNode(
        type_condition=node.type_condition, directives=directives, selection_set=selection_set
    )


def _sorted_set(node: SelectionSetNode, *, keep_order: bool) -> SelectionSetNode:
    return SelectionSetNode(selections=sorted_selections(node.selections, keep_order=keep_order))


def _by_name(directives: Sequence[DirectiveNode] | None) -> tuple[DirectiveNode, ...]:
    return _arguments_sorted(sorted(directives or (), key=lambda d: collation_key(d.name.value)))


def _arguments_sorted(directives: Sequence[DirectiveNode] | None) -> tuple[DirectiveNode, ...]:
    return tuple(
        DirectiveNode(name=d.name, arguments=tuple(sorted(d.arguments or (), key=_argument_key)))
        for d in directives or ()
    )


def _argument_key(node: ArgumentNode) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return collation_key(node.name.value)


def _sorted_variables(
    node: OperationDefinitionNode | FragmentDefinitionNode,
) -> tuple[VariableDefinitionNode, ...]:
    return tuple(
        sorted(node.variable_definitions or (), key=lambda v: collation_key(v.variable.name.value))
    )


def sorted_definition(node: Definition) -> Definition:
    """An operation or fragment with its parts sorted."""
    if isinstance(node, FragmentDefinitionNode):
        return FragmentDefinitionNode(
            name=node.name,
            variable_definitions=_sorted_variables(node),
            type_condition=node.type_condition,
            directives=_by_name(node.directives),
            selection_set=_sorted_set(node.selection_set, keep_order=False),
        )
    assert isinstance(node, OperationDefinitionNode)
    keep = node.operation is OperationType.MUTATION
    return OperationDefinitionNode(
        operation=node.operation,
        name=node.name,
        variable_definitions=_sorted_variables(node),
        directives=_arguments_sorted(node.directives),
        selection_set=_sorted_set(node.selection_set, keep_order=keep),
    )


def _definition_key(node: Definition) -> tuple[object, ...]:
    kind = (
        "FragmentDefinition" if isinstance(node, FragmentDefinitionNode) else "OperationDefinition"
    )
    name = getattr(node, "name", None)
    return collation_key(kind), collation_key(name.value if name else "")


def printed_document(definitions: Sequence[Definition]) -> str:
    """The document as codegen's client preset prints it before hashing."""
    ordered = sorted((sorted_definition(d) for d in definitions), key=_definition_key)
    return normalized(" ".join(print_definition(d) for d in ordered))


def document_hash(printed: str) -> str:
    """`sha256:` + the hex SHA-256 of the printed document (codegen's `hash`)."""
    return HASH_PREFIX + hashlib.sha256(printed.encode()).hexdigest()


# --- the contract's operations ----------------------------------------------------------------


def operation_files(contract: Path = CONTRACT) -> list[Path]:
    """The contract's operation files, in the order codegen reads them."""
    return sorted(p for p in contract.glob("*.graphql") if p.name not in SCHEMA_FILES)


def used_fragments(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[FragmentDefinitionNode]:
    """Every fragment the operation spreads, directly or through another fragment."""
    found: dict[str, FragmentDefinitionNode] = {}
    pending: list[Node] = [operation]
    while pending:
        for name in _spread_names(pending.pop()):
            if name not in found and name in fragments:
                found[name] = fragments[name]
                pending.append(fragments[name])
    return list(found.values())


def _spread_names(node: Node) -> Iterable[str]:
    selection_set = getattr(node, "selection_set", None)
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FragmentSpreadNode):
            yield selection.name.value
        else:
            yield from _spread_names(selection)


def contract_documents(contract: Path = CONTRACT) -> dict[str, str]:
    """Each operation's printed document by its hash, in the contract's order."""
    documents = [parse(p.read_text(encoding="utf-8")) for p in operation_files(contract)]
    definitions = [d for doc in documents for d in doc.definitions]
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    manifest: dict[str, str] = {}
    for operation in (d for d in definitions if isinstance(d, OperationDefinitionNode)):
        printed = printed_document([operation, *used_fragments(operation, fragments)])
        manifest[document_hash(printed)] = printed
    return manifest


def manifest_text(documents: dict[str, str]) -> str:
    """The manifest file: codegen's persisted-documents.json layout (2-space JSON)."""
    return orjson.dumps(documents, option=orjson.OPT_INDENT_2).decode()


def main(argv: list[str] | None = None) -> int:
    """Write the manifest (default: frontend-contract/persisted-documents.json)."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else MANIFEST
    path.write_text(manifest_text(contract_documents()), encoding="utf-8", newline="")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["DocumentNode", "contract_documents", "document_hash", "printed_document"]
