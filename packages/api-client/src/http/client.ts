import { apiErrorFrom, NetworkError } from "./errors.ts";
import { type CallTrace, newCallTrace, rememberTrace } from "./trace.ts";

/** The HTTP methods the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The part of `fetch` the client uses (narrower than the global type so tests can pass a plain function). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How the HTTP client reaches the session, without knowing how tokens are kept or refreshed. */
export interface AuthHooks {
  /** The current access token, if any. */
  accessToken(): string | undefined;
  /**
   * Get a fresh access token (single-flight: concurrent callers share one refresh). True when a new token
   * is available; false when the session is over.
   */
  refresh(): Promise<boolean>;
  /** Refresh failed: the session ended (the store signs out in every tab). */
  sessionEnded(): void;
}

/** One API call's timing, for analytics (`route` is a template so metrics keep a bounded label set). */
export interface ApiTiming {
  method: HttpMethod;
  route: string;
  status: number;
  ms: number;
}

/** Dependencies of {@link createHttpClient}. */
export interface HttpClientDeps {
  fetch: FetchLike;
  /** Prefix for every path: "" for same origin (the gateway), or an absolute origin. */
  baseUrl: string;
  auth: AuthHooks;
  onTiming?: (timing: ApiTiming) => void;
  now?: () => number;
}

/** Query parameters; undefined values are dropped so callers can pass optional filters as they are. */
export type QueryParams = Record<string, string | number | boolean | undefined>;

/** Options of one request. */
export interface RequestOptions {
  method?: HttpMethod;
  query?: QueryParams;
  /** JSON-encoded as the body. */
  body?: unknown;
  /** Sent as `Idempotency-Key` (every non-GET that creates or moves money, §3). */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** False for calls that must not carry a bearer token or trigger a refresh (login, register, refresh). */
  authenticated?: boolean;
  headers?: Record<string, string>;
}

/** The typed HTTP client every endpoint module is built on. */
export interface HttpClient {
  /** Sends a request; resolves with the 2xx response (body unread), throws {@link ApiError}/{@link NetworkError}. */
  send(path: string, options?: RequestOptions): Promise<Response>;
}

const ID_SEGMENT = /^[a-z]{2,4}_[0-9a-z]{10,}$/;

/** `/api/payments/pay_01j…/refunds` → `/api/payments/:id/refunds`: one label per route, not per payment. */
export function routeTemplate(path: string): string {
  const bare = path.split("?")[0] ?? path;
  return bare
    .split("/")
    .map((segment) => (ID_SEGMENT.test(segment) ? ":id" : segment))
    .join("/");
}

function withQuery(path: string, query: QueryParams | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

/**
 * Creates the HTTP client. An expired access token is refreshed **once**, transparently: a 401 on an
 * authenticated call asks the session for a new token (shared by every call that failed at the same time)
 * and repeats the call one time; if the refresh fails, or the repeat is refused again, the session ends.
 */
export function createHttpClient(deps: HttpClientDeps): HttpClient {
  const now = deps.now ?? (() => Date.now());

  async function attempt(
    url: string,
    options: RequestOptions,
    token: string | undefined,
    trace: CallTrace,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: "application/json",
      traceparent: trace.header(),
      ...options.headers,
    };
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
    const init: RequestInit = {
      method: options.method ?? "GET",
      headers,
      credentials: "same-origin",
    };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    if (options.signal) init.signal = options.signal;
    try {
      return await deps.fetch(url, init);
    } catch (error) {
      if (error instanceof Error && error.name === "AbortError") throw error;
      throw rememberTrace(
        new NetworkError(error instanceof Error ? error.message : "network error"),
        trace.traceId,
      );
    }
  }

  async function send(path: string, options: RequestOptions = {}): Promise<Response> {
    const { response } = await sendTraced(path, options);
    return response;
  }

  async function sendTraced(
    path: string,
    options: RequestOptions,
  ): Promise<{ response: Response; trace: CallTrace }> {
    const url = deps.baseUrl + withQuery(path, options.query);
    const authenticated = options.authenticated !== false;
    const started = now();
    const sentWith = authenticated ? deps.auth.accessToken() : undefined;
    const trace = newCallTrace();
    let response = await attempt(url, options, sentWith, trace);
    if (response.status === 401 && authenticated) {
      // Another call may already have refreshed while this one was in flight: then just use the new token.
      const current = deps.auth.accessToken();
      const fresh = current !== undefined && current !== sentWith ? true : await deps.auth.refresh();
      if (!fresh) {
        deps.auth.sessionEnded();
        throw rememberTrace(await apiErrorFrom(response), trace.traceId);
      }
      response = await attempt(url, options, deps.auth.accessToken(), trace);
      if (response.status === 401) deps.auth.sessionEnded();
    }
    deps.onTiming?.({
      method: options.method ?? "GET",
      route: routeTemplate(path),
      status: response.status,
      ms: now() - started,
    });
    if (!response.ok) throw rememberTrace(await apiErrorFrom(response), trace.traceId);
    return { response, trace };
  }

  return { send };
}
