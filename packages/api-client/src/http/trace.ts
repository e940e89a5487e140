/**
 * W3C trace context for the browser's API calls. Each call gets a fresh trace id in a `traceparent` header;
 * the gateway's server span continues it (the service kit extracts it), so the backend's trace of that call
 * has the id the browser chose. A failed call's error remembers it, and the error reporter puts it on the
 * Sentry event: a frontend error then names the backend trace of the request behind it.
 */

/** The trace id of one API call and the `traceparent` header of one attempt of it. */
export interface CallTrace {
  traceId: string;
  /** A new span id per attempt (a call is repeated once after a token refresh), same trace. */
  header(): string;
}

function hex(bytes: number): string {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  let text = "";
  for (const value of values) text += value.toString(16).padStart(2, "0");
  // All zeros is the invalid id of the spec; astronomically unlikely, and then simply a fresh draw.
  return /^0+$/.test(text) ? hex(bytes) : text;
}

/** A new trace for one API call; `01`: sampled, so the backend records it. */
export function newCallTrace(): CallTrace {
  const traceId = hex(16);
  return { traceId, header: () => `00-${traceId}-${hex(8)}-01` };
}

const traces = new WeakMap<object, string>();

/** Remembers the trace id of the call `error` came from. */
export function rememberTrace<E extends object>(error: E, traceId: string): E {
  traces.set(error, traceId);
  return error;
}

/** The trace id of the API call an error came from (ApiError, NetworkError), if any. */
export function traceOf(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? traces.get(error) : undefined;
}
