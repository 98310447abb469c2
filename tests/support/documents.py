"""The GraphQL documents several test modules send."""

from __future__ import annotations

JOB_FIELDS = """
  id status mode kind totalRows processedRows added updated unchanged skipped removed rejected
  error createdAt finishedAt
  group { id name recipientCount }
  backup { id reason recipientCount groupName }
  rowErrors(first: 1000) { row column message code }
"""

IMPORT = (
    "mutation Import($input: ImportRecipientsInput!) { importRecipients(input: $input) {"
    f" job {{ {JOB_FIELDS} }} userErrors {{ field message code }} }} }}"
)
JOB = f"query Job($id: ID!) {{ importJob(id: $id) {{ {JOB_FIELDS} }} }}"

BACKUP_FIELDS = (
    "id reason groupName recipientCount createdAt expiresAt downloadUrl group { id name }"
)
BACKUPS = f"query B($g: ID, $after: String) {{ backups(groupId: $g, first: 50, after: $after) {{ totalCount edges {{ node {{ {BACKUP_FIELDS} }} }} }} }}"
OVERVIEW = f"""query O($first: Int, $after: String) {{ backupOverview(first: $first, after: $after) {{
  totalCount pageInfo {{ hasNextPage endCursor }}
  edges {{ cursor node {{ groupId groupName backupCount latestBackupAt group {{ id name }}
    days {{ date backups {{ {BACKUP_FIELDS} }} }} }} }} }} }}"""
DELETE = "mutation D($input: DeleteGroupInput!) { deleteGroup(input: $input) { deletedGroupId backup { id reason groupName recipientCount group { id } } userErrors { field message code } } }"
RESTORE = f"mutation R($input: RestoreBackupInput!) {{ restoreBackup(input: $input) {{ job {{ {JOB_FIELDS} }} userErrors {{ field message code }} }} }}"
COMPARE = """query C($id: ID!, $after: String) { node(id: $id) { ... on Backup {
  comparison { unchanged changed added removed
    differences(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { email kind } } } } } } }"""
ERASE = """mutation E($input: EraseRecipientInput!) { eraseRecipient(input: $input) {
  erasedRecipients erasedVersions backupsChanged userErrors { field code } } }"""
