import { describe, expect, test } from "bun:test";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { Hono } from "hono";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import type { KitEnv } from "../request/request.ts";
import { initTracing } from "../tracing/tracing.ts";
import { createServiceApp } from "./app.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

function setup(level = "info") {
  const capture = createLogCapture();
  const logger = createLogger({ service: "payments", level, destination: capture.destination });
  return { ...createServiceApp({ service: "payments", logger }), capture };
}

describe("createServiceApp", () => {
  test("mounts the operator endpoints", async () => {
    const { app } = setup();
    for (const path of ["/health/live", "/health/ready", "/metrics", "/openapi.json"]) {
      expect((await app.request(path)).status).toBe(200);
    }
  });

  test("sets secure headers on every response, errors included", async () => {
    const { app } = setup();
    app.get("/ok", (c) => c.json({}));
    for (const path of ["/ok", "/missing"]) {
      const res = await app.request(path);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });

  test("logs one line per request with method, route template, status and duration", async () => {
    const { app, capture } = setup();
    const items = new Hono<KitEnv>();
    items.get("/:id", (c) => {
      c.var.logger.info({ item: c.req.param("id") }, "reading");
      return c.json({ id: c.req.param("id") });
    });
    app.route("/items", items);
    const res = await app.request("/items/42", { headers: { "x-request-id": "req-42" } });
    expect(res.status).toBe(200);
    const lines = capture.lines.filter((line) => line.request_id === "req-42");
    expect(lines.map((line) => line.msg)).toEqual(["reading", "request"]);
    expect(lines[1]).toMatchObject({
      level: "info",
      service: "payments",
      method: "GET",
      route: "/items/:id",
      path: "/items/42",
      status: 200,
    });
    expect(typeof lines[1]?.duration_ms).toBe("number");
  });

  test("logs 5xx at error and operator endpoints only at debug", async () => {
    const { app, capture } = setup("info");
    app.get("/boom", () => {
      throw new Error("x");
    });
    await app.request("/boom");
    await app.request("/health/live");
    await app.request("/metrics");
    const requestLines = capture.lines.filter((line) => line.msg === "request");
    expect(requestLines.map((line) => [line.route, line.level])).toEqual([["/boom", "error"]]);
  });

  test("without a tracer, an incoming trace id still reaches logs and c.var.traceparent", async () => {
    const { app, capture } = setup();
    let traceparent: string | undefined;
    app.get("/x", (c) => {
      traceparent = c.var.traceparent;
      return c.text("ok");
    });
    await app.request("/x", { headers: { traceparent: TRACEPARENT } });
    expect(capture.lines.find((line) => line.msg === "request")?.trace_id).toBe(
      "4bf92f3577b34da6a3ce929d0e0e4736",
    );
    expect(traceparent).toBe(TRACEPARENT);
  });

  test("request ids of concurrent requests never mix in logs", async () => {
    const { app, capture } = setup();
    app.get("/wait/:ms", async (c) => {
      await Bun.sleep(Number(c.req.param("ms")));
      c.var.logger.info({ expected: c.req.header("x-request-id") }, "after wait");
      return c.text("ok");
    });
    await Promise.all(
      [30, 5, 20, 1].map((ms, i) => app.request(`/wait/${ms}`, { headers: { "x-request-id": `r${i}` } })),
    );
    const waits = capture.lines.filter((line) => line.msg === "after wait");
    expect(waits).toHaveLength(4);
    for (const line of waits) expect(line.request_id).toBe(line.expected as string);
  });

  test("a span per request when a tracer is given", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = initTracing({ service: "payments", exporter });
    const logger = createLogger({ service: "payments", destination: createLogCapture().destination });
    const { app } = createServiceApp({ service: "payments", logger, tracer: tracing.tracer });
    await app.request("/nothing-here");
    await tracing.provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    // Unmatched requests keep the bare method as span name: a raw path would explode span-name cardinality.
    expect(span?.name).toBe("GET");
    expect(span?.attributes["http.response.status_code"]).toBe(404);
  });
});
