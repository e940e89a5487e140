import { describe, expect, it } from "bun:test";
import type { ExpositionFamily } from "@payments/service-kit/testing";
import { countsBy, DEFAULT_MIX, delta, pickOperation, ratio, seededRandom, zipf } from "./workload.ts";

describe("cache workload", () => {
  it("draws Zipf ranks: the first far more often than the last, every rank possible, reproducibly", () => {
    const draw = zipf(100, 1.1, seededRandom(7));
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 50_000; i++) {
      const rank = draw();
      counts[rank] = (counts[rank] ?? 0) + 1;
    }
    expect(counts[0] ?? 0).toBeGreaterThan((counts[9] ?? 0) * 5);
    expect(counts[99]).toBeGreaterThan(0);
    const again = zipf(100, 1.1, seededRandom(7));
    const first = zipf(100, 1.1, seededRandom(7));
    expect(Array.from({ length: 20 }, () => again())).toEqual(Array.from({ length: 20 }, () => first()));
  });

  it("picks operations in proportion to the mix", () => {
    const random = seededRandom(1);
    const picked = { detail: 0, list: 0, profile: 0, create: 0 };
    for (let i = 0; i < 20_000; i++) picked[pickOperation(DEFAULT_MIX, random)]++;
    expect(picked.detail / 20_000).toBeCloseTo(0.6, 1);
    expect(picked.create).toBeGreaterThan(0);
    expect(picked.create / 20_000).toBeLessThan(0.05);
  });

  it("computes hit ratios from counter deltas, per label", () => {
    const scrape = (hit: number, miss: number): ExpositionFamily[] => [
      {
        name: "cache_requests_total",
        type: "counter",
        help: "",
        samples: [
          { name: "cache_requests_total", labels: { cache: "payments", result: "hit" }, value: hit },
          { name: "cache_requests_total", labels: { cache: "payments", result: "miss" }, value: miss },
          { name: "cache_requests_total", labels: { cache: "idle", result: "hit" }, value: 5 },
        ],
      },
    ];
    const before = countsBy(scrape(10, 10), "cache_requests_total", "cache");
    const after = countsBy(scrape(100, 20), "cache_requests_total", "cache");
    const [payments, ...rest] = delta(before, after);
    expect(payments).toEqual({ key: "payments", hits: 90, lookups: 100 });
    expect(rest).toEqual([]);
    expect(ratio(payments ?? { hits: 0, lookups: 0 })).toBe(0.9);
  });
});
