import type { DashboardQuery, DashboardView } from "@payments/contracts/http";
import type { AdminCore } from "../core.ts";
import { countActiveActors } from "../db/audit-queries.ts";
import { readPaymentCounters, readStatusTotals, sumRecentCounters } from "../db/dashboard-queries.ts";
import { countActiveSessions } from "../db/session-queries.ts";
import { bucketsOf, fillBuckets, volumeOf } from "../domain/dashboard.ts";

/** Window of "active users": distinct users who caused an event this recently. */
export const ACTIVE_WINDOW_MINUTES = 15;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const sumOf = (rows: ReadonlyArray<{ metric: string; count: number }>, metric: string) =>
  rows.filter((r) => r.metric === metric).reduce((n, r) => n + r.count, 0);

/** Builds the dashboard from the aggregates the event handler maintains. */
export async function buildDashboard(core: AdminCore, query: DashboardQuery): Promise<DashboardView> {
  const now = core.now();
  const current = bucketsOf(now);
  const minuteSince = bucketsOf(new Date(now.getTime() - (query.minutes - 1) * MINUTE_MS)).minute;
  const daySince = bucketsOf(new Date(now.getTime() - (query.days - 1) * DAY_MS)).day;
  // One snapshot: the totals and the series must count the same payments, even while events are applied.
  const [totals, minute, day, recent, active, sessions] = await core.db.transaction(
    (tx) =>
      Promise.all([
        readStatusTotals(tx),
        readPaymentCounters(tx, "minute", minuteSince),
        readPaymentCounters(tx, "day", daySince),
        sumRecentCounters(tx, new Date(now.getTime() - DAY_MS), [
          "payment_failures",
          "refund_failures",
          "registrations",
          "sessions_started",
          "sessions_revoked",
          "events",
        ]),
        countActiveActors(tx, new Date(now.getTime() - ACTIVE_WINDOW_MINUTES * 60_000)),
        countActiveSessions(tx, now),
      ]),
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
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
    series: {
      minute: fillBuckets(minuteSince, current.minute, MINUTE_MS, minute),
      day: fillBuckets(daySince, current.day, DAY_MS, day),
    },
  };
}
