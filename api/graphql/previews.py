"""previewImport: what importing a staged file would do, before it is done.

The preview's temp tables live only as long as the mutation's own transaction, so the pages
of `changes` and `rowErrors` the operation selects are named up front (`info.selected_fields`,
variables and fragments included) and read in that transaction; the fields then hand out
what was read. A later call with `after` previews again and gives the next page of the same
order: changes by email, row errors by their place in the file.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterator, Sequence
from typing import Any, cast

import orjson
import strawberry
from strawberry.scalars import JSON
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from api import previews
from api.errors import NotFound, UserFacingError
from api.global_ids import decode_id
from api.graphql.context import Info
from api.graphql.jobs import ImportMode, RowError
from api.graphql.pagination import (
    Connection,
    PageArgumentError,
    connection,
    decode_int_cursor,
    decode_text_cursor,
    page_size,
)
from api.graphql.payloads import FieldMappingInput, UserError
from storage.codec import RecipientStatus
from storage.store.preview import ChangeKind, PreviewChange, PreviewRowError, RecipientValues

strawberry.enum(
    ChangeKind,
    name="RecipientChangeKind",
    description="ADDED, UPDATED, STATUS_KEPT (nothing changed but the file's status was refused), SKIPPED (left aside by the mode), REMOVED (only a REPLACE removes).",
)


@strawberry.type(description="A recipient's values as stored.")
class RecipientSnapshot:
    email: str
    first_name: str | None
    last_name: str | None
    status: RecipientStatus
    attributes: JSON = strawberry.field(
        description="Custom master data: an object of names to values."
    )

    @classmethod
    def of(cls, values: RecipientValues | None) -> RecipientSnapshot | None:
        if values is None:
            return None
        return cls(
            email=values.email,
            first_name=values.first_name,
            last_name=values.last_name,
            status=RecipientStatus(values.status),
            attributes=orjson.loads(values.attributes) if values.attributes else {},
        )


@strawberry.type(description="What an import would do to one address.")
class RecipientChange:
    email: str
    kind: ChangeKind
    before: RecipientSnapshot | None = strawberry.field(
        description="The recipient now; null when the group does not hold the address."
    )
    after: RecipientSnapshot | None = strawberry.field(
        description="The recipient after the import; null when the group will not hold it."
    )
    status_kept: bool = strawberry.field(
        description="The file asked to lift an UNSUBSCRIBED or BOUNCED status and the status is kept (also on an UPDATED change)."
    )

    @classmethod
    def of(cls, change: PreviewChange) -> RecipientChange:
        return cls(
            email=change.email,
            kind=change.kind,
            before=RecipientSnapshot.of(change.before),
            after=RecipientSnapshot.of(change.after),
            status_kept=change.status_kept,
        )


@strawberry.type(
    description="Exactly what importing the staged file would do now (the import's counts); computed in a transaction that is rolled back."
)
class ImportPreview:
    added: int
    updated: int
    unchanged: int
    skipped: int = strawberry.field(
        description="Rows the mode would leave aside: existing addresses in ADD, new ones in REFRESH."
    )
    rejected: int = strawberry.field(description="Rows of the file that would be rejected.")
    status_kept: int = strawberry.field(description="As ImportJob.statusKept.")
    removed: int = strawberry.field(
        description="Always 0 for the import modes: only a REPLACE removes."
    )
    found: strawberry.Private[previews.ImportPreview]

    @strawberry.field(
        description="The addresses the import would touch, by email (unchanged ones are not listed); of one kind or all."
    )
    def changes(
        self, first: int | None = 20, after: str | None = None, kind: ChangeKind | None = None
    ) -> Connection[RecipientChange]:
        page = _change_page(first, after, kind)
        rows = self.found.changes[page]
        by_kind = self.found.counts.by_kind
        total = by_kind[kind] if kind is not None else sum(by_kind.values())
        return connection(
            rows,
            size=page.first,
            total=total,
            after=after,
            key=lambda c: (c.email,),
            node=RecipientChange.of,
        )

    @strawberry.field(description="Every problem of the rejected rows, in file order.")
    def row_errors(self, first: int | None = 20, after: str | None = None) -> Connection[RowError]:
        page = _error_page(first, after)
        return connection(
            self.found.row_errors[page],
            size=page.first,
            total=self.found.row_error_count,
            after=after,
            key=lambda e: (e.n,),
            node=_row_error,
        )


def _row_error(error: PreviewRowError) -> RowError:
    return RowError(row=error.row, column=error.column, message=error.message, code=error.code)


def _change_page(
    first: int | None, after: str | None, kind: ChangeKind | None
) -> previews.ChangePage:
    return previews.ChangePage(kind=kind, after=decode_text_cursor(after), first=page_size(first))


def _error_page(first: int | None, after: str | None) -> previews.RowErrorPage:
    return previews.RowErrorPage(after=decode_int_cursor(after), first=page_size(first))


@strawberry.input(
    description="A staged file, a target group (exactly one of groupId and groupName), a mode and a mapping: as importRecipients takes them."
)
class PreviewImportInput:
    staged_file_id: strawberry.ID
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing group, or"
    )
    group_name: str | None = strawberry.field(default=None, description="a new group of this name.")
    mode: ImportMode | None = ImportMode.ADD
    field_mapping: list[FieldMappingInput] | None = strawberry.field(
        default=None, description="Default: from the header row."
    )


@strawberry.type
class PreviewImportPayload:
    preview: ImportPreview | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


async def preview_import(info: Info, input: PreviewImportInput) -> PreviewImportPayload:
    """The mutation's work: check the input, preview with the selected pages, map the result."""
    services = info.context.services
    changes, errors = _selected_pages(info)
    try:
        request = previews.PreviewRequest(
            account_id=info.context.account_id,
            staged_file_id=_staged_file_id(str(input.staged_file_id)),
            group_id=(
                decode_id(input.group_id, "Group", field=["groupId"]) if input.group_id else None
            ),
            group_name=input.group_name,
            mode=(input.mode or ImportMode.ADD).value,
            field_mapping=(
                [(m.column, m.field) for m in input.field_mapping]
                if input.field_mapping is not None
                else None
            ),
            change_pages=changes,
            row_error_pages=errors,
        )
        found = await previews.preview_import(
            engine=services.engine, files=services.files, request=request, now=services.clock.now()
        )
    except UserFacingError as error:
        return PreviewImportPayload(user_errors=[UserError.from_error(error)])
    outcome = found.counts.outcome
    return PreviewImportPayload(
        preview=ImportPreview(
            added=outcome.added,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            skipped=outcome.skipped,
            rejected=found.rejected,
            status_kept=outcome.status_kept,
            removed=outcome.removed,
            found=found,
        )
    )


