import { type Id, idTimestamp, type PaymentStatus } from "@payments/contracts";
import { and, asc, desc, eq, gte, ilike, inArray, lte, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { PaymentsDb } from "../core.ts";
import { likeLiteral, type PartyScope, partyCondition } from "./queries.ts";
import { type PaymentRow, payments, userDirectory } from "./schema.ts";

/** A payment with its parties' display names from the directory (null while the directory lacks them). */
export type NamedPayment = PaymentRow & { payerName: string | null; payeeName: string | null };

/** What a list or an export selects (the filters of ARCHITECTURE §3's lists). */
export interface PaymentFilter {
  scope: PartyScope;
  status?: PaymentStatus | undefined;
  createdGte?: Date | undefined;
  createdLte?: Date | undefined;
  amountGte?: number | undefined;
  amountLte?: number | undefined;
  currency?: string | undefined;
  /** The user on the other side (with an admin's platform-wide scope: on either side). */
  counterparty?: Id<"usr"> | undefined;
  /** Matches the description or a party's name (substring, any case), or is a payment id. */
  text?: string | undefined;
}

/** A filter plus a cursor page. */
export interface ListParams extends PaymentFilter {
  limit: number;
  startingAfter?: Id<"pay"> | undefined;
  endingBefore?: Id<"pay"> | undefined;
}

const payer = alias(userDirectory, "payer");
const payee = alias(userDirectory, "payee");
const PAYMENT_ID = /^pay_[0-9a-z]{26}$/;

function filterConditions(f: PaymentFilter): (SQL | undefined)[] {
  const pattern = f.text && !PAYMENT_ID.test(f.text) ? `%${likeLiteral(f.text)}%` : undefined;
  return [
    partyCondition(f.scope),
    f.status ? eq(payments.status, f.status) : undefined,
    f.createdGte ? gte(payments.createdAt, f.createdGte) : undefined,
    f.createdLte ? lte(payments.createdAt, f.createdLte) : undefined,
    f.amountGte !== undefined ? gte(payments.amount, f.amountGte) : undefined,
    f.amountLte !== undefined ? lte(payments.amount, f.amountLte) : undefined,
    f.currency ? eq(payments.currency, f.currency) : undefined,
    // With the scope's own party this leaves the payments between the two of them.
    f.counterparty
      ? or(eq(payments.payerId, f.counterparty), eq(payments.payeeId, f.counterparty))
      : undefined,
    f.text && PAYMENT_ID.test(f.text) ? eq(payments.id, f.text as Id<"pay">) : undefined,
    pattern
      ? or(ilike(payments.description, pattern), ilike(payer.name, pattern), ilike(payee.name, pattern))
      : undefined,
  ];
}

/**
 * The position `(created_at, id)` a cursor names. Its payment's creation time is read by Postgres itself (a
 * timestamp that went through a JS Date would lose its microseconds and skip or repeat rows at the page
 * boundary); a well-formed id that names no payment is the position its ULID time gives, as before.
 */
function cursorKey(id: Id<"pay">): SQL {
  const idTime = new Date(idTimestamp(id) ?? 0).toISOString();
  return sql`(coalesce((SELECT c.created_at FROM ${payments} c WHERE c.id = ${id}), ${idTime}::timestamptz), ${id})`;
}

/**
 * A page of payments with their parties' names, newest first by creation time (ties by id). The cursor is a
 * payment id, compared by its `(created_at, id)`: creation times never change, so pages stay stable while
 * new payments arrive, and a payment created with an earlier time (a backdated import) still sorts by it.
 * Ids alone would not do: they sort by when the row was made.
 */
export async function listPayments(
  db: PaymentsDb,
  params: ListParams,
): Promise<{ rows: NamedPayment[]; hasMore: boolean }> {
  const key = sql`(${payments.createdAt}, ${payments.id})`;
  const conditions = [
    ...filterConditions(params),
    params.startingAfter ? sql`${key} < ${cursorKey(params.startingAfter)}` : undefined,
    params.endingBefore ? sql`${key} > ${cursorKey(params.endingBefore)}` : undefined,
  ];
  // ending_before walks backwards from the cursor: read ascending, then flip to newest first.
  const backwards = params.endingBefore !== undefined && params.startingAfter === undefined;
  const order = backwards
    ? [asc(payments.createdAt), asc(payments.id)]
    : [desc(payments.createdAt), desc(payments.id)];
  const rows = await db
    .select({ payment: payments, payerName: payer.name, payeeName: payee.name })
    .from(payments)
    .leftJoin(payer, eq(payer.id, payments.payerId))
    .leftJoin(payee, eq(payee.id, payments.payeeId))
    .where(and(...conditions))
    .orderBy(...order)
    .limit(params.limit + 1);
  const hasMore = rows.length > params.limit;
  const page = rows
    .slice(0, params.limit)
    .map((r) => ({ ...r.payment, payerName: r.payerName, payeeName: r.payeeName }));
  return { rows: backwards ? page.reverse() : page, hasMore };
}

/** One payment with its parties' names. */
export async function findNamedPayment(db: PaymentsDb, id: Id<"pay">): Promise<NamedPayment | undefined> {
  const [row] = await db
    .select({ payment: payments, payerName: payer.name, payeeName: payee.name })
    .from(payments)
    .leftJoin(payer, eq(payer.id, payments.payerId))
    .leftJoin(payee, eq(payee.id, payments.payeeId))
    .where(eq(payments.id, id));
  return row ? { ...row.payment, payerName: row.payerName, payeeName: row.payeeName } : undefined;
}

/** Display names of `ids` from the directory (users it does not know are absent). */
export async function namesOf(db: PaymentsDb, ids: readonly Id<"usr">[]): Promise<Map<Id<"usr">, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: userDirectory.id, name: userDirectory.name })
    .from(userDirectory)
    .where(inArray(userDirectory.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** `row` with its parties' names looked up in the directory. */
export async function withNames(db: PaymentsDb, row: PaymentRow): Promise<NamedPayment> {
  const names = await namesOf(db, [row.payerId, row.payeeId]);
  return { ...row, payerName: names.get(row.payerId) ?? null, payeeName: names.get(row.payeeId) ?? null };
}
