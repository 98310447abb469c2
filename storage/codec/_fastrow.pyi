"""Types of the C hot path (storage/codec/_fastrow.c)."""

from collections.abc import Callable, Sequence

StagedRow = tuple[int, str, str | None, str | None, str | None, str | None]

class FastRows:
    def __init__(
        self,
        width: int,
        email_at: int,
        first_at: int,
        last_at: int,
        status_at: int,
        escaped: bool,
        attributes: Sequence[tuple[bytes, int]],
        status_of: Callable[[str], str | None],
    ) -> None: ...
    def parse(self, row: int, cells: list[str], /) -> StagedRow | None: ...
