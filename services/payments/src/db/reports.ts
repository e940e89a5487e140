import type { PaymentStatus } from "@payments/contracts";
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import { type PartyScope, partyCondition } from "./queries.ts";
import { payments } from "./schema.ts";

/** What a report covers: whose payments, created in `[from, to)`, optionally in one currency. */
export interface ReportRange {
  scope: PartyScope;
  from: Date;
  to: Date;
  currency?: string | undefined;
}

/** Statuses of payments that went through (money moved, refunded since or not). */
export const SETTLED_STATUSES: readonly PaymentStatus[] = ["succeeded", "partially_refunded", "refunded"];

function rangeCondition(params: ReportRange) {
  return and(
    partyCondition(params.scope),
    gte(payments.createdAt, params.from),
    lt(payments.createdAt, params.to),
    params.currency ? eq(payments.currency, params.currency) : undefined,
  );
}

/** One row of the summary report. */
export interface SummaryRow {
  status: PaymentStatus;
  currency: string;
  count: number;
  amount: number;
  amount_refunded: number;
}

/** Counts and sums by status and currency over `[from, to)`, computed by Postgres. */
export async function summarize(db: PaymentsDb, params: ReportRange): Promise<SummaryRow[]> {
  const rows = await db
    .select({
      status: payments.status,
      currency: payments.currency,
      count: sql<number>`count(*)::int`,
      // As text: a sum of bigints is numeric, which the two drivers return differently.
      amount: sql<string>`sum(${payments.amount})::text`,
      refunded: sql<string>`sum(${payments.amountRefunded})::text`,
    })
    .from(payments)
    .where(rangeCondition(params))
    .groupBy(payments.status, payments.currency)
    .orderBy(asc(payments.currency), asc(payments.status));
  return rows.map((r) => ({
    status: r.status,
    currency: r.currency,
    count: r.count,
    amount: Number(r.amount),
    amount_refunded: Number(r.refunded),
  }));
}

/** One day of one currency in the report. */
export interface DayRow {
  date: string;
  currency: string;
  count: number;
  succeeded: number;
  failed: number;
  volume: number;
  refunded: number;
}

/**
 * Payments per calendar day (in `timeZone`, an IANA name Postgres resolves with DST) and currency, oldest
 * first. Grouped by output position: the day expression carries a parameter, and Postgres would not see
 * two copies of it (one in SELECT, one in GROUP BY) as the same expression.
 */
export async function summarizeByDay(
  db: PaymentsDb,
  params: ReportRange & { timeZone: string },
): Promise<DayRow[]> {
  const settled = sql.join(
    SETTLED_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  const rows = await db
    .select({
      date: sql<string>`to_char(${payments.createdAt} AT TIME ZONE ${params.timeZone}, 'YYYY-MM-DD')`,
      currency: payments.currency,
      count: sql<number>`count(*)::int`,
      succeeded: sql<number>`(count(*) FILTER (WHERE ${payments.status} IN (${settled})))::int`,
      failed: sql<number>`(count(*) FILTER (WHERE ${payments.status} = 'failed'))::int`,
      volume: sql<string>`coalesce(sum(${payments.amount}) FILTER (WHERE ${payments.status} IN (${settled})), 0)::text`,
      refunded: sql<string>`coalesce(sum(${payments.amountRefunded}), 0)::text`,
    })
    .from(payments)
    .where(rangeCondition(params))
    .groupBy(sql`1`, sql`2`)
    .orderBy(sql`1`, sql`2`);
  return rows.map((r) => ({
    date: r.date,
    currency: r.currency,
    count: r.count,
    succeeded: r.succeeded,
    failed: r.failed,
    volume: Number(r.volume),
    refunded: Number(r.refunded),
  }));
}
