// Pieces the wizard's steps share: the step's heading (focused when the step opens, so a
// keyboard or screen reader user lands on it), the server's userErrors, the counts.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { UserErrorFieldsFragment } from "../../gql/graphql";
import { useFormat } from "../../i18n/format";
import { useMessages } from "../../i18n/i18n";
import { importMessages } from "./messages";

export function StepHeading({ children, focus = true }: { children: ComponentChildren; focus?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus]);
  return (
    <h2 tabIndex={-1} ref={heading}>
      {children}
    </h2>
  );
}

export function UserErrors({ errors }: { errors: UserErrorFieldsFragment[] }) {
  if (errors.length === 0) return null;
  return (
    <div role="alert" class="user-errors">
      {errors.map((error) => (
        <p class="field-error" key={`${error.code}${error.message}`}>
          {error.message}
        </p>
      ))}
    </div>
  );
}

export interface CountValues {
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
  rejected: number;
  statusKept: number;
}

/** The import's counts as a list of terms: what the preview says and what the job did. */
export function Counts({ counts }: { counts: CountValues }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  const rows: [string, string, number][] = [
    ["added", t.countAdded, counts.added],
    ["updated", t.countUpdated, counts.updated],
    ["unchanged", t.countUnchanged, counts.unchanged],
    ["skipped", t.countSkipped, counts.skipped],
    ["rejected", t.countRejected, counts.rejected],
    ["status-kept", t.countStatusKept, counts.statusKept],
  ];
  return (
    <dl class="import-counts">
      {rows.map(([key, term, value]) => (
        <div key={key} class={`count count-${key}`} data-count={key}>
          <dt>{term}</dt>
          <dd>{format.number(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface RowErrorItem {
  row: number;
  column: string | null;
  message: string;
  code: string;
}

/** Row errors as a table: row, column, problem. */
export function RowErrorTable({ errors, caption }: { errors: RowErrorItem[]; caption: string }) {
  const t = useMessages(importMessages);
  const format = useFormat();
  return (
    <div class="table-box">
      <table class="row-errors">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.row}</th>
            <th scope="col">{t.column}</th>
            <th scope="col">{t.problem}</th>
          </tr>
        </thead>
        <tbody>
          {errors.map((error, index) => (
            <tr key={`${error.row}-${error.code}-${index}`}>
              <td>{format.number(error.row)}</td>
              <td>{error.column ?? t.empty}</td>
              <td>{error.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
