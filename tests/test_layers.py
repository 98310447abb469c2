"""The layers hold, read from the source: every import, at any depth, of every .py file.

(a) storage never imports api; (b) only api/graphql/ and the app factory (api/app.py) import
the GraphQL package `api.graphql` (tests may: they test it); (c) no module imports a test
module (tests/**/test_*.py): tests share code through tests/support/.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_DIRECTORIES = {"build", "node_modules", "__pycache__"}
GRAPHQL = "api.graphql"
APP_FACTORY = "api.app"


@dataclass(frozen=True)
class Import:
    """One module named by an import statement in a source file."""

    path: Path
    line: int
    importer: str
    imported: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}"


def module_name(relative: Path) -> str:
    """`api/graphql/__init__.py` -> `api.graphql`; `api/app.py` -> `api.app`."""
    parts = relative.with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files(root: Path) -> Iterator[Path]:
    """Every .py file under `root` except hidden folders (.venv, .git) and build output."""
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts[:-1]
        if not any(part.startswith(".") or part in SKIPPED_DIRECTORIES for part in parts):
            yield path


def imported_names(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """The modules an import statement may load: `from a import b` may load `a` and `a.b`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*anchor, *([base] if base else [])])
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def imports(root: Path) -> Iterator[Import]:
    """Every import (top level, function-local, under TYPE_CHECKING) of every source file."""
    for path in source_files(root):
        relative = path.relative_to(root)
        importer = module_name(relative)
        is_package = path.name == "__init__.py"
        package = importer if is_package else importer.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for name in imported_names(node, package):
                    yield Import(relative, node.lineno, importer, name)


def within(name: str, package: str) -> bool:
    """`name` is `package` or one of its submodules."""
    return name == package or name.startswith(package + ".")


def storage_imports_api(found: Import) -> bool:
    """(a) storage is below api: it never imports it."""
    return within(found.importer, "storage") and within(found.imported, "api")


def graphql_imported_from_outside(found: Import) -> bool:
    """(b) the GraphQL package is a leaf: only itself and the app factory import it."""
    inside = within(found.importer, GRAPHQL) or found.importer == APP_FACTORY
    is_test = within(found.importer, "tests")
    return within(found.imported, GRAPHQL) and not inside and not is_test


def imports_a_test_module(found: Import) -> bool:
    """(c) a test module (tests/**/test_*.py) is imported by another module."""
    parts = found.imported.split(".")
    return parts[0] == "tests" and any(part.startswith("test_") for part in parts[1:])


Rule = Callable[[Import], bool]
RULES: dict[str, Rule] = {
    "storage never imports api": storage_imports_api,
    "only api/graphql/ and api/app.py import api.graphql": graphql_imported_from_outside,
    "no module imports a test module": imports_a_test_module,
}


def violations(root: Path, rule: Rule) -> list[str]:
    """The import statements under `root` that break `rule`, one line each."""
    first: dict[tuple[Path, int], Import] = {}
    for found in imports(root):
        if rule(found):
            first.setdefault((found.path, found.line), found)
    return [str(first[place]) for place in sorted(first)]


@pytest.mark.parametrize("rule", RULES)
def test_the_repository_keeps_its_layers(rule: str) -> None:
    found = violations(ROOT, RULES[rule])
    assert found == [], "\n".join(found)


def plant(root: Path, files: dict[str, str]) -> None:
    """Write a tiny source tree."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def flagged(root: Path, rule: str) -> set[tuple[str, str]]:
    """(file, imported module) of each import under `root` that breaks `rule`."""
    return {
        (found.path.as_posix(), found.imported) for found in imports(root) if RULES[rule](found)
    }


def test_storage_importing_api_is_caught_in_every_form(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "storage/__init__.py": "",
            "storage/db.py": "import api.settings\n",
            "storage/jobs.py": "def f() -> None:\n    from api import clock\n",
            "storage/store/__init__.py": "",
            "storage/store/merge.py": "from ...api.errors import NotFound\n",
            "storage/models.py": "import apiary\nfrom storage import db\nfrom . import jobs\n",
            "api/app.py": "import storage.db\n",
        },
    )
    assert flagged(tmp_path, "storage never imports api") == {
        ("storage/db.py", "api.settings"),
        ("storage/jobs.py", "api"),
        ("storage/jobs.py", "api.clock"),
        ("storage/store/merge.py", "api.errors"),
        ("storage/store/merge.py", "api.errors.NotFound"),
    }


def test_graphql_imported_outside_its_package_is_caught(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "api/__init__.py": "",
            "api/app.py": "from api.graphql.schema import build_schema\n",
            "api/graphql/__init__.py": "from . import ids\n",
            "api/graphql/export.py": "from api.graphql import ids\n",
            "api/guard.py": "from api.graphql.context import Services\n",
            "api/commands/__init__.py": "",
            "api/commands/worker.py": "def run() -> None:\n    from ..graphql import ids\n",
            "api/commands/export.py": "from api import graphql\n",
            "api/services.py": "import api.graphqlite\nfrom api import settings\n",
            "bench/bench_backups.py": "import api.graphql.ids\n",
            "tests/api/test_ids.py": "from api.graphql.ids import decode_id\n",
        },
    )
    assert flagged(tmp_path, "only api/graphql/ and api/app.py import api.graphql") == {
        ("api/guard.py", "api.graphql.context"),
        ("api/guard.py", "api.graphql.context.Services"),
        ("api/commands/worker.py", "api.graphql"),
        ("api/commands/worker.py", "api.graphql.ids"),
        ("api/commands/export.py", "api.graphql"),
        ("bench/bench_backups.py", "api.graphql.ids"),
    }


def test_a_test_module_imported_anywhere_is_caught(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            "tests/__init__.py": "",
            "tests/conftest.py": "",
            "tests/client.py": "",
            "tests/support/backups.py": "from tests.client import GraphQLClient\n",
            "tests/api/test_backups.py": "from tests.support.backups import backups\n",
            "tests/api/test_erasure.py": "from tests.api.test_backups import DELETE\n",
            "tests/api/test_comparison.py": "from . import test_backups\n",
            "tests/api/test_tokens.py": "def f() -> None:\n    import tests.test_schema\n",
            "tests/support/processes.py": "from tests.api.test_crash import free_port\n",
            "tests/test_schema.py": "from tests.conftest import BACKENDS\n",
        },
    )
    assert flagged(tmp_path, "no module imports a test module") == {
        ("tests/api/test_erasure.py", "tests.api.test_backups"),
        ("tests/api/test_erasure.py", "tests.api.test_backups.DELETE"),
        ("tests/api/test_comparison.py", "tests.api.test_backups"),
        ("tests/api/test_tokens.py", "tests.test_schema"),
        ("tests/support/processes.py", "tests.api.test_crash"),
        ("tests/support/processes.py", "tests.api.test_crash.free_port"),
    }


def test_hidden_and_build_folders_are_not_read(tmp_path: Path) -> None:
    plant(
        tmp_path,
        {
            ".venv/lib/storage/db.py": "import api\n",
            "build/lib/storage/db.py": "import api\n",
            "storage/db.py": "import api\n",
        },
    )
    assert [path.relative_to(tmp_path).as_posix() for path in source_files(tmp_path)] == [
        "storage/db.py"
    ]
