import type { Id } from "@payments/contracts";
import {
  type balanceSchema,
  type balanceTransactionSchema,
  STATEMENT_CSV_COLUMNS,
} from "@payments/contracts/http";
import { csvCell } from "@payments/service-kit";
import { and, asc, desc, eq, gt, gte, lt, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { LedgerCore } from "../core.ts";
import { type LineSources, readLineSources } from "../db/line-sources.ts";
import {
  accounts,
  type BalanceTransactionRow,
  balanceTransactions,
  bankAccounts,
  payouts,
} from "../db/schema.ts";
import { describeLine } from "../domain/descriptions.ts";
import { nextPayoutRun, toApiPayout } from "./payouts.ts";

type ApiBalance = z.infer<typeof balanceSchema>;
type ApiBalanceTransaction = z.infer<typeof balanceTransactionSchema>;

/** A balance line as the API shows it, described from its source (`readLineSources`). */
export function toApiBalanceTransaction(
  row: BalanceTransactionRow,
  sources: LineSources,
): ApiBalanceTransaction {
  return {
    id: row.id,
    object: "balance_transaction",
    type: row.type,
    source_id: row.sourceId,
    description: describeLine(row, sources),
    payment_id: sources.payments.get(row.sourceId)?.paymentId ?? null,
    currency: row.currency,
    gross: row.gross,
    fee: row.fee,
    net: row.net,
    status: row.status,
    available_on: row.availableOn.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}

/** The vendor's balance per currency (from the accounts' kept balances), bank account and next payout run. */
export async function readBalance(core: LedgerCore, vendorId: Id<"usr">): Promise<ApiBalance> {
  const [rows, [bank]] = await Promise.all([
    core.db
      .select({ kind: accounts.kind, currency: accounts.currency, balance: accounts.balance })
      .from(accounts)
      .where(and(eq(accounts.ownerType, "vendor"), eq(accounts.ownerId, vendorId)))
      .orderBy(asc(accounts.currency)),
    core.db.select().from(bankAccounts).where(eq(bankAccounts.vendorId, vendorId)),
  ]);
  const byCurrency = new Map<string, ApiBalance["balances"][number]>();
  for (const r of rows) {
    const entry = byCurrency.get(r.currency) ?? {
      currency: r.currency,
      pending: 0,
      available: 0,
      in_transit: 0,
    };
    if (r.kind === "pending" || r.kind === "available" || r.kind === "in_transit") entry[r.kind] = r.balance;
    byCurrency.set(r.currency, entry);
  }
  const balances = [...byCurrency.values()];
  return {
    object: "balance",
    balances,
    settlement_delay_seconds: Math.round(core.settings.settlementDelayMs / 1000),
    next_payout:
      bank && core.settings.dailyPayouts
        ? {
            scheduled_at: nextPayoutRun(core.now(), core.settings.payoutHourUtc).toISOString(),
            estimates: balances
              .filter((b) => b.available > 0)
              .map((b) => ({ currency: b.currency, amount: b.available })),
          }
        : null,
    bank_account: bank ? { last4: bank.last4, updated_at: bank.updatedAt.toISOString() } : null,
  };
}

/** Cursor page over rows whose ids sort by creation (ULIDs): newest first, as every list of the API. */
interface PageQuery {
  limit: number;
  starting_after?: string | undefined;
  ending_before?: string | undefined;
}

/** `GET /balance/transactions`: newest first, filtered by currency and type. */
export async function listBalanceTransactions(
  core: LedgerCore,
  vendorId: Id<"usr">,
  q: PageQuery & { currency?: string | undefined; type?: BalanceTransactionRow["type"] | undefined },
) {
  const where: SQL[] = [eq(balanceTransactions.vendorId, vendorId)];
  if (q.currency) where.push(eq(balanceTransactions.currency, q.currency));
  if (q.type) where.push(eq(balanceTransactions.type, q.type));
  const backwards = q.ending_before !== undefined;
  if (q.starting_after) where.push(lt(balanceTransactions.id, q.starting_after as Id<"txn">));
  if (q.ending_before) where.push(gt(balanceTransactions.id, q.ending_before as Id<"txn">));
  const rows = await core.db
    .select()
    .from(balanceTransactions)
    .where(and(...where))
    .orderBy(backwards ? asc(balanceTransactions.id) : desc(balanceTransactions.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  if (backwards) page.reverse();
  const sources = await readLineSources(core.db, page);
  return {
    object: "list" as const,
    data: page.map((row) => toApiBalanceTransaction(row, sources)),
    has_more: rows.length > q.limit,
  };
}

/** `GET /payouts`: newest first. */
export async function listPayouts(
  core: LedgerCore,
  vendorId: Id<"usr">,
  q: PageQuery & { status?: "pending" | "in_transit" | "paid" | "failed" | undefined },
) {
  const where: SQL[] = [eq(payouts.vendorId, vendorId)];
  if (q.status) where.push(eq(payouts.status, q.status));
  const backwards = q.ending_before !== undefined;
  if (q.starting_after) where.push(lt(payouts.id, q.starting_after as Id<"po">));
  if (q.ending_before) where.push(gt(payouts.id, q.ending_before as Id<"po">));
  const rows = await core.db
    .select()
    .from(payouts)
    .where(and(...where))
    .orderBy(backwards ? asc(payouts.id) : desc(payouts.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  if (backwards) page.reverse();
  return { object: "list" as const, data: page.map(toApiPayout), has_more: rows.length > q.limit };
}

/** `GET /balance/statement.csv?month=YYYY-MM`: the month's lines (UTC), oldest first, minor units. */
export async function statementCsv(
  core: LedgerCore,
  vendorId: Id<"usr">,
  q: { month: string; currency?: string | undefined },
): Promise<string> {
  const [year, month] = q.month.split("-").map(Number) as [number, number];
  const from = new Date(Date.UTC(year, month - 1, 1));
  const to = new Date(Date.UTC(year, month, 1));
  const where: SQL[] = [
    eq(balanceTransactions.vendorId, vendorId),
    gte(balanceTransactions.createdAt, from),
    lt(balanceTransactions.createdAt, to),
  ];
  if (q.currency) where.push(eq(balanceTransactions.currency, q.currency));
  const rows = await core.db
    .select()
    .from(balanceTransactions)
    .where(and(...where))
    .orderBy(asc(balanceTransactions.createdAt), asc(balanceTransactions.id));
  const sources = await readLineSources(core.db, rows);
  const lines = [STATEMENT_CSV_COLUMNS.join(",")];
  for (const row of rows) {
    const t = toApiBalanceTransaction(row, sources);
    // The description is a customer's own words: the kit's cell writer quotes it and defuses formulas.
    lines.push(STATEMENT_CSV_COLUMNS.map((c) => csvCell(t[c])).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
