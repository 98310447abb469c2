"""`listkeeper import` and `listkeeper export` (to be written)."""

from __future__ import annotations

from typing import Any


def register(commands: Any) -> None:
    """Add the `import` and `export` subcommands."""
