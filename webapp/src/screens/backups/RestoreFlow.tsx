// Restoring a backup or a moment: choose the target (a new group, or back into the group with
// REPLACE), confirm with what the restore undoes (the comparison's counts), then follow the job
// live (ImportJobProgress over graphql-transport-ws) to its result.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useClient, useMutation, useSubscription } from "../../api/hooks";
import { href } from "../../app/router";
import {
  ImportJobProgressDocument,
  ImportJobStatusDocument,
  type ImportJobFieldsFragment,
  type JobStatus,
  RestoreBackupDocument,
  type RestoreBackupInput,
  type UserErrorFieldsFragment,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice } from "../../ui/states";
import type { Comparison } from "./ComparisonView";
import { backupsMessages } from "./messages";

/** What is restored: a backup, or a group as it was at a moment. */
export type RestoreSource = { backupId: string } | { asOf: string; groupId: string };

type Target = "new" | "replace";

const FINISHED: readonly JobStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

function restoreInput(source: RestoreSource, target: Target, name: string, groupId: string | null): RestoreBackupInput {
  const from = "backupId" in source ? { backupId: source.backupId } : { asOf: source.asOf };
  if (target === "replace") return { ...from, groupId, strategy: "REPLACE" };
  const sourceGroup = "asOf" in source ? { sourceGroupId: source.groupId } : {};
  return { ...from, ...sourceGroup, groupName: name.trim() || null };
}

/** The recipients a restored state holds: those the comparison found in it. */
function stateCount(comparison: Comparison): number {
  return comparison.unchanged + comparison.changed + comparison.removed;
}

function UndoList({ comparison }: { comparison: Comparison }) {
  const t = useMessages(backupsMessages);
  if (comparison.added + comparison.changed + comparison.removed === 0) return <p>{t.nothingToUndo}</p>;
  return (
    <ul class="bk-undo-list">
      <li>{t.undoAdded(comparison.added)}</li>
      <li>{t.undoChanged(comparison.changed)}</li>
      <li>{t.undoRemoved(comparison.removed)}</li>
    </ul>
  );
}

function JobResult({ job }: { job: ImportJobFieldsFragment }) {
  const t = useMessages(backupsMessages);
  const format = useFormat();
  const n = format.number;
  if (job.status === "FAILED") return <p class="field-error">{job.error ?? t.jobFAILED}</p>;
  if (job.status !== "SUCCEEDED") return null;
  return (
    <>
      <p>{t.resultCounts(n(job.added), n(job.updated), n(job.removed), n(job.unchanged))}</p>
      {job.group && (
        <p>
          {t.resultGroup(job.group.name, n(job.group.recipientCount))}{" "}
          <a href={href("lists", job.group.id)}>{t.openGroup}</a>
        </p>
      )}
      {job.backup && <p>{t.madeBackup}</p>}
    </>
  );
}

/**
 * The job once it has finished, read again over HTTP: a subscription's messages may carry the
 * job's group as it was when the subscription first read it (its loaders live as long as it does).
 */
function useFinalJob(job: ImportJobFieldsFragment, finished: boolean): ImportJobFieldsFragment | null {
  const client = useClient();
  const [final, setFinal] = useState<ImportJobFieldsFragment | null>(null);
  useEffect(() => {
    if (!finished) return undefined;
    let current = true;
    client.request(ImportJobStatusDocument, { id: job.id, rowErrors: 0 }).then(
      (data) => current && setFinal(data.importJob ?? job),
      () => current && setFinal(job),
    );
    return () => {
      current = false;
    };
  }, [client, job.id, finished]);
  return final;
}

/** The job, live until it has finished; `onFinished` once it has. */
export function JobProgress({ job, onFinished }: { job: ImportJobFieldsFragment; onFinished: () => void }) {
  const t = useMessages(backupsMessages);
  const format = useFormat();
  const live = useSubscription(ImportJobProgressDocument, { id: job.id });
  const latest = (live.status === "done" ? live.data.importJob : null) ?? job;
  const finished = FINISHED.includes(latest.status);
  const final = useFinalJob(latest, finished);
  const current = final ?? latest;
  const reported = useRef(false);
  useEffect(() => {
    if (final !== null && !reported.current) {
      reported.current = true;
      onFinished();
    }
  }, [final, onFinished]);
  const total = current.totalRows;
  return (
    <div class="bk-job-progress">
      <p role="status" aria-live="polite" class="bk-job-status">
        {t[`job${final ? final.status : finished ? "RUNNING" : current.status}`]}
      </p>
      {!finished && (
        <>
          <progress
            aria-label={t.progressLabel}
            max={total ?? undefined}
            value={total === null ? undefined : current.processedRows}
          />
          {total !== null && <p>{t.progressRows(format.number(current.processedRows), format.number(total))}</p>}
        </>
      )}
      {live.status === "error" && !finished && <ErrorNotice error={live.error} />}
      {final && <JobResult job={final} />}
    </div>
  );
}

