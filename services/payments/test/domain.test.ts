import { describe, expect, test } from "bun:test";
import {
  allowedSources,
  canTransition,
  checkRefund,
  isTerminal,
  PAYMENT_STATUSES,
  refundableRemaining,
  statusAfterRefunds,
  TRANSITIONS,
} from "../src/domain/state-machine.ts";

describe("payment state machine", () => {
  test("follows ARCHITECTURE §4", () => {
    expect(canTransition("pending", "processing")).toBe(true);
    expect(canTransition("pending", "canceled")).toBe(true);
    expect(canTransition("processing", "succeeded")).toBe(true);
    expect(canTransition("processing", "failed")).toBe(true);
    expect(canTransition("succeeded", "partially_refunded")).toBe(true);
    expect(canTransition("partially_refunded", "refunded")).toBe(true);
  });

  test("refuses everything else", () => {
    expect(canTransition("processing", "canceled")).toBe(false);
    expect(canTransition("pending", "succeeded")).toBe(false);
    expect(canTransition("failed", "processing")).toBe(false);
    expect(canTransition("canceled", "pending")).toBe(false);
    expect(canTransition("refunded", "partially_refunded")).toBe(false);
    expect(canTransition("succeeded", "failed")).toBe(false);
  });

  test("guards come from the table", () => {
    expect(allowedSources("canceled")).toEqual(["pending"]);
    expect(allowedSources("processing")).toEqual(["pending"]);
    expect(allowedSources("refunded").sort()).toEqual(["partially_refunded", "succeeded"]);
    expect(allowedSources("pending")).toEqual([]);
  });

  test("terminal states have no way out, and every target is a known status", () => {
    expect(PAYMENT_STATUSES.filter(isTerminal).sort()).toEqual(["canceled", "failed", "refunded"]);
    for (const targets of Object.values(TRANSITIONS)) {
      for (const to of targets) expect(PAYMENT_STATUSES).toContain(to);
    }
  });
});

describe("refund rules", () => {
  const paid = { status: "succeeded" as const, amount: 1000, amountRefunded: 0, amountRefundPending: 0 };

  test("defaults to the full remaining amount", () => {
    expect(checkRefund(paid, undefined)).toEqual({ ok: true, amount: 1000 });
    expect(checkRefund({ ...paid, amountRefunded: 300 }, undefined)).toEqual({ ok: true, amount: 700 });
  });

  test("reserved refunds count against what is left", () => {
    const balance = {
      ...paid,
      status: "partially_refunded" as const,
      amountRefunded: 300,
      amountRefundPending: 200,
    };
    expect(refundableRemaining(balance)).toBe(500);
    expect(checkRefund(balance, 501)).toEqual({ ok: false, reason: "exceeds_remaining", remaining: 500 });
    expect(checkRefund(balance, 500)).toEqual({ ok: true, amount: 500 });
  });

  test("only succeeded payments are refundable", () => {
    for (const status of ["pending", "processing", "failed", "canceled", "refunded"] as const) {
      expect(checkRefund({ ...paid, status }, 1)).toMatchObject({ ok: false, reason: "not_refundable" });
    }
  });

  test("nothing left means no refund", () => {
    const all = { ...paid, status: "partially_refunded" as const, amountRefunded: 1000 };
    expect(checkRefund(all, undefined)).toMatchObject({ ok: false, reason: "exceeds_remaining" });
  });

  test("status after refunds", () => {
    expect(statusAfterRefunds(1000, 1)).toBe("partially_refunded");
    expect(statusAfterRefunds(1000, 1000)).toBe("refunded");
  });
});
