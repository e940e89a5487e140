/**
 * The servers of the gateway benchmark, one per process:
 * - `raw`: Bun.serve answering "hello" (the ceiling);
 * - `service`: the same route in a service-kit Hono app with what every service pays (request id, recording
 *   tracing, logs, metrics, security headers);
 * - `gateway <service-url> [redis-url]`: the real gateway app proxying `/api/hello/*` to that service, with
 *   rate limiting on (Redis counters, or in-memory ones without a URL; per-user keys from verified tokens),
 *   metrics and recording tracing.
 * Spans go through the BatchSpanProcessor to an exporter that drops them (no collector on this machine).
 * Prints one JSON line (`{"port":…, "token"?:…, "store"?:…}`) once listening; SIGINT ends it (and writes a
 * CPU profile when started with `--cpu-prof`). Loopback only.
 */
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createJwtVerifier } from "@payments/auth-verify";
import { createTestIssuer } from "@payments/auth-verify/testing";
import { createLogger, createServiceApp, createShutdown, initTracing } from "@payments/service-kit";
import type { Server } from "bun";
import { Registry } from "prom-client";
import { createApp } from "../../services/gateway/src/app.ts";
import { rateLimitRedis } from "../../services/gateway/src/http/store.ts";

const [mode = "raw", upstream, redisUrl] = Bun.argv.slice(2);
const logger = createLogger({ service: `bench-${mode}`, level: "warn" });
const shutdown = createShutdown(logger);

/** Accepts every batch and keeps nothing: spans are made, processed and batched as in production. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

function tracer(service: string) {
  const tracing = initTracing({ service, exporter: new DiscardingExporter() });
  shutdown.add("tracing", () => tracing.shutdown());
  return tracing.tracer;
}

/** Rate limits no bench client reaches: every request is counted, none refused. */
const UNREACHED = { userPerWindow: 1e9, ipPerWindow: 1e9, authPerWindow: 1e9, windowSeconds: 60 };

type Handler = (req: Request, server: Server<unknown>) => Response | Promise<Response>;

async function build(): Promise<{ fetch: Handler; info: object }> {
  if (mode === "raw") return { fetch: () => new Response("hello"), info: {} };
  if (mode === "service") {
    const { app } = createServiceApp({
      service: "hello",
      logger,
      tracer: tracer("hello"),
      registry: new Registry(),
    });
    app.get("/hello", (c) => c.text("hello"));
    return { fetch: (req, server) => app.fetch(req, server), info: {} };
  }
  if (mode === "gateway" && upstream?.startsWith("http://127.0.0.1:")) {
    const issuer = await createTestIssuer();
    const store = redisUrl ? rateLimitRedis(redisUrl, logger, shutdown) : undefined;
    if (store) {
      await Promise.race([new Promise((resolve) => store.redis.once("ready", resolve)), Bun.sleep(2_000)]);
    }
    const { app } = createApp({
      logger,
      tracer: tracer("gateway"),
      registry: new Registry(),
      upstreams: new Map([["hello", upstream]]),
      rateLimit: {
        limits: UNREACHED,
        redis: store?.redis,
        keyPrefix: `bench:${crypto.randomUUID()}`,
        verifier: createJwtVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience }),
      },
    });
    return {
      fetch: (req, server) => app.fetch(req, server),
      info: {
        token: await issuer.sign({ role: "customer", ttlSeconds: 3600 }),
        store: store?.redis.status === "ready" ? "Redis" : "memory",
      },
    };
  }
  throw new Error(`unknown mode ${mode} (raw | service | gateway http://127.0.0.1:<port> [redis-url])`);
}

const { fetch, info } = await build();
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
shutdown.addFirst("http server", () => server.stop());
process.on("SIGINT", () => {
  void shutdown.run("SIGINT").then(() => process.exit(0));
});
console.log(JSON.stringify({ port: server.port, ...info }));
