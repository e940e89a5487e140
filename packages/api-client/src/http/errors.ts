/**
 * The contract's check of the uniform error body (generated from its `Error` schema), loaded when the first
 * error arrives: most page loads never see one, so it stays out of the first load.
 */
const errorCheck = () => import("../generated/validators.js").then((m) => m.isError);

/** An API answered with a non-2xx status; carries the parsed error body when there was one. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param?: string,
    readonly requestId?: string,
    /** Seconds from `Retry-After`, when the server sent one (429, 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The request never got an HTTP answer: offline, DNS, connection refused, aborted by a timeout. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

/** Builds an {@link ApiError} from a failed response, tolerating bodies that are not the uniform shape. */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const retryHeader = Number(response.headers.get("retry-after"));
  const retryAfter = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const isError = await errorCheck();
  if (isError(body)) {
    const e = body.error;
    return new ApiError(
      response.status,
      e.type,
      e.code,
      e.message,
      e.param,
      e.request_id ?? requestId,
      retryAfter,
    );
  }
  // A proxy or the edge answered (502 from Caddy, an HTML 404): keep the status, invent nothing else.
  const type = response.status >= 500 ? "unavailable" : "invalid_request";
  return new ApiError(
    response.status,
    type,
    `http_${response.status}`,
    response.statusText,
    undefined,
    requestId,
    retryAfter,
  );
}

/** What a user is shown for an error: a headline, a sentence, and the request id to quote to support. */
export interface UserFacingError {
  title: string;
  detail: string;
  requestId?: string;
}

const TITLES: Record<string, string> = {
  invalid_request: "Please check what you entered",
  authentication: "Please sign in again",
  permission: "You are not allowed to do that",
  not_found: "Not found",
  conflict: "That could not be done right now",
  idempotency: "This request was already sent",
  rate_limited: "Too many attempts",
  unavailable: "The service is temporarily unavailable",
  internal: "Something went wrong on our side",
};

/**
 * Turns any thrown value into words a user understands. API messages are written for people (§3), so they
 * are shown as they are; server faults get a calm generic sentence plus the request id for support.
 */
export function describeError(error: unknown): UserFacingError {
  if (error instanceof ApiError) {
    const title = TITLES[error.type] ?? "The request failed";
    let detail = error.message || "Please try again.";
    if (error.type === "internal" || error.type === "unavailable" || error.status >= 500) {
      detail =
        "Please try again in a moment. If it keeps happening, contact support with the reference below.";
    }
    if (error.type === "rate_limited" && error.retryAfter !== undefined) {
      detail = `${error.message} Try again in ${error.retryAfter} seconds.`;
    }
    return error.requestId === undefined ? { title, detail } : { title, detail, requestId: error.requestId };
  }
  if (error instanceof NetworkError) {
    return {
      title: "Cannot reach the server",
      detail: "Check your connection; we will keep what you entered so you can try again.",
    };
  }
  return { title: "Something went wrong", detail: error instanceof Error ? error.message : String(error) };
}
