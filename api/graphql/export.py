"""Write the schema's SDL to schema.graphql (scripts/export-schema runs this)."""

from __future__ import annotations

import sys
from pathlib import Path

from api.graphql.schema import export_sdl

DEFAULT_PATH = Path("schema.graphql")


def main(argv: list[str] | None = None) -> int:
    """Write the SDL to the given path (default: ./schema.graphql); 0 on success."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    # newline="" keeps the bytes export_sdl() returns, so the drift test compares like with like
    path.write_text(export_sdl(), encoding="utf-8", newline="")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
