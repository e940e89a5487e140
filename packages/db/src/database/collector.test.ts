import { describe, expect, test } from "bun:test";
import {
  type CollectorHooks,
  collectOnce,
  collectorRunning,
  FULL_AT_LEAST_EVERY_MS,
  holdCollector,
} from "./collector.ts";

const MB = 1024 * 1024;

/** A process whose resident size the test sets, recording the collections asked for. */
function fakeProcess(
  rssMb: number,
): CollectorHooks & { rssMb: number; calls: string[]; freedByFull: number } {
  const fake = {
    rssMb,
    calls: [] as string[],
    freedByFull: 0,
    rss: () => fake.rssMb * MB,
    gc: (full: boolean) => {
      fake.calls.push(full ? "full" : "concurrent");
      if (full) fake.rssMb -= fake.freedByFull;
    },
  };
  return fake;
}

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

  test("asks for a concurrent collection until RSS has grown by the threshold, then runs a full one", () => {
    const proc = fakeProcess(400);
    proc.freedByFull = 80;
    let last = collectOnce(proc, { rss: 400 * MB, at: 0 }, 1_000);
    proc.rssMb = 447;
    last = collectOnce(proc, last, 2_000);
    expect(proc.calls).toEqual(["concurrent", "concurrent"]);
    expect(last).toEqual({ rss: 400 * MB, at: 0 });
    proc.rssMb = 448;
    last = collectOnce(proc, last, 3_000);
    expect(proc.calls).toEqual(["concurrent", "concurrent", "full"]);
    // The next growth is measured from what the full collection left, and the minute from then.
    expect(last).toEqual({ rss: 368 * MB, at: 3_000 });
    proc.rssMb = 400;
    collectOnce(proc, last, 4_000);
    expect(proc.calls.at(-1)).toBe("concurrent");
  });

  test("a minute after the last full collection, a smaller growth is enough; without growth, none", () => {
    const proc = fakeProcess(500);
    proc.freedByFull = 20;
    const start = { rss: 500 * MB, at: 0 };
    proc.rssMb = 509;
    // 9 MB: below 48 MB, so not before the minute…
    expect(collectOnce(proc, start, FULL_AT_LEAST_EVERY_MS - 1)).toBe(start);
    expect(proc.calls).toEqual(["concurrent"]);
    // …and a full one once it has passed.
    const after = collectOnce(proc, start, FULL_AT_LEAST_EVERY_MS);
    expect(proc.calls).toEqual(["concurrent", "full"]);
    expect(after).toEqual({ rss: 489 * MB, at: FULL_AT_LEAST_EVERY_MS });
    // An idle process that grew by less than 8 MB is left alone however long it waits.
    proc.rssMb = 489 + 7;
    expect(collectOnce(proc, after, after.at + 10 * FULL_AT_LEAST_EVERY_MS)).toBe(after);
    expect(proc.calls.at(-1)).toBe("concurrent");
  });

  test("a full collection that frees nothing moves the baseline up, so it does not repeat every tick", () => {
    const proc = fakeProcess(600);
    const last = collectOnce(proc, { rss: 500 * MB, at: 0 }, 1_000);
    expect(proc.calls).toEqual(["full"]);
    expect(last).toEqual({ rss: 600 * MB, at: 1_000 });
    expect(collectOnce(proc, last, 2_000)).toBe(last);
    expect(proc.calls).toEqual(["full", "concurrent"]);
  });

  test("the timer applies the policy to the hooks it is given", async () => {
    const proc = fakeProcess(100);
    const release = holdCollector(5, proc);
    try {
      proc.rssMb = 200;
      for (let waited = 0; !proc.calls.includes("full") && waited < 2_000; waited += 5) await Bun.sleep(5);
      expect(proc.calls).toContain("full");
    } finally {
      release();
    }
  });
});
