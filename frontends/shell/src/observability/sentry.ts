import { traceOf } from "@payments/api-client";

/** Reports errors to Sentry when a DSN is configured. */
export interface ErrorReporter {
  report(error: unknown): void;
  /**
   * The signed-in user's id for the events that follow (undefined: signed out). Only the id: never the
   * e-mail or the name, which are personal data Sentry has no need of.
   */
  setUser(id: string | undefined): void;
}

type SentryModule = typeof import("@sentry/react");
type SentryEvent = Parameters<NonNullable<Parameters<SentryModule["init"]>[0]>["beforeSend"] & {}>[0];

const SECRET_PARAMS = /([?&](?:ticket|token|access_token|code)=)[^&#]*/gi;

/**
 * Removes credentials and personal data from what leaves the browser: auth headers, cookies, tickets in
 * URLs, and every user field but the id (the SDK adds none with `sendDefaultPii` off; this holds if one
 * ever did).
 */
export function scrubEvent<E extends SentryEvent>(event: E): E {
  const request = event.request;
  if (request) {
    if (request.headers) {
      const headers = { ...request.headers };
      delete headers.Authorization;
      delete headers.authorization;
      delete headers.Cookie;
      delete headers.cookie;
      request.headers = headers;
    }
    delete request.cookies;
    if (request.url) request.url = request.url.replace(SECRET_PARAMS, "$1[redacted]");
  }
  if (event.user?.id !== undefined) event.user = { id: event.user.id };
  else delete event.user;
  for (const crumb of event.breadcrumbs ?? []) {
    const url = crumb.data?.url;
    if (typeof url === "string" && crumb.data) crumb.data.url = url.replace(SECRET_PARAMS, "$1[redacted]");
  }
  return event;
}

/** `request_id` of an API error (the gateway's `X-Request-Id`), if the error has one. */
function requestIdOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("requestId" in error)) return undefined;
  return typeof error.requestId === "string" ? error.requestId : undefined;
}

/** Options of {@link createErrorReporter}. */
export interface ErrorReporterOptions {
  dsn: string | undefined;
  environment: string;
  /** The build's release; the same name the source maps were uploaded under and the services report. */
  release: string;
  /**
   * Same-origin path the SDK posts its envelopes to instead of the DSN's host (the gateway's
   * `/api/monitoring`, docs/adr/0030): the edge's CSP allows connections to this origin only.
   */
  tunnel?: string;
}

/**
 * Sentry only when configured: with no DSN nothing is downloaded (the SDK is a separate chunk loaded on
 * demand), so the default build carries no Sentry bytes. Errors raised before the SDK arrives are queued.
 * Every event carries the release and environment, the user id while signed in, and for an error from an
 * API call the `trace_id` the browser sent in that call's `traceparent`: the backend's trace of the request
 * (its spans, and its own Sentry event, tagged with the same id).
 */
export function createErrorReporter(options: ErrorReporterOptions): ErrorReporter & { ready: Promise<void> } {
  const { dsn } = options;
  if (!dsn) return { report: () => {}, setUser: () => {}, ready: Promise.resolve() };
  let sentry: SentryModule | undefined;
  let user: string | undefined;
  const queue: unknown[] = [];
  const capture = (module: SentryModule, error: unknown) => {
    const traceId = traceOf(error);
    const requestId = requestIdOf(error);
    module.withScope((scope) => {
      if (traceId) {
        scope.setTag("trace_id", traceId);
        scope.setContext("backend", { trace_id: traceId });
      }
      if (requestId) scope.setTag("request_id", requestId);
      module.captureException(error);
    });
  };
  const ready = import("@sentry/react")
    .then((module) => {
      module.init({
        dsn,
        ...(options.tunnel ? { tunnel: options.tunnel } : {}),
        environment: options.environment,
        release: options.release,
        // No user fields of the SDK's own (it would add the address), no cookies or bodies: the id set
        // below is all Sentry learns of the user.
        dataCollection: { userInfo: false, cookies: false, httpBodies: [] },
        beforeSend: (event) => scrubEvent(event),
      });
      module.setUser(user === undefined ? null : { id: user });
      sentry = module;
      for (const error of queue.splice(0)) capture(module, error);
    })
    .catch(() => {
      // Blocked by an extension or offline: reporting is best effort.
    });
  return {
    ready,
    report(error) {
      if (sentry) capture(sentry, error);
      else if (queue.length < 20) queue.push(error);
    },
    setUser(id) {
      user = id;
      sentry?.setUser(id === undefined ? null : { id });
    },
  };
}
