/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Why a backup was made. */
export type BackupReason =
  | 'API'
  | 'GROUP_DELETION'
  | 'IMPORT'
  | 'RESTORE';

/** How an address differs between a backup and its group now. */
export type DifferenceKind =
  | 'ADDED'
  | 'CHANGED'
  | 'REMOVED';

/** Map one column of the file to a field: email, firstName, lastName, status, or an attribute name; an empty field skips the column. */
export type FieldMappingInput = {
  column: string;
  field: string;
};

/** ADD: only new addresses. REFRESH_AND_ADD: update existing, add new. REFRESH: update existing only. */
export type ImportMode =
  | 'ADD'
  | 'REFRESH'
  | 'REFRESH_AND_ADD';

/** What a job does: import a file, or restore a backup. */
export type JobKind =
  | 'IMPORT'
  | 'RESTORE';

/** Where a job is. */
export type JobStatus =
  | 'CANCELLED'
  | 'CANCELLING'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

/** ADDED, UPDATED, STATUS_KEPT (nothing changed but the file's status was refused), SKIPPED (left aside by the mode), REMOVED (only a REPLACE removes). */
export type RecipientChangeKind =
  | 'ADDED'
  | 'REMOVED'
  | 'SKIPPED'
  | 'STATUS_KEPT'
  | 'UPDATED';

/** A recipient as an import row: the same checks, and an empty or null field keeps the stored value. */
export type RecipientInput = {
  /** Custom master data as an object of names to strings, e.g. {"city": "Paris"}; a null or empty value is no value. */
  attributes?: Record<string, string | null> | null | undefined;
  email: string;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  status?: RecipientStatus | null | undefined;
};

/** Where a recipient stands for sending. */
export type RecipientStatus =
  | 'ACTIVE'
  | 'BOUNCED'
  | 'INACTIVE'
  | 'UNSUBSCRIBED';

export type RestoreBackupInput = {
  /** Instead of backupId: restore the group exactly as it was at this moment (within the retention period, backups on). The group is sourceGroupId, else groupId (a group restored into itself, e.g. with strategy REPLACE). */
  asOf?: string | null | undefined;
  /** The backup to restore; or give asOf instead (exactly one). */
  backupId?: string | number | null | undefined;
  /** Restore into this group, or */
  groupId?: string | number | null | undefined;
  /** into a new group; neither: a new group named after the backup. */
  groupName?: string | null | undefined;
  /** With asOf: the group whose state at that moment is restored. */
  sourceGroupId?: string | number | null | undefined;
  strategy?: RestoreStrategy | null | undefined;
};

/** REFRESH_AND_ADD: update and add, keep recipients added since. REPLACE: make the group exactly as it was. */
export type RestoreStrategy =
  | 'REFRESH_AND_ADD'
  | 'REPLACE';

/** A null or absent field keeps its value; an empty name clears it; an attribute with a null or empty value is removed, the others set, unnamed ones kept. */
export type UpdateRecipientInput = {
  /** An object of names to strings: each given one is set, or removed when null or empty; the others are kept. */
  attributes?: Record<string, string | null> | null | undefined;
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  recipientId: string | number;
};

/** Stable codes of expected failures. */
export type UserErrorCode =
  | 'CONFLICT'
  | 'FILE_TOO_LARGE'
  | 'INVALID_INPUT'
  | 'LIMIT_REACHED'
  | 'NOT_FOUND'
  | 'STATUS_GUARDED'
  | 'UNSUPPORTED_FILE';

export type AppShellQueryVariables = Exact<{ [key: string]: never; }>;


export type AppShellQuery = { viewer: { id: string, name: string, timeZone: string } };

export type BackupsPageQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  timeZone?: string | null | undefined;
}>;


export type BackupsPageQuery = { viewer: { id: string, timeZone: string }, backupOverview: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, groupId: string, groupName: string, backupCount: number, latestBackupAt: string, timeZone: string, group: { id: string, name: string, recipientCount: number } | null, dayConnection: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ node: { id: string, date: string, backups: Array<{ id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, job: { id: string, kind: JobKind, fileName: string | null } | null, group: { id: string, name: string } | null }> } }> } } }> } };

export type GroupBackupDaysQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type GroupBackupDaysQuery = { node:
    | { id: string, dayConnection: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ node: { id: string, date: string, backups: Array<{ id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, job: { id: string, kind: JobKind, fileName: string | null } | null, group: { id: string, name: string } | null }> } }> } }
    | Record<PropertyKey, never>
   | null };

export type BackupDayFieldsFragment = { id: string, date: string, backups: Array<{ id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, job: { id: string, kind: JobKind, fileName: string | null } | null, group: { id: string, name: string } | null }> };

