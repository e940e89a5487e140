import type { PaymentSummary } from "@payments/api-client";

/** A report period: the last `days` calendar days in the browser's time zone, today included. */
export interface ReportRange {
  from: string;
  to: string;
  days: string[];
  timeZone: string;
}

/** `YYYY-MM-DD` of a local date. */
function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The last `days` days up to the end of today, local time. The bounds are whole days, so the query (and its
 * cache key) stays the same all day instead of changing with every render's clock.
 */
export function lastDays(days: number, today = new Date()): ReportRange {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  const end = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
  const list: string[] = [];
  for (let d = new Date(start); d < end; d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)) {
    list.push(localDay(d));
  }
  return {
    from: start.toISOString(),
    to: end.toISOString(),
    days: list,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  };
}

/** One day of the chart: every day of the range, zero where nothing happened (gaps would mislead). */
export interface DayPoint {
  date: string;
  count: number;
  succeeded: number;
  failed: number;
  volume: number;
  refunded: number;
}

/** The report's days in `currency`, each day of `range` present. */
export function dailyPoints(report: PaymentSummary, currency: string, range: ReportRange): DayPoint[] {
  const byDate = new Map(report.by_day.filter((d) => d.currency === currency).map((d) => [d.date, d]));
  return range.days.map((date) => {
    const day = byDate.get(date);
    return {
      date,
      count: day?.count ?? 0,
      succeeded: day?.succeeded ?? 0,
      failed: day?.failed ?? 0,
      volume: day?.volume ?? 0,
      refunded: day?.refunded ?? 0,
    };
  });
}

/** Currencies of the report, the one with the most volume first (what the page opens on). */
export function currenciesByVolume(report: PaymentSummary): string[] {
  return [...report.totals].sort((a, b) => b.volume - a.volume || b.count - a.count).map((t) => t.currency);
}

/** Height of the daily chart (px), known before its lazily loaded code: its placeholder matches. */
export const DAILY_CHART_HEIGHT = 240;
