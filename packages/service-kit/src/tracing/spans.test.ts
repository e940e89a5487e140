import { describe, expect, test } from "bun:test";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { inSpan, serviceTracer, sqlStateOf } from "./spans.ts";
import { initTracing } from "./tracing.ts";

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ service: "payments", exporter });
  const spans = async () => {
    await tracing.provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracing, spans };
}

describe("domain spans", () => {
  test("a route's use case finds the service tracer in the context: its span is the request span's child", async () => {
    const { tracing, spans } = setup();
    const logger = createLogger({ service: "payments", destination: createLogCapture().destination });
    const { app } = createServiceApp({ service: "payments", logger, tracer: tracing.tracer });
    app.post("/things", async (c) =>
      c.json(await inSpan("thing.create", { attributes: { "thing.kind": "x" } }, async () => ({ ok: true }))),
    );
    expect((await app.request("/things", { method: "POST" })).status).toBe(200);
    const all = await spans();
    const request = all.find((span) => span.name === "POST /things");
    const operation = all.find((span) => span.name === "thing.create");
    expect(operation?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(operation?.attributes["thing.kind"]).toBe("x");
    expect(operation?.resource.attributes["service.name"]).toBe("payments");
  });

  test("a throw marks the span failed and is rethrown; nested spans keep the tracer", async () => {
    const { tracing, spans } = setup();
    const failing = inSpan("outer", { tracer: tracing.tracer }, () =>
      inSpan("inner", {}, async () => {
        expect(serviceTracer()).toBe(tracing.tracer);
        throw new Error("refused");
      }),
    );
    await expect(failing).rejects.toThrow("refused");
    const all = await spans();
    const outer = all.find((span) => span.name === "outer");
    const inner = all.find((span) => span.name === "inner");
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.status).toEqual({ code: SpanStatusCode.ERROR, message: "refused" });
    expect(inner?.events[0]?.name).toBe("exception");
  });

  test("a database error is recorded by its SQLSTATE, never by a message that can quote values", async () => {
    const { tracing, spans } = setup();
    const driverError = Object.assign(new Error('invalid input syntax for type integer: "s3cr3t"'), {
      code: "22P02",
    });
    const wrapped = new Error("Failed query: select $1::int\nparams: s3cr3t", { cause: driverError });
    await expect(
      inSpan("op", { tracer: tracing.tracer }, async () => {
        throw wrapped;
      }),
    ).rejects.toBe(wrapped);
    const [span] = await spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "SQLSTATE 22P02" });
    expect(JSON.stringify({ events: span?.events, attributes: span?.attributes })).not.toContain("s3cr3t");
    expect(sqlStateOf(new Error("plain"))).toBeUndefined();
  });

  test("outside any service the tracer passes the trace through without recording", () => {
    const span = serviceTracer().startSpan("nothing");
    expect(span.isRecording()).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
