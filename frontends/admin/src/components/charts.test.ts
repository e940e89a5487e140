import type { DashboardBucket } from "@payments/api-client";
import { axisTicks } from "@payments/ui";
import { describe, expect, it } from "vitest";
import { currenciesOf, rowsByStatus, volumeRows } from "./charts.ts";

const bucket = (start: string, shares: DashboardBucket["by_status"]): DashboardBucket => ({
  bucket_start: start,
  payments: shares.reduce((n, s) => n + s.count, 0),
  by_status: shares,
});

const BUCKETS = [
  bucket("2025-01-01T10:00:00.000Z", [
    { status: "succeeded", currency: "usd", count: 2, amount: 3000 },
    { status: "failed", currency: "usd", count: 1, amount: 500 },
    { status: "succeeded", currency: "eur", count: 1, amount: 700 },
  ]),
  bucket("2025-01-01T10:01:00.000Z", []),
  bucket("2025-01-01T10:02:00.000Z", [
    { status: "refunded", currency: "usd", count: 1, amount: 900 },
    { status: "pending", currency: "usd", count: 1, amount: 100 },
  ]),
];

describe("dashboard chart data", () => {
  it("one row per bucket, empty buckets kept, counts per status summed over currencies, lifecycle order", () => {
    const { rows, statuses } = rowsByStatus(BUCKETS);
    expect(statuses).toEqual(["pending", "succeeded", "refunded", "failed"]);
    expect(rows).toEqual([
      { bucket: "2025-01-01T10:00:00.000Z", succeeded: 3, failed: 1 },
      { bucket: "2025-01-01T10:01:00.000Z" },
      { bucket: "2025-01-01T10:02:00.000Z", refunded: 1, pending: 1 },
    ]);
  });

  it("captured volume per bucket in one currency: succeeded and refunded payments, not failed or pending", () => {
    expect(volumeRows(BUCKETS, "usd")).toEqual([
      { bucket: "2025-01-01T10:00:00.000Z", volume: 3000, payments: 3 },
      { bucket: "2025-01-01T10:01:00.000Z", volume: 0, payments: 0 },
      { bucket: "2025-01-01T10:02:00.000Z", volume: 900, payments: 2 },
    ]);
    expect(volumeRows(BUCKETS, "eur").map((r) => r.volume)).toEqual([700, 0, 0]);
  });

  it("currencies by number of payments, most first", () => {
    expect(currenciesOf(BUCKETS)).toEqual(["usd", "eur"]);
  });
});

describe("the bar chart's axis (packages/ui BarChart)", () => {
  it("goes from 0 to a round maximum at or above the largest bar, in four steps", () => {
    expect(axisTicks(7, true)).toEqual([0, 2, 4, 6, 8]);
    expect(axisTicks(1, true)).toEqual([0, 1, 2, 3, 4]);
    expect(axisTicks(12_345)).toEqual([0, 5_000, 10_000, 15_000, 20_000]);
    expect(axisTicks(90)).toEqual([0, 25, 50, 75, 100]);
    // Nothing to show yet: still an axis, not a division by zero.
    expect(axisTicks(0)).toEqual([0, 1]);
  });
});
