import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import { newId } from "@payments/contracts";
import { inbox } from "@payments/events";
import { count, eq, sql } from "drizzle-orm";
import type { PaymentsDb } from "../../src/core.ts";
import { applyLedgerEvent, PaymentNotInLedgerError } from "../../src/ledger/actions/apply.ts";
import { checkLedger } from "../../src/ledger/actions/check.ts";
import { releaseDueFunds } from "../../src/ledger/actions/release.ts";
import { entries, postings } from "../../src/ledger/db/schema.ts";
import { adapters, openTestDb } from "../support.ts";
import { balances, paymentSucceeded, refundSucceeded, testLedger, vendorBalance } from "./support.ts";

// Two shared cores, often under heavy load from other work: database tests get time, not speed asserts.
setDefaultTimeout(30_000);

/** The database's own message of a refused statement (drizzle wraps it as the cause). */
async function refusal(query: PromiseLike<unknown>): Promise<string> {
  try {
    await query;
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : "";
    return `${err instanceof Error ? err.message : String(err)} ${cause}`;
  }
  return "(not refused)";
}

describe(`ledger journal (${adapters})`, () => {
  let db: PaymentsDb;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openTestDb(10));
  }, 60_000);
  afterAll(() => close());

  const parties = () => ({ payerId: newId("usr"), payeeId: newId("usr") });
  const entryCount = async () => (await db.select({ n: count() }).from(entries))[0]?.n ?? 0;

  it("journals a payment: customer −amount, vendor pending +net, fee revenue +fee; Σ = 0", async () => {
    const ledger = testLedger(db);
    const { payment, event } = paymentSucceeded({ ...parties(), amount: 10_000, currency: "usd" });
    expect(await applyLedgerEvent(ledger, event)).toBe("applied");
    const all = await balances(db);
    // 2.9 % of 100.00 = 2.90, + 0.30 fixed = 3.20.
    expect(vendorBalance(all, payment.payeeId, "pending", "usd")).toBe(10_000 - 320);
    expect(all[`customer:${payment.payerId}:spent:usd`]).toBe(-10_000);
    const rows = await db
      .select({ amount: postings.amount })
      .from(postings)
      .innerJoin(entries, eq(entries.id, postings.entryId))
      .where(eq(entries.sourceKey, event.id));
    expect(rows.map((r) => r.amount).sort((a, b) => a - b)).toEqual([-10_000, 320, 9_680]);
    expect((await checkLedger(ledger)).balanced).toBe(true);
  });

  it("a redelivery changes nothing, even after the inbox row was pruned", async () => {
    const ledger = testLedger(db);
    const { event } = paymentSucceeded({ ...parties(), amount: 2_500, currency: "eur" });
    await applyLedgerEvent(ledger, event);
    const before = await balances(db);
    const entriesBefore = await entryCount();
    expect(await applyLedgerEvent(ledger, event)).toBe("duplicate");
    await db.delete(inbox).where(eq(inbox.eventId, event.id));
    expect(await applyLedgerEvent(ledger, event)).toBe("duplicate");
    expect(await balances(db)).toEqual(before);
    expect(await entryCount()).toBe(entriesBefore);
  });

  it("a refund before its payment writes nothing and applies once the payment is in (reordering)", async () => {
    const ledger = testLedger(db);
    const { payment, event: paid } = paymentSucceeded({ ...parties(), amount: 5_000, currency: "usd" });
    const refund = refundSucceeded(payment, 2_000);
    const before = await balances(db);
    await expect(applyLedgerEvent(ledger, refund)).rejects.toBeInstanceOf(PaymentNotInLedgerError);
    expect(await balances(db)).toEqual(before);
    await applyLedgerEvent(ledger, paid);
    // The bus redelivers the refund: now it applies.
    expect(await applyLedgerEvent(ledger, refund)).toBe("applied");
    const all = await balances(db);
    const fee = Math.round(5_000 * 0.029) + 30;
    expect(vendorBalance(all, payment.payeeId, "pending", "usd")).toBe(5_000 - fee);
    // Fees kept (default rule): the vendor bears the whole refund, from its available balance: a debt here.
    expect(vendorBalance(all, payment.payeeId, "available", "usd")).toBe(-2_000);
    ledger.clock.advance(2_000);
    await releaseDueFunds(ledger);
    expect(vendorBalance(await balances(db), payment.payeeId, "available", "usd")).toBe(5_000 - fee - 2_000);
    expect((await checkLedger(ledger)).balanced).toBe(true);
  });

  it("returns the fee in proportion when the schedule says so; a full refund returns all of it", async () => {
    const ledger = testLedger(db, { fees: { percent_bps: 333, fixed: {}, refunds: "return" } });
    const { payment, event } = paymentSucceeded({ ...parties(), amount: 1_001, currency: "gbp" });
    await applyLedgerEvent(ledger, event);
    // 3.33 % of 1,001 = 33.33 → 33.
    for (const part of [333, 333, 335]) await applyLedgerEvent(ledger, refundSucceeded(payment, part));
    const all = await balances(db);
    const vendorTotal =
      vendorBalance(all, payment.payeeId, "pending", "gbp") +
      vendorBalance(all, payment.payeeId, "available", "gbp");
    expect(vendorTotal).toBe(0);
    expect(all[`customer:${payment.payerId}:spent:gbp`]).toBe(0);
    expect((await checkLedger(ledger)).balanced).toBe(true);
  });

  it("the journal is append-only: the database refuses to change or delete a posting or an entry", async () => {
    await applyLedgerEvent(
      testLedger(db),
      paymentSucceeded({ ...parties(), amount: 100, currency: "usd" }).event,
    );
    expect(await refusal(db.execute(sql`UPDATE ledger.postings SET amount = amount + 1`))).toMatch(
      /append-only/,
    );
    expect(await refusal(db.execute(sql`DELETE FROM ledger.entries`))).toMatch(/append-only/);
  });

  it("the database refuses an entry whose postings do not sum to zero, at commit", async () => {
    const before = await entryCount();
    const attempt = db.transaction(async (tx) => {
      const id = newId("le");
      await tx.execute(
        sql`INSERT INTO ledger.entries (id, source_key, source_type, source_id, currency) VALUES (${id}, ${id}, 'payment', 'x', 'usd')`,
      );
      await tx.execute(
        sql`INSERT INTO ledger.accounts (id, owner_type, kind, currency) VALUES ('platform:fee_revenue:usd', 'platform', 'fee_revenue', 'usd') ON CONFLICT DO NOTHING`,
      );
      await tx.execute(
        sql`INSERT INTO ledger.postings (entry_id, account_id, currency, amount) VALUES (${id}, 'platform:fee_revenue:usd', 'usd', 5)`,
      );
    });
    await expect(attempt).rejects.toThrow();
    expect(await entryCount()).toBe(before);
  });

  it("a consumer that dies between the postings and the balance line leaves no partial entry", async () => {
    // The settlement date cannot be written: the transaction fails after its entry, postings and balances.
    const broken = testLedger(db, { settings: { settlementDelayMs: Number.NaN } });
    const { payment, event } = paymentSucceeded({ ...parties(), amount: 7_000, currency: "usd" });
    const before = await balances(db);
    const entriesBefore = await entryCount();
    await expect(applyLedgerEvent(broken, event)).rejects.toThrow();
    expect(await balances(db)).toEqual(before);
    expect(await entryCount()).toBe(entriesBefore);
    // The redelivery to a healthy consumer applies the whole entry, once.
    const ledger = testLedger(db);
    expect(await applyLedgerEvent(ledger, event)).toBe("applied");
    expect(await applyLedgerEvent(ledger, event)).toBe("duplicate");
    expect(vendorBalance(await balances(db), payment.payeeId, "pending", "usd")).toBe(7_000 - 233);
    expect((await checkLedger(ledger)).balanced).toBe(true);
  });

  it("the check finds a kept balance that disagrees with its postings", async () => {
    const ledger = testLedger(db);
    const { payment, event } = paymentSucceeded({ ...parties(), amount: 900, currency: "usd" });
    await applyLedgerEvent(ledger, event);
    const id = `vendor:${payment.payeeId}:pending:usd`;
    await db.execute(sql`UPDATE ledger.accounts SET balance = balance + 1 WHERE id = ${id}`);
    const check = await checkLedger(ledger);
    expect(check.balanced).toBe(false);
    expect(check.problems.map((p) => [p.kind, p.subject])).toContainEqual(["account_mismatch", id]);
    await db.execute(sql`UPDATE ledger.accounts SET balance = balance - 1 WHERE id = ${id}`);
    expect((await checkLedger(ledger)).balanced).toBe(true);
  });
});
