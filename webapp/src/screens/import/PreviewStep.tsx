// Step 3: exactly what the import would do (previewImport, computed and rolled back): the
// counts, the first changes with their values before and after, the rows it would reject.
// "Import now" sends importRecipients with the very request the preview was made with.
import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useMutation } from "../../api/hooks";
import {
  type ImportJobFieldsFragment,
  ImportStagedFileDocument,
  type UserErrorFieldsFragment,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice, Loading } from "../../ui/states";
import type { ImportRequest } from "./mapping";
import type { Preview } from "./MappingStep";
import { importMessages } from "./messages";
import { Counts, RowErrorTable, StepHeading, UserErrors } from "./parts";

type Change = Preview["changes"]["edges"][number]["node"];
type Values = NonNullable<Change["after"]>;

/** The fields of a change worth showing: those that differ, or all of a new recipient's. */
function changedFields(change: Change): [string, string | null, string | null][] {
  const before = change.before;
  const after = change.after;
  const plain = (values: Values | null): Record<string, string | null> => ({
    firstName: values?.firstName ?? null,
    lastName: values?.lastName ?? null,
    status: values?.status ?? null,
    ...(values?.attributes ?? {}),
  });
  const old = plain(before);
  const now = plain(after);
  const names = [...new Set([...Object.keys(old), ...Object.keys(now)])];
  return names
    .map((name): [string, string | null, string | null] => [name, old[name] ?? null, now[name] ?? null])
    .filter(([, a, b]) => (before === null ? b !== null : a !== b));
}

function ChangeItem({ change }: { change: Change }) {
  const t = useMessages(importMessages);
  const fields = changedFields(change);
  const labels: Record<string, string> = {
    firstName: t.fieldFirstName,
    lastName: t.fieldLastName,
    status: t.fieldStatus,
  };
  return (
    <li class="change">
      <p class="change-head">
        <strong>{change.email}</strong> <span class={`kind kind-${change.kind}`}>{t[`kind${change.kind}`]}</span>
      </p>
      {change.statusKept && change.before && <p class="hint">{t.statusKeptNote(change.before.status)}</p>}
      {fields.length > 0 && (
        <div class="table-box">
          <table class="change-values">
            <thead>
              <tr>
                <th scope="col">{t.changeField}</th>
                <th scope="col">{t.before}</th>
                <th scope="col">{t.after}</th>
              </tr>
            </thead>
            <tbody>
              {fields.map(([name, before, after]) => (
                <tr key={name}>
                  <th scope="row">{labels[name] ?? name}</th>
                  <td>{before ?? t.empty}</td>
                  <td>{after ?? t.empty}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}

export function PreviewStep({
  request,
  preview,
  groupName,
  onStarted,
  onBack,
}: {
  request: ImportRequest;
  preview: Preview;
  /** The target group's name, as the user knows it. */
  groupName: string;
  onStarted: (job: ImportJobFieldsFragment) => void;
  onBack: () => void;
}) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const [start, starting] = useMutation(ImportStagedFileDocument);
  const [userErrors, setUserErrors] = useState<UserErrorFieldsFragment[]>([]);
  const changes = preview.changes.edges.map((edge) => edge.node);
  const errors = preview.rowErrors.edges.map((edge) => edge.node);

  async function confirm(): Promise<void> {
    setUserErrors([]);
    const data = await start({ ...request }).catch(() => null);
    if (data === null) return;
    setUserErrors(data.importRecipients.userErrors);
    if (data.importRecipients.job) onStarted(data.importRecipients.job);
  }

  return (
    <div class="import-step">
      <StepHeading>{t.previewHeading}</StepHeading>
      <p>{t.previewInto(groupName)}</p>
      <Counts counts={preview} />
      <section aria-labelledby="preview-changes">
        <h3 id="preview-changes">
          {t.changesHeading(format.number(changes.length), format.number(preview.changes.totalCount))}
        </h3>
        {changes.length === 0 ? (
          <p>{t.noChanges}</p>
        ) : (
          <ul class="change-list">
            {changes.map((change) => (
              <ChangeItem key={change.email} change={change} />
            ))}
          </ul>
        )}
      </section>
      {preview.rowErrors.totalCount > 0 && (
        <RowErrorTable
          errors={errors}
          caption={t.errorsHeading(format.number(errors.length), format.number(preview.rowErrors.totalCount))}
        />
      )}
      <UserErrors errors={userErrors} />
      {starting.status === "error" && <ErrorNotice error={starting.error as ApiError} />}
      {starting.status === "loading" ? (
        <Loading label={t.starting} />
      ) : (
        <div class="actions">
          <button type="button" onClick={confirm}>
            {t.confirm}
          </button>
          <button type="button" class="secondary" onClick={onBack}>
            {t.back}
          </button>
        </div>
      )}
    </div>
  );
}
