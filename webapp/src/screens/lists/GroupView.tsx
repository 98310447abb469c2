// One group: its recipients (search, status filter, pages both ways, unsubscribe and an explicit
// resubscribe), its settings (name, its own backup switch) and its deletion, confirmed first.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useMutation, useQuery } from "../../api/hooks";
import { href } from "../../app/router";
import {
  DeleteGroupDocument,
  type GroupListItemFragment,
  GroupRecipientsDocument,
  type GroupRecipientsQuery,
  type RecipientStatus,
  RenameGroupDocument,
  SetGroupBackupsEnabledDocument,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { EmptyState, ErrorNotice, Loading } from "../../ui/states";
import { type Deletion, errorsOf } from "./GroupsView";
import { listsMessages } from "./messages";
import { Pager, usePaging } from "./paging";
import { RecipientsTable } from "./RecipientsTable";

const RECIPIENTS_PAGE = 25;
const SEARCH_DELAY_MS = 250;
const STATUSES: RecipientStatus[] = ["ACTIVE", "INACTIVE", "UNSUBSCRIBED", "BOUNCED"];

type GroupNode = Extract<NonNullable<GroupRecipientsQuery["node"]>, { recipients: unknown }>;

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("server", String(error));
}

export function GroupView({
  groupId,
  onDeleted,
}: {
  groupId: string;
  onDeleted: (deletion: Deletion) => void;
}) {
  const t = useMessages(listsMessages);
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<RecipientStatus | "">("");
  const paging = usePaging(RECIPIENTS_PAGE);
  // The search runs once typing pauses, from the first page.
  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (typed.trim() !== search) {
        setSearch(typed.trim());
        paging.reset();
      }
    }, SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [typed]);
  const page = useQuery(GroupRecipientsDocument, {
    groupId,
    search: search === "" ? null : search,
    status: status === "" ? null : status,
    ...paging.window,
  });
  const node = page.data?.node;
  const group = node && "recipients" in node ? (node as GroupNode) : null;
  const timeZone = page.data?.viewer.timeZone;

  return (
    <section aria-labelledby="screen-title" class="lists-screen">
      <p class="breadcrumb">
        <a href={href("lists")}>{t.allGroups}</a>
      </p>
      <ScreenHeading>{group ? group.name : t.title}</ScreenHeading>
      {page.status === "error" && page.data === undefined ? (
        <ErrorNotice error={page.error} onRetry={page.reload} />
      ) : page.data === undefined ? (
        <Loading />
      ) : group === null || timeZone === undefined ? (
        <EmptyState title={t.groupNotFound}>
          <a href={href("lists")}>{t.allGroups}</a>
        </EmptyState>
      ) : (
        <>
          <GroupSummary group={group} />
          <section aria-labelledby="recipients-heading">
            <h2 id="recipients-heading">{t.recipientsHeading}</h2>
            <div class="filters">
              <div class="field">
                <label for="recipient-search">{t.search}</label>
                <input
                  id="recipient-search"
                  type="search"
                  value={typed}
                  aria-describedby="recipient-search-hint"
                  onInput={(event) => setTyped(event.currentTarget.value)}
                />
                <span id="recipient-search-hint" class="hint">
                  {t.searchHint}
                </span>
              </div>
              <div class="field">
                <label for="recipient-status">{t.statusFilter}</label>
                <select
                  id="recipient-status"
                  value={status}
                  onChange={(event) => {
                    setStatus(event.currentTarget.value as RecipientStatus | "");
                    paging.reset();
                  }}
                >
                  <option value="">{t.anyStatus}</option>
                  {STATUSES.map((value) => (
                    <option key={value} value={value}>
                      {t.status_(value)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            {page.status === "error" && <ErrorNotice error={page.error} onRetry={page.reload} />}
            <RecipientsPage
              group={group}
              filtered={search !== "" || status !== ""}
              timeZone={timeZone}
              reload={page.reload}
            />
            <Pager
              pageInfo={group.recipients.pageInfo}
              paging={paging}
              label={t.pagingLabel(t.recipientsHeading)}
              previous={t.previous}
              next={t.next}
            />
          </section>
          <GroupSettings group={group} reload={page.reload} />
          <DeleteGroup group={group} timeZone={timeZone} onDeleted={onDeleted} />
        </>
      )}
    </section>
  );
}

function GroupSummary({ group }: { group: GroupListItemFragment }) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  return (
    <p class="group-summary">
      <span>{t.recipients(format.number(group.recipientCount), group.recipientCount)}</span>
      <span class={group.backupsActive ? "muted" : "warning"}>
        {group.backupsActive ? t.backupsOn : t.backupsOff}
      </span>
      <a href={href("jobs", group.id)}>{t.jobsLink}</a>
    </p>
  );
}

function RecipientsPage({
  group,
  filtered,
  timeZone,
  reload,
}: {
  group: GroupNode;
  filtered: boolean;
  timeZone: string;
  reload: () => void;
}) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  const total = group.recipients.totalCount;
  if (total === 0) return <EmptyState title={filtered ? t.noMatches : t.noRecipients} />;
  return (
    <>
      <p class="list-count" aria-live="polite">
        {filtered ? t.matches(format.number(total), total) : t.recipients(format.number(total), total)}
      </p>
      <RecipientsTable
        recipients={group.recipients.edges.map((edge) => edge.node)}
        timeZone={timeZone}
        reload={reload}
      />
    </>
  );
}

function GroupSettings({ group, reload }: { group: GroupListItemFragment; reload: () => void }) {
  const t = useMessages(listsMessages);
  const [rename, renaming] = useMutation(RenameGroupDocument);
  const [setBackups, switching] = useMutation(SetGroupBackupsEnabledDocument);
  const [name, setName] = useState(group.name);
  // The switch shows the choice at once and keeps showing it until the group is reloaded after
  // the server took it: the answer to a reload started by an earlier click, arriving after this
  // one, must not undo it (useQuery drops the answer of a superseded reload, so the first group to
  // arrive after it is its own). A failure drops the choice: the switch shows the group's value
  // again.
  const [pending, setPending] = useState<{ enabled: boolean; saved: boolean } | null>(null);
  useEffect(() => setPending((choice) => (choice?.saved ? null : choice)), [group]);
  const backupsOn = pending?.enabled ?? group.backupsEnabled;
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    try {
      const { renameGroup } = await rename({ groupId: group.id, name });
      if (renameGroup.userErrors.length > 0 || renameGroup.group === null) {
        setProblem(errorsOf(renameGroup.userErrors));
        return;
      }
      setProblem(null);
      setName(renameGroup.group.name);
      setDone(t.renamed);
      reload();
    } catch (error) {
      setFailure(asApiError(error));
    }
  }

  async function toggle(enabled: boolean): Promise<void> {
    setDone(null);
    setFailure(null);
    setPending({ enabled, saved: false });
    try {
      const { setBackupEnabled } = await setBackups({ groupId: group.id, enabled });
      if (setBackupEnabled.userErrors.length > 0) {
        setPending(null);
        setFailure(new ApiError("graphql", errorsOf(setBackupEnabled.userErrors)));
        return;
      }
      setPending({ enabled, saved: true });
      setDone(t.switchSaved(enabled));
      reload();
    } catch (error) {
      setPending(null);
      setFailure(asApiError(error));
    }
  }

  const busy = renaming.status === "loading";
  return (
    <section aria-labelledby="group-settings-heading" class="panel">
      <h2 id="group-settings-heading">{t.settingsHeading}</h2>
      <form class="inline-form" onSubmit={submit}>
        <label for="group-name">{t.newName}</label>
        <input
          id="group-name"
          value={name}
          maxLength={200}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? "group-name-error" : undefined}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? t.renaming : t.rename}
        </button>
      </form>
      {problem !== null && (
        <p id="group-name-error" class="field-error" role="alert">
          {problem}
        </p>
      )}
      <div class="switch">
        <input
          id="group-backups"
          type="checkbox"
          checked={backupsOn}
          disabled={switching.status === "loading"}
          aria-describedby="group-backups-hint"
          onChange={(event) => void toggle(event.currentTarget.checked)}
        />
        <label for="group-backups">{t.backupSwitch}</label>
      </div>
      <p id="group-backups-hint" class="hint">
        {backupsOn && !group.backupsActive ? t.backupsAccountOff : t.backupSwitchHint}
      </p>
      {failure && <ErrorNotice error={failure} />}
      <p role="status" class="done">
        {done}
      </p>
    </section>
  );
}

