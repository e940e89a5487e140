import { afterAll, describe, expect, it } from "bun:test";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { createLogger, initTracing } from "@payments/service-kit";
import type { Server } from "bun";
import { Registry } from "prom-client";
import { createApp, type GatewayDeps } from "../src/app.ts";

const logger = createLogger({ service: "gateway-proxy-test", level: "silent" });
const tracing = initTracing({ service: "gateway-proxy-test", exporter: new InMemorySpanExporter() });
const servers: Server<unknown>[] = [];
afterAll(async () => {
  for (const server of servers) server.stop(true);
  await tracing.shutdown();
});

function serve(fetch: (req: Request, server: Server<unknown>) => Response | Promise<Response>): string {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** A real gateway on a socket (client addresses, aborts and streaming need one), in front of `upstreams`. */
function gateway(upstreams: Record<string, string>, extra: Partial<GatewayDeps> = {}): string {
  const { app } = createApp({
    logger,
    tracer: tracing.tracer,
    upstreams: new Map(Object.entries(upstreams)),
    ...extra,
  });
  return serve((req, server) => app.fetch(req, server));
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    Bun.sleep(ms).then(() => {
      throw new Error(`${what} did not happen within ${ms} ms`);
    }),
  ]);
}

const encoder = new TextEncoder();

