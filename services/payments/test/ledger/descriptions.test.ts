import { describe, expect, it } from "bun:test";
import type { Id } from "@payments/contracts";
import type { BalanceTransactionRow } from "../../src/ledger/db/schema.ts";
import { describeLine } from "../../src/ledger/domain/descriptions.ts";

const at = new Date("2026-12-07T00:00:00.000Z");
const row = (type: BalanceTransactionRow["type"], sourceId: string): BalanceTransactionRow => ({
  id: "txn_01j9z3k7m8n9p0q1r2s3t4v5w6" as Id<"txn">,
  vendorId: "usr_01j9z3k7m8n9p0q1r2s3t4v5w6" as Id<"usr">,
  type,
  sourceId,
  currency: "usd",
  gross: 1_000,
  fee: 59,
  net: 941,
  status: "available",
  availableOn: at,
  createdAt: at,
  entryId: "le_01j9z3k7m8n9p0q1r2s3t4v5w6" as Id<"le">,
});
const paymentId = "pay_01j9z3k7m8n9p0q1r2s3t4v5w6" as Id<"pay">;
const sources = {
  payments: new Map([
    ["pay_1", { paymentId, description: "Gift card", payerName: "Ada Lovelace" }],
    ["re_1", { paymentId, description: "Gift card", payerName: "Ada Lovelace" }],
    ["pay_2", { paymentId, description: null, payerName: null }],
  ]),
  payouts: new Map([["po_1", "6819"]]),
};

describe("a balance line in words", () => {
  it("names who paid or was refunded and what for", () => {
    expect(describeLine(row("payment", "pay_1"), sources)).toBe("Payment from Ada Lovelace — Gift card");
    expect(describeLine(row("refund", "re_1"), sources)).toBe("Refund to Ada Lovelace — Gift card");
    // No description, and a payer the read model has not heard of yet.
    expect(describeLine(row("payment", "pay_2"), sources)).toBe("Payment from a customer");
  });

  it("says which account a payout went to, and when it came back", () => {
    expect(describeLine(row("payout", "po_1"), sources)).toBe("Payout to the account ending 6819");
    expect(describeLine(row("payout_failure", "po_1"), sources)).toBe(
      "Payout to the account ending 6819, returned",
    );
  });

  it("falls back to the line's kind when its source was not read", () => {
    expect(describeLine(row("payment", "pay_9"), sources)).toBe("Payment");
    expect(describeLine(row("refund", "re_9"), sources)).toBe("Refund");
    expect(describeLine(row("payout", "po_9"), sources)).toBe("Payout");
  });
});
