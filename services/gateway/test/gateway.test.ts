import { afterAll, describe, expect, it } from "bun:test";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { createLogger, initTracing } from "@payments/service-kit";
import { createApp } from "../src/app.ts";

const logger = createLogger({ service: "gateway-test", level: "silent" });
const tracing = initTracing({ service: "gateway-test", exporter: new InMemorySpanExporter() });
afterAll(() => tracing.shutdown());

/** A real upstream on a random port that echoes what it received. */
const upstream = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    return Response.json({
      path: url.pathname,
      search: url.search,
      method: req.method,
      body: req.method === "GET" ? null : await req.text(),
      requestId: req.headers.get("x-request-id"),
      traceparent: req.headers.get("traceparent"),
      forwardedHost: req.headers.get("x-forwarded-host"),
      forwardedFor: req.headers.get("x-forwarded-for"),
    });
  },
});
afterAll(() => upstream.stop(true));

type Echo = {
  path: string;
  search: string;
  method: string;
  body: string | null;
  requestId: string | null;
  traceparent: string | null;
  forwardedHost: string | null;
  forwardedFor: string | null;
};

function gateway(upstreams: Record<string, string>) {
  return createApp({
    logger,
    tracer: tracing.tracer,
    upstreams: new Map(Object.entries(upstreams)),
  }).app;
}

describe("gateway routing table", () => {
  const app = gateway({ auth: `http://127.0.0.1:${upstream.port}` });

  it("strips /api/<service> and forwards method, query and body", async () => {
    const res = await app.request("/api/auth/login?x=1", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "a@b.c" }),
    });
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.path).toBe("/login");
    expect(echo.search).toBe("?x=1");
    expect(echo.method).toBe("POST");
    expect(echo.body).toBe('{"email":"a@b.c"}');
    expect(echo.forwardedHost).toBe("localhost");
  });

  it("forwards the request id and a traceparent continuing the caller's trace", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await app.request("/api/auth/me", {
      headers: { "x-request-id": "req-abc", traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const echo = (await res.json()) as Echo;
    expect(res.headers.get("x-request-id")).toBe("req-abc");
    expect(echo.requestId).toBe("req-abc");
    expect(echo.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    // The gateway's own span is the parent, not the caller's.
    expect(echo.traceparent).not.toContain("00f067aa0ba902b7");
  });

  it("answers 404 in the uniform error shape for an unknown service", async () => {
    const res = await app.request("/api/nope/x");
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { type: string; request_id: string } };
    expect(body.error.type).toBe("not_found");
    expect(body.error.request_id).toBe(res.headers.get("x-request-id") ?? "missing");
  });

  it("labels metrics by route template, not by raw path", async () => {
    await app.request("/api/auth/users/usr_123");
    await app.request("/api/auth/users/usr_456");
    const text = await (await app.request("/metrics")).text();
    expect(text).toContain('route="/api/auth/*"');
    expect(text).not.toContain("usr_123");
  });

  it("is live and ready with no probes", async () => {
    expect((await app.request("/health/live")).status).toBe(200);
    expect((await app.request("/health/ready")).status).toBe(200);
  });
});

describe("client address", () => {
  async function seenBy(trustedProxies: string[]): Promise<string | null> {
    const { app } = createApp({
      logger,
      upstreams: new Map([["auth", `http://127.0.0.1:${upstream.port}`]]),
      trustedProxies,
    });
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, s) => app.fetch(req, s) });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/auth/login`, {
        headers: { "x-forwarded-for": "203.0.113.9, 198.51.100.7" },
      });
      return ((await res.json()) as Echo).forwardedFor;
    } finally {
      server.stop(true);
    }
  }

  it("believes the last X-Forwarded-For hop only from a trusted proxy", async () => {
    expect(await seenBy(["127.0.0.1"])).toBe("198.51.100.7");
  });

  it("uses the socket address and drops a spoofed header from anyone else", async () => {
    expect(await seenBy([])).toBe("127.0.0.1");
  });
});
