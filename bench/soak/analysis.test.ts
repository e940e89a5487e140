import { expect, test } from "bun:test";
import { linearFit, type Sample, summarize } from "./analysis.ts";

test("linearFit finds the line through exact points", () => {
  const fit = linearFit([0, 1, 2, 3].map((x) => ({ x, y: 2 * x + 5 })));
  expect(fit.slope).toBeCloseTo(2, 10);
  expect(fit.intercept).toBeCloseTo(5, 10);
  expect(
    linearFit([
      { x: 1, y: 3 },
      { x: 1, y: 5 },
    ]).slope,
  ).toBe(0);
});

test("drift is fitted after the warm-up only; start, end and peak are raw", () => {
  const samples: Sample[] = [];
  for (let t = 0; t <= 600; t += 10) {
    // A steep warm-up to 100 MB in the first minute, then +1 MB every 60 s (60 MB/h), with ±0.5 MB noise.
    const rss = t < 60 ? 40 + t : 100 + (t - 60) / 60 + (t % 20 === 0 ? 0.5 : -0.5);
    samples.push({ t, pid: 7, name: "platform", rssMb: rss });
    samples.push({ t, pid: 9, name: "caddy", rssMb: 30 });
  }
  samples.push({ t: 305, pid: 7, name: "platform", rssMb: 180 }); // one spike: the peak, not the trend
  const [platform, caddy] = summarize(samples, 60);
  expect(platform?.name).toBe("platform");
  expect(platform?.startMb).toBe(40);
  expect(platform?.peakMb).toBe(180);
  expect(platform?.endMb).toBe(109.5);
  expect(platform?.windowSeconds).toBe(540);
  expect(platform?.driftMbPerHour ?? 0).toBeGreaterThan(50);
  expect(platform?.driftMbPerHour ?? 0).toBeLessThan(90);
  expect(caddy?.driftMb).toBe(0);
  expect(caddy?.driftMbPerHour).toBe(0);
});

test("too few samples after the warm-up: no drift claimed", () => {
  const samples: Sample[] = [0, 10, 20].map((t) => ({ t, pid: 1, name: "load generator", rssMb: 50 + t }));
  const [only] = summarize(samples, 15);
  expect(only?.driftMb).toBeUndefined();
  expect(only?.endMb).toBe(70);
});
