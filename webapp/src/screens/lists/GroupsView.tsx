// The group list: every live group with its recipient count, newest first, paged; a form to
// create an empty group; and, after a deletion, what it deleted and where its backup is.
import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useClient, useMutation, useQuery } from "../../api/hooks";
import { href } from "../../app/router";
import {
  BackupDownloadDocument,
  CreateGroupDocument,
  type DeleteGroupMutation,
  GroupListDocument,
  type GroupListItemFragment,
  type UserErrorFieldsFragment,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { EmptyState, ErrorNotice, QueryView } from "../../ui/states";
import { listsMessages } from "./messages";
import { Pager, usePaging } from "./paging";

const GROUPS_PAGE = 20;

export type Deletion = { name: string; result: DeleteGroupMutation["deleteGroup"]; timeZone: string };

export function GroupsView({ deletion }: { deletion: Deletion | null }) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  const paging = usePaging(GROUPS_PAGE);
  const groups = useQuery(GroupListDocument, paging.window);
  return (
    <>
      {deletion && <DeletionNotice deletion={deletion} />}
      <NewGroupForm onCreated={paging.reset} reload={groups.reload} />
      <section aria-labelledby="groups-heading">
        <h2 id="groups-heading">{t.groupsHeading}</h2>
        <QueryView state={groups}>
          {(data) =>
            data.groups.totalCount === 0 ? (
              <EmptyState title={t.noGroups}>
                <a href={href("import")}>{t.importLink}</a>
              </EmptyState>
            ) : (
              <>
                <p class="list-count">
                  {t.groupCount(format.number(data.groups.totalCount), data.groups.totalCount)}
                </p>
                <ul class="group-list">
                  {data.groups.edges.map(({ node }) => (
                    <GroupRow key={node.id} group={node} timeZone={data.viewer.timeZone} />
                  ))}
                </ul>
                <Pager
                  pageInfo={data.groups.pageInfo}
                  paging={paging}
                  label={t.pagingLabel(t.groupsHeading)}
                  previous={t.previous}
                  next={t.next}
                />
              </>
            )
          }
        </QueryView>
      </section>
    </>
  );
}

function GroupRow({ group, timeZone }: { group: GroupListItemFragment; timeZone: string }) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  return (
    <li class="group-row">
      <a class="group-name" href={href("lists", group.id)}>
        {group.name}
      </a>
      <span>{t.recipients(format.number(group.recipientCount), group.recipientCount)}</span>
      <span class="muted">{t.createdOn(format.dateTime(group.createdAt, timeZone))}</span>
      <span class={group.backupsActive ? "muted" : "warning"}>
        {group.backupsActive ? t.backupsOn : t.backupsOff}
      </span>
    </li>
  );
}

/** The userErrors' messages as one text (shown beside the form that sent them). */
export function errorsOf(errors: readonly UserErrorFieldsFragment[]): string {
  return errors.map((error) => error.message).join(" ");
}

function NewGroupForm({ onCreated, reload }: { onCreated: () => void; reload: () => void }) {
  const t = useMessages(listsMessages);
  const [create, creating] = useMutation(CreateGroupDocument);
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setDone(null);
    setFailure(null);
    try {
      const { createGroup } = await create({ name });
      if (createGroup.userErrors.length > 0 || createGroup.group === null) {
        setProblem(errorsOf(createGroup.userErrors));
        return;
      }
      setProblem(null);
      setName("");
      setDone(t.created(createGroup.group.name));
      onCreated();
      reload();
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError("server", String(error)));
    }
  }

  const busy = creating.status === "loading";
  return (
    <section aria-labelledby="new-group-heading" class="panel">
      <h2 id="new-group-heading">{t.newGroupHeading}</h2>
      <form class="inline-form" onSubmit={submit}>
        <label for="new-group-name">{t.groupName}</label>
        <input
          id="new-group-name"
          value={name}
          maxLength={200}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? "new-group-error" : undefined}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? t.creating : t.create}
        </button>
      </form>
      {problem !== null && (
        <p id="new-group-error" class="field-error" role="alert">
          {problem}
        </p>
      )}
      {failure && <ErrorNotice error={failure} />}
      <p role="status" class="done">
        {done}
      </p>
    </section>
  );
}

function DeletionNotice({ deletion }: { deletion: Deletion }) {
  const t = useMessages(listsMessages);
  const format = useFormat();
  const backup = deletion.result.backup;
  return (
    <div class="notice deletion-notice" role="status">
      <p class="state-title">{t.deleted(deletion.name)}</p>
      {backup ? (
        <>
          <p>
            {t.deletedBackup(
              t.recipients(format.number(backup.recipientCount), backup.recipientCount),
              format.dateTime(backup.createdAt, deletion.timeZone),
            )}
          </p>
          <p class="actions">
            <a href={href("backups")}>{t.seeBackup}</a>
            <DownloadBackup backupId={backup.id} />
          </p>
        </>
      ) : (
        <p>{t.deletedNoBackup}</p>
      )}
    </div>
  );
}

function DownloadBackup({ backupId }: { backupId: string }) {
  const t = useMessages(listsMessages);
  const client = useClient();
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function download(): Promise<void> {
    setFailure(null);
    try {
      const { node } = await client.request(BackupDownloadDocument, { backupId });
      if (node === null || !("downloadUrl" in node)) throw new ApiError("graphql", t.groupNotFound);
      // A plain GET of a signed URL: the browser saves the CSV (no token in the address).
      const link = document.createElement("a");
      link.href = node.downloadUrl;
      link.download = "";
      link.click();
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError("server", String(error)));
    }
  }

  return (
    <>
      <button type="button" class="secondary" onClick={download}>
        {t.downloadBackup}
      </button>
      {failure && <ErrorNotice error={failure} />}
    </>
  );
}