describe("streaming", () => {
  it("passes the response on as it comes, not once the upstream has finished", async () => {
    const release = deferred();
    const upstream = serve(
      () =>
        new Response(
          new ReadableStream({
            async start(controller) {
              controller.enqueue(encoder.encode("first;"));
              await release.promise;
              controller.enqueue(encoder.encode("second"));
              controller.close();
            },
          }),
        ),
    );
    const res = await fetch(`${gateway({ auth: upstream })}/api/auth/export`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await within(reader.read(), 2_000, "the first chunk");
    expect(new TextDecoder().decode(first.value)).toBe("first;");
    release.resolve();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe("second");
  });

  it("passes the request body on as it comes, so the upstream reads before the client has finished", async () => {
    const upstreamGotFirst = deferred();
    const upstream = serve(async (req) => {
      const reader = (req.body as ReadableStream<Uint8Array>).getReader();
      let text = "";
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += new TextDecoder().decode(chunk.value);
        upstreamGotFirst.resolve();
      }
      return new Response(text);
    });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode("a".repeat(1000)));
        // A gateway that buffered the body would never let this resolve.
        await within(upstreamGotFirst.promise, 2_000, "the upstream reading the first chunk");
        controller.enqueue(encoder.encode("b".repeat(1000)));
        controller.close();
      },
    });
    const res = await fetch(`${gateway({ auth: upstream })}/api/auth/upload`, {
      method: "POST",
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`${"a".repeat(1000)}${"b".repeat(1000)}`);
  });

  it("keeps an encoded upstream body encoded, with headers that still describe it", async () => {
    const plain = JSON.stringify({ data: "x".repeat(5000) });
    const gzipped = Bun.gzipSync(plain);
    const upstream = serve(
      () =>
        new Response(gzipped, {
          headers: { "content-encoding": "gzip", "content-type": "application/json" },
        }),
    );
    const url = `${gateway({ auth: upstream })}/api/auth/big`;
    const raw = await fetch(url, {
      headers: { "accept-encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(raw.headers.get("content-encoding")).toBe("gzip");
    expect(Number(raw.headers.get("content-length"))).toBe(gzipped.byteLength);
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(new Uint8Array(gzipped));
    // An ordinary client decodes it to the original.
    expect(await (await fetch(url)).text()).toBe(plain);
  });
});

describe("headers", () => {
  const seen: Record<string, string>[] = [];
  const upstream = serve((req) => {
    seen.push(Object.fromEntries(req.headers));
    return new Response("ok", {
      headers: { connection: "x-internal", "x-internal": "secret", "keep-alive": "timeout=5", "x-kept": "1" },
    });
  });

  it("sets X-Forwarded-*, X-Request-Id and traceparent, and drops hop-by-hop and client-forged fields", async () => {
    const base = gateway({ auth: upstream }, { trustedProxies: [] });
    const res = await fetch(`${base}/api/auth/me`, {
      headers: {
        connection: "x-hop",
        "x-hop": "dropped",
        te: "trailers",
        "proxy-authorization": "Basic eA==",
        forwarded: "for=203.0.113.1",
        "x-forwarded-for": "203.0.113.1",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "evil.example",
        "x-request-id": "req-123",
        authorization: "Bearer kept",
      },
    });
    expect(res.status).toBe(200);
    const got = seen.at(-1) ?? {};
    expect(got["x-forwarded-for"]).toBe("127.0.0.1");
    expect(got["x-forwarded-proto"]).toBe("http");
    expect(got["x-forwarded-host"]).toBe(new URL(base).host);
    expect(got["x-request-id"]).toBe("req-123");
    expect(got.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(got.authorization).toBe("Bearer kept");
    for (const name of ["x-hop", "te", "proxy-authorization", "forwarded"]) expect(got[name]).toBeUndefined();
    // And on the way back.
    expect(res.headers.get("x-kept")).toBe("1");
    expect(res.headers.get("x-internal")).toBeNull();
    expect(res.headers.get("keep-alive")).toBeNull();
    expect(res.headers.get("x-request-id")).toBe("req-123");
  });

  it("believes X-Forwarded-Proto/-Host from a trusted proxy", async () => {
    const base = gateway({ auth: upstream }, { trustedProxies: ["127.0.0.1"] });
    await fetch(`${base}/api/auth/me`, {
      headers: {
        "x-forwarded-for": "198.51.100.7",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "pay.example",
      },
    });
    const got = seen.at(-1) ?? {};
    expect(got["x-forwarded-for"]).toBe("198.51.100.7");
    expect(got["x-forwarded-proto"]).toBe("https");
    expect(got["x-forwarded-host"]).toBe("pay.example");
  });

  it("keeps every path on its upstream, even one that looks like another host", async () => {
    const paths: string[] = [];
    const target = serve((req) => {
      paths.push(new URL(req.url).pathname);
      return new Response("ok");
    });
    const base = gateway({ auth: target });
    expect((await fetch(`${base}/api/auth//evil.example/x?q=1`)).status).toBe(200);
    expect((await fetch(`${base}/api/auth`)).status).toBe(200);
    // Whatever normalises the double slash on the way, the request stays on this upstream.
    expect(paths).toHaveLength(2);
    expect(paths[0]).toEndWith("/evil.example/x");
    expect(paths[1]).toBe("/");
  });

  it("returns upstream redirects instead of following them", async () => {
    const target = serve(() => new Response(null, { status: 302, headers: { location: "/elsewhere" } }));
    const res = await fetch(`${gateway({ auth: target })}/api/auth/go`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/elsewhere");
  });
});

type ErrorJson = { error: { type: string; code: string; message: string; request_id: string } };

describe("faults", () => {
  it("answers 502 in the uniform JSON when the upstream refuses connections, and stays healthy", async () => {
    const registry = new Registry();
    const base = gateway({ payments: "http://127.0.0.1:1" }, { registry });
    const res = await fetch(`${base}/api/payments`);
    expect(res.status).toBe(502);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.type).toBe("unavailable");
    expect(body.error.code).toBe("upstream_unavailable");
    expect(body.error.message).toContain("payments");
    expect(body.error.request_id).toBe(res.headers.get("x-request-id") ?? "missing");
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const counts = (await registry.metrics())
      .split("\n")
      .filter((line) => line.startsWith("gateway_upstream_duration_seconds_count"));
    expect(counts).toEqual([expect.stringMatching(/upstream="payments",outcome="connect_error"\} 1$/)]);
  });

  it("answers 504 when no response headers come within the timeout, and abandons the upstream call", async () => {
    const abandoned = deferred();
    const upstream = serve(async (req) => {
      req.signal.addEventListener("abort", () => abandoned.resolve());
      await Bun.sleep(3_000);
      return new Response("late");
    });
    const res = await fetch(`${gateway({ auth: upstream }, { upstreamTimeoutMs: 200 })}/api/auth/slow`);
    expect(res.status).toBe(504);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe("upstream_timeout");
    await within(abandoned.promise, 2_000, "the upstream request being aborted");
  });

  it("aborts the upstream call when the client goes away", async () => {
    const arrived = deferred();
    const abandoned = deferred();
    const upstream = serve(async (req) => {
      req.signal.addEventListener("abort", () => abandoned.resolve());
      arrived.resolve();
      await Bun.sleep(5_000);
      return new Response("late");
    });
    const client = new AbortController();
    const pending = fetch(`${gateway({ auth: upstream })}/api/auth/slow`, { signal: client.signal }).catch(
      () => "aborted",
    );
    await within(arrived.promise, 2_000, "the request reaching the upstream");
    client.abort();
    expect(await pending).toBe("aborted");
    await within(abandoned.promise, 2_000, "the upstream request being aborted");
  });
});

describe("body limit", () => {
  let calls = 0;
  const upstream = serve(async (req) => {
    calls++;
    return new Response(String((await req.arrayBuffer()).byteLength));
  });
  const base = gateway({ auth: upstream }, { bodyLimitBytes: 2048 });

  it("forwards a body within the limit", async () => {
    const res = await fetch(`${base}/api/auth/upload`, { method: "POST", body: "x".repeat(2048) });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("2048");
  });

  it("refuses a larger declared body with 413 before asking the upstream", async () => {
    const before = calls;
    const res = await fetch(`${base}/api/auth/upload`, { method: "POST", body: "x".repeat(4096) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorJson).error.code).toBe("body_too_large");
    expect(calls).toBe(before);
  });

  it("refuses a chunked body with 413 once it passes the limit", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(encoder.encode("y".repeat(1024)));
        controller.close();
      },
    });
    const res = await fetch(`${base}/api/auth/upload`, {
      method: "POST",
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("limits the gateway's own routes too", async () => {
    const res = await fetch(`${base}/api/analytics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ events: [{ type: "page_view", route: "x".repeat(4096) }] }),
    });
    expect(res.status).toBe(413);
  });
});
