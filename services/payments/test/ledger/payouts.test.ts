import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import { type Id, newId } from "@payments/contracts";
import { eq } from "drizzle-orm";
import type { PaymentsDb } from "../../src/core.ts";
import { applyLedgerEvent } from "../../src/ledger/actions/apply.ts";
import { checkLedger } from "../../src/ledger/actions/check.ts";
import {
  advancePayouts,
  createPayout,
  runPayoutSchedule,
  setBankAccount,
} from "../../src/ledger/actions/payouts.ts";
import { listBalanceTransactions, readBalance } from "../../src/ledger/actions/reads.ts";
import { releaseDueFunds } from "../../src/ledger/actions/release.ts";
import { bankAccounts, payouts } from "../../src/ledger/db/schema.ts";
import { adapters, openTestDb } from "../support.ts";
import { createClock, paymentSucceeded, testLedger } from "./support.ts";

// Two shared cores, often under heavy load from other work: database tests get time, not speed asserts.
setDefaultTimeout(30_000);

const noKey = async () => {};

describe(`payouts (${adapters})`, () => {
  let db: PaymentsDb;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await openTestDb(10));
  }, 60_000);
  afterAll(() => close());

  /** A vendor with `amount` (less fees: jpy has no fixed fee; 0 bps here) available and a bank account. */
  async function funded(amount: number, hour = 0) {
    const clock = createClock(Date.UTC(2026, 11, 6, 12));
    const ledger = testLedger(db, {
      clock,
      fees: { percent_bps: 0, fixed: {}, refunds: "keep" },
      settings: { payoutHourUtc: hour },
    });
    const vendor = newId("usr");
    await setBankAccount(ledger, vendor, "0000 1234 5678 9012");
    const { event } = paymentSucceeded(
      { payerId: newId("usr"), payeeId: vendor, amount, currency: "jpy" },
      clock.now(),
    );
    await applyLedgerEvent(ledger, event);
    clock.advance(1_000);
    await releaseDueFunds(ledger);
    return { ledger, vendor, clock };
  }

  it("pending → in_transit → paid: the money leaves in transit for processor clearing", async () => {
    const { ledger, vendor, clock } = await funded(5_000);
    const { body } = await createPayout(ledger, vendor, { amount: 4_000, currency: "jpy" }, noKey);
    expect(body).toMatchObject({ status: "pending", bank_last4: "9012", method: "on_demand" });
    await advancePayouts(ledger);
    let [row] = await db.select().from(payouts).where(eq(payouts.id, body.id));
    expect(row?.status).toBe("in_transit");
    expect((await readBalance(ledger, vendor)).balances).toEqual([
      { currency: "jpy", pending: 0, available: 1_000, in_transit: 4_000 },
    ]);
    clock.advance(1_000);
    await advancePayouts(ledger);
    [row] = await db.select().from(payouts).where(eq(payouts.id, body.id));
    expect(row?.status).toBe("paid");
    expect((await readBalance(ledger, vendor)).balances).toEqual([
      { currency: "jpy", pending: 0, available: 1_000, in_transit: 0 },
    ]);
    const check = await checkLedger(ledger);
    expect(check.balanced).toBe(true);
    expect(check.currencies.find((c) => c.currency === "jpy")?.paid_out).toBeGreaterThanOrEqual(4_000);
  });

  it("a payout the simulator fails (amount ending 13) returns its funds with a payout_failure line", async () => {
    const { ledger, vendor, clock } = await funded(5_000);
    const { body } = await createPayout(ledger, vendor, { amount: 2_013, currency: "jpy" }, noKey);
    await advancePayouts(ledger);
    clock.advance(1_000);
    await advancePayouts(ledger);
    const [row] = await db.select().from(payouts).where(eq(payouts.id, body.id));
    expect(row).toMatchObject({ status: "failed", failureCode: "account_closed" });
    expect((await readBalance(ledger, vendor)).balances[0]?.available).toBe(5_000);
    const lines = await listBalanceTransactions(ledger, vendor as Id<"usr">, { limit: 10 });
    expect(lines.data.map((l) => [l.type, l.net])).toEqual([
      ["payout_failure", 2_013],
      ["payout", -2_013],
      ["payment", 5_000],
    ]);
    expect((await checkLedger(ledger)).balanced).toBe(true);
  });

  it("the daily schedule pays out the whole available balance once a day, after its hour", async () => {
    const early = await funded(3_000, 13);
    expect(await runPayoutSchedule(early.ledger)).toBe(0);
    const { ledger, vendor } = await funded(3_000, 6);
    await runPayoutSchedule(ledger);
    await runPayoutSchedule(ledger);
    const rows = await db.select().from(payouts).where(eq(payouts.vendorId, vendor));
    expect(rows.map((r) => [r.method, r.amount, r.scheduleDate])).toEqual([
      ["scheduled", 3_000, "2026-12-06"],
    ]);
    const balance = await readBalance(ledger, vendor);
    expect(balance.balances[0]).toMatchObject({ available: 0, in_transit: 3_000 });
    expect(balance.next_payout?.scheduled_at).toBe("2026-12-07T06:00:00.000Z");
  });

  it("keeps only the last 4 characters of the bank account", async () => {
    const ledger = testLedger(db);
    const vendor = newId("usr");
    await setBankAccount(ledger, vendor, "de89 3704 0044 0532 0130 0x");
    const [row] = await db.select().from(bankAccounts).where(eq(bankAccounts.vendorId, vendor));
    expect(row?.last4).toBe("300X");
    expect(JSON.stringify(row)).not.toContain("3704");
  });
});
