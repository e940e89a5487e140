import type { DashboardPoint } from "@payments/api-client";

/** One row per time bucket with a count per status, as a stacked chart wants it. */
export interface StackedRow {
  bucket: string;
  [status: string]: number | string;
}

/** Pivots `{bucket, status, count}` points into rows per bucket (statuses become columns), oldest first. */
export function pivotByStatus(points: readonly DashboardPoint[]): { rows: StackedRow[]; statuses: string[] } {
  const rows = new Map<string, StackedRow>();
  const statuses = new Set<string>();
  for (const point of points) {
    const status = point.status ?? "total";
    statuses.add(status);
    const row = rows.get(point.bucket) ?? { bucket: point.bucket };
    const before = row[status];
    row[status] = (typeof before === "number" ? before : 0) + point.count;
    rows.set(point.bucket, row);
  }
  return {
    rows: [...rows.values()].sort((a, b) => a.bucket.localeCompare(b.bucket)),
    statuses: [...statuses].sort(),
  };
}

/** Chart colours per status, from the design tokens (so they follow the theme). */
export const STATUS_COLOURS: Record<string, string> = {
  succeeded: "var(--ui-success)",
  failed: "var(--ui-danger)",
  processing: "var(--ui-info)",
  pending: "var(--ui-text-muted)",
  canceled: "var(--ui-border)",
  refunded: "var(--ui-warning)",
  partially_refunded: "var(--ui-warning)",
  total: "var(--ui-primary)",
};