def _staged_file_id(value: str) -> int:
    try:
        return decode_id(value, "StagedFile", field=["stagedFileId"])
    except NotFound:
        raise NotFound("No staged file with this id.", field=["stagedFileId"]) from None


def _selected_pages(
    info: Info,
) -> tuple[list[previews.ChangePage], list[previews.RowErrorPage]]:
    """The pages of `preview { changes rowErrors }` the operation selects (bad ones are left to
    the fields, which report them)."""
    changes: list[previews.ChangePage] = []
    errors: list[previews.RowErrorPage] = []
    for preview in _fields(info.selected_fields, "previewImport", "preview"):
        for field in _fields(preview.selections, "changes"):
            args = field.arguments
            with contextlib.suppress(PageArgumentError, ValueError):
                kind = _kind(args.get("kind"))
                changes.append(_change_page(_int(args.get("first", 20)), args.get("after"), kind))
        for field in _fields(preview.selections, "rowErrors"):
            args = field.arguments
            with contextlib.suppress(PageArgumentError, ValueError):
                errors.append(_error_page(_int(args.get("first", 20)), args.get("after")))
    return changes, errors


def _fields(selections: Sequence[Selection], *path: str) -> Iterator[SelectedField]:
    """The fields at `path` under `selections`, through fragments."""
    for selection in selections:
        if isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections, *path)
        elif selection.name == path[0]:
            if len(path) == 1:
                yield selection
            else:
                yield from _fields(selection.selections, *path[1:])


def _int(value: Any) -> int | None:
    # A literal argument comes as its text, a variable as its value.
    return None if value is None else int(value)


def _kind(value: Any) -> ChangeKind | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return ChangeKind(cast(str, value.value))
    return ChangeKind(str(value))