function UserErrors({ errors }: { errors: UserErrorFieldsFragment[] }) {
  if (errors.length === 0) return null;
  return (
    <div role="alert">
      {errors.map((error) => (
        <p class="field-error" key={error.code + error.message}>
          {error.message}
        </p>
      ))}
    </div>
  );
}

function TargetChoice({
  id,
  target,
  setTarget,
  name,
  setName,
  groupName,
  canReplace,
}: {
  id: string;
  target: Target;
  setTarget: (target: Target) => void;
  name: string;
  setName: (name: string) => void;
  groupName: string;
  canReplace: boolean;
}) {
  const t = useMessages(backupsMessages);
  return (
    <fieldset class="restore-target">
      <legend>{t.restoreTarget}</legend>
      <label class="bk-choice">
        <input type="radio" name={`${id}-target`} checked={target === "new"} onChange={() => setTarget("new")} />
        {t.targetNew}
      </label>
      {target === "new" && (
        <div class="bk-new-name">
          <label for={`${id}-name`}>{t.targetNewName}</label>
          <input
            id={`${id}-name`}
            type="text"
            maxLength={200}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </div>
      )}
      <label class="bk-choice">
        <input
          type="radio"
          name={`${id}-target`}
          checked={target === "replace"}
          disabled={!canReplace}
          onChange={() => setTarget("replace")}
        />
        {canReplace ? t.targetReplace(groupName) : t.targetReplaceGone}
      </label>
    </fieldset>
  );
}

export function RestoreFlow({
  id,
  source,
  groupName,
  groupId,
  comparison,
  recipientCount,
  onFinished,
  level = 5,
}: {
  /** A prefix for the form's element ids. */
  id: string;
  source: RestoreSource;
  groupName: string;
  /** The group to restore into with REPLACE; null once it is deleted. */
  groupId: string | null;
  /** What the restored state differs in from the group now (null: the group is deleted). */
  comparison: Comparison | null;
  recipientCount: number | null;
  onFinished: () => void;
  /** The level of the confirmation's heading. */
  level?: 4 | 5;
}) {
  const t = useMessages(backupsMessages);
  const format = useFormat();
  const [step, setStep] = useState<"choose" | "confirm">("choose");
  const [target, setTarget] = useState<Target>("new");
  const [name, setName] = useState(t.restoredName(groupName));
  const [restore, restoring] = useMutation(RestoreBackupDocument);
  const [userErrors, setUserErrors] = useState<UserErrorFieldsFragment[]>([]);
  const [job, setJob] = useState<ImportJobFieldsFragment | null>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (step === "confirm") confirmHeading.current?.focus();
  }, [step]);

  if (job) return <JobProgress job={job} onFinished={onFinished} />;

  async function start(): Promise<void> {
    setUserErrors([]);
    const input = restoreInput(source, target, name, groupId);
    const data = await restore({ input }).catch(() => null);
    if (data === null) return;
    setUserErrors(data.restoreBackup.userErrors);
    if (data.restoreBackup.job) setJob(data.restoreBackup.job);
  }

  if (step === "choose") {
    return (
      <form
        class="restore-form"
        onSubmit={(event) => {
          event.preventDefault();
          setStep("confirm");
        }}
      >
        <TargetChoice
          id={id}
          target={target}
          setTarget={setTarget}
          name={name}
          setName={setName}
          groupName={groupName}
          canReplace={groupId !== null}
        />
        <button type="submit">{t.review}</button>
      </form>
    );
  }
  const Heading = `h${level}` as "h5";
  const count = recipientCount ?? (comparison ? stateCount(comparison) : 0);
  const newName = name.trim() || groupName;
  return (
    <div class="restore-confirm" role="group" aria-labelledby={`${id}-confirm`}>
      <Heading id={`${id}-confirm`} tabIndex={-1} ref={confirmHeading}>
        {t.confirmTitle}
      </Heading>
      {target === "new" ? (
        <p>{t.confirmNew(newName, format.number(count))}</p>
      ) : (
        <>
          <p>{t.confirmReplace(groupName)}</p>
          {comparison && <UndoList comparison={comparison} />}
          <p>{t.replaceBackup}</p>
        </>
      )}
      <UserErrors errors={userErrors} />
      {restoring.status === "error" && <ErrorNotice error={restoring.error as ApiError} />}
      <div class="bk-actions">
        <button type="button" onClick={start} disabled={restoring.status === "loading"}>
          {t.confirmRestore}
        </button>
        <button type="button" class="secondary" onClick={() => setStep("choose")}>
          {t.back}
        </button>
      </div>
    </div>
  );
}
