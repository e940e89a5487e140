import type { Tracer } from "@opentelemetry/api";
import { createServiceApp, type HealthProbe, type Logger } from "@payments/service-kit";
import type { Registry } from "prom-client";
import { proxyRoutes } from "./routes/proxy.ts";

/** Everything the gateway needs, passed in so tests can build it with whatever they like. */
export interface GatewayDeps {
  logger: Logger;
  tracer?: Tracer;
  registry?: Registry;
  /** service name → base URL; each becomes `/api/<name>/*`. */
  upstreams: ReadonlyMap<string, string>;
  probes?: HealthProbe[];
  upstreamTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** The gateway as a pure Hono app: kit middleware, health, metrics and the routing table. */
export function createApp(deps: GatewayDeps): ReturnType<typeof createServiceApp> {
  const kit = createServiceApp({
    service: "gateway",
    logger: deps.logger,
    tracer: deps.tracer,
    registry: deps.registry,
    probes: deps.probes,
  });
  for (const [name, upstream] of deps.upstreams) {
    const prefix = `/api/${name}`;
    kit.app.route(
      prefix,
      proxyRoutes({
        upstream,
        prefix,
        timeoutMs: deps.upstreamTimeoutMs ?? 30_000,
        fetch: deps.fetch ?? fetch,
      }),
    );
  }
  return kit;
}
