// Hooks the screens use: the client of the signed-in session and the state of a query, a
// mutation or a subscription. Each state says loading / error / data, for src/ui/'s components.
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import type { TypedDocumentString } from "../gql/graphql";
import { ApiError, type GraphQLClient, type VariablesOf } from "./client";

export const ClientContext = createContext<GraphQLClient | null>(null);

/** The client of the signed-in session (the shell provides it around every screen). */
export function useClient(): GraphQLClient {
  const client = useContext(ClientContext);
  if (client === null) throw new Error("useClient outside the signed-in shell");
  return client;
}

export type RequestState<R> =
  | { status: "loading"; data?: R }
  | { status: "error"; error: ApiError; data?: R }
  | { status: "done"; data: R };

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError("server", String(error));
}

/**
 * A query run when the component mounts and whenever its variables change; `reload` reruns it.
 * Only the answer to the latest request is taken: an answer to variables or a round that a later
 * render or `reload` has superseded is dropped, even if it arrives before the new request starts
 * (effects run after the next frame, so that gap is real).
 */
export function useQuery<R, V>(
  document: TypedDocumentString<R, V>,
  ...[variables]: VariablesOf<V>
): RequestState<R> & { reload: () => void } {
  const client = useClient();
  const [state, setState] = useState<RequestState<R>>({ status: "loading" });
  const [round, setRound] = useState(0);
  const key = JSON.stringify(variables ?? {});
  const latest = useRef({ key, round: 0 });
  latest.current.key = key;
  useEffect(() => {
    let current = true;
    const taken = () => current && latest.current.key === key && latest.current.round === round;
    setState((before) => ({ status: "loading", ...(before.data ? { data: before.data } : {}) }));
    const args = (variables === undefined ? [] : [variables]) as VariablesOf<V>;
    client.request(document, ...args).then(
      (data) => taken() && setState({ status: "done", data }),
      (error: unknown) => taken() && setState({ status: "error", error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
    // `key` stands for the variables' value
  }, [client, document, key, round]);
  const reload = useCallback(() => {
    latest.current.round += 1;
    setRound(latest.current.round);
  }, []);
  return { ...state, reload };
}

export type MutationState<R> = { status: "idle" } | RequestState<R>;

/** A mutation run on demand: `run(variables)` resolves to its data (or rejects with an ApiError). */
export function useMutation<R, V>(
  document: TypedDocumentString<R, V>,
): [(...variables: VariablesOf<V>) => Promise<R>, MutationState<R>] {
  const client = useClient();
  const [state, setState] = useState<MutationState<R>>({ status: "idle" });
  const run = useCallback(
    async (...variables: VariablesOf<V>): Promise<R> => {
      setState({ status: "loading" });
      try {
        const data = await client.request(document, ...variables);
        setState({ status: "done", data });
        return data;
      } catch (error) {
        setState({ status: "error", error: asApiError(error) });
        throw error;
      }
    },
    [client, document],
  );
  return [run, state];
}

export type SubscriptionState<R> = RequestState<R> & { completed: boolean };

/** A subscription while `enabled` (e.g. a job's progress): its latest data, and whether it ended. */
export function useSubscription<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  enabled = true,
): SubscriptionState<R> {
  const client = useClient();
  const [state, setState] = useState<SubscriptionState<R>>({ status: "loading", completed: false });
  const latest = useRef<R | undefined>(undefined);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!enabled) return undefined;
    latest.current = undefined;
    setState({ status: "loading", completed: false });
    return client.subscribe(document, variables, {
      next: (data) => {
        latest.current = data;
        setState({ status: "done", data, completed: false });
      },
      error: (error) => setState({ status: "error", error, completed: true }),
      complete: () =>
        setState((before) => ({ ...before, completed: true }) as SubscriptionState<R>),
    });
    // `key` stands for the variables' value
  }, [client, document, key, enabled]);
  return state;
}
