"""schema.graphql: generated from the code, covers the design contract, records breaking changes."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import build_schema, find_breaking_changes

from api.graphql.schema import export_sdl

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "schema.graphql"
CONTRACT = ROOT / "frontend-contract"
# the design contract uses these scalars without declaring them
CONTRACT_SCALARS = "scalar DateTime\nscalar Date\nscalar Upload\n"
RECORD = re.compile(r"^- `([^`]+)`", re.MULTILINE)


def read(path: Path) -> str:
    """A text file of the repo."""
    return path.read_text(encoding="utf-8")


def breaking_changes(old_sdl: str, new_sdl: str) -> list[str]:
    """graphql-core's description of every change from `old_sdl` that breaks its clients."""
    changes = find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))
    return sorted(change.description for change in changes)


def recorded_changes(record: str) -> set[str]:
    """The accepted changes listed in breaking-changes.md (one "- `change` - why" line each)."""
    return set(RECORD.findall(record))


def unrecorded_problems(old_sdl: str, new_sdl: str, record: str) -> list[str]:
    """Breaking changes nobody recorded, and records that match no change; empty when fine."""
    found = breaking_changes(old_sdl, new_sdl)
    accepted = recorded_changes(record)
    missing = [f"not recorded: {change}" for change in found if change not in accepted]
    stale = [f"recorded but not found: {change}" for change in sorted(accepted - set(found))]
    return missing + stale


def test_schema_file_is_up_to_date() -> None:
    assert export_sdl() == read(SCHEMA_FILE), (
        "schema.graphql differs from the code's schema: run scripts/export-schema and commit it"
    )


def test_schema_satisfies_design_contract() -> None:
    contract = CONTRACT_SCALARS + read(CONTRACT / "design-contract.graphql")
    assert breaking_changes(contract, export_sdl()) == []


def test_no_unrecorded_breaking_change_since_release() -> None:
    released = read(CONTRACT / "released-schema.graphql")
    record = read(CONTRACT / "breaking-changes.md")
    problems = unrecorded_problems(released, read(SCHEMA_FILE), record)
    assert problems == [], (
        "schema.graphql breaks clients of the released schema; record each accepted change in"
        " frontend-contract/breaking-changes.md:\n" + "\n".join(problems)
    )


def test_checker_reports_removed_field_until_recorded() -> None:
    sdl = read(SCHEMA_FILE)
    removed = sdl.replace("  processedRows: Int!\n", "", 1)
    assert removed != sdl
    change = "Field ImportJob.processedRows was removed."
    assert unrecorded_problems(sdl, removed, "") == [f"not recorded: {change}"]
    record = f"## Accepted\n\n- `{change}` - test\n"
    assert unrecorded_problems(sdl, removed, record) == []
    assert unrecorded_problems(sdl, sdl, record) == [f"recorded but not found: {change}"]


def test_checker_accepts_additions() -> None:
    sdl = read(SCHEMA_FILE)
    added = sdl.replace("  processedRows: Int!\n", "  processedRows: Int!\n  speed: Float\n", 1)
    assert added != sdl
    assert unrecorded_problems(sdl, added, "") == []


def test_design_contract_check_catches_a_missing_field() -> None:
    contract = CONTRACT_SCALARS + read(CONTRACT / "design-contract.graphql")
    renamed = export_sdl().replace("  backupsActive: Boolean!\n", "  backupsOn: Boolean!\n", 1)
    assert breaking_changes(contract, renamed) == ["Field Group.backupsActive was removed."]
