import { describe, expect, test } from "bun:test";
import { ROOT_CONTEXT, SamplingDecision } from "@opentelemetry/api";
import { InMemorySpanExporter, TraceIdRatioBasedSampler } from "@opentelemetry/sdk-trace-base";
import { createServiceApp } from "../app/app.ts";
import { createLogCapture } from "../logging/capture.ts";
import { createLogger } from "../logging/logging.ts";
import { initTracing, injectTraceparent } from "./tracing.ts";

function setup(sampleRatio: number) {
  const exporter = new InMemorySpanExporter();
  const tracing = initTracing({ service: "payments", exporter, sampleRatio });
  const capture = createLogCapture();
  const logger = createLogger({ service: "payments", destination: capture.destination });
  const { app } = createServiceApp({ service: "payments", logger, tracer: tracing.tracer });
  const finishedSpans = async () => {
    await tracing.provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { app, capture, finishedSpans };
}

describe("requestSpans: the kit's own sampling decision (ADR 0026)", () => {
  test("records a new trace exactly when the SDK's ratio sampler would, under the trace id logged", async () => {
    const { app, capture, finishedSpans } = setup(0.5);
    app.get("/x", (c) => c.text("ok"));
    for (let i = 0; i < 200; i++) await app.request("/x");
    const logged = capture.lines.filter((line) => line.msg === "request");
    expect(logged).toHaveLength(200);
    const sampler = new TraceIdRatioBasedSampler(0.5);
    const expected = logged
      .filter(
        (line) =>
          sampler.shouldSample(ROOT_CONTEXT, String(line.trace_id)).decision ===
          SamplingDecision.RECORD_AND_SAMPLED,
      )
      .map((line) => `${line.trace_id}/${line.span_id}`);
    const recorded = (await finishedSpans()).map(
      (s) => `${s.spanContext().traceId}/${s.spanContext().spanId}`,
    );
    expect(recorded.sort()).toEqual(expected.sort());
    // Both kinds happened, so both paths were exercised.
    expect(recorded.length).toBeGreaterThan(50);
    expect(recorded.length).toBeLessThan(150);
    // Every request a trace of its own.
    expect(new Set(logged.map((line) => line.trace_id)).size).toBe(200);
  });

  test("an unsampled caller's trace id and trace state travel on, under a new span id, with flag 00", async () => {
    const { app, finishedSpans } = setup(1);
    const outgoing: Record<string, string> = {};
    let traceparent: string | undefined;
    app.get("/x", (c) => {
      traceparent = c.var.traceparent;
      injectTraceparent(outgoing);
      return c.text("ok");
    });
    const caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    await app.request("/x", { headers: { traceparent: caller, tracestate: "vendor=abc" } });
    expect(await finishedSpans()).toHaveLength(0);
    expect(traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    expect(traceparent).not.toContain("00f067aa0ba902b7");
    expect(outgoing).toEqual({ traceparent: traceparent ?? "", tracestate: "vendor=abc" });
  });
});