export type BackupDownloadQueryVariables = Exact<{
  backupId: string | number;
}>;


export type BackupDownloadQuery = { node:
    | { id: string, downloadUrl: string, downloadUrlExpiresAt: string }
    | Record<PropertyKey, never>
   | null };

export type PageInfoFieldsFragment = { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null };

export type UserErrorFieldsFragment = { field: Array<string> | null, message: string, code: UserErrorCode };

export type BackupFieldsFragment = { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null };

export type ImportJobFieldsFragment = { id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null };

export type GroupListItemFragment = { id: string, name: string, createdAt: string, recipientCount: number, backupsEnabled: boolean, backupsActive: boolean };

export type GroupListQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type GroupListQuery = { viewer: { id: string, timeZone: string }, groups: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, createdAt: string, recipientCount: number, backupsEnabled: boolean, backupsActive: boolean } }> } };

export type GroupRecipientsQueryVariables = Exact<{
  groupId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  search?: string | null | undefined;
  status?: RecipientStatus | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type GroupRecipientsQuery = { viewer: { id: string, timeZone: string }, node:
    | { id: string, name: string, createdAt: string, recipientCount: number, backupsEnabled: boolean, backupsActive: boolean, recipients: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, email: string, firstName: string | null, lastName: string | null, status: RecipientStatus, createdAt: string, updatedAt: string, attributes: Array<{ name: string, value: string }> } }> } }
    | Record<PropertyKey, never>
   | null };

export type GroupExportQueryVariables = Exact<{
  groupId: string | number;
}>;


export type GroupExportQuery = { node:
    | { id: string, exportUrl: string, exportUrlExpiresAt: string }
    | Record<PropertyKey, never>
   | null };

export type CreateGroupMutationVariables = Exact<{
  name: string;
}>;


