import type { DashboardBucket } from "@payments/api-client";

/** One row per time bucket with a count per status, as a stacked chart wants it. */
export interface StackedRow {
  bucket: string;
  [status: string]: number | string;
}

/** A payment's lifecycle order: the stack and the legend read from first to last step. */
const STATUS_ORDER = [
  "pending",
  "processing",
  "succeeded",
  "partially_refunded",
  "refunded",
  "failed",
  "canceled",
];

const byLifecycle = (a: string, b: string) => {
  const rank = (s: string) => (STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : STATUS_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
};

/**
 * One row per bucket (every bucket, empty ones too, so the time axis never skips one) with the count of
 * payments per status summed over currencies; the statuses that occur, in lifecycle order.
 */
export function rowsByStatus(buckets: readonly DashboardBucket[]): {
  rows: StackedRow[];
  statuses: string[];
} {
  const statuses = new Set<string>();
  const rows = buckets.map((bucket) => {
    const row: StackedRow = { bucket: bucket.bucket_start };
    for (const share of bucket.by_status) {
      statuses.add(share.status);
      const before = row[share.status];
      row[share.status] = (typeof before === "number" ? before : 0) + share.count;
    }
    return row;
  });
  return { rows, statuses: [...statuses].sort(byLifecycle) };
}

/** Statuses whose payments moved money (refunds come out of it later, shown in the volume table). */
const CAPTURED = new Set(["succeeded", "partially_refunded", "refunded"]);

/** One row per bucket with the amount captured in `currency` by the payments created then (minor units). */
export function volumeRows(
  buckets: readonly DashboardBucket[],
  currency: string,
): Array<{ bucket: string; volume: number; payments: number }> {
  return buckets.map((bucket) => {
    let volume = 0;
    let payments = 0;
    for (const share of bucket.by_status) {
      if (share.currency !== currency) continue;
      payments += share.count;
      if (CAPTURED.has(share.status)) volume += share.amount;
    }
    return { bucket: bucket.bucket_start, volume, payments };
  });
}

/** Currencies of the buckets, the one with the most payments first. */
export function currenciesOf(buckets: readonly DashboardBucket[]): string[] {
  const counts = new Map<string, number>();
  for (const bucket of buckets) {
    for (const share of bucket.by_status) {
      counts.set(share.currency, (counts.get(share.currency) ?? 0) + share.count);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);
}

/** Chart colours per status, from the design tokens (so they follow the theme). */
export const STATUS_COLOURS: Record<string, string> = {
  succeeded: "var(--ui-success)",
  failed: "var(--ui-danger)",
  processing: "var(--ui-info)",
  pending: "var(--ui-text-muted)",
  canceled: "var(--ui-border)",
  refunded: "var(--ui-warning)",
  partially_refunded: "color-mix(in srgb, var(--ui-warning) 55%, var(--ui-surface))",
};

/** A status as words ("partially refunded"). */
export const statusWords = (status: string) => status.replaceAll("_", " ");

/** Heights of the dashboard's charts (px), known before their lazily loaded code: their placeholders match. */
export const STACKED_BARS_HEIGHT = 260;
export const VOLUME_BARS_HEIGHT = 240;
