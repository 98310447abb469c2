// The GraphQL client: typed documents (src/gql/, generated from frontend-contract/) sent over
// fetch with the token as a Bearer header, uploads as GraphQL multipart requests, and
// subscriptions over graphql-transport-ws (graphql-ws) with the token in connection_init.
import { createClient, type Client as SocketClient } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";

export const GRAPHQL_PATH = "/graphql";
/** The close code the server gives a WebSocket whose token it refuses. */
const FORBIDDEN_CLOSE_CODE = 4403;

/** Why a request failed: the token was refused, the network, or the server said no. */
export type ApiErrorKind = "unauthorized" | "network" | "server" | "graphql";

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    /** `extensions.code` of the first GraphQL error, when there is one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The variables argument: optional for an operation that has no required variable. */
export type VariablesOf<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

/** What a subscription calls back with. */
export interface SubscriptionSink<R> {
  next: (data: R) => void;
  error?: (error: ApiError) => void;
  complete?: () => void;
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}
interface GraphQLResponse<R> {
  data?: R | null;
  errors?: GraphQLErrorShape[];
}

function graphqlError(errors: GraphQLErrorShape[]): ApiError {
  const first = errors[0];
  const code = first?.extensions?.code;
  if (code === "UNAUTHENTICATED") return new ApiError("unauthorized", first?.message ?? "", code);
  return new ApiError("graphql", errors.map((e) => e.message).join("\n"), code);
}

/** `value` with every File replaced by null, and the variable path of each file taken out. */
function extractFiles(value: unknown, path: string, files: Map<string, File>): unknown {
  if (value instanceof File) {
    files.set(path, value);
    return null;
  }
  if (Array.isArray(value)) return value.map((item, i) => extractFiles(item, `${path}.${i}`, files));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, extractFiles(v, `${path}.${k}`, files)]);
    return Object.fromEntries(entries);
  }
  return value;
}

export class GraphQLClient {
  private socket: SocketClient | null = null;

  constructor(
    private readonly token: string,
    /** Called once the server refuses the token (expired, revoked): back to the prompt. */
    private readonly onUnauthorized: () => void,
  ) {}

  /** Runs a query or mutation; its data, or an ApiError. */
  async request<R, V>(
    document: TypedDocumentString<R, V>,
    ...[variables]: VariablesOf<V>
  ): Promise<R> {
    const body = JSON.stringify({ query: document.toString(), variables: variables ?? {} });
    return this.send<R>(body, { "Content-Type": "application/json" });
  }

  /**
   * Runs an operation whose variables hold files (File objects anywhere in them), sent as a
   * GraphQL multipart request: `client.upload(StageFileDocument, { file })`.
   */
  async upload<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
    const files = new Map<string, File>();
    const operations = { query: document.toString(), variables: extractFiles(variables, "variables", files) };
    const form = new FormData();
    form.append("operations", JSON.stringify(operations));
    const paths = [...files.keys()];
    form.append("map", JSON.stringify(Object.fromEntries(paths.map((p, i) => [i, [p]]))));
    paths.forEach((path, i) => form.append(String(i), files.get(path) as File));
    // The server's CSRF prevention asks multipart requests for this header.
    return this.send<R>(form, { "Apollo-Require-Preflight": "true" });
  }

  /** Subscribes over the WebSocket; returns the function that stops it. */
  subscribe<R, V>(
    document: TypedDocumentString<R, V>,
    variables: V,
    sink: SubscriptionSink<R>,
  ): () => void {
    return this.webSocket().subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (message) => {
          if (message.errors?.length) sink.error?.(graphqlError([...message.errors]));
          else if (message.data) sink.next(message.data);
        },
        error: (error) => sink.error?.(this.socketError(error)),
        complete: () => sink.complete?.(),
      },
    );
  }

  /** Closes the WebSocket, if one was opened. */
  dispose(): void {
    void this.socket?.dispose();
    this.socket = null;
  }

  private async send<R>(body: BodyInit, headers: Record<string, string>): Promise<R> {
    let response: Response;
    try {
      response = await fetch(GRAPHQL_PATH, {
        method: "POST",
        headers: { ...headers, Accept: "application/json", Authorization: `Bearer ${this.token}` },
        body,
      });
    } catch (error) {
      throw new ApiError("network", String(error));
    }
    if (response.status === 401) throw this.unauthorized();
    const answer = (await response.json().catch(() => ({}))) as GraphQLResponse<R>;
    if (answer.errors?.length) {
      const error = graphqlError(answer.errors);
      throw error.kind === "unauthorized" ? this.unauthorized() : error;
    }
    if (!response.ok || answer.data == null) {
      throw new ApiError("server", `${response.status} ${response.statusText}`.trim());
    }
    return answer.data;
  }

  private unauthorized(): ApiError {
    this.onUnauthorized();
    return new ApiError("unauthorized", "The token was refused.", "UNAUTHENTICATED");
  }

  private socketError(error: unknown): ApiError {
    if (error instanceof CloseEvent && error.code === FORBIDDEN_CLOSE_CODE) return this.unauthorized();
    if (error instanceof CloseEvent) return new ApiError("network", `WebSocket closed (${error.code})`);
    if (Array.isArray(error)) return graphqlError(error as GraphQLErrorShape[]);
    return new ApiError("network", String(error));
  }

  private webSocket(): SocketClient {
    if (this.socket === null) {
      const url = new URL(GRAPHQL_PATH, window.location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      this.socket = createClient({
        url: url.href,
        connectionParams: { Authorization: `Bearer ${this.token}` },
        // a refused token is final; a network blip is retried
        shouldRetry: (event) => !(event instanceof CloseEvent && event.code === FORBIDDEN_CLOSE_CODE),
      });
    }
    return this.socket;
  }
}