export type CreateGroupMutation = { createGroup: { group: { id: string, name: string, createdAt: string, recipientCount: number, backupsEnabled: boolean, backupsActive: boolean } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type RenameGroupMutationVariables = Exact<{
  groupId: string | number;
  name: string;
}>;


export type RenameGroupMutation = { renameGroup: { group: { id: string, name: string } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type UpsertRecipientsMutationVariables = Exact<{
  groupId: string | number;
  mode?: ImportMode | null | undefined;
  recipients: Array<RecipientInput> | RecipientInput;
}>;


export type UpsertRecipientsMutation = { upsertRecipients: { added: number, updated: number, unchanged: number, skipped: number, statusKept: number, rejected: number, group: { id: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, rowErrors: Array<{ row: number, column: string | null, code: string, message: string }>, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type RecipientWriteResultFragment = { recipient: { id: string, email: string, firstName: string | null, lastName: string | null, status: RecipientStatus, updatedAt: string, attributes: Array<{ name: string, value: string }> } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> };

export type UpdateRecipientMutationVariables = Exact<{
  input: UpdateRecipientInput;
}>;


export type UpdateRecipientMutation = { updateRecipient: { recipient: { id: string, email: string, firstName: string | null, lastName: string | null, status: RecipientStatus, updatedAt: string, attributes: Array<{ name: string, value: string }> } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type SetRecipientStatusMutationVariables = Exact<{
  recipientId: string | number;
  status: RecipientStatus;
  resubscribe?: boolean | null | undefined;
}>;


export type SetRecipientStatusMutation = { setRecipientStatus: { recipient: { id: string, email: string, firstName: string | null, lastName: string | null, status: RecipientStatus, updatedAt: string, attributes: Array<{ name: string, value: string }> } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type DeleteRecipientsMutationVariables = Exact<{
  groupId: string | number;
  recipientIds?: Array<string | number> | string | number | null | undefined;
  emails?: Array<string> | string | null | undefined;
}>;


export type DeleteRecipientsMutation = { deleteRecipients: { deleted: number, group: { id: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type ImportRecipientsMutationVariables = Exact<{
  file: File;
  groupId?: string | number | null | undefined;
  groupName?: string | null | undefined;
  mode?: ImportMode;
  fieldMapping?: Array<FieldMappingInput> | FieldMappingInput | null | undefined;
}>;


export type ImportRecipientsMutation = { importRecipients: { job: { id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type ImportJobStatusQueryVariables = Exact<{
  id: string | number;
  rowErrors?: number | null | undefined;
}>;


export type ImportJobStatusQuery = { importJob: { rejectedRowsUrl: string | null, rejectedRowsUrlExpiresAt: string | null, id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, rowErrors: Array<{ row: number, column: string | null, message: string, code: string }>, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } | null };

export type ImportJobRowErrorsQueryVariables = Exact<{
  id: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ImportJobRowErrorsQuery = { importJob: { id: string, rejected: number, rowErrorConnection: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { row: number, column: string | null, message: string, code: string } }> } } | null };

export type ImportJobProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type ImportJobProgressSubscription = { importJob: { id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } };

export type CancelJobMutationVariables = Exact<{
  jobId: string | number;
}>;


export type CancelJobMutation = { cancelJob: { job: { id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type StageFileMutationVariables = Exact<{
  file: File;
}>;


export type StageFileMutation = { stageFile: { stagedFile: { id: string, fileName: string | null, sizeBytes: number, encoding: string, delimiter: string, rowEstimate: number, expiresAt: string, columns: Array<{ index: number, header: string, suggestedField: string | null, samples: Array<string> }> } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type ImportStagedFileMutationVariables = Exact<{
  stagedFileId: string | number;
  groupId?: string | number | null | undefined;
  groupName?: string | null | undefined;
  mode?: ImportMode;
  fieldMapping?: Array<FieldMappingInput> | FieldMappingInput | null | undefined;
}>;


export type ImportStagedFileMutation = { importRecipients: { job: { id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type PreviewImportMutationVariables = Exact<{
  stagedFileId: string | number;
  groupId?: string | number | null | undefined;
  groupName?: string | null | undefined;
  mode?: ImportMode;
  fieldMapping?: Array<FieldMappingInput> | FieldMappingInput | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  kind?: RecipientChangeKind | null | undefined;
  errorsAfter?: string | null | undefined;
}>;


export type PreviewImportMutation = { previewImport: { preview: { added: number, updated: number, unchanged: number, skipped: number, rejected: number, statusKept: number, removed: number, changes: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { email: string, kind: RecipientChangeKind, statusKept: boolean, before: { email: string, firstName: string | null, lastName: string | null, status: RecipientStatus, attributes: Record<string, string | null> } | null, after: { email: string, firstName: string | null, lastName: string | null, status: RecipientStatus, attributes: Record<string, string | null> } | null } }> }, rowErrors: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { row: number, column: string | null, code: string, message: string } }> } } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type ImportWizardResultQueryVariables = Exact<{
  id: string | number;
  rowErrors?: number | null | undefined;
}>;


export type ImportWizardResultQuery = { importJob: { fileName: string | null, statusKept: number, rejectedRowsUrl: string | null, rejectedRowsUrlExpiresAt: string | null, id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, rowErrors: Array<{ row: number, column: string | null, message: string, code: string }>, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } | null };

export type JobHistoryFieldsFragment = { fileName: string | null, sizeBytes: number | null, startedBy: string | null, statusKept: number, rejectedRowsUrl: string | null, id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null };

export type JobHistoryQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  groupId?: string | number | null | undefined;
  kind?: JobKind | null | undefined;
  status?: JobStatus | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type JobHistoryQuery = { viewer: { id: string, timeZone: string }, jobs: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { fileName: string | null, sizeBytes: number | null, startedBy: string | null, statusKept: number, rejectedRowsUrl: string | null, id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } }> } };

export type GroupJobHistoryQueryVariables = Exact<{
  groupId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
  kind?: JobKind | null | undefined;
  status?: JobStatus | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type GroupJobHistoryQuery = { node:
    | { id: string, name: string, jobs: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { fileName: string | null, sizeBytes: number | null, startedBy: string | null, statusKept: number, rejectedRowsUrl: string | null, id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } }> } }
    | Record<PropertyKey, never>
   | null };

export type BackupMadeByQueryVariables = Exact<{
  backupId: string | number;
}>;


export type BackupMadeByQuery = { node:
    | { id: string, reason: BackupReason, job: { id: string, kind: JobKind, fileName: string | null, startedBy: string | null, createdAt: string } | null }
    | Record<PropertyKey, never>
   | null };

export type GroupBackupsQueryVariables = Exact<{
  groupId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type GroupBackupsQuery = { backups: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } }> } };

export type RestoreBackupMutationVariables = Exact<{
  input: RestoreBackupInput;
}>;


export type RestoreBackupMutation = { restoreBackup: { job: { id: string, kind: JobKind, status: JobStatus, mode: ImportMode, restoreStrategy: RestoreStrategy | null, totalRows: number | null, processedRows: number, added: number, updated: number, unchanged: number, skipped: number, removed: number, rejected: number, error: string | null, createdAt: string, finishedAt: string | null, group: { id: string, name: string, recipientCount: number } | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, sourceBackup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type DeleteGroupMutationVariables = Exact<{
  groupId: string | number;
}>;


export type DeleteGroupMutation = { deleteGroup: { deletedGroupId: string | null, backup: { id: string, groupName: string, reason: BackupReason, createdAt: string, expiresAt: string, recipientCount: number, group: { id: string, name: string } | null } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type BackupComparisonQueryVariables = Exact<{
  backupId: string | number;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type BackupComparisonQuery = { node:
    | { id: string, groupName: string, createdAt: string, comparison: { unchanged: number, changed: number, added: number, removed: number, differences: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { email: string, kind: DifferenceKind } }> } } | null }
    | Record<PropertyKey, never>
   | null };

export type GroupAsOfQueryVariables = Exact<{
  groupId: string | number;
  asOf: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type GroupAsOfQuery = { node:
    | { id: string, name: string, downloadUrl: string, comparison: { unchanged: number, changed: number, added: number, removed: number, differences: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { email: string, kind: DifferenceKind } }> } } }
    | Record<PropertyKey, never>
   | null };

export type SettingsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type SettingsQuery = { viewer: { id: string, name: string, backupsEnabled: boolean, backupRetentionDays: number, timeZone: string, apiBackupWindowMinutes: number }, groups: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, backupsEnabled: boolean, backupsActive: boolean } }> } };

export type UpdateAccountSettingsMutationVariables = Exact<{
  retentionDays?: number | null | undefined;
  timeZone?: string | null | undefined;
  apiBackupWindowMinutes?: number | null | undefined;
}>;


export type UpdateAccountSettingsMutation = { updateAccountSettings: { backupsToRemove: number, account: { id: string, backupRetentionDays: number, timeZone: string, apiBackupWindowMinutes: number } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type SetAccountBackupsEnabledMutationVariables = Exact<{
  enabled: boolean;
}>;


export type SetAccountBackupsEnabledMutation = { setBackupEnabled: { account: { id: string, backupsEnabled: boolean } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type SetGroupBackupsEnabledMutationVariables = Exact<{
  groupId: string | number;
  enabled: boolean;
}>;


export type SetGroupBackupsEnabledMutation = { setBackupEnabled: { group: { id: string, backupsEnabled: boolean, backupsActive: boolean } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type EraseRecipientMutationVariables = Exact<{
  email: string;
}>;


export type EraseRecipientMutation = { eraseRecipient: { erasedRecipients: number, erasedVersions: number, backupsChanged: number, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type ApiTokenFieldsFragment = { id: string, name: string, createdAt: string, expiresAt: string | null, lastUsedAt: string | null, current: boolean };

export type ApiTokensQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiTokensQuery = { viewer: { id: string, tokens: Array<{ id: string, name: string, createdAt: string, expiresAt: string | null, lastUsedAt: string | null, current: boolean }> } };

export type CreateApiTokenMutationVariables = Exact<{
  name: string;
  expiresAt?: string | null | undefined;
}>;


export type CreateApiTokenMutation = { createToken: { secret: string | null, token: { id: string, name: string, createdAt: string, expiresAt: string | null, lastUsedAt: string | null, current: boolean } | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type RevokeApiTokenMutationVariables = Exact<{
  tokenId: string | number;
}>;


export type RevokeApiTokenMutation = { revokeToken: { revokedTokenId: string | null, userErrors: Array<{ field: Array<string> | null, message: string, code: UserErrorCode }> } };

export type OldestBackupsQueryVariables = Exact<{
  last: number;
  before?: string | null | undefined;
}>;


export type OldestBackupsQuery = { backups: { totalCount: number, pageInfo: { hasPreviousPage: boolean, startCursor: string | null }, edges: Array<{ node: { id: string, createdAt: string } }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BackupFieldsFragmentDoc = new TypedDocumentString(`
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
    `, {"fragmentName":"BackupFields"}) as unknown as TypedDocumentString<BackupFieldsFragment, unknown>;
export const BackupDayFieldsFragmentDoc = new TypedDocumentString(`
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
    job {
      id
      kind
      fileName
    }
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`, {"fragmentName":"BackupDayFields"}) as unknown as TypedDocumentString<BackupDayFieldsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
    `, {"fragmentName":"PageInfoFields"}) as unknown as TypedDocumentString<PageInfoFieldsFragment, unknown>;
export const GroupListItemFragmentDoc = new TypedDocumentString(`
    fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}
    `, {"fragmentName":"GroupListItem"}) as unknown as TypedDocumentString<GroupListItemFragment, unknown>;
export const UserErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment UserErrorFields on UserError {
  field
  message
  code
}
    `, {"fragmentName":"UserErrorFields"}) as unknown as TypedDocumentString<UserErrorFieldsFragment, unknown>;
export const RecipientWriteResultFragmentDoc = new TypedDocumentString(`
    fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`, {"fragmentName":"RecipientWriteResult"}) as unknown as TypedDocumentString<RecipientWriteResultFragment, unknown>;
export const ImportJobFieldsFragmentDoc = new TypedDocumentString(`
    fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`, {"fragmentName":"ImportJobFields"}) as unknown as TypedDocumentString<ImportJobFieldsFragment, unknown>;
export const JobHistoryFieldsFragmentDoc = new TypedDocumentString(`
    fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
  statusKept
  rejectedRowsUrl
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`, {"fragmentName":"JobHistoryFields"}) as unknown as TypedDocumentString<JobHistoryFieldsFragment, unknown>;
export const ApiTokenFieldsFragmentDoc = new TypedDocumentString(`
    fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}
    `, {"fragmentName":"ApiTokenFields"}) as unknown as TypedDocumentString<ApiTokenFieldsFragment, unknown>;
export const AppShellDocument = new TypedDocumentString(`
    query AppShell {
  viewer {
    id
    name
    timeZone
  }
}
    `) as unknown as TypedDocumentString<AppShellQuery, AppShellQueryVariables>;
export const BackupsPageDocument = new TypedDocumentString(`
    query BackupsPage($first: Int = 20, $after: String, $last: Int, $before: String, $timeZone: String) {
  viewer {
    id
    timeZone
  }
  backupOverview(
    first: $first
    after: $after
    last: $last
    before: $before
    timeZone: $timeZone
  ) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        id
        groupId
        groupName
        backupCount
        latestBackupAt
        timeZone
        group {
          id
          name
          recipientCount
        }
        dayConnection(first: 7) {
          totalCount
          pageInfo {
            ...PageInfoFields
          }
          edges {
            node {
              ...BackupDayFields
            }
          }
        }
      }
    }
  }
}
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
    job {
      id
      kind
      fileName
    }
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`) as unknown as TypedDocumentString<BackupsPageQuery, BackupsPageQueryVariables>;
export const GroupBackupDaysDocument = new TypedDocumentString(`
    query GroupBackupDays($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) {
    ... on GroupBackups {
      id
      dayConnection(first: $first, after: $after, last: $last, before: $before) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            ...BackupDayFields
          }
        }
      }
    }
  }
}
    fragment BackupDayFields on BackupDay {
  id
  date
  backups {
    ...BackupFields
    job {
      id
      kind
      fileName
    }
  }
}
fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`) as unknown as TypedDocumentString<GroupBackupDaysQuery, GroupBackupDaysQueryVariables>;
export const BackupDownloadDocument = new TypedDocumentString(`
    query BackupDownload($backupId: ID!) {
  node(id: $backupId) {
    ... on Backup {
      id
      downloadUrl
      downloadUrlExpiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<BackupDownloadQuery, BackupDownloadQueryVariables>;
export const GroupListDocument = new TypedDocumentString(`
    query GroupList($first: Int = 50, $after: String, $last: Int, $before: String) {
  viewer {
    id
    timeZone
  }
  groups(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...GroupListItem
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`) as unknown as TypedDocumentString<GroupListQuery, GroupListQueryVariables>;
export const GroupRecipientsDocument = new TypedDocumentString(`
    query GroupRecipients($groupId: ID!, $first: Int = 50, $after: String, $search: String, $status: RecipientStatus, $last: Int, $before: String) {
  viewer {
    id
    timeZone
  }
  node(id: $groupId) {
    ... on Group {
      ...GroupListItem
      recipients(
        first: $first
        after: $after
        last: $last
        before: $before
        search: $search
        status: $status
      ) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            id
            email
            firstName
            lastName
            status
            createdAt
            updatedAt
            attributes {
              name
              value
            }
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`) as unknown as TypedDocumentString<GroupRecipientsQuery, GroupRecipientsQueryVariables>;
export const GroupExportDocument = new TypedDocumentString(`
    query GroupExport($groupId: ID!) {
  node(id: $groupId) {
    ... on Group {
      id
      exportUrl
      exportUrlExpiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<GroupExportQuery, GroupExportQueryVariables>;
export const CreateGroupDocument = new TypedDocumentString(`
    mutation CreateGroup($name: String!) {
  createGroup(input: {name: $name}) {
    group {
      ...GroupListItem
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment GroupListItem on Group {
  id
  name
  createdAt
  recipientCount
  backupsEnabled
  backupsActive
}`) as unknown as TypedDocumentString<CreateGroupMutation, CreateGroupMutationVariables>;
export const RenameGroupDocument = new TypedDocumentString(`
    mutation RenameGroup($groupId: ID!, $name: String!) {
  renameGroup(input: {groupId: $groupId, name: $name}) {
    group {
      id
      name
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<RenameGroupMutation, RenameGroupMutationVariables>;
export const UpsertRecipientsDocument = new TypedDocumentString(`
    mutation UpsertRecipients($groupId: ID!, $mode: ImportMode = REFRESH_AND_ADD, $recipients: [RecipientInput!]!) {
  upsertRecipients(
    input: {groupId: $groupId, mode: $mode, recipients: $recipients}
  ) {
    group {
      id
      recipientCount
    }
    backup {
      ...BackupFields
    }
    added
    updated
    unchanged
    skipped
    statusKept
    rejected
    rowErrors {
      row
      column
      code
      message
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`) as unknown as TypedDocumentString<UpsertRecipientsMutation, UpsertRecipientsMutationVariables>;
export const UpdateRecipientDocument = new TypedDocumentString(`
    mutation UpdateRecipient($input: UpdateRecipientInput!) {
  updateRecipient(input: $input) {
    ...RecipientWriteResult
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}`) as unknown as TypedDocumentString<UpdateRecipientMutation, UpdateRecipientMutationVariables>;
export const SetRecipientStatusDocument = new TypedDocumentString(`
    mutation SetRecipientStatus($recipientId: ID!, $status: RecipientStatus!, $resubscribe: Boolean = false) {
  setRecipientStatus(
    input: {recipientId: $recipientId, status: $status, resubscribe: $resubscribe}
  ) {
    ...RecipientWriteResult
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment RecipientWriteResult on RecipientWritePayload {
  recipient {
    id
    email
    firstName
    lastName
    status
    updatedAt
    attributes {
      name
      value
    }
  }
  backup {
    ...BackupFields
  }
  userErrors {
    ...UserErrorFields
  }
}`) as unknown as TypedDocumentString<SetRecipientStatusMutation, SetRecipientStatusMutationVariables>;
export const DeleteRecipientsDocument = new TypedDocumentString(`
    mutation DeleteRecipients($groupId: ID!, $recipientIds: [ID!], $emails: [String!]) {
  deleteRecipients(
    input: {groupId: $groupId, recipientIds: $recipientIds, emails: $emails}
  ) {
    deleted
    group {
      id
      recipientCount
    }
    backup {
      ...BackupFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`) as unknown as TypedDocumentString<DeleteRecipientsMutation, DeleteRecipientsMutationVariables>;
export const ImportRecipientsDocument = new TypedDocumentString(`
    mutation ImportRecipients($file: Upload!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!]) {
  importRecipients(
    input: {file: $file, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<ImportRecipientsMutation, ImportRecipientsMutationVariables>;
export const ImportJobStatusDocument = new TypedDocumentString(`
    query ImportJobStatus($id: ID!, $rowErrors: Int = 100) {
  importJob(id: $id) {
    ...ImportJobFields
    rejectedRowsUrl
    rejectedRowsUrlExpiresAt
    rowErrors(first: $rowErrors) {
      row
      column
      message
      code
    }
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<ImportJobStatusQuery, ImportJobStatusQueryVariables>;
export const ImportJobRowErrorsDocument = new TypedDocumentString(`
    query ImportJobRowErrors($id: ID!, $first: Int = 100, $after: String) {
  importJob(id: $id) {
    id
    rejected
    rowErrorConnection(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        cursor
        node {
          row
          column
          message
          code
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}`) as unknown as TypedDocumentString<ImportJobRowErrorsQuery, ImportJobRowErrorsQueryVariables>;
export const ImportJobProgressDocument = new TypedDocumentString(`
    subscription ImportJobProgress($id: ID!) {
  importJob(id: $id) {
    ...ImportJobFields
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<ImportJobProgressSubscription, ImportJobProgressSubscriptionVariables>;
export const CancelJobDocument = new TypedDocumentString(`
    mutation CancelJob($jobId: ID!) {
  cancelJob(input: {jobId: $jobId}) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<CancelJobMutation, CancelJobMutationVariables>;
export const StageFileDocument = new TypedDocumentString(`
    mutation StageFile($file: Upload!) {
  stageFile(input: {file: $file}) {
    stagedFile {
      id
      fileName
      sizeBytes
      encoding
      delimiter
      rowEstimate
      expiresAt
      columns {
        index
        header
        suggestedField
        samples
      }
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<StageFileMutation, StageFileMutationVariables>;
export const ImportStagedFileDocument = new TypedDocumentString(`
    mutation ImportStagedFile($stagedFileId: ID!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!]) {
  importRecipients(
    input: {stagedFileId: $stagedFileId, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<ImportStagedFileMutation, ImportStagedFileMutationVariables>;
export const PreviewImportDocument = new TypedDocumentString(`
    mutation PreviewImport($stagedFileId: ID!, $groupId: ID, $groupName: String, $mode: ImportMode! = ADD, $fieldMapping: [FieldMappingInput!], $first: Int = 20, $after: String, $kind: RecipientChangeKind, $errorsAfter: String) {
  previewImport(
    input: {stagedFileId: $stagedFileId, groupId: $groupId, groupName: $groupName, mode: $mode, fieldMapping: $fieldMapping}
  ) {
    preview {
      added
      updated
      unchanged
      skipped
      rejected
      statusKept
      removed
      changes(first: $first, after: $after, kind: $kind) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            email
            kind
            statusKept
            before {
              email
              firstName
              lastName
              status
              attributes
            }
            after {
              email
              firstName
              lastName
              status
              attributes
            }
          }
        }
      }
      rowErrors(first: $first, after: $errorsAfter) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            row
            column
            code
            message
          }
        }
      }
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<PreviewImportMutation, PreviewImportMutationVariables>;
export const ImportWizardResultDocument = new TypedDocumentString(`
    query ImportWizardResult($id: ID!, $rowErrors: Int = 20) {
  importJob(id: $id) {
    ...ImportJobFields
    fileName
    statusKept
    rejectedRowsUrl
    rejectedRowsUrlExpiresAt
    rowErrors(first: $rowErrors) {
      row
      column
      message
      code
    }
  }
}
    fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<ImportWizardResultQuery, ImportWizardResultQueryVariables>;
export const JobHistoryDocument = new TypedDocumentString(`
    query JobHistory($first: Int = 20, $after: String, $groupId: ID, $kind: JobKind, $status: JobStatus, $last: Int, $before: String) {
  viewer {
    id
    timeZone
  }
  jobs(
    first: $first
    after: $after
    last: $last
    before: $before
    groupId: $groupId
    kind: $kind
    status: $status
  ) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...JobHistoryFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
  statusKept
  rejectedRowsUrl
}`) as unknown as TypedDocumentString<JobHistoryQuery, JobHistoryQueryVariables>;
export const GroupJobHistoryDocument = new TypedDocumentString(`
    query GroupJobHistory($groupId: ID!, $first: Int = 20, $after: String, $kind: JobKind, $status: JobStatus, $last: Int, $before: String) {
  node(id: $groupId) {
    ... on Group {
      id
      name
      jobs(
        first: $first
        after: $after
        last: $last
        before: $before
        kind: $kind
        status: $status
      ) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          cursor
          node {
            ...JobHistoryFields
          }
        }
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}
fragment JobHistoryFields on ImportJob {
  ...ImportJobFields
  fileName
  sizeBytes
  startedBy
  statusKept
  rejectedRowsUrl
}`) as unknown as TypedDocumentString<GroupJobHistoryQuery, GroupJobHistoryQueryVariables>;
export const BackupMadeByDocument = new TypedDocumentString(`
    query BackupMadeBy($backupId: ID!) {
  node(id: $backupId) {
    ... on Backup {
      id
      reason
      job {
        id
        kind
        fileName
        startedBy
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<BackupMadeByQuery, BackupMadeByQueryVariables>;
export const GroupBackupsDocument = new TypedDocumentString(`
    query GroupBackups($groupId: ID!, $first: Int = 20, $after: String) {
  backups(groupId: $groupId, first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      cursor
      node {
        ...BackupFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`) as unknown as TypedDocumentString<GroupBackupsQuery, GroupBackupsQueryVariables>;
export const RestoreBackupDocument = new TypedDocumentString(`
    mutation RestoreBackup($input: RestoreBackupInput!) {
  restoreBackup(input: $input) {
    job {
      ...ImportJobFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}
fragment ImportJobFields on ImportJob {
  id
  kind
  status
  mode
  restoreStrategy
  totalRows
  processedRows
  added
  updated
  unchanged
  skipped
  removed
  rejected
  error
  createdAt
  finishedAt
  group {
    id
    name
    recipientCount
  }
  backup {
    ...BackupFields
  }
  sourceBackup {
    ...BackupFields
  }
}`) as unknown as TypedDocumentString<RestoreBackupMutation, RestoreBackupMutationVariables>;
export const DeleteGroupDocument = new TypedDocumentString(`
    mutation DeleteGroup($groupId: ID!) {
  deleteGroup(input: {groupId: $groupId}) {
    deletedGroupId
    backup {
      ...BackupFields
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment BackupFields on Backup {
  id
  groupName
  reason
  createdAt
  expiresAt
  recipientCount
  group {
    id
    name
  }
}`) as unknown as TypedDocumentString<DeleteGroupMutation, DeleteGroupMutationVariables>;
export const BackupComparisonDocument = new TypedDocumentString(`
    query BackupComparison($backupId: ID!, $first: Int = 50, $after: String) {
  node(id: $backupId) {
    ... on Backup {
      id
      groupName
      createdAt
      comparison {
        unchanged
        changed
        added
        removed
        differences(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              email
              kind
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<BackupComparisonQuery, BackupComparisonQueryVariables>;
export const GroupAsOfDocument = new TypedDocumentString(`
    query GroupAsOf($groupId: ID!, $asOf: DateTime!, $first: Int = 50, $after: String) {
  node(id: $groupId) {
    ... on Group {
      id
      name
      downloadUrl(asOf: $asOf)
      comparison(asOf: $asOf) {
        unchanged
        changed
        added
        removed
        differences(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            endCursor
          }
          edges {
            node {
              email
              kind
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<GroupAsOfQuery, GroupAsOfQueryVariables>;
export const SettingsDocument = new TypedDocumentString(`
    query Settings($first: Int = 50, $after: String) {
  viewer {
    id
    name
    backupsEnabled
    backupRetentionDays
    timeZone
    apiBackupWindowMinutes
  }
  groups(first: $first, after: $after) {
    totalCount
    pageInfo {
      ...PageInfoFields
    }
    edges {
      node {
        id
        name
        backupsEnabled
        backupsActive
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  hasNextPage
  hasPreviousPage
  startCursor
  endCursor
}`) as unknown as TypedDocumentString<SettingsQuery, SettingsQueryVariables>;
export const UpdateAccountSettingsDocument = new TypedDocumentString(`
    mutation UpdateAccountSettings($retentionDays: Int, $timeZone: String, $apiBackupWindowMinutes: Int) {
  updateAccountSettings(
    input: {retentionDays: $retentionDays, timeZone: $timeZone, apiBackupWindowMinutes: $apiBackupWindowMinutes}
  ) {
    account {
      id
      backupRetentionDays
      timeZone
      apiBackupWindowMinutes
    }
    backupsToRemove
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<UpdateAccountSettingsMutation, UpdateAccountSettingsMutationVariables>;
export const SetAccountBackupsEnabledDocument = new TypedDocumentString(`
    mutation SetAccountBackupsEnabled($enabled: Boolean!) {
  setBackupEnabled(input: {enabled: $enabled}) {
    account {
      id
      backupsEnabled
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<SetAccountBackupsEnabledMutation, SetAccountBackupsEnabledMutationVariables>;
export const SetGroupBackupsEnabledDocument = new TypedDocumentString(`
    mutation SetGroupBackupsEnabled($groupId: ID!, $enabled: Boolean!) {
  setBackupEnabled(input: {enabled: $enabled, groupId: $groupId}) {
    group {
      id
      backupsEnabled
      backupsActive
    }
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<SetGroupBackupsEnabledMutation, SetGroupBackupsEnabledMutationVariables>;
export const EraseRecipientDocument = new TypedDocumentString(`
    mutation EraseRecipient($email: String!) {
  eraseRecipient(input: {email: $email}) {
    erasedRecipients
    erasedVersions
    backupsChanged
    userErrors {
      field
      message
      code
    }
  }
}
    `) as unknown as TypedDocumentString<EraseRecipientMutation, EraseRecipientMutationVariables>;
export const ApiTokensDocument = new TypedDocumentString(`
    query ApiTokens {
  viewer {
    id
    tokens {
      ...ApiTokenFields
    }
  }
}
    fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}`) as unknown as TypedDocumentString<ApiTokensQuery, ApiTokensQueryVariables>;
export const CreateApiTokenDocument = new TypedDocumentString(`
    mutation CreateApiToken($name: String!, $expiresAt: DateTime) {
  createToken(input: {name: $name, expiresAt: $expiresAt}) {
    token {
      ...ApiTokenFields
    }
    secret
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}
fragment ApiTokenFields on ApiToken {
  id
  name
  createdAt
  expiresAt
  lastUsedAt
  current
}`) as unknown as TypedDocumentString<CreateApiTokenMutation, CreateApiTokenMutationVariables>;
export const RevokeApiTokenDocument = new TypedDocumentString(`
    mutation RevokeApiToken($tokenId: ID!) {
  revokeToken(input: {tokenId: $tokenId}) {
    revokedTokenId
    userErrors {
      ...UserErrorFields
    }
  }
}
    fragment UserErrorFields on UserError {
  field
  message
  code
}`) as unknown as TypedDocumentString<RevokeApiTokenMutation, RevokeApiTokenMutationVariables>;
export const OldestBackupsDocument = new TypedDocumentString(`
    query OldestBackups($last: Int!, $before: String) {
  backups(last: $last, before: $before) {
    totalCount
    pageInfo {
      hasPreviousPage
      startCursor
    }
    edges {
      node {
        id
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<OldestBackupsQuery, OldestBackupsQueryVariables>;