"""Staged files: an upload kept to be inspected, then imported (maybe more than once) until it expires."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from api import staged_files
from api.global_ids import node_db_id
from api.graphql.context import Info
from storage.db import read_transaction
from storage.models import StagedFile as StagedFileRow
from storage.staged_files import staged_files_by_id


@strawberry.type(description="A column of a staged file, as its header names it.")
class DetectedColumn:
    index: int = strawberry.field(description="The column's position, from 0.")
    header: str
    suggested_field: str | None = strawberry.field(
        description="The field an import would likely map it to: email, firstName, lastName, status (by the header's aliases), an existing attribute of that name, or a new attribute; null when none fits."
    )
    samples: list[str] = strawberry.field(description="The column's first few values.")

    @classmethod
    def from_column(cls, column: staged_files.DetectedColumn) -> DetectedColumn:
        return cls(
            index=column.index,
            header=column.header,
            suggested_field=column.suggested_field,
            samples=column.samples,
        )


@strawberry.type(
    description="An uploaded file kept to be imported (importRecipients' stagedFileId), as often as needed, until it expires."
)
class StagedFile(relay.Node):
    id: relay.NodeID[int]
    file_name: str | None
    size_bytes: int = strawberry.field(description="The file's size in bytes.")
    encoding: str = strawberry.field(description="utf-8, utf-8-sig, utf-16 or cp1252.")
    delimiter: str
    row_estimate: int = strawberry.field(
        description="Data rows in the file: exact for a small file, else estimated from its first rows."
    )
    expires_at: datetime
    columns: list[DetectedColumn]

    @classmethod
    def from_row(cls, row: StagedFileRow) -> StagedFile:
        return cls(
            id=row.id,
            file_name=row.file_name,
            size_bytes=row.size_bytes,
            encoding=row.encoding,
            delimiter=row.delimiter,
            row_estimate=row.row_estimate,
            expires_at=row.expires_at,
            columns=[DetectedColumn.from_column(c) for c in staged_files.columns_of(row.columns)],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[StagedFile | None]:
        ids = [node_db_id(node_id) for node_id in node_ids]
        async with read_transaction(info.context.engine) as conn:
            found = await staged_files_by_id(
                conn,
                account_id=info.context.account_id,
                ids=[i for i in ids if i is not None],
                now=info.context.services.clock.now(),
            )
        return [cls.from_row(found[i]) if i is not None and i in found else None for i in ids]


async def staged_file_by_id(info: Info, staged_file_id: int) -> StagedFile | None:
    """The account's live staged file of this id; None if there is none."""
    found = await StagedFile.resolve_nodes(info=info, node_ids=[str(staged_file_id)])
    return found[0]
