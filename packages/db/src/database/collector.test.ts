import { describe, expect, test } from "bun:test";
import { type CollectorHooks, collectOnce, collectorRunning, holdCollector } from "./collector.ts";

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
    let baseline = collectOnce(proc, 400 * MB, 48 * MB);
    proc.rssMb = 447;
    baseline = collectOnce(proc, baseline, 48 * MB);
    expect(proc.calls).toEqual(["concurrent", "concurrent"]);
    expect(baseline).toBe(400 * MB);
    proc.rssMb = 448;
    baseline = collectOnce(proc, baseline, 48 * MB);
    expect(proc.calls).toEqual(["concurrent", "concurrent", "full"]);
    // The next growth is measured from what the full collection left.
    expect(baseline).toBe(368 * MB);
    proc.rssMb = 400;
    collectOnce(proc, baseline, 48 * MB);
    expect(proc.calls.at(-1)).toBe("concurrent");
  });

  test("a full collection that frees nothing moves the baseline up, so it does not repeat every tick", () => {
    const proc = fakeProcess(600);
    const baseline = collectOnce(proc, 500 * MB, 48 * MB);
    expect(proc.calls).toEqual(["full"]);
    expect(baseline).toBe(600 * MB);
    expect(collectOnce(proc, baseline, 48 * MB)).toBe(600 * MB);
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
