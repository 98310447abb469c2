// Step 4: the job, live over graphql-transport-ws (ImportJobProgress) with a progress bar and a
// cancel button, then its result: the counts, the row errors and the rejected rows' file.
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useClient, useMutation, useQuery, useSubscription } from "../../api/hooks";
import { href } from "../../app/router";
import {
  CancelJobDocument,
  type ImportJobFieldsFragment,
  ImportJobProgressDocument,
  ImportJobStatusDocument,
  ImportWizardResultDocument,
  type JobStatus,
  type UserErrorFieldsFragment,
} from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice, QueryView } from "../../ui/states";
import { importMessages } from "./messages";
import { Counts, RowErrorTable, StepHeading, UserErrors } from "./parts";

const FINISHED: readonly JobStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];
const SHOWN_ROW_ERRORS = 20;
const POLL_MS = 1000;

/**
 * The job read over HTTP about once a second while `enabled`: the fallback when the WebSocket
 * fails (a proxy that refuses it), as frontend-contract/README.md advises.
 */
function usePolledJob(id: string, enabled: boolean): ImportJobFieldsFragment | null {
  const client = useClient();
  const [job, setJob] = useState<ImportJobFieldsFragment | null>(null);
  useEffect(() => {
    if (!enabled) return undefined;
    let timer = 0;
    let current = true;
    const poll = () => {
      client.request(ImportJobStatusDocument, { id, rowErrors: 0 }).then(
        (data) => {
          if (!current) return;
          if (data.importJob) setJob(data.importJob);
          if (!data.importJob || !FINISHED.includes(data.importJob.status)) timer = window.setTimeout(poll, POLL_MS);
        },
        () => current && (timer = window.setTimeout(poll, POLL_MS)),
      );
    };
    poll();
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [client, id, enabled]);
  return job;
}

/** The most advanced of two views of one job: a finished one wins over a running one. */
function latest(a: ImportJobFieldsFragment, b: ImportJobFieldsFragment | null): ImportJobFieldsFragment {
  if (b === null) return a;
  if (FINISHED.includes(b.status) && !FINISHED.includes(a.status)) return b;
  return a;
}

function ProgressBar({ job }: { job: ImportJobFieldsFragment }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const total = job.totalRows;
  const done = format.number(job.processedRows);
  return (
    <div class="job-progress">
      <progress
        aria-label={t.progressLabel}
        max={total ?? undefined}
        value={total === null ? undefined : Math.min(job.processedRows, total)}
      />
      <p class="progress-rows">{total === null ? t.progressRowsUnknown(done) : t.progressRows(done, format.number(total))}</p>
    </div>
  );
}

function Result({ jobId }: { jobId: string }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const result = useQuery(ImportWizardResultDocument, { id: jobId, rowErrors: SHOWN_ROW_ERRORS });
  return (
    <QueryView state={result}>
      {({ importJob: job }) =>
        job && (
        <div class="import-result">
          {job.status === "FAILED" && job.error && <p class="field-error">{job.error}</p>}
          {job.status === "SUCCEEDED" && <Counts counts={job} />}
          {job.group && job.status === "SUCCEEDED" && (
            <p>
              {t.resultGroup(job.group.name, format.number(job.group.recipientCount))}{" "}
              <a href={href("lists", job.group.id)}>{t.openGroup}</a>
            </p>
          )}
          {job.backup && <p>{t.madeBackup}</p>}
          {job.rowErrors.length > 0 && (
            <RowErrorTable
              errors={job.rowErrors}
              caption={t.rowErrorsHeading(format.number(job.rowErrors.length), format.number(job.rejected))}
            />
          )}
          {job.rejectedRowsUrl && (
            <p class="rejects">
              <a href={job.rejectedRowsUrl} download={`rejected-${job.fileName ?? "rows.csv"}`}>
                {t.rejectsLink}
              </a>
              <br />
              <span class="hint">{t.rejectsHint}</span>
            </p>
          )}
        </div>
        )
      }
    </QueryView>
  );
}

export function JobStep({ started, onAgain }: { started: ImportJobFieldsFragment; onAgain: () => void }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const live = useSubscription(ImportJobProgressDocument, { id: started.id });
  const [cancel, cancelling] = useMutation(CancelJobDocument);
  const [cancelled, setCancelled] = useState<ImportJobFieldsFragment | null>(null);
  const [userErrors, setUserErrors] = useState<UserErrorFieldsFragment[]>([]);
  const polled = usePolledJob(started.id, live.status === "error");
  const pushed = live.status === "done" ? live.data.importJob : started;
  const job = latest(latest(polled ?? pushed, cancelled), pushed);
  const finished = FINISHED.includes(job.status);

  async function stop(): Promise<void> {
    setUserErrors([]);
    const data = await cancel({ jobId: job.id }).catch(() => null);
    if (data === null) return;
    setUserErrors(data.cancelJob.userErrors);
    if (data.cancelJob.job) setCancelled(data.cancelJob.job);
  }

  const heading = {
    SUCCEEDED: t.resultHeading,
    FAILED: t.failedHeading,
    CANCELLED: t.cancelledHeading,
  }[job.status as "SUCCEEDED"] ?? t.jobHeading;
  const canCancel = !finished && job.status !== "CANCELLING";
  return (
    <div class="import-step">
      <StepHeading>{heading}</StepHeading>
      <p role="status" aria-live="polite" class="job-status">
        {t[`status${job.status}`]}
      </p>
      {job.status !== "CANCELLED" && job.status !== "FAILED" && <ProgressBar job={job} />}
      <UserErrors errors={userErrors} />
      {cancelling.status === "error" && <ErrorNotice error={cancelling.error as ApiError} />}
      {canCancel && (
        <div class="actions">
          <button type="button" class="danger" onClick={stop} disabled={cancelling.status === "loading"}>
            {t.cancel}
          </button>
        </div>
      )}
      {job.status === "CANCELLED" && (
        <div class="import-result">
          <p>{t.cancelledNothing}</p>
          {job.group && <p>{t.cancelledGroup(job.group.name, format.number(job.group.recipientCount))}</p>}
        </div>
      )}
      {(job.status === "SUCCEEDED" || job.status === "FAILED") && <Result jobId={job.id} />}
      {finished && (
        <div class="actions">
          <button type="button" class="secondary" onClick={onAgain}>
            {t.again}
          </button>
        </div>
      )}
    </div>
  );
}
