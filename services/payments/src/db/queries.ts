import type { Id, PaymentStatus, Role } from "@payments/contracts";
import { and, asc, desc, eq, gt, gte, ilike, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { PaymentsDb } from "../core.ts";
import {
  type DirectoryUser,
  type PaymentRow,
  paymentAttempts,
  payments,
  paymentTransitions,
  refunds,
  userDirectory,
} from "./schema.ts";

/** One payment by id. */
export async function findPayment(db: PaymentsDb, id: Id<"pay">): Promise<PaymentRow | undefined> {
  const [row] = await db.select().from(payments).where(eq(payments.id, id));
  return row;
}

/** Whose payments a list or report covers: one user (optionally as payer or payee only), or everyone. */
export type PartyScope =
  | { kind: "all" }
  | { kind: "user"; userId: Id<"usr">; role?: "payer" | "payee" | undefined };

function partyCondition(scope: PartyScope): SQL | undefined {
  if (scope.kind === "all") return undefined;
  if (scope.role === "payer") return eq(payments.payerId, scope.userId);
  if (scope.role === "payee") return eq(payments.payeeId, scope.userId);
  return or(eq(payments.payerId, scope.userId), eq(payments.payeeId, scope.userId));
}

/** Filters and cursor of a payment list (ARCHITECTURE §3). */
export interface ListParams {
  scope: PartyScope;
  status?: PaymentStatus | undefined;
  createdGte?: Date | undefined;
  createdLte?: Date | undefined;
  limit: number;
  startingAfter?: Id<"pay"> | undefined;
  endingBefore?: Id<"pay"> | undefined;
}

/**
 * A page of payments, newest first. IDs sort by creation time, so the cursor is a plain id comparison: a
 * cursor needs no lookup and stays valid when the payment it names changes.
 */
export async function listPayments(
  db: PaymentsDb,
  params: ListParams,
): Promise<{ rows: PaymentRow[]; hasMore: boolean }> {
  const conditions = [
    partyCondition(params.scope),
    params.status ? eq(payments.status, params.status) : undefined,
    params.createdGte ? gte(payments.createdAt, params.createdGte) : undefined,
    params.createdLte ? lte(payments.createdAt, params.createdLte) : undefined,
    params.startingAfter ? lt(payments.id, params.startingAfter) : undefined,
    params.endingBefore ? gt(payments.id, params.endingBefore) : undefined,
  ];
  // ending_before walks backwards from the cursor: read ascending, then flip to newest first.
  const backwards = params.endingBefore !== undefined && params.startingAfter === undefined;
  const rows = await db
    .select()
    .from(payments)
    .where(and(...conditions))
    .orderBy(backwards ? asc(payments.id) : desc(payments.id))
    .limit(params.limit + 1);
  const hasMore = rows.length > params.limit;
  const page = rows.slice(0, params.limit);
  return { rows: backwards ? page.reverse() : page, hasMore };
}

/** Transitions, processor attempts and refunds of one payment, oldest first. */
export async function paymentHistory(db: PaymentsDb, paymentId: Id<"pay">) {
  const [transitions, attempts, refundRows] = await Promise.all([
    db
      .select()
      .from(paymentTransitions)
      .where(eq(paymentTransitions.paymentId, paymentId))
      .orderBy(asc(paymentTransitions.createdAt), asc(paymentTransitions.id)),
    db
      .select()
      .from(paymentAttempts)
      .where(eq(paymentAttempts.paymentId, paymentId))
      .orderBy(asc(paymentAttempts.attempt)),
    db
      .select()
      .from(refunds)
      .where(eq(refunds.paymentId, paymentId))
      .orderBy(asc(refunds.createdAt), asc(refunds.id)),
  ]);
  return { transitions, attempts, refunds: refundRows };
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
export async function summarize(
  db: PaymentsDb,
  params: { scope: PartyScope; from: Date; to: Date; currency?: string | undefined },
): Promise<SummaryRow[]> {
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
    .where(
      and(
        partyCondition(params.scope),
        gte(payments.createdAt, params.from),
        lt(payments.createdAt, params.to),
        params.currency ? eq(payments.currency, params.currency) : undefined,
      ),
    )
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

/** `%`, `_` and `\` are wildcards in LIKE; a search for them must find them literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Active vendors whose name or email contains `query` (case-insensitive), by name. */
export async function searchPayees(
  db: PaymentsDb,
  query: string | undefined,
  limit: number,
): Promise<Pick<DirectoryUser, "id" | "name" | "email">[]> {
  const pattern = query ? `%${likeLiteral(query)}%` : undefined;
  return db
    .select({ id: userDirectory.id, name: userDirectory.name, email: userDirectory.email })
    .from(userDirectory)
    .where(
      and(
        eq(userDirectory.role, "vendor" satisfies Role),
        eq(userDirectory.active, true),
        pattern ? or(ilike(userDirectory.name, pattern), ilike(userDirectory.email, pattern)) : undefined,
      ),
    )
    .orderBy(asc(userDirectory.name), asc(userDirectory.id))
    .limit(limit);
}
