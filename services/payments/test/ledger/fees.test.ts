import { describe, expect, it } from "bun:test";
import { DEFAULT_FEES, MAX_AMOUNT } from "@payments/contracts";
import fc from "fast-check";
import { paymentFee, refundedFee } from "../../src/ledger/domain/fees.ts";

describe("platform fees (docs/adr/0032)", () => {
  it("is percent rounded half up plus the currency's fixed part, capped at the amount", () => {
    expect(paymentFee(DEFAULT_FEES, 10_000, "usd")).toBe(320);
    // 2.9 % of 50 = 1.45 → 1; + 30.
    expect(paymentFee(DEFAULT_FEES, 50, "usd")).toBe(31);
    // 2.9 % of 1,000 = 29 exactly; no fixed part for jpy.
    expect(paymentFee(DEFAULT_FEES, 1_000, "jpy")).toBe(29);
    // Half up: 3.33 % of 150 = 4.995 → 5; 1 % of 50 = 0.5 → 1.
    expect(paymentFee({ percent_bps: 333, fixed: {}, refunds: "keep" }, 150, "usd")).toBe(5);
    expect(paymentFee({ percent_bps: 100, fixed: {}, refunds: "keep" }, 50, "usd")).toBe(1);
    expect(paymentFee(DEFAULT_FEES, 5, "usd")).toBe(5);
    // Exact past 2^53 intermediate values.
    expect(paymentFee({ percent_bps: 9_999, fixed: {}, refunds: "keep" }, MAX_AMOUNT, "usd")).toBe(
      999_900_000_000,
    );
  });

  it("partial refunds never return more than the fee in sum, and the whole refund returns all of it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000 }), { minLength: 1, maxLength: 8 }),
        (amount, bps, weights) => {
          const fee = paymentFee({ percent_bps: bps, fixed: {}, refunds: "return" }, amount, "usd");
          const total = weights.reduce((a, b) => a + b, 0);
          // Split the amount in proportion to the weights; the last part takes the rest.
          let refunded = 0;
          let returned = 0;
          weights.forEach((w, i) => {
            const part = i === weights.length - 1 ? amount - refunded : Math.floor((amount * w) / total);
            const back = refundedFee("return", { amount, fee }, refunded, refunded + part);
            expect(back).toBeGreaterThanOrEqual(0);
            refunded += part;
            returned += back;
            expect(returned).toBeLessThanOrEqual(fee);
          });
          expect(returned).toBe(fee);
          expect(refundedFee("keep", { amount, fee }, 0, amount)).toBe(0);
        },
      ),
    );
  });
});
