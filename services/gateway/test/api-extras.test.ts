import { describe, expect, it } from "bun:test";
import { createLogger } from "@payments/service-kit";
import { createApp } from "../src/app.ts";

const logger = createLogger({ service: "gateway-test", level: "silent" });

describe("OpenAPI document and docs", () => {
  // Every upstream is unreachable: the document comes from the contract, not from the services.
  const { app } = createApp({
    logger,
    upstreams: new Map([
      ["auth", "http://127.0.0.1:1"],
      ["payments", "http://127.0.0.1:1"],
    ]),
  });

  it("is the platform's contract, with public paths, even while services are down", async () => {
    const res = await app.request("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.paths["/api/payments"]?.post?.operationId).toBe("payments.create");
    expect(doc.paths["/api/realtime/ticket"]?.post?.operationId).toBe("realtime.createTicket");
    expect(doc.paths["/api/analytics"]?.post?.operationId).toBe("analytics.send");
    expect(doc.components.schemas.Error).toBeDefined();
    expect(doc.components.securitySchemes.bearer).toBeDefined();
  });

  it("serves a docs page pointing at the document", async () => {
    const res = await app.request("/api/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/api/openapi.json");
  });

  it("without realtime, the only POST routes the gateway serves itself are the contract's beacon and tunnel", () => {
    const { app: full } = createApp({ logger, upstreams: new Map() });
    const served = full.routes
      .filter((r) => r.method === "POST" && r.path.startsWith("/api/"))
      .map((r) => r.path);
    expect([...new Set(served)].sort()).toEqual(["/api/analytics", "/api/monitoring"]);
  });
});

describe("analytics beacon", () => {
  const { app } = createApp({ logger, upstreams: new Map() });

  it("turns a beacon batch (sent as text/plain) into metrics", async () => {
    const body = JSON.stringify({
      events: [
        { type: "page_view", route: "/payments/:id" },
        { type: "remote_load", remote: "payments", duration_ms: 120, ok: true },
        { type: "api_timing", route: "/api/payments", method: "GET", status: 200, duration_ms: 35 },
      ],
    });
    const res = await app.request("/api/analytics", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body,
    });
    expect(res.status).toBe(204);
    const metrics = await (await app.request("/metrics")).text();
    expect(metrics).toMatch(/^frontend_page_views_total\{[^}]*route="\/payments\/:id"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^frontend_remote_load_seconds_count\{[^}]*remote="payments",ok="true"\} 1$/m);
    expect(metrics).toMatch(
      /^frontend_api_duration_seconds_sum\{[^}]*route="\/api\/payments",method="GET",status="200"\} 0\.035$/m,
    );
  });

  it("keeps Web Vitals as histograms (timings in seconds, CLS as a score) and counts custom events", async () => {
    const body = JSON.stringify({
      events: [
        { type: "web_vital", name: "LCP", value: 1800, rating: "good" },
        { type: "web_vital", name: "LCP", value: 4500, rating: "poor" },
        { type: "web_vital", name: "INP", value: 240, rating: "needs-improvement" },
        { type: "web_vital", name: "CLS", value: 0.12, rating: "needs-improvement" },
        { type: "custom", name: "payment_form_opened" },
        { type: "custom", name: "payment_form_opened", value: 40 },
        { type: "custom", name: "csv_exported", value: 1200 },
      ],
    });
    const res = await app.request("/api/analytics", { method: "POST", body });
    expect(res.status).toBe(204);
    const metrics = await (await app.request("/metrics")).text();
    expect(metrics).toMatch(/^frontend_web_vitals_seconds_sum\{[^}]*name="LCP",rating="good"\} 1\.8$/m);
    expect(metrics).toMatch(
      /^frontend_web_vitals_seconds_bucket\{le="2\.5",[^}]*name="LCP",rating="good"\} 1$/m,
    );
    expect(metrics).toMatch(
      /^frontend_web_vitals_seconds_bucket\{le="4",[^}]*name="LCP",rating="poor"\} 0$/m,
    );
    expect(metrics).toMatch(
      /^frontend_web_vitals_seconds_sum\{[^}]*name="INP",rating="needs-improvement"\} 0\.24$/m,
    );
    expect(metrics).toMatch(/^frontend_cls_bucket\{le="0\.15",[^}]*rating="needs-improvement"\} 1$/m);
    expect(metrics).toMatch(/^frontend_cls_bucket\{le="0\.1",[^}]*rating="needs-improvement"\} 0$/m);
    expect(metrics).toMatch(/^frontend_custom_events_total\{name="payment_form_opened"[^}]*\} 2$/m);
    expect(metrics).toMatch(/^frontend_custom_event_value_count\{[^}]*name="payment_form_opened"\} 1$/m);
    expect(metrics).toMatch(/^frontend_custom_event_value_sum\{[^}]*name="csv_exported"\} 1200$/m);
  });

  it("rejects malformed or oversized batches with the uniform 400", async () => {
    for (const body of [
      "{",
      JSON.stringify({ events: [] }),
      JSON.stringify({ events: [{ type: "page_view", route: "x y" }] }),
      JSON.stringify({ events: [{ type: "web_vital", name: "FID", value: 10, rating: "good" }] }),
      JSON.stringify({ events: [{ type: "custom", name: "Payment Opened" }] }),
      JSON.stringify({ events: [{ type: "custom", name: "x", value: -1 }] }),
    ]) {
      const res = await app.request("/api/analytics", { method: "POST", body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request");
    }
  });
});
