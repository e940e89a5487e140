import { describe, expect, test } from "bun:test";
import { Counter, Registry } from "prom-client";
import { captureLogger } from "../contract/test-logger.ts";
import { cacheMetrics } from "./metrics.ts";
import { throttledLog } from "./throttle.ts";

describe("cacheMetrics", () => {
  test("registers once per registry and reuses the metrics on a second call", () => {
    const registry = new Registry();
    const first = cacheMetrics(registry);
    const second = cacheMetrics(registry);
    expect(second.requests).toBe(first.requests);
    expect(second.errors).toBe(first.errors);
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual([
      "cache_requests_total",
      "cache_errors_total",
      "cache_load_duration_seconds",
    ]);
  });

  test("a name taken by another metric type is an error", () => {
    const registry = new Registry();
    new Counter({ name: "cache_load_duration_seconds", help: "clash", registers: [registry] });
    expect(() => cacheMetrics(registry)).toThrow("already registered with a different type");
  });
});

describe("throttledLog", () => {
  test("logs the first failure, suppresses repeats within the interval, then reports the count", () => {
    const { logger, lines } = captureLogger();
    let now = 0;
    const log = throttledLog(logger, 1_000, () => now);
    log.failure({}, "down");
    log.failure({}, "down");
    now = 999;
    log.failure({}, "down");
    expect(lines).toHaveLength(1);
    now = 1_000;
    log.failure({}, "down");
    expect(lines).toHaveLength(2);
    expect(lines[1]?.suppressed).toBe(2);
  });

  test("logs recovery once after failures, and nothing when there was no failure", () => {
    const { logger, lines } = captureLogger();
    const log = throttledLog(logger, 1_000, () => 0);
    log.recovered({}, "back");
    expect(lines).toHaveLength(0);
    log.failure({}, "down");
    log.failure({}, "down");
    log.recovered({}, "back");
    log.recovered({}, "back");
    expect(lines.map((line) => [line.level, line.msg, line.suppressed])).toEqual([
      [50, "down", 0],
      [30, "back", 1],
    ]);
    // After a recovery the next failure is news again and is logged immediately.
    log.failure({}, "down again");
    expect(lines).toHaveLength(3);
  });
});
