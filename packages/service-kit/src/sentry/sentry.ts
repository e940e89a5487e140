import { isSpanContextValid, trace } from "@opentelemetry/api";
import type * as SentrySdk from "@sentry/bun";
import type { Context } from "hono";
import { DEFAULT_RELEASE } from "./release.ts";
import { scrub } from "./scrub.ts";

/** Options of {@link initSentry}. */
export interface SentryOptions {
  /** `SENTRY_DSN`; without it Sentry stays off and nothing is sent anywhere. */
  dsn?: string;
  service: string;
  environment: string;
  /** Release name (`SENTRY_RELEASE`, e.g. the commit); default {@link DEFAULT_RELEASE}: never without one. */
  release?: string | undefined;
}

/**
 * The SDK, loaded by the first {@link initSentry} with a DSN and never before: `@sentry/bun` alone adds
 * ~20 MB to a process's resident memory, which a service without a DSN (tests, local runs, the benchmarks)
 * has no use for. Undefined while Sentry is off.
 */
let sdk: Promise<typeof SentrySdk | undefined> | undefined;

/**
 * Starts `@sentry/bun` when a DSN is configured. Every event and breadcrumb goes through {@link scrub}
 * before it leaves the process, and the SDK is told not to collect bodies, local variables or user data on
 * its own: the kit attaches the request it wants (headers and JSON body, scrubbed) to each 5xx it reports.
 * Sentry is process-wide, so in the embedded mode the first service to call this initialises it; every
 * reported error carries its own `service` tag. The SDK loads in the background (a few milliseconds);
 * errors reported meanwhile wait for it rather than being lost.
 */
export function initSentry(opts: SentryOptions): void {
  if (!opts.dsn || sdk) return;
  const dsn = opts.dsn;
  sdk = import("@sentry/bun").then(
    (Sentry) => {
      if (Sentry.isInitialized()) return Sentry;
      Sentry.init({
        dsn,
        environment: opts.environment,
        release: opts.release ?? DEFAULT_RELEASE,
        // No tracesSampleRate: tracing stays with the kit's OpenTelemetry pipeline; Sentry gets errors only.
        // Nor Sentry's own trace headers on every outgoing fetch (they would reach payment processors too).
        tracePropagationTargets: [],
        dataCollection: {
          userInfo: false,
          cookies: false,
          httpBodies: [],
          stackFrameVariables: false,
          databaseQueryData: false,
          queues: false,
          genAI: { inputs: false, outputs: false },
        },
        beforeSend: (event) => scrub(event),
        beforeBreadcrumb: (breadcrumb) => scrub(breadcrumb),
      });
      Sentry.getGlobalScope().setTag("service", opts.service);
      return Sentry;
    },
    (error: unknown) => {
      // A broken install must not take the service down with it; errors then go to the logs only.
      console.error("sentry: the SDK failed to load; errors are not reported", error);
      return undefined;
    },
  );
}

/** True once {@link initSentry} started the SDK (with a DSN). */
export function isSentryEnabled(): boolean {
  return sdk !== undefined;
}

/** Sends what is queued; call on shutdown so the last errors are not lost. */
export async function flushSentry(timeoutMs = 2000): Promise<boolean> {
  const Sentry = await sdk;
  return Sentry?.isInitialized() ? Sentry.flush(timeoutMs) : true;
}

/**
 * Reports an error a request failed with, with the request (method, path, query, headers, JSON body),
 * the service, request id and trace id attached. Does nothing when Sentry is off.
 */
export async function captureRequestError(error: Error, c: Context, service: string): Promise<void> {
  const Sentry = await sdk;
  if (!Sentry?.isInitialized()) return;
  const url = new URL(c.req.url);
  const request: SentrySdk.RequestEventData = {
    method: c.req.method,
    url: `${url.origin}${url.pathname}`,
    query_string: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(c.req.raw.headers),
  };
  const body = await jsonBody(c);
  if (body !== undefined) request.data = body;
  const requestId: unknown = c.get("requestId");
  const spanContext = trace.getActiveSpan()?.spanContext();
  Sentry.withScope((scope) => {
    scope.setTag("service", service);
    if (typeof requestId === "string") scope.setTag("request_id", requestId);
    if (spanContext && isSpanContextValid(spanContext)) scope.setTag("trace_id", spanContext.traceId);
    scope.addEventProcessor((event) => ({ ...event, request: { ...event.request, ...request } }));
    Sentry.captureException(error);
  });
}

async function jsonBody(c: Context): Promise<unknown> {
  if (!/json/i.test(c.req.header("content-type") ?? "")) return undefined;
  try {
    // Served from Hono's body cache when a validator or the handler already read it.
    return await c.req.json();
  } catch {
    return undefined;
  }
}
