import type { EventEnvelope, PaymentStatus } from "@payments/contracts";
import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import {
  bucketsOf,
  type CounterIncrement,
  contributionOf,
  counterIncrementsOf,
  mergePaymentState,
  type PaymentState,
  paymentStateOf,
  type StatusContribution,
} from "../domain/dashboard.ts";
import type { AdminDb } from "./audit-queries.ts";
import { dashboardCounters, paymentStates, paymentStatusTotals } from "./schema.ts";
import { trackSession } from "./session-queries.ts";

type CounterRow = typeof dashboardCounters.$inferInsert;

const counterKey = (r: CounterRow) =>
  [r.granularity, r.bucketStart.toISOString(), r.metric, r.currency ?? "", r.label ?? ""].join("\u0000");

/** Adds the event's counters to its minute and day buckets (sorted, so concurrent handlers lock in one order). */
async function addCounters(tx: AdminDb, event: EventEnvelope, increments: CounterIncrement[]): Promise<void> {
  const { minute, day } = bucketsOf(new Date(event.occurred_at));
  const rows: CounterRow[] = [];
  for (const inc of increments) {
    rows.push({ granularity: "minute", bucketStart: minute, ...inc });
    rows.push({ granularity: "day", bucketStart: day, ...inc });
  }
  rows.sort((a, b) => (counterKey(a) < counterKey(b) ? -1 : 1));
  await tx
    .insert(dashboardCounters)
    .values(rows)
    .onConflictDoUpdate({
      target: [
        dashboardCounters.granularity,
        dashboardCounters.bucketStart,
        dashboardCounters.metric,
        dashboardCounters.currency,
        dashboardCounters.label,
      ],
      set: {
        count: sql`${dashboardCounters.count} + excluded.count`,
        amount: sql`${dashboardCounters.amount} + excluded.amount`,
      },
    });
}

/** Adds contributions to the status totals, one row at a time in key order (no lock-order deadlocks). */
async function addToTotals(tx: AdminDb, contributions: StatusContribution[]): Promise<void> {
  const sorted = [...contributions].sort((a, b) =>
    `${a.status}/${a.currency}` < `${b.status}/${b.currency}` ? -1 : 1,
  );
  for (const c of sorted) {
    await tx
      .insert(paymentStatusTotals)
      .values(c)
      .onConflictDoUpdate({
        target: [paymentStatusTotals.status, paymentStatusTotals.currency],
        set: {
          count: sql`${paymentStatusTotals.count} + excluded.count`,
          amount: sql`${paymentStatusTotals.amount} + excluded.amount`,
          amountRefunded: sql`${paymentStatusTotals.amountRefunded} + excluded.amount_refunded`,
        },
      });
  }
}

/**
 * Moves the payment between status totals if the event tells something new about it. The state row is
 * inserted if new (race-free: the primary key decides) or locked and merged, so two events of one payment
 * applied concurrently serialise on it.
 */
async function trackPayment(tx: AdminDb, reported: PaymentState): Promise<void> {
  const inserted = await tx
    .insert(paymentStates)
    .values(reported)
    .onConflictDoNothing({ target: paymentStates.paymentId })
    .returning({ paymentId: paymentStates.paymentId });
  if (inserted.length > 0) {
    await addToTotals(tx, [contributionOf(reported, 1)]);
    return;
  }
  const [row] = await tx
    .select()
    .from(paymentStates)
    .where(eq(paymentStates.paymentId, reported.paymentId))
    .for("update");
  const current: PaymentState | undefined = row && { ...row, status: row.status };
  const merged = mergePaymentState(current, reported);
  if (!merged || !current) return;
  await tx.update(paymentStates).set(merged).where(eq(paymentStates.paymentId, merged.paymentId));
  await addToTotals(tx, [contributionOf(current, -1), contributionOf(merged, 1)]);
}

/** Applies an event to the dashboard aggregates, inside the transaction that writes its audit row. */
export async function applyToDashboard(tx: AdminDb, event: EventEnvelope): Promise<void> {
  const reported = paymentStateOf(event);
  if (reported) await trackPayment(tx, reported);
  await trackSession(tx, event);
  await addCounters(tx, event, counterIncrementsOf(event));
}

/** Payments per status and currency right now (rows that dropped to zero left out). */
export async function readStatusTotals(db: AdminDb): Promise<StatusContribution[]> {
  const rows = await db
    .select()
    .from(paymentStatusTotals)
    .where(gt(paymentStatusTotals.count, 0))
    .orderBy(asc(paymentStatusTotals.status), asc(paymentStatusTotals.currency));
  return rows.map((r) => ({ ...r, status: r.status as PaymentStatus }));
}

/** A counter bucket as the dashboard serves it. */
export interface CounterPoint {
  bucketStart: Date;
  metric: string;
  currency: string;
  label: string;
  count: number;
  amount: number;
}

/** Counter buckets of one granularity from `since` on, oldest first. */
export function readCounters(
  db: AdminDb,
  granularity: "minute" | "day",
  since: Date,
): Promise<CounterPoint[]> {
  return db
    .select({
      bucketStart: dashboardCounters.bucketStart,
      metric: dashboardCounters.metric,
      currency: dashboardCounters.currency,
      label: dashboardCounters.label,
      count: dashboardCounters.count,
      amount: dashboardCounters.amount,
    })
    .from(dashboardCounters)
    .where(and(eq(dashboardCounters.granularity, granularity), gte(dashboardCounters.bucketStart, since)))
    .orderBy(
      asc(dashboardCounters.bucketStart),
      asc(dashboardCounters.metric),
      asc(dashboardCounters.label),
      asc(dashboardCounters.currency),
    );
}

/** Counters of `metrics` summed over minute buckets since `since`, per metric, label and currency. */
export function sumRecentCounters(
  db: AdminDb,
  since: Date,
  metrics: readonly string[],
): Promise<Omit<CounterPoint, "bucketStart">[]> {
  return db
    .select({
      metric: dashboardCounters.metric,
      currency: dashboardCounters.currency,
      label: dashboardCounters.label,
      count: sql<number>`sum(${dashboardCounters.count})::bigint`.mapWith(Number),
      amount: sql<number>`sum(${dashboardCounters.amount})::bigint`.mapWith(Number),
    })
    .from(dashboardCounters)
    .where(
      and(
        eq(dashboardCounters.granularity, "minute"),
        gte(dashboardCounters.bucketStart, since),
        inArray(dashboardCounters.metric, [...metrics]),
      ),
    )
    .groupBy(dashboardCounters.metric, dashboardCounters.label, dashboardCounters.currency)
    .orderBy(asc(dashboardCounters.metric), asc(dashboardCounters.label), asc(dashboardCounters.currency));
}

/** Deletes minute buckets that started before `before`; returns how many went. */
export async function pruneMinuteCounters(db: AdminDb, before: Date): Promise<number> {
  const removed = await db
    .delete(dashboardCounters)
    .where(and(eq(dashboardCounters.granularity, "minute"), lt(dashboardCounters.bucketStart, before)))
    .returning({ metric: dashboardCounters.metric });
  return removed.length;
}
