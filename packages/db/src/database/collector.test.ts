import { describe, expect, test } from "bun:test";
import { collectorRunning, holdCollector } from "./collector.ts";

describe("the embedded databases' collector", () => {
  test("runs while any holder holds it and stops with the last release (twice is harmless)", () => {
    expect(collectorRunning()).toBe(false);
    const first = holdCollector();
    const second = holdCollector();
    expect(collectorRunning()).toBe(true);
    first();
    first();
    expect(collectorRunning()).toBe(true);
    second();
    expect(collectorRunning()).toBe(false);
  });
});
