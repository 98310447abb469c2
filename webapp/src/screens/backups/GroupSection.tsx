// One group of the overview (deleted ones too): its days with backups, newest first, in the
// account's time zone, more days on demand, and "Restore to a moment" for a group that exists.
import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useClient } from "../../api/hooks";
import {
  type BackupDayFieldsFragment,
  type BackupsPageQuery,
  GroupBackupDaysDocument,
  type PageInfoFieldsFragment,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice } from "../../ui/states";
import { BackupItem, domId } from "./BackupItem";
import { backupsMessages } from "./messages";
import { MomentRestore } from "./MomentRestore";

export type GroupBackupsData = BackupsPageQuery["backupOverview"]["edges"][number]["node"];

const DAYS_PAGE = 7;

function Day({ day, timeZone, onRestored }: { day: BackupDayFieldsFragment; timeZone: string; onRestored: () => void }) {
  const format = useFormat();
  const id = domId("day", day.id);
  return (
    <section class="backup-day" aria-labelledby={id}>
      <h3 id={id}>
        <time dateTime={day.date}>{format.day(day.date)}</time>
      </h3>
      <ul class="backup-list">
        {day.backups.map((backup) => (
          <BackupItem key={backup.id} backup={backup} timeZone={timeZone} onRestored={onRestored} />
        ))}
      </ul>
    </section>
  );
}

/** The days after the first page, loaded with "Earlier days". */
function useMoreDays(groupBackupsId: string, firstPage: PageInfoFieldsFragment) {
  const client = useClient();
  const [days, setDays] = useState<BackupDayFieldsFragment[]>([]);
  const [page, setPage] = useState(firstPage);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function loadMore(): Promise<void> {
    setLoading(true);
    setError(null);
    try {
      const variables = { id: groupBackupsId, first: DAYS_PAGE, after: page.endCursor };
      const { node } = await client.request(GroupBackupDaysDocument, variables);
      if (node && "dayConnection" in node) {
        setDays((before) => [...before, ...node.dayConnection.edges.map((edge) => edge.node)]);
        setPage(node.dayConnection.pageInfo);
      }
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError("server", String(failure)));
    } finally {
      setLoading(false);
    }
  }
  return { days, hasMore: page.hasNextPage, loading, error, loadMore };
}

export function GroupSection({ entry, onRestored }: { entry: GroupBackupsData; onRestored: () => void }) {
  const t = useMessages(backupsMessages);
  const more = useMoreDays(entry.id, entry.dayConnection.pageInfo);
  const [moment, setMoment] = useState(false);
  const id = domId("group", entry.id);
  const group = entry.group;
  const firstDays = entry.dayConnection.edges.map((edge) => edge.node);
  const known = new Set(firstDays.map((day) => day.id));
  const days = [...firstDays, ...more.days.filter((day) => !known.has(day.id))];
  return (
    <section class="backup-group" aria-labelledby={id}>
      <header class="backup-group-header">
        <h2 id={id}>
          {group?.name ?? entry.groupName}
          {group === null && <span class="group-deleted"> ({t.deleted})</span>}
        </h2>
        <p class="backup-meta">{t.groupSummary(entry.backupCount, group?.recipientCount ?? null)}</p>
        {group && (
          <button type="button" class="secondary" aria-expanded={moment} onClick={() => setMoment(!moment)}>
            {moment ? t.momentClose : t.momentToggle}
          </button>
        )}
      </header>
      {group && moment && (
        <MomentRestore
          group={group}
          timeZone={entry.timeZone}
          initial={entry.latestBackupAt}
          id={id}
          onRestored={onRestored}
        />
      )}
      {days.map((day) => (
        <Day key={day.id} day={day} timeZone={entry.timeZone} onRestored={onRestored} />
      ))}
      {more.error && <ErrorNotice error={more.error} onRetry={more.loadMore} />}
      {more.hasMore && (
        <button type="button" class="secondary" onClick={more.loadMore} disabled={more.loading}>
          {t.moreDays}
        </button>
      )}
    </section>
  );
}
