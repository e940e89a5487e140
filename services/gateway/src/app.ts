import type { Tracer } from "@opentelemetry/api";
import { trace } from "@opentelemetry/api";
import type { JwtVerifier } from "@payments/auth-verify";
import {
  createErrorHandler,
  createServiceApp,
  DEFAULT_BODY_LIMIT_BYTES,
  type HealthProbe,
  type KitEnv,
  kitMiddleware,
  type Logger,
  limitBody,
  notFoundHandler,
  type ServiceApp,
} from "@payments/service-kit";
import { Hono } from "hono";
import type { Redis } from "ioredis";
import type { LRUCache } from "lru-cache";
import type { Registry } from "prom-client";
import { createIdentify } from "./http/identity.ts";
import { createRateLimiter, type RateLimits, rateLimitMiddleware } from "./http/rate-limit.ts";
import type { RealtimeHub } from "./realtime/hub.ts";
import type { TicketStore } from "./realtime/tickets.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { asJsonObject, docsRoutes } from "./routes/docs.ts";
import { proxyRoutes } from "./routes/proxy.ts";
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
  /** Built frontends to serve (embedded default); Caddy serves them in the real mode. */
  frontends?: StaticOptions;
}

/** The gateway as a pure Hono app: kit middleware, health, metrics, realtime, analytics, docs and the routing table. */
export function createApp(deps: GatewayDeps): ServiceApp {
  const kit = createServiceApp({
    service: "gateway",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: deps.probes,
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
  if (deps.realtime) kit.app.route("/", realtimeRoutes(deps.realtime));
  kit.app.route("/", analyticsRoutes(kit.registry));
  kit.app.route(
    "/",
    docsRoutes({
      upstreams: deps.upstreams,
      fetch: fetcher,
      ownDocument: async () => asJsonObject(await (await kit.app.request("/openapi.json")).json()),
    }),
  );
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
      }),
    );
  }
  app.route("/", kit.app);
  app.onError(createErrorHandler({ logger: deps.logger }));
  app.notFound(notFoundHandler);
  return { app, registry: kit.registry, addProbe: kit.addProbe };
}
