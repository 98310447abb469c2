// Jobs: the history of imports and restores, newest first, filtered by kind, status and group
// (#/jobs/<group id> opens it filtered on a group, deleted ones too), paged both ways. Each job
// says its file, size, who started it, status and counts, links its rejected rows, and can be
// cancelled while it is queued or running. The page refreshes itself while a job is active.
import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import { useMutation, useQuery } from "../../api/hooks";
import type { ScreenProps } from "../../app/route";
import { href, navigate } from "../../app/router";
import {
  CancelJobDocument,
  GroupListDocument,
  type JobHistoryFieldsFragment,
  JobHistoryDocument,
  type JobKind,
  type JobStatus,
} from "../../gql/graphql";
import { intlTag, useFormat } from "../../i18n/format";
import { type Locale, useLocale, useMessages } from "../../i18n/i18n";
import { ScreenHeading } from "../../ui/ScreenHeading";
import { EmptyState, ErrorNotice, QueryView } from "../../ui/states";
import { errorsOf } from "./GroupsView";
import { jobsMessages } from "./messages";
import { Pager, usePaging } from "./paging";
import "./lists.css";

const JOBS_PAGE = 20;
const GROUP_CHOICES = 100;
const REFRESH_MS = 2000;
const KINDS: JobKind[] = ["IMPORT", "RESTORE"];
const STATUSES: JobStatus[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLING", "CANCELLED"];
const ACTIVE: ReadonlySet<JobStatus> = new Set(["QUEUED", "RUNNING", "CANCELLING"]);
const CANCELLABLE: ReadonlySet<JobStatus> = new Set(["QUEUED", "RUNNING"]);
const SIZE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;

/** A file size in the largest unit under 1024 of it: "812 bytes", "1.4 MB" / "1,4 Mo". */
function formatSize(locale: Locale, bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(intlTag(locale), {
    style: "unit",
    unit: SIZE_UNITS[unit],
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

export function JobsScreen({ rest }: ScreenProps) {
  const t = useMessages(jobsMessages);
  const format = useFormat();
  const groupId = rest[0] ?? null;
  const [kind, setKind] = useState<JobKind | "">("");
  const [status, setStatus] = useState<JobStatus | "">("");
  const paging = usePaging(JOBS_PAGE);
  const jobs = useQuery(JobHistoryDocument, {
    groupId,
    kind: kind === "" ? null : kind,
    status: status === "" ? null : status,
    ...paging.window,
  });
  const active = jobs.data?.jobs.edges.some((edge) => ACTIVE.has(edge.node.status)) ?? false;
  useEffect(() => {
    if (!active) return undefined;
    const timer = window.setInterval(jobs.reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [active, jobs.reload]);
  const filtered = groupId !== null || kind !== "" || status !== "";

  return (
    <section aria-labelledby="screen-title" class="lists-screen">
      <ScreenHeading>{t.title}</ScreenHeading>
      <fieldset class="filters">
        <legend>{t.filters}</legend>
        <div class="field">
          <label for="job-kind">{t.kind}</label>
          <select
            id="job-kind"
            value={kind}
            onChange={(event) => {
              setKind(event.currentTarget.value as JobKind | "");
              paging.reset();
            }}
          >
            <option value="">{t.anyKind}</option>
            {KINDS.map((value) => (
              <option key={value} value={value}>
                {t.kind_(value)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="job-status">{t.status}</label>
          <select
            id="job-status"
            value={status}
            onChange={(event) => {
              setStatus(event.currentTarget.value as JobStatus | "");
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
        <GroupFilter
          groupId={groupId}
          onChange={(id) => {
            paging.reset();
            if (id === null) navigate("jobs");
            else navigate("jobs", id);
          }}
        />
      </fieldset>
      <QueryView state={jobs}>
        {(data) =>
          data.jobs.totalCount === 0 ? (
            <EmptyState title={filtered ? t.noMatches : t.noJobs}>
              {!filtered && <a href={href("import")}>{t.importLink}</a>}
            </EmptyState>
          ) : (
            <>
              <p class="list-count">
                {t.jobCount(format.number(data.jobs.totalCount), data.jobs.totalCount)}
              </p>
              <ul class="job-list">
                {data.jobs.edges.map(({ node }) => (
                  <JobItem
                    key={node.id}
                    job={node}
                    timeZone={data.viewer.timeZone}
                    reload={jobs.reload}
                  />
                ))}
              </ul>
              <Pager
                pageInfo={data.jobs.pageInfo}
                paging={paging}
                label={t.pagingLabel}
                previous={t.previous}
                next={t.next}
              />
            </>
          )
        }
      </QueryView>
    </section>
  );
}

/** The group choice: the account's live groups, and the route's group when it is another. */
function GroupFilter({
  groupId,
  onChange,
}: {
  groupId: string | null;
  onChange: (groupId: string | null) => void;
}) {
  const t = useMessages(jobsMessages);
  const groups = useQuery(GroupListDocument, { first: GROUP_CHOICES });
  const choices = groups.data?.groups.edges.map((edge) => edge.node) ?? [];
  const known = groupId === null || choices.some((group) => group.id === groupId);
  return (
    <div class="field">
      <label for="job-group">{t.group}</label>
      <select
        id="job-group"
        value={groupId ?? ""}
        onChange={(event) => onChange(event.currentTarget.value || null)}
      >
        <option value="">{t.anyGroup}</option>
        {!known && groupId !== null && <option value={groupId}>{t.thisGroup}</option>}
        {choices.map((group) => (
          <option key={group.id} value={group.id}>
            {group.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function jobTitle(t: (typeof jobsMessages)["en"], job: JobHistoryFieldsFragment): string {
  if (job.kind === "IMPORT") return job.fileName ?? t.kind_("IMPORT");
  return job.sourceBackup ? t.restoreOf(job.sourceBackup.groupName) : t.restoreAsOf;
}

function JobItem({
  job,
  timeZone,
  reload,
}: {
  job: JobHistoryFieldsFragment;
  timeZone: string;
  reload: () => void;
}) {
  const t = useMessages(jobsMessages);
  const format = useFormat();
  const locale = useLocale();
  const title = jobTitle(t, job);
  const headingId = `job-${job.id}`;
  const counts: [string, number][] = [
    [t.added, job.added],
    [t.updated, job.updated],
    [t.unchanged, job.unchanged],
    [t.skipped, job.skipped],
    [t.removed, job.removed],
    [t.rejected, job.rejected],
    [t.statusKept, job.statusKept],
  ];
  return (
    <li class="job-item">
      <article aria-labelledby={headingId}>
        <header class="job-header">
          <h2 id={headingId}>{title}</h2>
          <span class={`status job-status-${job.status.toLowerCase()}`}>{t.status_(job.status)}</span>
        </header>
        <dl class="job-details">
          <div>
            <dt>{t.groupLabel}</dt>
            <dd>
              {job.group ? <a href={href("lists", job.group.id)}>{job.group.name}</a> : t.deletedGroup}
            </dd>
          </div>
          {job.sizeBytes !== null && (
            <div>
              <dt>{t.size}</dt>
              <dd>{formatSize(locale, job.sizeBytes)}</dd>
            </div>
          )}
          <div>
            <dt>{t.startedBy}</dt>
            <dd>{job.startedBy ?? t.startedByUnknown}</dd>
          </div>
          <div>
            <dt>{t.started}</dt>
            <dd>{format.dateTime(job.createdAt, timeZone)}</dd>
          </div>
          {job.finishedAt && (
            <div>
              <dt>{t.finished}</dt>
              <dd>{format.dateTime(job.finishedAt, timeZone)}</dd>
            </div>
          )}
        </dl>
        {ACTIVE.has(job.status) ? (
          <p class="job-progress">
            {t.progress(
              format.number(job.processedRows),
              job.totalRows === null ? null : format.number(job.totalRows),
            )}
          </p>
        ) : (
          <ul class="job-counts">
            {counts
              .filter(([, value]) => value > 0)
              .map(([label, value]) => (
                <li key={label}>
                  <strong>{format.number(value)}</strong> {label}
                </li>
              ))}
          </ul>
        )}
        {job.error && <p class="field-error">{job.error}</p>}
        {job.rejectedRowsUrl && (
          <p>
            <a href={job.rejectedRowsUrl} download>
              {t.rejects(format.number(job.rejected))}
            </a>
          </p>
        )}
        {CANCELLABLE.has(job.status) && <CancelJob jobId={job.id} title={title} reload={reload} />}
      </article>
    </li>
  );
}

function CancelJob({ jobId, title, reload }: { jobId: string; title: string; reload: () => void }) {
  const t = useMessages(jobsMessages);
  const [cancel, cancelling] = useMutation(CancelJobDocument);
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function run(): Promise<void> {
    setFailure(null);
    try {
      const { cancelJob } = await cancel({ jobId });
      if (cancelJob.userErrors.length > 0) {
        setFailure(new ApiError("graphql", errorsOf(cancelJob.userErrors)));
      }
      reload();
    } catch (error) {
      setFailure(error instanceof ApiError ? error : new ApiError("server", String(error)));
    }
  }

  return (
    <>
      <button
        type="button"
        class="secondary"
        aria-label={t.cancelLabel(title)}
        disabled={cancelling.status === "loading"}
        onClick={() => void run()}
      >
        {cancelling.status === "loading" ? t.cancelling : t.cancel}
      </button>
      {failure && <ErrorNotice error={failure} />}
    </>
  );
}
