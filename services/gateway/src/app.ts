import type { Tracer } from "@opentelemetry/api";
import { trace } from "@opentelemetry/api";
import type { JwtVerifier } from "@payments/auth-verify";
import {
  acceptAnyQuery,
  createErrorHandler,
  createNotFoundHandler,
  createServiceApp,
  DEFAULT_BODY_LIMIT_BYTES,
  type HealthProbe,
  type KitEnv,
  kitMiddleware,
  type Logger,
  limitBody,
  type ServiceApp,
} from "@payments/service-kit";
import { Hono } from "hono";
import type { Redis } from "ioredis";
import type { LRUCache } from "lru-cache";
import type { Registry } from "prom-client";
import type { ApiKeyExchange } from "./http/api-keys.ts";
import { createIdentify } from "./http/identity.ts";
import { createRateLimiter, type RateLimits, rateLimitMiddleware } from "./http/rate-limit.ts";
import type { RealtimeHub } from "./realtime/hub.ts";
import type { TicketStore } from "./realtime/tickets.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { docsRoutes } from "./routes/docs.ts";
import { type MonitoringOptions, monitoringRoutes } from "./routes/monitoring.ts";
import { type ApiKeyCall, proxyRoutes } from "./routes/proxy.ts";
import { realtimeRoutes } from "./routes/realtime.ts";
import { type StaticOptions, staticRoutes } from "./routes/static.ts";

const LOOPBACK = ["127.0.0.1", "::1", "::ffff:127.0.0.1"];

/** The real-time side, present when the gateway can verify tokens (an auth service is known). */
export interface RealtimeDeps {
  verifier: JwtVerifier;
  tickets: TicketStore;
  hub: RealtimeHub;
  allowedOrigins: readonly string[];
  revokedSessions: LRUCache<string, true>;
}

/** Everything the gateway needs, passed in so tests can build it with whatever they like. */
export interface GatewayDeps {
  logger: Logger;
  tracer?: Tracer;
  registry?: Registry;
  /** service name → base URL; each becomes `/api/<name>/*`. */
  upstreams: ReadonlyMap<string, string>;
  probes?: HealthProbe[];
  /** Milliseconds an upstream has to send response headers (default 30 s), then 504. */
  upstreamTimeoutMs?: number;
  /** Largest request body (default 1 MiB); forwarded bodies are counted as they stream, never buffered. */
  bodyLimitBytes?: number;
  /** Edge rate limiting on `/api/*`; without it nothing is limited. */
  rateLimit?: {
    limits: RateLimits;
    /** Shared counters across gateway instances; without it this instance counts alone. */
    redis?: Redis;
    /** Verifies bearer tokens for per-user limits; without it every request counts by address. */
    verifier?: JwtVerifier;
    keyPrefix?: string;
    /** Milliseconds between syncs of the local counters with Redis (default 100). */
    syncIntervalMs?: number;
  };
  /** Peers whose X-Forwarded-For is believed; default loopback (Caddy on the same machine). */
  trustedProxies?: readonly string[];
  fetch?: typeof fetch;
  realtime?: RealtimeDeps;
  /** Accepts `Authorization: Bearer sk_…` on proxied routes (docs/adr/0033); without it keys reach no service. */
  apiKeys?: ApiKeyExchange;
  /** Told of every call made with an API key (server.ts publishes `api_key.used` for the audit log). */
  onApiKeyCall?: (call: ApiKeyCall) => void;
  /** Built frontends to serve (embedded default); Caddy serves them in the real mode. */
  frontends?: StaticOptions;
  /** The browser's Sentry tunnel (`POST /api/monitoring`); without it the route answers 404. */
  monitoring?: MonitoringOptions;
}

/** The gateway as a pure Hono app: kit middleware, health, metrics, realtime, analytics, docs and the routing table. */
export function createApp(deps: GatewayDeps): ServiceApp {
  const kit = createServiceApp({
    service: "gateway",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: deps.probes,
    // The gateway's own answers include the frontends' HTML: the document list (ADR 0038). Proxied answers
    // carry their service's headers and never pass through this stack.
    secureHeaders: "documents",
    // Proxied bodies stream through under the proxy's own limit; the gateway's own routes get the kit's below.
    bodyLimitBytes: false,
  });
  const fetcher = deps.fetch ?? fetch;
  const trustedProxies = new Set(deps.trustedProxies ?? LOOPBACK);
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  kit.app.use(kitMiddleware(limitBody(bodyLimitBytes)));
  const rateLimiter = deps.rateLimit
    ? createRateLimiter({
        limits: deps.rateLimit.limits,
        redis: deps.rateLimit.redis,
        identify: deps.rateLimit.verifier ? createIdentify(deps.rateLimit.verifier) : undefined,
        trustedProxies,
        logger: deps.logger,
        registry: kit.registry,
        keyPrefix: deps.rateLimit.keyPrefix,
        syncIntervalMs: deps.rateLimit.syncIntervalMs,
      })
    : undefined;
  if (rateLimiter) kit.app.use("/api/*", rateLimitMiddleware(rateLimiter));
  // These read their query strings themselves (ADR 0015): the socket its ticket, the remotes a cache-busting
  // `?retry=n`. The shell's own files and deep links sit behind the root catch-all, which the policy skips.
  kit.app.use("/ws", acceptAnyQuery());
  kit.app.use("/remotes/*", acceptAnyQuery());
  if (deps.realtime) kit.app.route("/", realtimeRoutes(deps.realtime));
  kit.app.route("/", analyticsRoutes(kit.registry));
  kit.app.route("/", monitoringRoutes(deps.monitoring));
  kit.app.route("/", docsRoutes());
  if (deps.frontends) kit.app.route("/", staticRoutes(deps.frontends));

  // The routing table goes first, ahead of the kit's middleware: a proxied request is answered by its proxy
  // route, which observes and limits it itself, and never enters the generic stack. Everything else falls
  // through to the kit app, mounted last (Hono copies a sub-app's routes when it is mounted).
  const app = new Hono<KitEnv>();
  for (const [name, upstream] of deps.upstreams) {
    app.route(
      `/api/${name}`,
      proxyRoutes({
        name,
        upstream,
        limits: { timeoutMs: deps.upstreamTimeoutMs ?? 30_000, bodyLimitBytes },
        fetch: fetcher,
        trustedProxies,
        registry: kit.registry,
        tracer: deps.tracer ?? trace.getTracer("service-kit"),
        logger: deps.logger,
        rateLimiter,
        apiKeys: deps.apiKeys,
        ...(deps.onApiKeyCall ? { onApiKeyCall: deps.onApiKeyCall } : {}),
      }),
    );
  }
  app.route("/", kit.app);
  app.onError(createErrorHandler({ logger: deps.logger }));
  // Knows the gateway's own routes (those of `kit.app` included): 405 + Allow for them, 404 otherwise.
  app.notFound(createNotFoundHandler(app));
  return { app, registry: kit.registry, addProbe: kit.addProbe };
}
