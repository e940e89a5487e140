// Starts a kit app on a random port, sends it a few requests (a route with a parameter, an error, unknown
// paths), times two statements as @payments/db does, and prints its /metrics to stdout, for
// `promtool check metrics` in CI:
//   bun packages/service-kit/scripts/dump-metrics.ts | promtool check metrics
import pino from "pino";
import { z } from "zod";
import {
  createLogger,
  createQueryMetrics,
  createServiceApp,
  createShutdown,
  serve,
  validate,
} from "../src/index.ts";

const logger = createLogger({ service: "dump-metrics", level: "warn", destination: pino.destination(2) });
const { app, registry } = createServiceApp({ service: "dump-metrics", logger });
const queries = createQueryMetrics(registry);
queries.observe("SELECT payments", 0.0004);
queries.observe("create_payment", 0.003);
app.get("/items/:id", (c) => c.json({ id: c.req.param("id") }));
app.post("/items", validate("json", z.object({ name: z.string() })), (c) => c.json(c.req.valid("json"), 201));
app.get("/fail", () => {
  throw new Error("deliberate failure");
});

const shutdown = createShutdown(logger);
const server = serve({ app, port: 0, hostname: "127.0.0.1", shutdown, logger });
const base = server.url.href.replace(/\/$/, "");
const post = (body: string) => ({ method: "POST", body, headers: { "content-type": "application/json" } });
for (const [path, init] of [
  ["/items/1", {}],
  ["/items/2", {}],
  ["/items", post('{"name":"a"}')],
  ["/items", post('{"name":1}')],
  ["/fail", {}],
  ["/no/such/path", {}],
  ["/health/ready", {}],
] as const) {
  await (await fetch(`${base}${path}`, init)).arrayBuffer();
}
process.stdout.write(await (await fetch(`${base}/metrics`)).text());
await shutdown.run("done");
