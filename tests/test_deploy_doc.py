"""docs/deploy.md stays true: its settings table is api/settings.py's, migrations stay additive.

The table must list every `Settings` field as its `LISTKEEPER_*` variable, once, and nothing
else; a field with a default other than None shows that default in its default cell, as the
environment would spell it. The rollout in deploy.md relies on migrations that never drop or
rename what the previous release reads: every `upgrade()` is read for such operations.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.settings import Settings
from storage.migrate import MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "docs" / "deploy.md"
PREFIX = "LISTKEEPER_"
ROW = re.compile(r"^\| `(LISTKEEPER_[A-Z0-9_]+)` \| (.*?) \| (.+) \|$")
# Operations that take away what an older release may still read.
REMOVING = {"drop_table", "drop_column", "rename_table", "drop_constraint"}


def settings_rows() -> dict[str, str]:
    """Variable name -> default cell, for each row of the settings table."""
    rows: dict[str, str] = {}
    for line in DEPLOY.read_text(encoding="utf-8").splitlines():
        found = ROW.match(line)
        if found:
            name, default, _meaning = found.groups()
            assert name not in rows, f"{name} is listed twice"
            rows[name] = default
    return rows


def spelled(value: object) -> str:
    """A default as an environment variable would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Path):
        return value.as_posix() if value.is_absolute() else "./" + value.as_posix()
    return str(value)


def test_the_settings_table_lists_every_setting_and_nothing_else() -> None:
    documented = set(settings_rows())
    fields = {PREFIX + name.upper() for name in Settings.model_fields}
    assert documented - fields == set(), "documented but not a setting"
    assert fields - documented == set(), "settings missing from docs/deploy.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_each_default_is_the_one_in_the_code(name: str) -> None:
    cell = settings_rows()[PREFIX + name.upper()]
    default = Settings.model_fields[name].default
    if default is None:
        assert cell.startswith("unset"), f"{name}: its default is unset, the table says {cell}"
    else:
        assert f"`{spelled(default)}`" in cell, f"{name}: default {default!r}, table {cell}"


def upgrade_removals(path: Path) -> list[str]:
    """The removing operations called inside a migration's upgrade()."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for function in tree.body:
        if isinstance(function, ast.FunctionDef) and function.name == "upgrade":
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    renames = any(k.arg == "new_column_name" for k in node.keywords)
                    if node.func.attr in REMOVING or renames:
                        found.append(f"{path.name}:{node.lineno}: {node.func.attr}")
    return found


def test_migrations_are_additive() -> None:
    versions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert len(versions) >= 9
    removals = [found for path in versions for found in upgrade_removals(path)]
    assert removals == [], "a migration removes what the previous release may read"


def test_the_removal_check_sees_a_removal(tmp_path: Path) -> None:
    migration = tmp_path / "9999_bad.py"
    migration.write_text(
        "def upgrade():\n"
        "    op.drop_column('recipient', 'city')\n"
        "    with op.batch_alter_table('job') as batch:\n"
        "        batch.alter_column('status', new_column_name='state')\n"
        "def downgrade():\n"
        "    op.drop_table('x')\n"
    )
    assert upgrade_removals(migration) == [
        "9999_bad.py:2: drop_column",
        "9999_bad.py:4: alter_column",
    ]
