"""The frontend's operation files (frontend-contract/*.graphql), as tests read them."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "frontend-contract"
# SDL files that live beside the operations; codegen.ts excludes the same two
SCHEMA_FILES = {"design-contract.graphql", "released-schema.graphql"}


def operation_files() -> list[Path]:
    """Every operations file of the contract, by name."""
    return sorted(p for p in CONTRACT.glob("*.graphql") if p.name not in SCHEMA_FILES)
