import { expect, test } from "bun:test";
import { linearFit, quantile, type Sample, summarize, TROUGH_WINDOW_SECONDS } from "./analysis.ts";

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

test("the level: median and p95 after the warm-up, and the mean of each whole ten-minute window", () => {
  const samples: Sample[] = [];
  // 25 minutes of a sawtooth from 560 to 633.3 MB in twelve steps (one tooth a minute, a sample every 5 s),
  // after a first minute at 900 MB.
  for (let t = 0; t <= 1500; t += 5) {
    const rss = t < 60 ? 900 : 560 + ((t % 60) / 60) * 80;
    samples.push({ t, pid: 3, name: "platform", rssMb: rss });
  }
  const [platform] = summarize(samples, 300);
  // The warm-up's 900 MB counts in the first window's mean but not in the level.
  expect(platform?.medianMb).toBeCloseTo(593.3, 1);
  expect(platform?.p95Mb).toBeCloseTo(633.3, 1);
  expect(platform?.windowMeans.map((w) => [w.fromMinute, w.toMinute])).toEqual([
    [0, 10],
    [10, 20],
  ]);
  expect(platform?.windowMeans[0]?.meanMb ?? 0).toBeGreaterThan(620);
  expect(platform?.windowMeans[1]?.meanMb).toBeCloseTo(596.7, 0);
});

test("troughs: the lowest RSS of each four-minute window after the warm-up, and their slope", () => {
  // A sawtooth (one tooth every 3 minutes, 80 MB tall) over a floor that rises 1 MB a minute (60 MB/h),
  // 30 minutes, after a warm-up at 900 MB. The teeth are taller than the rise, so only the troughs show it.
  const samples: Sample[] = [];
  for (let t = 0; t <= 1800; t += 5) {
    const floor = 500 + t / 60;
    samples.push({ t, pid: 3, name: "platform", rssMb: t < 600 ? 900 : floor + ((t % 180) / 180) * 80 });
    samples.push({ t, pid: 4, name: "caddy", rssMb: 80 + ((t % 60) / 60) * 10 });
  }
  const [platform, caddy] = summarize(samples, 600);
  expect(TROUGH_WINDOW_SECONDS).toBe(240);
  expect(platform?.troughs.map((w) => w.fromMinute)).toEqual([10, 14, 18, 22, 26]);
  // Each window holds a tooth's start (every 3 minutes): the floor there. 10–14: minute 12; 14–18: minute 15.
  expect(platform?.troughs.map((w) => w.minMb)).toEqual([512, 515, 518, 524, 527]);
  expect(platform?.troughDriftMbPerHour ?? 0).toBeGreaterThan(50);
  expect(platform?.troughDriftMbPerHour ?? 0).toBeLessThan(70);
  expect(caddy?.troughDriftMbPerHour).toBe(0);
});

test("troughs: fewer than three whole windows claim no slope", () => {
  const samples: Sample[] = [];
  for (let t = 0; t <= 600; t += 5) samples.push({ t, pid: 1, name: "platform", rssMb: 400 + t });
  const [only] = summarize(samples, 0);
  expect(only?.troughs).toEqual([
    { fromMinute: 0, minMb: 400 },
    { fromMinute: 4, minMb: 640 },
  ]);
  expect(only?.troughDriftMbPerHour).toBeUndefined();
});

test("quantile takes the nearest rank", () => {
  expect(quantile([], 0.5)).toBeUndefined();
  expect(quantile([5, 1, 3], 0.5)).toBe(3);
  expect(quantile([1, 2, 3, 4], 0.95)).toBe(4);
  expect(quantile([1, 2, 3, 4], 0)).toBe(1);
});
