import { afterAll, describe, expect, it } from "bun:test";
import { createLogger } from "@payments/service-kit";
import { createApp } from "../src/app.ts";

const logger = createLogger({ service: "gateway-test", level: "silent" });

/** An upstream with an OpenAPI document that has a component of a name other services use too. */
const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) =>
    new URL(req.url).pathname === "/openapi.json"
      ? Response.json({
          openapi: "3.1.0",
          paths: { "/login": { post: { requestBody: { $ref: "#/components/schemas/Login" } } } },
          components: { schemas: { Login: { type: "object" } } },
        })
      : new Response("nope", { status: 404 }),
});
afterAll(() => upstream.stop(true));

describe("merged OpenAPI and docs", () => {
  const { app } = createApp({
    logger,
    upstreams: new Map([
      ["auth", `http://127.0.0.1:${upstream.port}`],
      ["payments", "http://127.0.0.1:1"],
    ]),
  });

  it("prefixes paths and components per service and leaves out a service that is down", async () => {
    const doc = (await (await app.request("/api/openapi.json")).json()) as {
      paths: Record<string, { post?: { requestBody?: { $ref?: string } } }>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.paths["/api/auth/login"]?.post?.requestBody?.$ref).toBe("#/components/schemas/auth_Login");
    expect(doc.components.schemas.auth_Login).toEqual({ type: "object" });
    expect(doc.paths["/api/analytics"]).toBeDefined();
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/api/payments"))).toBe(false);
  });

  it("serves a docs page pointing at the merged document", async () => {
    const res = await app.request("/api/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/api/openapi.json");
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

  it("rejects malformed or oversized batches with the uniform 400", async () => {
    for (const body of [
      "{",
      JSON.stringify({ events: [] }),
      JSON.stringify({ events: [{ type: "page_view", route: "x y" }] }),
    ]) {
      const res = await app.request("/api/analytics", { method: "POST", body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request");
    }
  });
});
