"""The Mutation type: thin resolvers that check input, call a use-case, map the result."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import cast

import strawberry
from starlette.datastructures import UploadFile

from api import backups as backup_cases
from api import imports, staged_files
from api.activities import ActivityReport, record_activities
from api.auth import issue_token, revoke_token
from api.erasure import erase_recipient
from api.errors import FileTooLarge, InvalidInput, NotFound, UserFacingError
from api.global_ids import decode_id, encode_id
from api.graphql import group_mutations, recipient_mutations
from api.graphql.account_settings import UpdateAccountSettingsPayload, update_account_settings
from api.graphql.accounts import Account
from api.graphql.backups import backup_by_id
from api.graphql.context import Info
from api.graphql.groups import Group
from api.graphql.jobs import ImportJob, ImportMode, RestoreStrategy
from api.graphql.payloads import (
    ActivityInput,
    CancelJobInput,
    CancelJobPayload,
    CreateTokenInput,
    CreateTokenPayload,
    DeleteGroupInput,
    DeleteGroupPayload,
    EraseRecipientInput,
    EraseRecipientPayload,
    ImportRecipientsInput,
    ImportRecipientsPayload,
    RecordActivitiesInput,
    RecordActivitiesPayload,
    RestoreBackupInput,
    RestoreBackupPayload,
    RevokeTokenInput,
    RevokeTokenPayload,
    SetBackupEnabledInput,
    SetBackupEnabledPayload,
    StageFileInput,
    StageFilePayload,
    UserError,
)
from api.graphql.previews import PreviewImportInput, PreviewImportPayload, preview_import
from api.graphql.staged_files import staged_file_by_id
from api.graphql.tokens import ApiToken
from api.jobs import cancel_job
from storage.db import read_transaction
from storage.jobs import job_by_id
from storage.reads import account, groups_by_id


class JobVanished(LookupError):
    """A job this request has just queued cannot be read back (unexpected: masked)."""


def _reports(items: list[ActivityInput]) -> list[ActivityReport]:
    reports = []
    for index, item in enumerate(items):
        field = ["activities", str(index), "recipientId"]
        at = item.occurred_at if item.occurred_at.tzinfo else item.occurred_at.replace(tzinfo=UTC)
        reports.append(
            ActivityReport(
                decode_id(item.recipient_id, "Recipient", field=field),
                item.kind,
                at,
                item.detail,
            )
        )
    return reports


async def _queued_job(info: Info, job_id: int) -> ImportJob:
    # Read directly, not through the request's loader: an earlier field may have cached it.
    async with read_transaction(info.context.engine) as conn:
        row = await job_by_id(conn, job_id=job_id, account_id=info.context.account_id)
    if row is None:
        raise JobVanished(f"job {job_id} was queued but cannot be read back")
    return ImportJob.from_row(row)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Upload a CSV file into a group; the job runs in the background and backs the group up first."
    )
    async def import_recipients(
        self, info: Info, input: ImportRecipientsInput
    ) -> ImportRecipientsPayload:
        services = info.context.services
        upload = cast(UploadFile | None, input.file)
        try:
            if (upload is None) == (input.staged_file_id is None):
                raise InvalidInput(
                    "Give exactly one of file and stagedFileId.", field=["stagedFileId"]
                )
            group_id = (
                decode_id(input.group_id, "Group", field=["groupId"]) if input.group_id else None
            )
            mode = (input.mode or ImportMode.ADD).value
            mapping = (
                [(m.column, m.field) for m in input.field_mapping]
                if input.field_mapping is not None
                else None
            )
            if upload is None:
                job_id = await imports.start_staged_import(
                    engine=services.engine,
                    files=services.files,
                    account_id=info.context.account_id,
                    staged_file_id=_staged_file_id(str(input.staged_file_id)),
                    group_id=group_id,
                    group_name=input.group_name,
                    mode=mode,
                    field_mapping=mapping,
                    now=services.clock.now(),
                    started_by=info.context.token_name,
                )
            else:
                job_id = await _import_upload(info, upload, input, group_id, mode, mapping)
        except UserFacingError as error:
            return ImportRecipientsPayload(user_errors=[UserError.from_error(error)])
        finally:
            if upload is not None:
                await upload.close()
        services.wake_worker()
        return ImportRecipientsPayload(job=await _queued_job(info, job_id))

    @strawberry.mutation(
        description="Upload a CSV file to inspect it (encoding, delimiter, columns with suggested fields and samples) and to import it later with importRecipients' stagedFileId, as often as needed until it expires."
    )
    async def stage_file(self, info: Info, input: StageFileInput) -> StageFilePayload:
        services = info.context.services
        upload = cast(UploadFile, input.file)
        try:
            if upload.size is not None and upload.size > services.settings.max_upload_bytes:
                raise FileTooLarge(
                    f"The file is larger than {services.settings.max_upload_mb} MB.", field=["file"]
                )
            staged_id = await staged_files.stage_file(
                engine=services.engine,
                files=services.files,
                account_id=info.context.account_id,
                upload=imports.UploadSource(filename=upload.filename, read=upload.read),
                max_bytes=services.settings.max_upload_bytes,
                now=services.clock.now(),
                keep_for=timedelta(seconds=services.settings.staged_file_ttl_seconds),
            )
        except UserFacingError as error:
            return StageFilePayload(user_errors=[UserError.from_error(error)])
        finally:
            await upload.close()
        staged = await staged_file_by_id(info, staged_id)
        if staged is None:
            raise LookupError(f"staged file {staged_id} was stored but cannot be read back")
        return StageFilePayload(staged_file=staged)

    @strawberry.mutation(
        description="Tell exactly what importRecipients would do with a staged file now (counts, changes by address, row errors), writing nothing: no recipient, backup, group or job changes. A mutation because it reads a whole file; a later call with `after` pages on."
    )
    async def preview_import(self, info: Info, input: PreviewImportInput) -> PreviewImportPayload:
        return await preview_import(info, input)

    @strawberry.mutation(
        description="Delete a group: backed up first (when backups are on), hidden at once."
    )
    async def delete_group(self, info: Info, input: DeleteGroupInput) -> DeleteGroupPayload:
        services = info.context.services
        try:
            group_id = decode_id(input.group_id, "Group", field=["groupId"])
            backup_id = await backup_cases.delete_group(
                engine=services.engine,
                account_id=info.context.account_id,
                group_id=group_id,
                now=services.clock.now(),
            )
        except UserFacingError as error:
            return DeleteGroupPayload(user_errors=[UserError.from_error(error)])
        return DeleteGroupPayload(
            deleted_group_id=strawberry.ID(encode_id("Group", group_id)),
            backup=await backup_by_id(info, backup_id),
        )

    @strawberry.mutation(
        description="Restore a backup, or a group as of a moment (asOf), into a new group (default) or an existing one, as a job; the target is backed up first."
    )
    async def restore_backup(self, info: Info, input: RestoreBackupInput) -> RestoreBackupPayload:
        services = info.context.services
        try:
            backup_id = (
                decode_id(input.backup_id, "Backup", field=["backupId"])
                if input.backup_id is not None
                else None
            )
            group_id = (
                decode_id(input.group_id, "Group", field=["groupId"]) if input.group_id else None
            )
            source_group_id = (
                decode_id(input.source_group_id, "Group", field=["sourceGroupId"])
                if input.source_group_id is not None
                else None
            )
            job_id = await backup_cases.start_restore(
                engine=services.engine,
                account_id=info.context.account_id,
                backup_id=backup_id,
                group_id=group_id,
                group_name=input.group_name,
                strategy=(input.strategy or RestoreStrategy.REFRESH_AND_ADD).value,
                now=services.clock.now(),
                started_by=info.context.token_name,
                as_of=input.as_of,
                source_group_id=source_group_id,
            )
        except UserFacingError as error:
            return RestoreBackupPayload(user_errors=[UserError.from_error(error)])
        services.wake_worker()
        return RestoreBackupPayload(job=await _queued_job(info, job_id))

    @strawberry.mutation(
        description="Cancel a job: a queued one never runs; a running one stops at its next checkpoint and rolls back (nothing changed, no backup kept), then is CANCELLED. A finished job: CONFLICT."
    )
    async def cancel_job(self, info: Info, input: CancelJobInput) -> CancelJobPayload:
        services = info.context.services
        try:
            job_id = decode_id(input.job_id, "ImportJob", field=["jobId"])
            job = await cancel_job(
                engine=services.engine,
                events=services.events,
                account_id=info.context.account_id,
                job_id=job_id,
                now=services.clock.now(),
            )
        except UserFacingError as error:
            return CancelJobPayload(user_errors=[UserError.from_error(error)])
        return CancelJobPayload(job=ImportJob.from_row(job))

    @strawberry.mutation(
        description="Report opens and clicks in bulk (never backed up, exported or restored)."
    )
    async def record_activities(
        self, info: Info, input: RecordActivitiesInput
    ) -> RecordActivitiesPayload:
        try:
            recorded = await record_activities(
                engine=info.context.engine,
                account_id=info.context.account_id,
                reports=_reports(input.activities),
            )
        except UserFacingError as error:
            return RecordActivitiesPayload(user_errors=[UserError.from_error(error)])
        return RecordActivitiesPayload(recorded=recorded)

    @strawberry.mutation(
        description="Erase an address from every group of the account and from every backup (the right to erasure). Not undoable."
    )
    async def erase_recipient(
        self, info: Info, input: EraseRecipientInput
    ) -> EraseRecipientPayload:
        try:
            erased = await erase_recipient(
                engine=info.context.engine,
                files=info.context.services.files,
                account_id=info.context.account_id,
                email=input.email,
            )
        except UserFacingError as error:
            return EraseRecipientPayload(user_errors=[UserError.from_error(error)])
        return EraseRecipientPayload(
            erased_recipients=erased.recipients,
            erased_versions=erased.versions,
            backups_changed=erased.backups_touched,
        )

    update_account_settings: UpdateAccountSettingsPayload = strawberry.mutation(
        resolver=update_account_settings,
        description="Change the account's settings: backup retention (it applies to the backups"
        " already taken), time zone, API backup window.",
    )

    @strawberry.mutation(
        description="Turn backups on or off, account-wide or for one group; effective at once."
    )
    async def set_backup_enabled(
        self, info: Info, input: SetBackupEnabledInput
    ) -> SetBackupEnabledPayload:
        services = info.context.services
        account_id = info.context.account_id
        try:
            group_id = (
                decode_id(input.group_id, "Group", field=["groupId"]) if input.group_id else None
            )
            await backup_cases.set_backup_enabled(
                engine=services.engine,
                account_id=account_id,
                group_id=group_id,
                enabled=input.enabled,
            )
        except UserFacingError as error:
            return SetBackupEnabledPayload(user_errors=[UserError.from_error(error)])
        async with read_transaction(services.engine) as conn:
            acc = Account.from_row(await account(conn, account_id=account_id))
            group = None
            if group_id is not None:
                row = (await groups_by_id(conn, account_id=account_id, ids=[group_id]))[group_id]
                group = Group.from_row(row)
        return SetBackupEnabledPayload(account=acc, group=group)

    @strawberry.mutation(
        description="Create an API token for this account; its secret is in the payload, shown once."
    )
    async def create_token(self, info: Info, input: CreateTokenInput) -> CreateTokenPayload:
        services = info.context.services
        try:
            issued = await issue_token(
                engine=services.engine,
                account_id=info.context.account_id,
                name=input.name,
                expires_at=input.expires_at,
                now=services.clock.now(),
            )
        except UserFacingError as error:
            return CreateTokenPayload(user_errors=[UserError.from_error(error)])
        return CreateTokenPayload(token=ApiToken.from_row(issued.token), secret=issued.secret)

    @strawberry.mutation(
        description="Revoke one of this account's tokens (the request's own too): refused from the next request on."
    )
    async def revoke_token(self, info: Info, input: RevokeTokenInput) -> RevokeTokenPayload:
        try:
            token_id = _token_id(input.token_id)
            await revoke_token(
                engine=info.context.engine, account_id=info.context.account_id, token_id=token_id
            )
        except UserFacingError as error:
            return RevokeTokenPayload(user_errors=[UserError.from_error(error)])
        return RevokeTokenPayload(revoked_token_id=strawberry.ID(encode_id("ApiToken", token_id)))

    # Writes for integrations and screens (issue 10), defined with their inputs and payloads.
    upsert_recipients = recipient_mutations.upsert_recipients
    update_recipient = recipient_mutations.update_recipient
    set_recipient_status = recipient_mutations.set_recipient_status
    delete_recipients = recipient_mutations.delete_recipients
    create_group = group_mutations.create_group
    rename_group = group_mutations.rename_group


async def _import_upload(
    info: Info,
    upload: UploadFile,
    input: ImportRecipientsInput,
    group_id: int | None,
    mode: str,
    mapping: list[tuple[str, str]] | None,
) -> int:
    """Queue the import of a file uploaded with the request; the job's id."""
    services = info.context.services
    size = upload.size
    if size is not None and size > services.settings.max_upload_bytes:
        raise FileTooLarge(
            f"The file is larger than {services.settings.max_upload_mb} MB.", field=["file"]
        )
    return await imports.start_import(
        engine=services.engine,
        files=services.files,
        account_id=info.context.account_id,
        upload=imports.UploadSource(filename=upload.filename, read=upload.read),
        group_id=group_id,
        group_name=input.group_name,
        mode=mode,
        field_mapping=mapping,
        max_bytes=services.settings.max_upload_bytes,
        now=services.clock.now(),
        started_by=info.context.token_name,
    )


def _staged_file_id(value: str) -> int:
    try:
        return decode_id(value, "StagedFile", field=["stagedFileId"])
    except NotFound:
        raise NotFound("No staged file with this id.", field=["stagedFileId"]) from None


def _token_id(value: str) -> int:
    try:
        return decode_id(value, "ApiToken", field=["tokenId"])
    except NotFound:
        raise NotFound("No token with this id.", field=["tokenId"]) from None
