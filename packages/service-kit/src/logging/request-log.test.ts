import { describe, expect, test } from "bun:test";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { context, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { initTracing } from "../tracing/tracing.ts";
import { batchedWriter, createLogger, runWithRequestId } from "./logging.ts";
import { accessLogger, writeAccessLine } from "./request-log.ts";

/** A destination keeping the raw text of every write. */
function rawCapture() {
  const writes: string[] = [];
  return { writes, destination: { write: (text: string) => void writes.push(text) } };
}

const withoutTime = (text: string | undefined) => text?.replace(/"time":"[^"]+"/, '"time":"T"');

describe("writeAccessLine (ADR 0026)", () => {
  test("writes byte for byte what pino writes for the same line, ids included", () => {
    const { tracer } = initTracing({ service: "s", exporter: new InMemorySpanExporter() });
    const fast = rawCapture();
    const slow = rawCapture();
    const fastLogger = createLogger({ service: "payments", destination: fast.destination });
    const slowLogger = createLogger({ service: "payments", destination: slow.destination });
    const line = {
      method: "GET",
      route: "/items/:id",
      path: '/items/"x"\\\n',
      status: 404,
      duration_ms: 1.25,
    };
    const span = tracer.startSpan("work");
    runWithRequestId("req-1", () =>
      context.with(trace.setSpan(context.active(), span), () => {
        writeAccessLine(fastLogger, "info", line);
        accessLogger(slowLogger).info(line, "request");
      }),
    );
    span.end();
    expect(fast.writes).toHaveLength(1);
    expect(withoutTime(fast.writes[0])).toBe(withoutTime(slow.writes[0]) ?? "missing");
    expect(JSON.parse(fast.writes[0] ?? "{}")).toMatchObject({
      trace_id: span.spanContext().traceId,
      request_id: "req-1",
    });
  });

  test("honours the level, and a logger not made by createLogger goes through pino", () => {
    const quiet = rawCapture();
    writeAccessLine(createLogger({ service: "s", level: "warn", destination: quiet.destination }), "info", {
      method: "GET",
      route: "/",
      path: "/",
      status: 200,
      duration_ms: 0,
    });
    expect(quiet.writes).toHaveLength(0);
    const child = rawCapture();
    const parent = createLogger({ service: "s", destination: child.destination });
    writeAccessLine(parent.child({ part: "x" }), "error", {
      method: "GET",
      route: "/",
      path: "/",
      status: 500,
      duration_ms: 2,
    });
    expect(JSON.parse(child.writes[0] ?? "{}")).toMatchObject({
      level: "error",
      part: "x",
      status: 500,
      msg: "request",
    });
  });
});

describe("batchedWriter", () => {
  test("multi-byte text and lines past its buffer arrive whole and in order", async () => {
    const path = `${tmpdir()}/kit-batched-${crypto.randomUUID()}.log`;
    const fd = openSync(path, "w");
    try {
      const writer = batchedWriter(fd);
      const lines = [
        "é€😀\n",
        `${"x".repeat(300_000)}\n`,
        ...Array.from({ length: 2_000 }, (_, i) => `${"ü".repeat(i % 90)}${i}\n`),
      ];
      for (const line of lines) writer.write(line);
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(path, "utf8")).toBe(lines.join(""));
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  });

  test("lines written in one turn leave in one write, in order, by the end of the turn", async () => {
    const path = `${tmpdir()}/kit-batched-${crypto.randomUUID()}.log`;
    await Bun.write(path, "");
    const fd = openSync(path, "a");
    try {
      const writer = batchedWriter(fd);
      writer.write("one\n");
      writer.write("two\n");
      // Read synchronously: awaiting a read would give the event loop the turn the writer waits for.
      expect(readFileSync(path, "utf8")).toBe("");
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(path, "utf8")).toBe("one\ntwo\n");
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  });
});
