import { afterAll, beforeAll, describe, expect, it, setDefaultTimeout } from "bun:test";
import {
  balanceGet,
  balanceListTransactions,
  balanceSetBankAccount,
  balanceStatement,
  ledgerCheck,
  payoutsCreate,
  payoutsList,
  STATEMENT_CSV_COLUMNS,
} from "@payments/contracts/http";
import type { Subscription } from "@payments/events";
import { contractProblems } from "@payments/testing";
import { checkLedger } from "../../src/ledger/actions/check.ts";
import { releaseDueFunds } from "../../src/ledger/actions/release.ts";
import type { LedgerCore } from "../../src/ledger/core.ts";
import { startLedgerConsumer } from "../../src/ledger/worker.ts";
import {
  adapters,
  bodyOf,
  errorOf,
  type Harness,
  harnessOnTestDb,
  newKey,
  type TestUser,
} from "../support.ts";

// Two shared cores, often under heavy load from other work: database tests get time, not speed asserts.
setDefaultTimeout(30_000);

let close: () => Promise<void>;
let h: Harness;
let consumer: Subscription;
let customer: TestUser;
let vendor: TestUser;
let admin: TestUser;

/** The ledger as it will be once the settlement delay (2 days) has passed. */
const later = (): LedgerCore => ({ ...h.ledger, now: () => new Date(Date.now() + 3 * 86_400_000) });

interface Balance {
  balances: Array<{ currency: string; pending: number; available: number; in_transit: number }>;
}
const usd = async (token: string) =>
  (await bodyOf<Balance>(await h.request("/balance", { token }))).balances.find((b) => b.currency === "usd");

async function pay(amount: number, currency = "usd", description?: string): Promise<string> {
  const res = await h.request("/", {
    method: "POST",
    token: customer.token,
    key: newKey(),
    json: { payee_id: vendor.id, amount, currency, ...(description ? { description } : {}) },
  });
  expect(res.status).toBe(201);
  return (await bodyOf<{ id: string }>(res)).id;
}

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  consumer = await startLedgerConsumer({
    core: h.ledger,
    bus: h.bus,
    subscribe: { retryDelaysMs: [10], maxAttempts: 3 },
  });
  customer = await h.user("customer", { name: "Grace Hopper" });
  vendor = await h.user("vendor", { name: "Ledger Shop" });
  admin = await h.user("admin");
}, 60_000);
afterAll(async () => {
  await consumer.close();
  await close();
});

