import type { ledgerCheckSchema } from "@payments/contracts/http";
import { and, eq, inArray, lt, notExists, sql } from "drizzle-orm";
import type { z } from "zod";
import { payments, refunds } from "../../db/schema.ts";
import type { LedgerCore } from "../core.ts";
import { accounts, balanceTransactions, entries, postings } from "../db/schema.ts";

type LedgerCheck = z.infer<typeof ledgerCheckSchema>;
type Problem = LedgerCheck["problems"][number];
type CurrencyTotals = LedgerCheck["currencies"][number];

/** At most this many problems of one kind are listed (the count of the metric is the listed ones). */
const MAX_LISTED = 50;

const total = (column: unknown) => sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);

/**
 * The reconciliation (docs/adr/0031), in one read-only snapshot: Σ postings = 0 per currency; every entry
 * sums to 0; every account's kept balance equals the sum of its postings; every vendor's pending account
 * equals its pending balance lines; and every payment and refund that succeeded in payments (longer ago than
 * the grace period) has its ledger entry — the ledger checked against the data it is derived from.
 */
export async function checkLedger(core: LedgerCore): Promise<LedgerCheck> {
  const checkedAt = core.now();
  const cutoff = new Date(checkedAt.getTime() - core.settings.missingGraceMs);
  const result = await core.db.transaction(
    async (tx) => {
      const byKind = await tx
        .select({ currency: accounts.currency, kind: accounts.kind, sum: total(postings.amount) })
        .from(postings)
        .innerJoin(accounts, eq(accounts.id, postings.accountId))
        .groupBy(accounts.currency, accounts.kind);
      const unbalancedEntries = await tx
        .select({ entryId: postings.entryId, sum: total(postings.amount) })
        .from(postings)
        .groupBy(postings.entryId)
        .having(sql`sum(${postings.amount}) <> 0`)
        .limit(MAX_LISTED);
      const sums = tx
        .select({ accountId: postings.accountId, sum: sql<number>`sum(${postings.amount})`.as("sum") })
        .from(postings)
        .groupBy(postings.accountId)
        .as("sums");
      const mismatched = await tx
        .select({
          id: accounts.id,
          balance: accounts.balance,
          sum: sql<number>`coalesce(${sums.sum}, 0)`.mapWith(Number),
        })
        .from(accounts)
        .leftJoin(sums, eq(sums.accountId, accounts.id))
        .where(sql`${accounts.balance} <> coalesce(${sums.sum}, 0)`)
        .limit(MAX_LISTED);
      const pendingLines = tx
        .select({
          vendorId: balanceTransactions.vendorId,
          currency: balanceTransactions.currency,
          sum: sql<number>`sum(${balanceTransactions.net})`.as("pending_sum"),
        })
        .from(balanceTransactions)
        .where(eq(balanceTransactions.status, "pending"))
        .groupBy(balanceTransactions.vendorId, balanceTransactions.currency)
        .as("pending_lines");
      const pendingMismatch = await tx
        .select({
          id: accounts.id,
          balance: accounts.balance,
          sum: sql<number>`coalesce(${pendingLines.sum}, 0)`.mapWith(Number),
        })
        .from(accounts)
        .leftJoin(
          pendingLines,
          and(eq(pendingLines.vendorId, accounts.ownerId), eq(pendingLines.currency, accounts.currency)),
        )
        .where(
          and(eq(accounts.kind, "pending"), sql`${accounts.balance} <> coalesce(${pendingLines.sum}, 0)`),
        )
        .limit(MAX_LISTED);
      const missingPayments = await tx
        .select({ id: payments.id })
        .from(payments)
        .where(
          and(
            inArray(payments.status, ["succeeded", "partially_refunded", "refunded"]),
            lt(payments.updatedAt, cutoff),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(entries)
                .where(and(eq(entries.sourceType, "payment"), eq(entries.sourceId, payments.id))),
            ),
          ),
        )
        .limit(MAX_LISTED);
      const missingRefunds = await tx
        .select({ id: refunds.id })
        .from(refunds)
        .where(
          and(
            eq(refunds.status, "succeeded"),
            lt(refunds.updatedAt, cutoff),
            notExists(
              tx
                .select({ one: sql`1` })
                .from(entries)
                .where(and(eq(entries.sourceType, "refund"), eq(entries.sourceId, refunds.id))),
            ),
          ),
        )
        .limit(MAX_LISTED);
      const [counts] = await tx
        .select({
          entries: sql<number>`(select count(*) from ${entries})`.mapWith(Number),
          postings: sql<number>`(select count(*) from ${postings})`.mapWith(Number),
          accounts: sql<number>`(select count(*) from ${accounts})`.mapWith(Number),
        })
        .from(sql`(select 1) as one`);
      return {
        byKind,
        unbalancedEntries,
        mismatched,
        pendingMismatch,
        missingPayments,
        missingRefunds,
        counts,
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );

  const currencies = new Map<string, CurrencyTotals>();
  for (const row of result.byKind) {
    const c = currencies.get(row.currency) ?? {
      currency: row.currency,
      postings_sum: 0,
      customer_spent: 0,
      vendor_pending: 0,
      vendor_available: 0,
      vendor_in_transit: 0,
      fee_revenue: 0,
      paid_out: 0,
    };
    c.postings_sum += row.sum;
    const field = {
      spent: "customer_spent",
      pending: "vendor_pending",
      available: "vendor_available",
      in_transit: "vendor_in_transit",
      fee_revenue: "fee_revenue",
      processor_clearing: "paid_out",
    } as const;
    c[field[row.kind]] += row.sum;
    currencies.set(row.currency, c);
  }
  const problems: Problem[] = [];
  for (const c of currencies.values()) {
    if (c.postings_sum !== 0) {
      problems.push({
        kind: "currency_unbalanced",
        subject: c.currency,
        detail: `postings sum to ${c.postings_sum}`,
      });
    }
  }
  for (const e of result.unbalancedEntries) {
    problems.push({ kind: "entry_unbalanced", subject: e.entryId, detail: `postings sum to ${e.sum}` });
  }
  for (const a of result.mismatched) {
    problems.push({
      kind: "account_mismatch",
      subject: a.id,
      detail: `balance ${a.balance}, postings ${a.sum}`,
    });
  }
  for (const a of result.pendingMismatch) {
    problems.push({
      kind: "pending_mismatch",
      subject: a.id,
      detail: `balance ${a.balance}, pending lines ${a.sum}`,
    });
  }
  for (const p of result.missingPayments) {
    problems.push({
      kind: "payment_missing",
      subject: p.id,
      detail: "succeeded in payments, no ledger entry",
    });
  }
  for (const r of result.missingRefunds) {
    problems.push({
      kind: "refund_missing",
      subject: r.id,
      detail: "succeeded in payments, no ledger entry",
    });
  }
  return {
    object: "ledger_check",
    balanced: problems.length === 0,
    checked_at: checkedAt.toISOString(),
    entries: result.counts?.entries ?? 0,
    postings: result.counts?.postings ?? 0,
    accounts: result.counts?.accounts ?? 0,
    currencies: [...currencies.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    problems,
  };
}

/** Runs the check and publishes its result as the `ledger_reconciliation_*` gauges (the alert reads them). */
export async function reconcile(core: LedgerCore): Promise<LedgerCheck> {
  const check = await checkLedger(core);
  core.metrics.problems.set(check.problems.length);
  core.metrics.balanced.set(check.balanced ? 1 : 0);
  core.metrics.lastCheck.set(Date.parse(check.checked_at) / 1000);
  if (!check.balanced)
    core.logger.error({ problems: check.problems.slice(0, 10) }, "ledger reconciliation found problems");
  return check;
}
