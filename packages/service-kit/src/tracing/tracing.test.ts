import { afterAll, describe, expect, test } from "bun:test";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import {
  currentTraceparent,
  extractContext,
  initTracing,
  injectTraceparent,
  tracedFetch,
} from "./tracing.ts";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN_ID = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;

function setup(service = "payments", sampleRatio?: number) {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ service, exporter, sampleRatio });
  const capture = createLogCapture();
  const logger = createLogger({ service, destination: capture.destination });
  const kit = createServiceApp({ service, logger, tracer: tracing.tracer });
  const finishedSpans = async () => {
    await tracing.provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { ...kit, ...tracing, exporter, capture, finishedSpans };
}

describe("server spans", () => {
  test("an incoming traceparent continues the trace, in the span and in the request's log line", async () => {
    const { app, capture, finishedSpans } = setup();
    let seenInHandler: string | undefined;
    app.get("/items/:id", (c) => {
      seenInHandler = c.var.traceparent;
      c.var.logger.info("handling");
      return c.json({ id: c.req.param("id") });
    });
    const res = await app.request("/items/42", { headers: { traceparent: TRACEPARENT } });
    expect(res.status).toBe(200);

    const spans = await finishedSpans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span?.spanContext().traceId).toBe(TRACE_ID);
    expect(span?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    expect(span?.name).toBe("GET /items/:id");
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes["http.route"]).toBe("/items/:id");
    expect(span?.attributes["http.response.status_code"]).toBe(200);
    expect(span?.resource.attributes["service.name"]).toBe("payments");

    const requestLine = capture.lines.find((line) => line.msg === "request");
    expect(requestLine).toMatchObject({ trace_id: TRACE_ID, span_id: span?.spanContext().spanId });
    expect(requestLine).toMatchObject({ method: "GET", route: "/items/:id", path: "/items/42", status: 200 });
    expect(typeof requestLine?.duration_ms).toBe("number");
    expect(capture.lines.find((line) => line.msg === "handling")?.trace_id).toBe(TRACE_ID);
    expect(seenInHandler).toBe(`00-${TRACE_ID}-${span?.spanContext().spanId}-01`);
  });

  test("without a traceparent a new trace starts", async () => {
    const { app, finishedSpans } = setup();
    app.get("/x", (c) => c.text("ok"));
    await app.request("/x");
    const [span] = await finishedSpans();
    expect(span?.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span?.spanContext().traceId).not.toBe(TRACE_ID);
    expect(span?.parentSpanContext).toBeUndefined();
  });

  test("a malformed traceparent is ignored rather than trusted", async () => {
    const { app, finishedSpans } = setup();
    app.get("/x", (c) => c.text("ok"));
    await app.request("/x", { headers: { traceparent: "00-zzzz-not-valid-01" } });
    const [span] = await finishedSpans();
    expect(span?.parentSpanContext).toBeUndefined();
  });

  test("5xx marks the span as an error and records the exception", async () => {
    const { app, finishedSpans } = setup();
    app.get("/boom", () => {
      throw new Error("kaput");
    });
    const res = await app.request("/boom");
    expect(res.status).toBe(500);
    const [span] = await finishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes["http.response.status_code"]).toBe(500);
    expect(span?.events.some((event) => event.name === "exception")).toBe(true);
  });

  test("each service's provider has its own service.name (embedded mode)", async () => {
    const a = setup("auth");
    const b = setup("profile");
    a.app.get("/a", (c) => c.text("a"));
    b.app.get("/b", (c) => c.text("b"));
    await a.app.request("/a");
    await b.app.request("/b");
    expect((await a.finishedSpans()).map((s) => s.resource.attributes["service.name"])).toEqual(["auth"]);
    expect((await b.finishedSpans()).map((s) => s.resource.attributes["service.name"])).toEqual(["profile"]);
  });
});