describe(`balance and payouts over HTTP (${adapters})`, () => {
  it("a succeeded payment shows pending (less the fee), then available after the delay", async () => {
    const paymentId = await pay(10_000, "usd", "Two paperbacks, signed");
    await h.drain();
    expect(await usd(vendor.token)).toEqual({ currency: "usd", pending: 9_680, available: 0, in_transit: 0 });
    await releaseDueFunds(later());
    expect(await usd(vendor.token)).toEqual({ currency: "usd", pending: 0, available: 9_680, in_transit: 0 });
    const page = await bodyOf<{ data: Array<Record<string, unknown>> }>(
      await h.request("/balance/transactions", { token: vendor.token }),
    );
    expect(page.data[0]).toMatchObject({
      type: "payment",
      // Who paid and for what, in words, and the payment it leads to.
      description: "Payment from Grace Hopper — Two paperbacks, signed",
      payment_id: paymentId,
      gross: 10_000,
      fee: 320,
      net: 9_680,
      status: "available",
    });
  });

  it("a payout needs a bank account, stores only its last 4, and never exceeds the available balance", async () => {
    let res = await h.request("/payouts", {
      method: "POST",
      token: vendor.token,
      key: newKey(),
      json: { amount: 100, currency: "usd" },
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("no_bank_account");
    res = await h.request("/balance/bank-account", {
      method: "PUT",
      token: vendor.token,
      json: { account_number: "DE89 3704 0044 0532 0130 00" },
    });
    expect(await bodyOf(res)).toMatchObject({ last4: "3000" });
    // Fewer than 4 letters or digits leaves no last 4 to show: refused.
    for (const account_number of ["    ", "12 3", "ab  cd"]) {
      res = await h.request("/balance/bank-account", {
        method: "PUT",
        token: vendor.token,
        json: { account_number },
      });
      expect({ account_number, status: res.status }).toEqual({ account_number, status: 400 });
    }
    res = await h.request("/payouts", {
      method: "POST",
      token: vendor.token,
      key: newKey(),
      json: { amount: 9_681, currency: "usd" },
    });
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: "insufficient_funds", param: "amount" });
  });

  it("20 concurrent payouts racing for the same funds never pay out more than the balance", async () => {
    // 9,680 available: 20 requests of 1,000 → exactly 9 succeed.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.request("/payouts", {
          method: "POST",
          token: vendor.token,
          key: newKey(),
          json: { amount: 1_000, currency: "usd" },
        }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(9);
    expect(statuses.filter((s) => s === 400)).toHaveLength(11);
    expect(await usd(vendor.token)).toEqual({
      currency: "usd",
      pending: 0,
      available: 680,
      in_transit: 9_000,
    });
    expect((await checkLedger(h.ledger)).balanced).toBe(true);
  });

  it("the same Idempotency-Key replays the payout instead of paying twice", async () => {
    const key = newKey();
    const send = () =>
      h.request("/payouts", {
        method: "POST",
        token: vendor.token,
        key,
        json: { amount: 80, currency: "usd" },
      });
    const first = await send();
    const second = await send();
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await bodyOf(second)).toEqual(await bodyOf(first));
    expect((await usd(vendor.token))?.available).toBe(600);
  });

  it("only vendors have a balance; only admins run the check", async () => {
    expect((await h.request("/balance", { token: customer.token })).status).toBe(403);
    expect((await h.request("/ledger/check", { token: vendor.token })).status).toBe(403);
    expect((await h.request("/payouts", { token: admin.token })).status).toBe(403);
  });

  it("every answer matches its documented schema; the statement is the documented CSV", async () => {
    const month = new Date().toISOString().slice(0, 7);
    const checks = [
      [balanceGet, await h.request("/balance", { token: vendor.token }), 200],
      [
        balanceListTransactions,
        await h.request("/balance/transactions?limit=3&currency=usd", { token: vendor.token }),
        200,
      ],
      [
        balanceListTransactions,
        await h.request("/balance/transactions?type=bogus", { token: vendor.token }),
        400,
      ],
      [payoutsList, await h.request("/payouts?limit=2", { token: vendor.token }), 200],
      [payoutsList, await h.request("/payouts?colour=red", { token: vendor.token }), 400],
      [
        balanceSetBankAccount,
        await h.request("/balance/bank-account", {
          method: "PUT",
          token: vendor.token,
          json: { account_number: "12345678" },
        }),
        200,
      ],
      [
        payoutsCreate,
        await h.request("/payouts", {
          method: "POST",
          token: vendor.token,
          key: newKey(),
          json: { amount: 5, currency: "usd" },
        }),
        201,
      ],
      [ledgerCheck, await h.request("/ledger/check", { token: admin.token }), 200],
    ] as const;
    for (const [op, res, status] of checks) {
      const body = await res.json();
      expect({ op: op.id, status: res.status, problems: contractProblems(op, res.status, body) }).toEqual({
        op: op.id,
        status,
        problems: [],
      });
    }
    const csv = await h.request(`/balance/statement.csv?month=${month}`, { token: vendor.token });
    expect(csv.headers.get("content-type")).toStartWith(balanceStatement.responses[200].mediaType);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]?.split(",")).toEqual([...STATEMENT_CSV_COLUMNS]);
    // The payment, 9 + 1 + 1 payouts.
    expect(lines).toHaveLength(1 + 12);
    // Oldest first: the payment's line, its description quoted (it holds a comma)…
    expect(lines[1]).toContain(',"Payment from Grace Hopper — Two paperbacks, signed",');
    // …and a payout says where it went.
    expect(lines[2]).toContain(",Payout to the account ending ");
    expect((await h.request("/balance/statement.csv?month=2026-13", { token: vendor.token })).status).toBe(
      400,
    );
  });
});
