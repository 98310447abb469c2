"""`listkeeper retention`: one retention sweep from the command line (to be written)."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    """Add the `retention` subcommand."""
    parser: argparse.ArgumentParser = commands.add_parser("retention", help="run one retention sweep")
    parser.set_defaults(handler=lambda args, settings: 0)
