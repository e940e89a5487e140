/**
 * The servers of the HTTP benchmark, one per process: `raw` (Bun.serve answering "hello"), `service` (the
 * same route in a service-kit Hono app: request id, tracing, logs, metrics, security headers — what every
 * service pays), `gateway <upstream>` (the real gateway app proxying `/api/hello/*` to that service).
 * Prints `{"port":…}` once listening; runs until killed. Loopback only.
 */
import { createLogger, createServiceApp } from "@payments/service-kit";
import { Registry } from "prom-client";
import { createApp } from "../../services/gateway/src/app.ts";

const [mode = "raw", upstream] = Bun.argv.slice(2);
const logger = createLogger({ service: `bench-${mode}`, level: "warn" });

function fetchFor(): (req: Request) => Response | Promise<Response> {
  if (mode === "raw") return () => new Response("hello");
  if (mode === "service") {
    const { app } = createServiceApp({ service: "hello", logger, registry: new Registry() });
    app.get("/hello", (c) => c.text("hello"));
    return app.fetch;
  }
  if (mode === "gateway" && upstream?.startsWith("http://127.0.0.1:")) {
    const { app } = createApp({
      logger,
      registry: new Registry(),
      upstreams: new Map([["hello", upstream]]),
    });
    return app.fetch;
  }
  throw new Error(`unknown mode ${mode} (raw | service | gateway http://127.0.0.1:<port>)`);
}

const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: fetchFor() });
console.log(JSON.stringify({ port: server.port }));
