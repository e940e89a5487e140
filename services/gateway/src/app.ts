import type { Tracer } from "@opentelemetry/api";
import type { JwtVerifier } from "@payments/auth-verify";
import { createServiceApp, type HealthProbe, type Logger, type ServiceApp } from "@payments/service-kit";
import type { LRUCache } from "lru-cache";
import type { Registry } from "prom-client";
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
  upstreamTimeoutMs?: number;
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
  });
  const fetcher = deps.fetch ?? fetch;
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
  for (const [name, upstream] of deps.upstreams) {
    const prefix = `/api/${name}`;
    kit.app.route(
      prefix,
      proxyRoutes({
        upstream,
        prefix,
        timeoutMs: deps.upstreamTimeoutMs ?? 30_000,
        fetch: fetcher,
        trustedProxies: new Set(deps.trustedProxies ?? LOOPBACK),
      }),
    );
  }
  if (deps.frontends) kit.app.route("/", staticRoutes(deps.frontends));
  return kit;
}
