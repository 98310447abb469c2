// What shortening the retention would remove, counted before the change is made: the backups
// taken more than `days` days ago. The server tells the exact count once saved (backupsToRemove,
// which leaves out backups a running restore reads); this count is for the confirmation.
import type { GraphQLClient } from "../../api/client";
import { OldestBackupsDocument, type OldestBackupsQuery } from "../../gql/graphql";

const PAGE = 100;
/** Past this many pages the confirmation says "at least": the count stays a few requests long. */
const MAX_PAGES = 20;
const DAY_MS = 86_400_000;

export interface RemovalCount {
  count: number;
  /** More backups may be past the new retention than were counted. */
  more: boolean;
}

/** The backups older than `days` days at `now`, read oldest first from the end of the list. */
export async function countBackupsOlderThan(
  client: GraphQLClient,
  days: number,
  now: number,
): Promise<RemovalCount> {
  const cutoff = now - days * DAY_MS;
  let count = 0;
  let before: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { backups }: OldestBackupsQuery = await client.request(OldestBackupsDocument, {
      last: PAGE,
      before,
    });
    // The list is newest first: a page read with `last` ends with its oldest backup.
    const oldestFirst = [...backups.edges].reverse();
    for (const { node } of oldestFirst) {
      if (Date.parse(node.createdAt) > cutoff) return { count, more: false };
      count += 1;
    }
    if (!backups.pageInfo.hasPreviousPage || backups.pageInfo.startCursor === null) {
      return { count, more: false };
    }
    before = backups.pageInfo.startCursor;
  }
  return { count, more: true };
}
