/**
 * The servers of the kit benchmark, one per process:
 * - `raw`: Bun.serve answering "hello" (the floor every row is a ratio to);
 * - `hono`: the same route in a bare Hono app (what the framework alone costs);
 * - `kit <ratio>`: the route in `createServiceApp` with everything a service runs with — request id, the
 *   access log line at info on stdout through the kit's logger (the benchmark points stdout at a file),
 *   metrics, tracing sampling `<ratio>` of new traces (parent-based, ADR 0026), security headers, body
 *   limit, query policy.
 * Spans go through the BatchSpanProcessor to an exporter that drops them (no collector on this machine).
 * Prints one JSON line (`{"port":…}`) once listening; SIGINT ends it (and writes a CPU profile when started
 * with `--cpu-prof`). Loopback only.
 */
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createLogger, createServiceApp, createShutdown, initTracing } from "@payments/service-kit";
import type { Server } from "bun";
import { Hono } from "hono";
import { Registry } from "prom-client";

const [mode = "raw", ratio] = Bun.argv.slice(2);
const shutdown = createShutdown(createLogger({ service: `bench-kit-${mode}`, level: "warn" }));

/** Accepts every batch and keeps nothing: spans are made, processed and batched as in production. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

type Handler = (req: Request, server: Server<unknown>) => Response | Promise<Response>;

function build(): Handler {
  if (mode === "raw") return () => new Response("hello");
  if (mode === "hono") {
    const app = new Hono();
    app.get("/hello", (c) => c.text("hello"));
    return (req, server) => app.fetch(req, server);
  }
  if (mode === "kit" && ratio !== undefined) {
    const logger = createLogger({ service: "hello", level: "info" });
    const tracing = initTracing({
      service: "hello",
      exporter: new DiscardingExporter(),
      sampleRatio: Number(ratio),
    });
    shutdown.add("tracing", () => tracing.shutdown());
    const { app } = createServiceApp({
      service: "hello",
      logger,
      tracer: tracing.tracer,
      registry: new Registry(),
    });
    app.get("/hello", (c) => c.text("hello"));
    return (req, server) => app.fetch(req, server);
  }
  throw new Error(`unknown mode ${mode} (raw | hono | kit <sample-ratio>)`);
}

const fetch = build();
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
shutdown.addFirst("http server", () => server.stop());
process.on("SIGINT", () => {
  void shutdown.run("SIGINT").then(() => process.exit(0));
});
console.log(JSON.stringify({ port: server.port }));
