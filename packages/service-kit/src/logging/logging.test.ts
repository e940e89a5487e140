import { describe, expect, test } from "bun:test";
import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { initTracing } from "../tracing/tracing.ts";
import { createLogCapture } from "./capture.ts";
import { createLogger, currentRequestId, runWithRequestId } from "./logging.ts";

describe("createLogger", () => {
  test("writes JSON lines with service, level name and time", () => {
    const capture = createLogCapture();
    const logger = createLogger({ service: "payments", destination: capture.destination });
    logger.info({ amount: 1999 }, "hello");
    expect(capture.lines).toHaveLength(1);
    const [line] = capture.lines;
    expect(line).toMatchObject({ service: "payments", level: "info", msg: "hello", amount: 1999 });
    expect(typeof line?.time).toBe("string");
    expect(line).not.toHaveProperty("trace_id");
    expect(line).not.toHaveProperty("request_id");
  });

  test("honours the level", () => {
    const capture = createLogCapture();
    const logger = createLogger({ service: "s", level: "warn", destination: capture.destination });
    logger.info("dropped");
    logger.warn("kept");
    expect(capture.lines.map((line) => line.msg)).toEqual(["kept"]);
  });

  test("carries request_id inside a request scope, across awaits", async () => {
    const capture = createLogCapture();
    const logger = createLogger({ service: "s", destination: capture.destination });
    await runWithRequestId("req-1", async () => {
      await Bun.sleep(1);
      expect(currentRequestId()).toBe("req-1");
      logger.info("inside");
    });
    logger.info("outside");
    expect(capture.lines[0]?.request_id).toBe("req-1");
    expect(capture.lines[1]).not.toHaveProperty("request_id");
  });

  test("carries trace_id and span_id of the active span", () => {
    const { tracer } = initTracing({ service: "s", exporter: new InMemorySpanExporter() });
    const capture = createLogCapture();
    const logger = createLogger({ service: "s", destination: capture.destination });
    const span = tracer.startSpan("work");
    context.with(trace.setSpan(context.active(), span), () => logger.info("in span"));
    span.end();
    expect(capture.lines[0]?.trace_id).toBe(span.spanContext().traceId);
    expect(capture.lines[0]?.span_id).toBe(span.spanContext().spanId);
  });

  test("redacts obvious secret fields", () => {
    const capture = createLogCapture();
    const logger = createLogger({ service: "s", destination: capture.destination });
    logger.info({ password: "hunter2", req: { headers: { authorization: "Bearer abc" } } }, "login");
    const text = JSON.stringify(capture.lines);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("Bearer abc");
  });
});
