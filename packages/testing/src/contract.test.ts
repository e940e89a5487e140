import { describe, expect, test } from "bun:test";
import { paymentsGet } from "@payments/contracts/http";
import { contractProblems } from "./contract.ts";

const payment = {
  id: "pay_01jb3k7m9q8r2s4t6v8w0x2y4z",
  object: "payment",
  payer_id: "usr_01jb3k7m9q8r2s4t6v8w0x2y4z",
  payer_name: "Dana Buyer",
  payee_id: "usr_01jb3k7m9q8r2s4t6v8w0x2y5z",
  payee_name: null,
  amount: 100,
  currency: "usd",
  status: "pending",
  amount_refunded: 0,
  description: null,
  metadata: {},
  failure_code: null,
  failure_message: null,
  canceled_by: null,
  cancellation_reason: null,
  created_at: "2026-12-06T05:00:00.000Z",
  updated_at: "2026-12-06T05:00:00.000Z",
};

describe("contractProblems", () => {
  test("a conforming body has none", () => {
    expect(contractProblems(paymentsGet, 200, payment)).toEqual([]);
  });
  test("an undeclared field, a missing one and a wrong type are each reported", () => {
    const { description: _gone, ...missing } = payment;
    expect(contractProblems(paymentsGet, 200, { ...payment, extra: 1 }).join()).toContain("additional");
    expect(contractProblems(paymentsGet, 200, missing).join()).toContain("description");
    expect(contractProblems(paymentsGet, 200, { ...payment, amount: "100" }).join()).toContain("/amount");
  });
  test("errors are checked against the Error schema", () => {
    expect(
      contractProblems(paymentsGet, 404, { error: { type: "not_found", code: "x", message: "m" } }).join(),
    ).toContain("request_id");
  });
});
