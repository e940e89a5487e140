import { createTestPlatform, testGrant } from "@payments/api-client/testing";
import { renderWithPlatform } from "@payments/ui/testing";
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import PaymentsApp from "../App.tsx";

afterEach(cleanup);

const NOW = "2026-12-06T09:00:00.000Z";
const balance = {
  object: "balance",
  balances: [{ currency: "usd", pending: 9_680, available: 4_000, in_transit: 500 }],
  settlement_delay_seconds: 172_800,
  next_payout: null,
  bank_account: { last4: "6819", updated_at: NOW },
};
const line = {
  id: "txn_01j9z3k7m8n9p0q1r2s3t4v5w6",
  object: "balance_transaction",
  type: "payment",
  source_id: "pay_01j9z3k7m8n9p0q1r2s3t4v5w6",
  description: "Payment from Grace Hopper — Two paperbacks",
  payment_id: "pay_01j9z3k7m8n9p0q1r2s3t4v5w6",
  currency: "usd",
  gross: 10_000,
  fee: 320,
  net: 9_680,
  status: "pending",
  available_on: NOW,
  created_at: NOW,
};
const payout = {
  id: "po_01j9z3k7m8n9p0q1r2s3t4v5w6",
  object: "payout",
  amount: 500,
  currency: "usd",
  status: "in_transit",
  method: "on_demand",
  bank_last4: "6819",
  failure_code: null,
  arrival_at: NOW,
  created_at: NOW,
  updated_at: NOW,
};

function setup() {
  const test = createTestPlatform({
    grant: testGrant("vendor"),
    routes: {
      "GET /api/payments/balance": () => [200, balance],
      "GET /api/payments/balance/transactions": () => [
        200,
        { object: "list", data: [line], has_more: false },
      ],
      "GET /api/payments/payouts": () => [200, { object: "list", data: [payout], has_more: false }],
      "POST /api/payments/payouts": () => [
        201,
        { ...payout, id: "po_01j9z3k7m8n9p0q1r2s3t4v5w7", amount: 1_250, status: "pending" },
      ],
    },
  });
  renderWithPlatform(<PaymentsApp platform={test.platform} basePath="/payments" />, {
    platform: test.platform,
    path: "/payments/balance",
    mount: "/payments/*",
  });
  return test;
}

describe("balance page", () => {
  it("shows pending, available and in transit, the lines in words with gross, fee and net, and the payouts", async () => {
    setup();
    expect(await screen.findByRole("heading", { name: "Balance" })).toBeTruthy();
    expect(await screen.findByText("$96.80", { selector: ".ui-stat__value" })).toBeTruthy();
    expect(screen.getByText("$40.00", { selector: ".ui-stat__value" })).toBeTruthy();
    const lines = await screen.findByRole("table", { name: "Balance transactions" });
    expect(within(lines).getByText("$3.20")).toBeTruthy();
    // A line says who paid and for what, and leads to the payment; no id is shown.
    const described = within(lines).getByRole("link", { name: "Payment from Grace Hopper — Two paperbacks" });
    expect(described.getAttribute("href")).toBe("/payments/pay_01j9z3k7m8n9p0q1r2s3t4v5w6");
    expect(within(lines).queryByText(/pay_01j9z3k7m8n9p0q1r2s3t4v5w6/)).toBeNull();
    const payouts = await screen.findByRole("table", { name: "Payouts" });
    expect(within(payouts).getByText("In transit")).toBeTruthy();
    expect(screen.getByText("Payouts go to the account ending 6819.")).toBeTruthy();
  });

  it("requests a payout in minor units with an idempotency key, and refuses more than is available", async () => {
    const test = setup();
    const form = await screen.findByRole("form", { name: "Request a payout" });
    const amount = within(form).getByLabelText("Amount (USD)");
    expect((amount as HTMLInputElement).value).toBe("40.00");
    await userEvent.clear(amount);
    await userEvent.type(amount, "41");
    await userEvent.click(within(form).getByRole("button", { name: "Pay out" }));
    expect(await within(form).findByText("Enter an amount up to $40.00.")).toBeTruthy();
    expect(test.calls.some((c) => c.method === "POST" && c.path === "/api/payments/payouts")).toBe(false);
    await userEvent.clear(amount);
    await userEvent.type(amount, "12.50");
    await userEvent.click(within(form).getByRole("button", { name: "Pay out" }));
    await waitFor(() =>
      expect(test.calls.some((c) => c.method === "POST" && c.path === "/api/payments/payouts")).toBe(true),
    );
    const post = test.calls.find((c) => c.method === "POST" && c.path === "/api/payments/payouts");
    expect(post?.body).toEqual({ amount: 1_250, currency: "usd" });
    expect(Object.keys(post?.headers ?? {}).map((h) => h.toLowerCase())).toContain("idempotency-key");
    expect(await screen.findByText("Payout requested")).toBeTruthy();
  });
});
