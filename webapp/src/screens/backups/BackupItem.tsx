// One backup of the list: why and when it was made, until when it is kept, how many recipients,
// and its actions: download, compare with now, restore.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useClient, useQuery } from "../../api/hooks";
import {
  BackupComparisonDocument,
  type BackupDayFieldsFragment,
  BackupDownloadDocument,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice, Loading, QueryView } from "../../ui/states";
import { type Comparison, ComparisonView, type LoadDifferences } from "./ComparisonView";
import { type BackupsText, backupsMessages } from "./messages";
import { RestoreFlow } from "./RestoreFlow";
import { useTimeFormat } from "./time";

export type BackupItemData = BackupDayFieldsFragment["backups"][number];

const DIFFERENCES_PAGE = 50;

/** Why the backup was made, in words. */
export function reasonText(t: BackupsText, backup: BackupItemData): string {
  switch (backup.reason) {
    case "IMPORT":
      return backup.job?.fileName ? t.reasonImport(backup.job.fileName) : t.reasonImportUnnamed;
    case "RESTORE":
      return t.reasonRestore;
    case "GROUP_DELETION":
      return t.reasonDeletion;
    case "API":
      return t.reasonApi;
  }
}

/** A DOM id from a global ID (base64: letters, digits, +, /, =). */
export function domId(prefix: string, globalId: string): string {
  return `${prefix}-${globalId.replace(/[^A-Za-z0-9]/g, "_")}`;
}

type Download =
  | { status: "idle" | "loading" }
  | { status: "done"; url: string; expiresAt: string }
  | { status: "error"; error: ApiError };

function DownloadAction({ backupId, timeZone }: { backupId: string; timeZone: string }) {
  const t = useMessages(backupsMessages);
  const format = useFormat();
  const client = useClient();
  const [state, setState] = useState<Download>({ status: "idle" });
  const link = useRef<HTMLAnchorElement>(null);
  const url = state.status === "done" ? state.url : null;
  // The URL is asked for on the click (it weighs on the page's query), then followed at once.
  useEffect(() => {
    if (url !== null) link.current?.click();
  }, [url]);

  async function download(): Promise<void> {
    setState({ status: "loading" });
    try {
      const { node } = await client.request(BackupDownloadDocument, { backupId });
      if (node === null || !("downloadUrl" in node)) throw new ApiError("graphql", t.comparisonGone);
      setState({ status: "done", url: node.downloadUrl, expiresAt: node.downloadUrlExpiresAt });
    } catch (error) {
      setState({ status: "error", error: error instanceof ApiError ? error : new ApiError("server", String(error)) });
    }
  }

  return (
    <>
      <button type="button" class="secondary" onClick={download} disabled={state.status === "loading"}>
        {state.status === "loading" ? t.downloading : t.download}
      </button>
      {state.status === "done" && (
        <p class="download-hint">
          {t.downloadHint(format.dateTime(state.expiresAt, timeZone))}{" "}
          <a ref={link} href={state.url} download>
            {t.downloadLink}
          </a>
        </p>
      )}
      {state.status === "error" && <ErrorNotice error={state.error} />}
    </>
  );
}

/** The backup's comparison with now (first page), and how to load further pages. */
function useBackupComparison(backupId: string) {
  const client = useClient();
  const state = useQuery(BackupComparisonDocument, { backupId, first: DIFFERENCES_PAGE });
  const loadMore: LoadDifferences = useCallback(
    async (after) => {
      const { node } = await client.request(BackupComparisonDocument, { backupId, first: DIFFERENCES_PAGE, after });
      return node && "comparison" in node ? node.comparison : null;
    },
    [client, backupId],
  );
  return { state, loadMore };
}

function comparisonOf(data: { node: unknown }): Comparison | null {
  const node = data.node as { comparison?: Comparison | null } | null;
  return node?.comparison ?? null;
}

function ComparePanel({ backupId, id }: { backupId: string; id: string }) {
  const t = useMessages(backupsMessages);
  const { state, loadMore } = useBackupComparison(backupId);
  return (
    <div class="backup-panel" role="region" aria-labelledby={`${id}-compare`}>
      <h5 id={`${id}-compare`}>{t.comparisonTitle}</h5>
      <QueryView state={state}>
        {(data) => {
          const comparison = comparisonOf(data);
          return comparison ? (
            <ComparisonView comparison={comparison} loadMore={loadMore} headingLevel={5} />
          ) : (
            <p>{t.comparisonGone}</p>
          );
        }}
      </QueryView>
    </div>
  );
}

function RestorePanel({ backup, id, onRestored }: { backup: BackupItemData; id: string; onRestored: () => void }) {
  const t = useMessages(backupsMessages);
  const { state } = useBackupComparison(backup.id);
  return (
    <div class="backup-panel" role="region" aria-labelledby={`${id}-restore`}>
      <h5 id={`${id}-restore`}>{t.restoreTitle}</h5>
      {state.status === "loading" && state.data === undefined ? (
        <Loading />
      ) : state.status === "error" ? (
        <ErrorNotice error={state.error} onRetry={state.reload} />
      ) : (
        <RestoreFlow
          id={id}
          source={{ backupId: backup.id }}
          groupName={backup.group?.name ?? backup.groupName}
          groupId={backup.group?.id ?? null}
          comparison={state.data ? comparisonOf(state.data) : null}
          recipientCount={backup.recipientCount}
          onFinished={onRestored}
        />
      )}
    </div>
  );
}

type Panel = "compare" | "restore" | null;

export function BackupItem({
  backup,
  timeZone,
  onRestored,
}: {
  backup: BackupItemData;
  timeZone: string;
  onRestored: () => void;
}) {
  const t = useMessages(backupsMessages);
  const format = useFormat();
  const time = useTimeFormat();
  const [panel, setPanel] = useState<Panel>(null);
  const id = domId("backup", backup.id);
  const toggle = (next: Panel) => setPanel((open) => (open === next ? null : next));
  return (
    <li class="backup-item">
      <article aria-labelledby={`${id}-title`}>
        <h4 id={`${id}-title`} class="backup-title">
          <time dateTime={backup.createdAt}>{time(backup.createdAt, timeZone)}</time>
          {" · "}
          <span class="backup-reason">{reasonText(t, backup)}</span>
        </h4>
        <p class="backup-meta">
          <span>{t.recipients(format.number(backup.recipientCount), backup.recipientCount)}</span>
          <span>{t.keptUntil(format.dateTime(backup.expiresAt, timeZone))}</span>
        </p>
        <div class="bk-actions" role="group" aria-label={t.backupActions}>
          <DownloadAction backupId={backup.id} timeZone={timeZone} />
          <button
            type="button"
            class="secondary"
            aria-expanded={panel === "compare"}
            onClick={() => toggle("compare")}
          >
            {panel === "compare" ? t.hideCompare : t.compare}
          </button>
          <button
            type="button"
            class="secondary"
            aria-expanded={panel === "restore"}
            onClick={() => toggle("restore")}
          >
            {panel === "restore" ? t.closeRestore : t.restore}
          </button>
        </div>
        {panel === "compare" && <ComparePanel backupId={backup.id} id={id} />}
        {panel === "restore" && <RestorePanel backup={backup} id={id} onRestored={onRestored} />}
      </article>
    </li>
  );
}
