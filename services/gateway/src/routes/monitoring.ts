import { monitoringTunnel } from "@payments/contracts/http";
import { ApiError, type KitEnv } from "@payments/service-kit";
import { Hono } from "hono";

/** Where envelopes for a DSN go: Sentry's ingest endpoint of that project. */
export interface SentryTarget {
  /** `https://o1.ingest.sentry.io/api/42/envelope/` */
  envelopeUrl: string;
  /** The DSN's host, public key and project, which an envelope's own `dsn` must name. */
  host: string;
  publicKey: string;
  projectId: string;
}

/** Reads a DSN (`https://<key>@<host>[/<path>]/<project>`), or undefined when it is not one. */
export function sentryTarget(dsn: string): SentryTarget | undefined {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return undefined;
  }
  const segments = url.pathname.split("/").filter(Boolean);
  const projectId = segments.pop();
  if (!url.username || !projectId || !/^\d+$/.test(projectId)) return undefined;
  const prefix = segments.length > 0 ? `/${segments.join("/")}` : "";
  return {
    envelopeUrl: `${url.protocol}//${url.host}${prefix}/api/${projectId}/envelope/`,
    host: url.host,
    publicKey: url.username,
    projectId,
  };
}

/** Options of {@link monitoringRoutes}. */
export interface MonitoringOptions {
  /** The browser build's DSN (VITE_SENTRY_DSN); the only project the tunnel forwards to. */
  dsn: string;
  fetch?: typeof fetch;
  /** How long Sentry gets to answer (default 10 s). */
  timeoutMs?: number;
}

const invalid = (code: string, message: string) => new ApiError(400, "invalid_request", code, message);

/**
 * `POST /api/monitoring`: the browser's Sentry envelopes, same-origin (docs/adr/0030). The edge's CSP allows
 * `connect-src 'self'` only, so the SDK's `tunnel` option posts here and the gateway forwards to the one
 * Sentry project it is configured for; an envelope naming another DSN is refused, so this is no open relay.
 * Without a configured DSN the route answers 404 `monitoring_disabled`.
 */
export function monitoringRoutes(options: MonitoringOptions | undefined): Hono<KitEnv> {
  const target = options ? sentryTarget(options.dsn) : undefined;
  const fetcher = options?.fetch ?? fetch;
  const app = new Hono<KitEnv>();
  app.post(monitoringTunnel.path, async (c) => {
    if (!target)
      throw new ApiError(404, "not_found", "monitoring_disabled", "Error reporting is not configured.");
    const envelope = await c.req.text();
    const newline = envelope.indexOf("\n");
    let header: unknown;
    try {
      header = JSON.parse(newline === -1 ? envelope : envelope.slice(0, newline));
    } catch {
      throw invalid("invalid_envelope", "The body must be a Sentry envelope.");
    }
    const dsn = typeof header === "object" && header !== null && "dsn" in header ? header.dsn : undefined;
    const named = typeof dsn === "string" ? sentryTarget(dsn) : undefined;
    if (!named) throw invalid("invalid_envelope", "The envelope header names no DSN.");
    if (
      named.host !== target.host ||
      named.projectId !== target.projectId ||
      named.publicKey !== target.publicKey
    )
      throw invalid("unknown_dsn", "The envelope is for another Sentry project.");
    let upstream: Response;
    try {
      upstream = await fetcher(target.envelopeUrl, {
        method: "POST",
        headers: { "content-type": "application/x-sentry-envelope" },
        body: envelope,
        signal: AbortSignal.timeout(options?.timeoutMs ?? 10_000),
      });
    } catch {
      throw new ApiError(502, "unavailable", "monitoring_unreachable", "Sentry could not be reached.");
    }
    // Sentry's own rate limits reach the SDK, which then holds its events back as it would talking direct.
    const limits = upstream.headers.get("x-sentry-rate-limits");
    if (limits) c.header("x-sentry-rate-limits", limits);
    if (upstream.status === 429) {
      const retryAfter = upstream.headers.get("retry-after") ?? "60";
      throw new ApiError(
        429,
        "rate_limited",
        "monitoring_rate_limited",
        "Sentry asks for fewer events.",
        undefined,
        { "retry-after": /^\d{1,6}$/.test(retryAfter) ? retryAfter : "60" },
      );
    }
    if (!upstream.ok)
      throw new ApiError(502, "unavailable", "monitoring_refused", `Sentry answered ${upstream.status}.`);
    let id: unknown;
    try {
      ({ id } = (await upstream.json()) as { id?: unknown });
    } catch {
      id = undefined;
    }
    return c.json(typeof id === "string" ? { id } : {}, 200);
  });
  return app;
}