describe("sampling (ADR 0026)", () => {
  test("an unsampled new trace records no span, yet its ids reach the log line, the handler and the callee", async () => {
    const { app, capture, finishedSpans } = setup("payments", 0);
    let seenInHandler: string | undefined;
    app.get("/x", (c) => {
      seenInHandler = c.var.traceparent;
      return c.text("ok");
    });
    expect((await app.request("/x")).status).toBe(200);
    expect(await finishedSpans()).toHaveLength(0);
    const line = capture.lines.find((l) => l.msg === "request");
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // Flag 00: the services it calls and the events it publishes record nothing either, so no trace is partial.
    expect(seenInHandler).toBe(`00-${line?.trace_id}-${line?.span_id}-00`);
  });

  test("parent-based: a caller's sampled traceparent is recorded at ratio 0, an unsampled one not at ratio 1", async () => {
    const never = setup("payments", 0);
    never.app.get("/x", (c) => c.text("ok"));
    await never.app.request("/x", { headers: { traceparent: TRACEPARENT } });
    expect((await never.finishedSpans()).map((span) => span.spanContext().traceId)).toEqual([TRACE_ID]);

    const always = setup("payments", 1);
    always.app.get("/x", (c) => c.text("ok"));
    await always.app.request("/x", { headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN_ID}-00` } });
    expect(await always.finishedSpans()).toHaveLength(0);
  });

  test("a ratio records about that share of new traces", async () => {
    const { app, finishedSpans } = setup("payments", 0.25);
    app.get("/x", (c) => c.text("ok"));
    for (let i = 0; i < 400; i++) await app.request("/x");
    const recorded = (await finishedSpans()).length;
    // Binomial(400, 0.25): mean 100, standard deviation ~8.7; 50–150 is over five deviations either side.
    expect(recorded).toBeGreaterThan(50);
    expect(recorded).toBeLessThan(150);
  });
});

describe("propagation helpers", () => {
  test("extractContext reads traceparent case-insensitively (AMQP headers)", () => {
    const ctx = extractContext({ TraceParent: TRACEPARENT });
    expect(trace.getSpanContext(ctx)?.traceId).toBe(TRACE_ID);
    expect(trace.getSpanContext(extractContext({}))).toBeUndefined();
  });

  test("injectTraceparent writes the active span into objects and Headers", () => {
    const { tracer } = initTracing({ service: "s", exporter: new InMemorySpanExporter() });
    const span = tracer.startSpan("outer");
    context.with(trace.setSpan(context.active(), span), () => {
      const record: Record<string, string> = {};
      const headers = new Headers();
      injectTraceparent(record);
      injectTraceparent(headers);
      const expected = `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
      expect(record.traceparent).toBe(expected);
      expect(headers.get("traceparent")).toBe(expected);
      expect(currentTraceparent()).toBe(expected);
    });
    span.end();
    expect(currentTraceparent()).toBeUndefined();
  });
});

describe("tracedFetch", () => {
  const received: Headers[] = [];
  const downstream = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      received.push(request.headers);
      return new Response(new URL(request.url).pathname === "/fail" ? "no" : "yes", {
        status: new URL(request.url).pathname === "/fail" ? 502 : 200,
      });
    },
  });
  afterAll(() => downstream.stop(true));

  test("wraps the call in a client span and sends its traceparent and the request id", async () => {
    const { app, tracer, finishedSpans } = setup("gateway");
    app.get("/proxy", async (c) => {
      const res = await tracedFetch(tracer, `http://127.0.0.1:${downstream.port}/target?secret=x`);
      return c.text(await res.text());
    });
    const res = await app.request("/proxy", {
      headers: { traceparent: TRACEPARENT, "x-request-id": "req-abc" },
    });
    expect(await res.text()).toBe("yes");

    const spans = await finishedSpans();
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    expect(client?.spanContext().traceId).toBe(TRACE_ID);
    expect(client?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(client?.attributes["http.response.status_code"]).toBe(200);
    expect(client?.attributes["url.full"]).toBe(`http://127.0.0.1:${downstream.port}/target`);
    const sent = received.at(-1);
    expect(sent?.get("traceparent")).toBe(`00-${TRACE_ID}-${client?.spanContext().spanId}-01`);
    expect(sent?.get("x-request-id")).toBe("req-abc");
  });

  test("marks 5xx answers and network failures as errors", async () => {
    const { tracer, finishedSpans } = setup("gateway");
    const res = await tracedFetch(tracer, `http://127.0.0.1:${downstream.port}/fail`, {
      method: "POST",
      body: "x",
    });
    expect(res.status).toBe(502);
    await expect(tracedFetch(tracer, "http://127.0.0.1:1/unreachable")).rejects.toThrow();
    const spans = await finishedSpans();
    expect(spans.map((s) => s.status.code)).toEqual([SpanStatusCode.ERROR, SpanStatusCode.ERROR]);
    expect(spans[0]?.name).toBe("POST");
  });
});

describe("OTLP/HTTP export", () => {
  test("spans go to <endpoint>/v1/traces when an endpoint is set", async () => {
    const posts: { path: string; body: string }[] = [];
    const collector = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(request) {
        posts.push({ path: new URL(request.url).pathname, body: await request.text() });
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    });
    try {
      const tracing = initTracing({
        service: "otlp-svc",
        otlpEndpoint: `http://127.0.0.1:${collector.port}/`,
      });
      tracing.tracer.startSpan("exported-span").end();
      await tracing.shutdown();
      expect(posts.map((post) => post.path)).toEqual(["/v1/traces"]);
      expect(posts[0]?.body).toContain("exported-span");
      expect(posts[0]?.body).toContain("otlp-svc");
    } finally {
      await collector.stop(true);
    }
  });
});
