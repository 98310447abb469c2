// Cursor paging both ways over a connection: the next page is first/after its end cursor, the
// previous one last/before its start cursor (the server's connections page either way).
import { useState } from "preact/hooks";
import type { PageInfoFieldsFragment } from "../../gql/graphql";

// Both sides always sent: the operations give $first a default, which must not apply with $last.
export type PageWindow =
  | { first: number; after: string | null; last: null; before: null }
  | { first: null; after: null; last: number; before: string };

function forward(size: number, after: string | null): PageWindow {
  return { first: size, after, last: null, before: null };
}

export interface Paging {
  window: PageWindow;
  next: (pageInfo: PageInfoFieldsFragment) => void;
  previous: (pageInfo: PageInfoFieldsFragment) => void;
  /** Back to the first page (filters changed). */
  reset: () => void;
}

/** The page shown: `size` items from the start, or before/after the cursors of the page seen. */
export function usePaging(size: number): Paging {
  const [page, setPage] = useState<PageWindow>(forward(size, null));
  return {
    window: page,
    next: (pageInfo) => setPage(forward(size, pageInfo.endCursor)),
    previous: (pageInfo) =>
      setPage(
        pageInfo.startCursor === null
          ? forward(size, null)
          : { first: null, after: null, last: size, before: pageInfo.startCursor },
      ),
    reset: () => setPage(forward(size, null)),
  };
}

/** Previous / next buttons for a page of a connection (none when it is the only page). */
export function Pager({
  pageInfo,
  paging,
  label,
  previous,
  next,
}: {
  pageInfo: PageInfoFieldsFragment;
  paging: Paging;
  label: string;
  previous: string;
  next: string;
}) {
  if (!pageInfo.hasPreviousPage && !pageInfo.hasNextPage) return null;
  return (
    <div class="pager" role="group" aria-label={label}>
      <button
        type="button"
        class="secondary"
        disabled={!pageInfo.hasPreviousPage}
        onClick={() => paging.previous(pageInfo)}
      >
        {previous}
      </button>
      <button
        type="button"
        class="secondary"
        disabled={!pageInfo.hasNextPage}
        onClick={() => paging.next(pageInfo)}
      >
        {next}
      </button>
    </div>
  );
}
