// A state of a group (a backup's, or a moment's) compared with the group now: the four counts and
// the differing addresses, page by page.
import { useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import type { DifferenceKind } from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { ErrorNotice } from "../../ui/states";
import { backupsMessages } from "./messages";

export interface Difference {
  email: string;
  kind: DifferenceKind;
}

export interface Comparison {
  unchanged: number;
  changed: number;
  added: number;
  removed: number;
  differences: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: Difference }[];
  };
}

/** The comparison's next page of differences (after a cursor), or null when it is gone. */
export type LoadDifferences = (after: string) => Promise<Comparison | null>;

function Counts({ comparison }: { comparison: Comparison }) {
  const t = useMessages(backupsMessages);
  const format = useFormat();
  const rows: [string, number][] = [
    [t.unchanged, comparison.unchanged],
    [t.changed, comparison.changed],
    [t.added, comparison.added],
    [t.removed, comparison.removed],
  ];
  return (
    <dl class="backup-counts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{format.number(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ComparisonView({
  comparison,
  loadMore,
  headingLevel = 4,
}: {
  comparison: Comparison;
  loadMore: LoadDifferences;
  headingLevel?: 3 | 4 | 5;
}) {
  const t = useMessages(backupsMessages);
  const [more, setMore] = useState<Difference[]>([]);
  const [page, setPage] = useState(comparison.differences.pageInfo);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const shown = [...comparison.differences.edges.map((edge) => edge.node), ...more];
  const total = comparison.differences.totalCount;
  const Heading = `h${headingLevel}` as "h4";

  async function showMore(): Promise<void> {
    if (page.endCursor === null) return;
    setLoading(true);
    setError(null);
    try {
      const next = await loadMore(page.endCursor);
      if (next !== null) {
        setMore((before) => [...before, ...next.differences.edges.map((edge) => edge.node)]);
        setPage(next.differences.pageInfo);
      }
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError("server", String(failure)));
    } finally {
      setLoading(false);
    }
  }

  return (
    <div class="backup-comparison">
      <Counts comparison={comparison} />
      {total === 0 ? (
        <p>{t.noDifferences}</p>
      ) : (
        <>
          <Heading class="bk-differences-title">{t.differences(shown.length, total)}</Heading>
          <ul class="bk-differences">
            {shown.map((difference) => (
              <li key={difference.email}>
                <span class="bk-email">{difference.email}</span>{" "}
                <span class={`bk-kind bk-kind-${difference.kind.toLowerCase()}`}>
                  {t[`kind${difference.kind}`]}
                </span>
              </li>
            ))}
          </ul>
          {error && <ErrorNotice error={error} />}
          {page.hasNextPage && (
            <button type="button" class="secondary" onClick={showMore} disabled={loading}>
              {t.showMore}
            </button>
          )}
        </>
      )}
    </div>
  );
}
