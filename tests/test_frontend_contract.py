"""The frontend's operations (frontend-contract/*.graphql) are valid against schema.graphql."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    ExecutableDefinitionNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    NoUnusedFragmentsRule,
    OperationDefinitionNode,
    build_schema,
    parse,
    specified_rules,
    validate,
)

from tests.support.frontend_contract import ROOT, operation_files

SCREENS = {
    "backups-page.graphql",
    "group-list.graphql",
    "import.graphql",
    "restore.graphql",
    "settings.graphql",
}


def read_document(path: Path) -> DocumentNode:
    """The parsed file (a syntax error fails the test that asked)."""
    return parse(path.read_text(encoding="utf-8"))


def all_definitions() -> list[ExecutableDefinitionNode]:
    """The definitions of every operations file, the way graphql-codegen reads them: together."""
    found: list[ExecutableDefinitionNode] = []
    for path in operation_files():
        for node in read_document(path).definitions:
            assert isinstance(node, ExecutableDefinitionNode), f"{path.name}: {node.kind}"
            found.append(node)
    return found


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    """The committed schema.graphql."""
    return build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))


def test_every_screen_has_its_file() -> None:
    assert {p.name for p in operation_files()} >= SCREENS


@pytest.mark.parametrize("path", operation_files(), ids=lambda p: p.name)
def test_file_holds_only_named_operations_and_fragments(path: Path) -> None:
    for node in read_document(path).definitions:
        assert isinstance(node, OperationDefinitionNode | FragmentDefinitionNode), node.kind
        if isinstance(node, OperationDefinitionNode):
            assert node.name is not None, f"{path.name}: an anonymous {node.operation.value}"


@pytest.mark.parametrize("path", operation_files(), ids=lambda p: p.name)
def test_file_is_valid_against_schema(path: Path, schema: GraphQLSchema) -> None:
    own = list(read_document(path).definitions)
    names = {d.name.value for d in own if isinstance(d, FragmentDefinitionNode)}
    # fragments may come from other files (codegen reads them all), so lend them, unused or not
    lent = [
        d
        for d in all_definitions()
        if isinstance(d, FragmentDefinitionNode) and d.name.value not in names
    ]
    rules = [rule for rule in specified_rules if rule is not NoUnusedFragmentsRule]
    errors = validate(schema, DocumentNode(definitions=(*own, *lent)), rules)
    assert errors == [], "\n".join(f"{path.name}: {e}" for e in errors)


def test_all_files_together_are_valid(schema: GraphQLSchema) -> None:
    """Unique operation and fragment names across files, and no fragment left unused."""
    errors = validate(schema, DocumentNode(definitions=tuple(all_definitions())))
    assert errors == [], "\n".join(str(e) for e in errors)


def test_invalid_operation_is_reported(schema: GraphQLSchema) -> None:
    document = parse("query Broken { viewer { id noSuchField } }")
    assert [e.message for e in validate(schema, document)] == [
        "Cannot query field 'noSuchField' on type 'Account'."
    ]
