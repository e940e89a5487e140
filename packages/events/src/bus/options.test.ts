import { describe, expect, it } from "bun:test";
import { assertSubscription, resolveSubscribeOptions, retryDelayFor } from "./options.ts";

describe("resolveSubscribeOptions", () => {
  it("defaults to 1 s / 10 s / 60 s, four attempts, prefetch 100", () => {
    expect(resolveSubscribeOptions()).toEqual({
      retryDelaysMs: [1000, 10000, 60000],
      maxAttempts: 4,
      prefetch: 100,
    });
  });

  it("derives maxAttempts from the delays", () => {
    expect(resolveSubscribeOptions({ retryDelaysMs: [5] }).maxAttempts).toBe(2);
    expect(resolveSubscribeOptions({ retryDelaysMs: [], maxAttempts: 1 }).maxAttempts).toBe(1);
  });

  it("rejects unusable values, naming the option", () => {
    expect(() => resolveSubscribeOptions({ retryDelaysMs: [-1] })).toThrow(/retryDelaysMs/);
    expect(() => resolveSubscribeOptions({ retryDelaysMs: [Number.NaN] })).toThrow(/retryDelaysMs/);
    expect(() => resolveSubscribeOptions({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveSubscribeOptions({ maxAttempts: 2.5 })).toThrow(/maxAttempts/);
    expect(() => resolveSubscribeOptions({ retryDelaysMs: [], maxAttempts: 3 })).toThrow(/retryDelaysMs/);
    expect(() => resolveSubscribeOptions({ prefetch: 0 })).toThrow(/prefetch/);
  });
});

describe("retryDelayFor", () => {
  it("uses the delay for the attempt and repeats the last one", () => {
    const opts = resolveSubscribeOptions({ retryDelaysMs: [5, 10, 20], maxAttempts: 6 });
    expect([1, 2, 3, 4, 5].map((attempt) => retryDelayFor(opts, attempt))).toEqual([5, 10, 20, 20, 20]);
  });
});

describe("assertSubscription", () => {
  it("accepts service and instance queue names with topic patterns", () => {
    expect(() => assertSubscription("payments", ["user.*"])).not.toThrow();
    expect(() => assertSubscription("gateway.01j9z3", ["#"])).not.toThrow();
  });

  it("rejects reserved or malformed names and empty or malformed patterns", () => {
    expect(() => assertSubscription("amq.gen", ["#"])).toThrow(/queue/);
    expect(() => assertSubscription("", ["#"])).toThrow(/queue/);
    expect(() => assertSubscription("Payments", ["#"])).toThrow(/queue/);
    expect(() => assertSubscription("payments", [])).toThrow(/patterns/);
    expect(() => assertSubscription("payments", ["payment..created"])).toThrow(/patterns/);
  });
});
