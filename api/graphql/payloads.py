"""What mutations take and give: their inputs, their payloads, and the UserError in every payload.

A mutation's expected failures are values of its payload (`userErrors`), not top-level errors:
nothing was changed, and the code says why (api/errors.py).
"""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.file_uploads import Upload

from api.errors import ErrorCode, UserFacingError
from api.graphql.accounts import Account
from api.graphql.backups import Backup
from api.graphql.groups import Group
from api.graphql.jobs import ImportJob, ImportMode, RestoreStrategy
from api.graphql.staged_files import StagedFile
from api.graphql.tokens import ApiToken
from storage.activities import ActivityKind

strawberry.enum(ErrorCode, name="UserErrorCode", description="Stable codes of expected failures.")


@strawberry.type(description="An expected failure of a mutation: nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(description="The input path at fault, if any.")
    message: str
    code: ErrorCode

    @classmethod
    def from_error(cls, error: UserFacingError) -> UserError:
        return cls(field=error.field, message=error.message, code=error.code)


@strawberry.input(
    description="Map one column of the file to a field: email, firstName, lastName, status, or an attribute name; an empty field skips the column."
)
class FieldMappingInput:
    column: str
    field: str


@strawberry.input(
    description="Exactly one of file (a new upload) and stagedFileId (a file staged with stageFile)."
)
class ImportRecipientsInput:
    file: Upload | None = None
    staged_file_id: strawberry.ID | None = strawberry.field(
        default=None, description="A staged file (stageFile), instead of file."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="An existing group, or"
    )
    group_name: str | None = strawberry.field(default=None, description="a new group of this name.")
    mode: ImportMode | None = ImportMode.ADD
    field_mapping: list[FieldMappingInput] | None = strawberry.field(
        default=None, description="Default: from the header row."
    )


@strawberry.type
class ImportRecipientsPayload:
    job: ImportJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class StageFileInput:
    file: Upload


@strawberry.type
class StageFilePayload:
    staged_file: StagedFile | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class DeleteGroupInput:
    group_id: strawberry.ID


@strawberry.type
class DeleteGroupPayload:
    deleted_group_id: strawberry.ID | None = None
    backup: Backup | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RestoreBackupInput:
    backup_id: strawberry.ID | None = strawberry.field(
        default=None, description="The backup to restore; or give asOf instead (exactly one)."
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Restore into this group, or"
    )
    group_name: str | None = strawberry.field(
        default=None, description="into a new group; neither: a new group named after the backup."
    )
    strategy: RestoreStrategy | None = RestoreStrategy.REFRESH_AND_ADD
    as_of: datetime | None = strawberry.field(
        default=None,
        description="Instead of backupId: restore the group exactly as it was at this moment"
        " (within the retention period, backups on). The group is sourceGroupId, else groupId"
        " (a group restored into itself, e.g. with strategy REPLACE).",
    )
    source_group_id: strawberry.ID | None = strawberry.field(
        default=None, description="With asOf: the group whose state at that moment is restored."
    )


@strawberry.type
class RestoreBackupPayload:
    job: ImportJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description="No groupId: the account-wide switch. With groupId: that group's switch."
)
class SetBackupEnabledInput:
    enabled: bool
    group_id: strawberry.ID | None = None


@strawberry.type
class SetBackupEnabledPayload:
    account: Account | None = None
    group: Group | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(description="An open or a click of one recipient, as the sending system saw it.")
class ActivityInput:
    recipient_id: strawberry.ID
    kind: ActivityKind
    occurred_at: datetime
    detail: str | None = None


@strawberry.input
class RecordActivitiesInput:
    activities: list[ActivityInput] = strawberry.field(
        description="At most 1,000 a call; all or none are stored."
    )


@strawberry.type
class RecordActivitiesPayload:
    recorded: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input(
    description="The address to erase, in any spelling of it (compared in canonical form)."
)
class EraseRecipientInput:
    email: str


@strawberry.type(description="What an erasure removed: nothing of the address is left.")
class EraseRecipientPayload:
    erased_recipients: int = strawberry.field(
        default=0, description="Current recipients removed, one a group."
    )
    erased_versions: int = strawberry.field(
        default=0, description="Earlier versions removed from the backups' history."
    )
    backups_changed: int = strawberry.field(
        default=0, description="Backups that contained the address and now count one less."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CreateTokenInput:
    name: str = strawberry.field(description="1 to 100 characters, e.g. where the token is used.")
    expires_at: datetime | None = strawberry.field(
        default=None, description="In the future; null: the token never expires."
    )


@strawberry.type
class CreateTokenPayload:
    token: ApiToken | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="The token itself, for 'Authorization: Bearer <secret>'. Shown this once only.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RevokeTokenInput:
    token_id: strawberry.ID


@strawberry.type
class RevokeTokenPayload:
    revoked_token_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class CancelJobInput:
    job_id: strawberry.ID


@strawberry.type
class CancelJobPayload:
    job: ImportJob | None = strawberry.field(
        default=None, description="CANCELLED if it was queued; CANCELLING until it has stopped."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)
