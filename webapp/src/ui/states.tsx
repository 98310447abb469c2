// Loading, empty and error states, the same on every screen.
import type { ComponentChildren } from "preact";
import type { ApiError } from "../api/client";
import type { RequestState } from "../api/hooks";
import { useMessages } from "../i18n/i18n";
import { uiMessages } from "./messages";

/** A polite "Loading…" that screen readers announce. */
export function Loading({ label }: { label?: string }) {
  const t = useMessages(uiMessages);
  return (
    <p class="state state-loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label ?? t.loading}
    </p>
  );
}

/** Nothing to show yet, with what to do about it (`children`: an action, a link). */
export function EmptyState({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="state state-empty">
      <p class="state-title">{title}</p>
      {children}
    </div>
  );
}

/** A failed request: what happened, in words, and a way to retry when there is one. */
export function ErrorNotice({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const t = useMessages(uiMessages);
  const text = {
    network: t.networkError,
    server: t.serverError,
    unauthorized: t.unauthorized,
    graphql: error.message,
  }[error.kind];
  return (
    <div class="state state-error" role="alert">
      <p class="state-title">{t.errorTitle}</p>
      <p>{text}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t.retry}
        </button>
      )}
    </div>
  );
}

/** Renders a query's state: loading, error (with retry), or `children(data)`. */
export function QueryView<R>({
  state,
  children,
}: {
  state: RequestState<R> & { reload?: () => void };
  children: (data: R) => ComponentChildren;
}) {
  if (state.status === "error") return <ErrorNotice error={state.error} onRetry={state.reload} />;
  if (state.status === "loading" && state.data === undefined) return <Loading />;
  return <>{children(state.data as R)}</>;
}