function DeleteGroup({
  group,
  timeZone,
  onDeleted,
}: {
  group: GroupListItemFragment;
  timeZone: string;
  onDeleted: (deletion: Deletion) => void;
}) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  const [remove, removing] = useMutation(DeleteGroupDocument);
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);

  async function confirm(): Promise<void> {
    setFailure(null);
    try {
      const { deleteGroup } = await remove({ groupId: group.id });
      if (deleteGroup.userErrors.length > 0) {
        setFailure(new ApiError("graphql", errorsOf(deleteGroup.userErrors)));
        return;
      }
      onDeleted({ name: group.name, result: deleteGroup, timeZone });
    } catch (error) {
      setFailure(asApiError(error));
    }
  }

  const recipients = t.recipients(format.number(group.recipientCount), group.recipientCount);
  return (
    <section aria-labelledby="delete-group-heading" class="panel danger-zone">
      <h2 id="delete-group-heading">{t.deleteHeading}</h2>
      {!confirming ? (
        <button ref={start} type="button" class="danger" onClick={() => setConfirming(true)}>
          {t.deleteStart}
        </button>
      ) : (
        <div class="confirm" role="group" aria-labelledby="delete-confirm-heading">
          <h3 id="delete-confirm-heading" tabIndex={-1} ref={confirmHeading}>
            {t.confirmTitle(group.name)}
          </h3>
          <p>{group.backupsActive ? t.confirmBackup(recipients) : t.confirmNoBackup}</p>
          <p class="actions">
            <button
              type="button"
              class="danger"
              disabled={removing.status === "loading"}
              onClick={() => void confirm()}
            >
              {removing.status === "loading" ? t.deleting : t.confirmDelete}
            </button>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setConfirming(false);
                window.setTimeout(() => start.current?.focus());
              }}
            >
              {t.keep}
            </button>
          </p>
        </div>
      )}
      {failure && <ErrorNotice error={failure} />}
    </section>
  );
}
