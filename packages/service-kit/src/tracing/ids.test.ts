import { describe, expect, test } from "bun:test";
import { KitIdGenerator } from "./ids.ts";

describe("KitIdGenerator", () => {
  test("trace ids are 32 and span ids 16 lowercase hex digits, never all zeros, and do not repeat", () => {
    const ids = new KitIdGenerator();
    const seen = new Set<string>();
    // Past several 4 KiB draws of the pool, so ids from a refilled pool are checked too.
    for (let i = 0; i < 2_000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(/^0+$/.test(traceId) || /^0+$/.test(spanId)).toBe(false);
      seen.add(traceId);
      seen.add(spanId);
    }
    expect(seen.size).toBe(4_000);
  });

  test("hands out the trace id it was given once, then random ones again", () => {
    const ids = new KitIdGenerator();
    ids.setNextTraceId("0af7651916cd43dd8448eb211c80319c");
    expect(ids.generateTraceId()).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(ids.generateTraceId()).not.toBe("0af7651916cd43dd8448eb211c80319c");
  });
});
