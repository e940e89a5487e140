import type { PaymentStatus } from "@payments/contracts";
import type { AdminCore } from "../core.ts";
import { countActiveActors } from "../db/audit-queries.ts";
import {
  type CounterPoint,
  readCounters,
  readStatusTotals,
  sumRecentCounters,
} from "../db/dashboard-queries.ts";
import { countActiveSessions } from "../db/session-queries.ts";
import { bucketsOf, type Volume, volumeOf } from "../domain/dashboard.ts";

/** Window of "active users": distinct users who caused an event this recently. */
export const ACTIVE_WINDOW_MINUTES = 15;

/** What `GET /dashboard` may ask for. */
export interface DashboardQuery {
  /** Minute buckets to return, ending with the current minute. */
  minutes: number;
  /** Day buckets to return, ending with today (UTC). */
  days: number;
}

/** A counter bucket as served. */
export interface SeriesPoint {
  bucket_start: string;
  metric: string;
  label: string;
  currency: string;
  count: number;
  amount: number;
}

/** The dashboard document. */
export interface DashboardView {
  generated_at: string;
  payments: {
    /** Every payment seen, by its current status and currency. */
    by_status: Array<{
      status: PaymentStatus;
      currency: string;
      count: number;
      amount: number;
      amount_refunded: number;
    }>;
    volume: Volume[];
  };
  last_24h: {
    failures: Array<{
      kind: "payment" | "refund";
      code: string;
      currency: string;
      count: number;
      amount: number;
    }>;
    registrations: number;
    sessions_started: number;
    sessions_revoked: number;
    events: number;
  };
  active_users: { window_minutes: number; count: number };
  /** Sessions started and neither revoked nor expired (from `session.*` events). */
  active_sessions: number;
  /** Event-derived counters per UTC minute / day, oldest first; buckets without events are absent. */
  series: { minute: SeriesPoint[]; day: SeriesPoint[] };
}

const toPoint = (p: CounterPoint): SeriesPoint => ({
  bucket_start: p.bucketStart.toISOString(),
  metric: p.metric,
  label: p.label,
  currency: p.currency,
  count: p.count,
  amount: p.amount,
});

const sumOf = (rows: ReadonlyArray<{ metric: string; count: number }>, metric: string) =>
  rows.filter((r) => r.metric === metric).reduce((n, r) => n + r.count, 0);

/** Builds the dashboard from the aggregates the event handler maintains. */
export async function buildDashboard(core: AdminCore, query: DashboardQuery): Promise<DashboardView> {
  const now = core.now();
  const minuteSince = bucketsOf(new Date(now.getTime() - (query.minutes - 1) * 60_000)).minute;
  const daySince = bucketsOf(new Date(now.getTime() - (query.days - 1) * 86_400_000)).day;
  const [totals, minute, day, recent, active, sessions] = await Promise.all([
    readStatusTotals(core.db),
    readCounters(core.db, "minute", minuteSince),
    readCounters(core.db, "day", daySince),
    sumRecentCounters(core.db, new Date(now.getTime() - 86_400_000), [
      "payment_failures",
      "refund_failures",
      "registrations",
      "sessions_started",
      "sessions_revoked",
      "events",
    ]),
    countActiveActors(core.db, new Date(now.getTime() - ACTIVE_WINDOW_MINUTES * 60_000)),
    countActiveSessions(core.db, now),
  ]);
  return {
    generated_at: now.toISOString(),
    payments: {
      by_status: totals.map((t) => ({
        status: t.status,
        currency: t.currency,
        count: t.count,
        amount: t.amount,
        amount_refunded: t.amountRefunded,
      })),
      volume: volumeOf(totals),
    },
    last_24h: {
      failures: recent
        .filter((r) => r.metric === "payment_failures" || r.metric === "refund_failures")
        .map((r) => ({
          kind: r.metric === "payment_failures" ? "payment" : "refund",
          code: r.label,
          currency: r.currency,
          count: r.count,
          amount: r.amount,
        })),
      registrations: sumOf(recent, "registrations"),
      sessions_started: sumOf(recent, "sessions_started"),
      sessions_revoked: sumOf(recent, "sessions_revoked"),
      events: sumOf(recent, "events"),
    },
    active_users: { window_minutes: ACTIVE_WINDOW_MINUTES, count: active },
    active_sessions: sessions,
    series: { minute: minute.map(toPoint), day: day.map(toPoint) },
  };
}
