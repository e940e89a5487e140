import type { EventEnvelope, PaymentStatus } from "@payments/contracts";
import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import {
  type BucketShare,
  bucketShareOf,
  bucketsOf,
  contributionOf,
  counterIncrementsOf,
  mergePaymentState,
  PAYMENTS_METRIC,
  type PaymentState,
  paymentStateOf,
  type StatusContribution,
} from "../domain/dashboard.ts";
import type { AdminDb } from "./audit-queries.ts";
import { dashboardCounters, paymentStates, paymentStatusTotals } from "./schema.ts";
import { trackSession } from "./session-queries.ts";

type CounterRow = typeof dashboardCounters.$inferInsert & { currency: string; label: string };

const counterKey = (r: CounterRow) =>
  [r.granularity, r.bucketStart.toISOString(), r.metric, r.currency, r.label].join("\u0000");

/** The minute and day rows of a change of `count`/`amount` at `at`. */
function rowsAt(
  at: Date,
  change: { metric: string; currency: string; label: string; count: number; amount: number },
): CounterRow[] {
  const { minute, day } = bucketsOf(at);
  return [
    { granularity: "minute", bucketStart: minute, ...change },
    { granularity: "day", bucketStart: day, ...change },
  ];
}

const upsertCounters = (tx: AdminDb, rows: CounterRow[]) =>
  tx
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

/**
 * Applies counter changes, netted per bucket and sorted by key so concurrent handlers lock rows in one
 * order. A change that adds a payment upserts; one that only takes away (a payment leaving a status, or
 * its amount filled in) updates an existing row and never creates one: the minute row may have been
 * pruned already (ADMIN_MINUTE_BUCKET_RETENTION_HOURS), and a row of -1 would then count for ever.
 */
async function applyCounters(tx: AdminDb, changes: CounterRow[]): Promise<void> {
  const netted = new Map<string, CounterRow>();
  for (const change of changes) {
    const key = counterKey(change);
    const before = netted.get(key);
    netted.set(
      key,
      before
        ? {
            ...before,
            count: before.count + change.count,
            amount: (before.amount ?? 0) + (change.amount ?? 0),
          }
        : change,
    );
  }
  const sorted = [...netted.entries()]
    .filter(([, r]) => r.count !== 0 || (r.amount ?? 0) !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, r]) => r);
  let batch: CounterRow[] = [];
  for (const row of sorted) {
    if (row.count > 0) {
      batch.push(row);
      continue;
    }
    if (batch.length > 0) await upsertCounters(tx, batch);
    batch = [];
    await tx
      .update(dashboardCounters)
      .set({
        count: sql`${dashboardCounters.count} + ${row.count}`,
        amount: sql`${dashboardCounters.amount} + ${row.amount ?? 0}`,
      })
      .where(
        and(
          eq(dashboardCounters.granularity, row.granularity),
          eq(dashboardCounters.bucketStart, row.bucketStart),
          eq(dashboardCounters.metric, row.metric),
          eq(dashboardCounters.currency, row.currency),
          eq(dashboardCounters.label, row.label),
        ),
      );
  }
  if (batch.length > 0) await upsertCounters(tx, batch);
}

/** The counter rows of a payment's share of its creation bucket (none while its creation time is unknown). */
function shareRows(share: BucketShare | undefined): CounterRow[] {
  if (!share) return [];
  return rowsAt(share.createdAt, {
    metric: PAYMENTS_METRIC,
    currency: share.currency,
    label: share.status,
    count: share.count,
    amount: share.amount,
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
async function trackPayment(tx: AdminDb, reported: PaymentState): Promise<CounterRow[]> {
  const inserted = await tx
    .insert(paymentStates)
    .values(reported)
    .onConflictDoNothing({ target: paymentStates.paymentId })
    .returning({ paymentId: paymentStates.paymentId });
  if (inserted.length > 0) {
    await addToTotals(tx, [contributionOf(reported, 1)]);
    return shareRows(bucketShareOf(reported, 1));
  }
  const [row] = await tx
    .select()
    .from(paymentStates)
    .where(eq(paymentStates.paymentId, reported.paymentId))
    .for("update");
  const current: PaymentState | undefined = row && { ...row, status: row.status };
  const merged = mergePaymentState(current, reported);
  if (!merged || !current) return [];
  await tx.update(paymentStates).set(merged).where(eq(paymentStates.paymentId, merged.paymentId));
  await addToTotals(tx, [contributionOf(current, -1), contributionOf(merged, 1)]);
  return [...shareRows(bucketShareOf(current, -1)), ...shareRows(bucketShareOf(merged, 1))];
}

/** Applies an event to the dashboard aggregates, inside the transaction that writes its audit row. */
export async function applyToDashboard(tx: AdminDb, event: EventEnvelope): Promise<void> {
  const reported = paymentStateOf(event);
  const moves = reported ? await trackPayment(tx, reported) : [];
  await trackSession(tx, event);
  const increments = counterIncrementsOf(event).flatMap(({ at, ...change }) => rowsAt(at, change));
  await applyCounters(tx, [...moves, ...increments]);
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

/** A counter bucket as the dashboard reads it. */
export interface CounterPoint {
  bucketStart: Date;
  metric: string;
  currency: string;
  label: string;
  count: number;
  amount: number;
}

/**
 * The payments counters (by creation bucket, current status and currency) of one granularity from `since`
 * on, oldest first; rows every payment has left since (count 0) are left out.
 */
export function readPaymentCounters(
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
    .where(
      and(
        eq(dashboardCounters.granularity, granularity),
        eq(dashboardCounters.metric, PAYMENTS_METRIC),
        gte(dashboardCounters.bucketStart, since),
        gt(dashboardCounters.count, 0),
      ),
    )
    .orderBy(
      asc(dashboardCounters.bucketStart),
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
