import { describe, expect, test } from "bun:test";
import { context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { currentRequestId, runWithRequestId } from "../logging/logging.ts";
import { registerTracingGlobals, runInRequest } from "./tracing.ts";

const span = trace.wrapSpanContext({
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  traceFlags: 1,
});

describe("KitContextManager: the request id and the OpenTelemetry context in one scope (ADR 0026)", () => {
  registerTracingGlobals();

  test("each keeps the other: a context entered inside a request id, and an id inside a context", async () => {
    await runWithRequestId("r1", () =>
      context.with(trace.setSpan(context.active(), span), async () => {
        await Bun.sleep(1);
        expect(currentRequestId()).toBe("r1");
        expect(trace.getActiveSpan()).toBe(span);
        await runWithRequestId("r2", async () => {
          await Bun.sleep(1);
          expect(trace.getActiveSpan()).toBe(span);
          expect(currentRequestId()).toBe("r2");
        });
        expect(currentRequestId()).toBe("r1");
      }),
    );
    expect(currentRequestId()).toBeUndefined();
    expect(context.active()).toBe(ROOT_CONTEXT);
  });

  test("runInRequest enters both at once; concurrent requests never see each other's", async () => {
    const seen = await Promise.all(
      [5, 1, 3].map((ms, i) =>
        runInRequest(`q${i}`, trace.setSpan(ROOT_CONTEXT, span), async () => {
          await Bun.sleep(ms);
          return [currentRequestId(), trace.getActiveSpan() === span];
        }),
      ),
    );
    expect(seen).toEqual([
      ["q0", true],
      ["q1", true],
      ["q2", true],
    ]);
  });
});
