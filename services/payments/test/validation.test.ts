import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import { sql } from "drizzle-orm";
import { payments } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import {
  adapters,
  bodyOf,
  errorOf,
  type Harness,
  harnessOnTestDb,
  newKey,
  type TestUser,
} from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;
let otherCustomer: TestUser;
let admin: TestUser;
let retiredVendor: TestUser;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  otherCustomer = await h.user("customer");
  vendor = await h.user("vendor");
  admin = await h.user("admin");
  retiredVendor = await h.user("vendor");
  await h.deliver(
    createEvent({
      type: "user.deactivated",
      producer: "auth",
      subject: retiredVendor.id,
      data: {
        id: retiredVendor.id,
        email: "retired@example.test",
        name: "Retired",
        role: "vendor",
        active: false,
        created_at: new Date().toISOString(),
        deactivated_by: admin.id,
      },
    }),
  );
}, 60_000);
afterAll(() => close());

const countPayments = async () => {
  const [row] = await h.core.db.select({ n: sql<number>`count(*)::int` }).from(payments);
  return row?.n ?? -1;
};

function post(json: unknown, opts: { token?: string; key?: string | null } = {}) {
  return h.request("/", {
    token: opts.token ?? customer.token,
    ...(opts.key === null ? {} : { key: opts.key ?? newKey() }),
    json,
  });
}

const valid = () => ({ payee_id: vendor.id, amount: 1000, currency: "usd" });

async function expect400(res: Response, param: string, code = "invalid_request"): Promise<void> {
  expect(res.status).toBe(400);
  const error = await errorOf(res);
  expect(error).toMatchObject({ type: "invalid_request", code, param });
}

describe(`bad input is refused and creates nothing (${adapters})`, () => {
  test("amounts: negative, zero, float, string, oversized, missing", async () => {
    const before = await countPayments();
    for (const amount of [-1, 0, 10.5, "100", 1_000_000_000_001, null, 1e300]) {
      await expect400(await post({ ...valid(), amount }), "amount");
    }
    const { amount: _omitted, ...withoutAmount } = valid();
    await expect400(await post(withoutAmount), "amount");
    expect(await countPayments()).toBe(before);
  });

  test("currencies: unknown, upper case, valid but not configured", async () => {
    for (const currency of ["xyz", "USD", "", 5]) {
      await expect400(await post({ ...valid(), currency }), "currency");
    }
    // A real currency the policy does not list: refused by the policy, with its own code.
    await expect400(await post({ ...valid(), currency: "gbp" }), "currency", "unsupported_currency");
    const ok = await post({ ...valid(), currency: "jpy" });
    expect(ok.status).toBe(201);
  });

  test("payees: not a vendor, an admin, unknown, inactive, malformed, the payer", async () => {
    for (const payee of [otherCustomer.id, admin.id, newId("usr"), retiredVendor.id]) {
      await expect400(await post({ ...valid(), payee_id: payee }), "payee_id", "invalid_payee");
    }
    await expect400(await post({ ...valid(), payee_id: "not-a-user" }), "payee_id");
    await expect400(await post({ ...valid(), payee_id: customer.id }), "payee_id", "payee_is_payer");
  });

  test("metadata over its limits, description too long, unknown fields", async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    await expect400(await post({ ...valid(), metadata: many }), "metadata");
    const longKey = await post({ ...valid(), metadata: { ["k".repeat(41)]: "v" } });
    expect(longKey.status).toBe(400);
    expect((await errorOf(longKey)).param).toStartWith("metadata");
    await expect400(await post({ ...valid(), metadata: { k: "v".repeat(501) } }), "metadata.k");
    await expect400(await post({ ...valid(), metadata: { k: 5 } }), "metadata.k");
    await expect400(await post({ ...valid(), description: "d".repeat(501) }), "description");
    await expect400(await post({ ...valid(), status: "succeeded" }), "status");
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v".repeat(500)]));
    const ok = await post({ ...valid(), metadata: fifty, description: "d".repeat(500) });
    expect(ok.status).toBe(201);
  });

  test("Idempotency-Key: missing → 400, malformed → 400", async () => {
    const before = await countPayments();
    await expect400(await post(valid(), { key: null }), "idempotency-key");
    await expect400(await post(valid(), { key: "k".repeat(256) }), "idempotency-key");
    await expect400(await post(valid(), { key: "with space" }), "idempotency-key");
    const refund = await h.request(`/${newId("pay")}/refunds`, { token: vendor.token, json: {} });
    await expect400(refund, "idempotency-key");
    expect(await countPayments()).toBe(before);
  });

  test("malformed JSON and non-object bodies", async () => {
    const res = await h.app.request("/", {
      method: "POST",
      headers: {
        authorization: `Bearer ${customer.token}`,
        "idempotency-key": newKey(),
        "content-type": "application/json",
      },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("malformed_json");
    expect((await post([valid()])).status).toBe(400);
  });

  test("only customers create payments; without a token → 401", async () => {
    expect((await post(valid(), { token: vendor.token })).status).toBe(403);
    expect((await post(valid(), { token: admin.token })).status).toBe(403);
    const anonymous = await h.app.request("/", { method: "POST", body: JSON.stringify(valid()) });
    expect(anonymous.status).toBe(401);
  });

  test("list: bad cursors, both cursors, bad limits, bad filters", async () => {
    const list = (q: string) => h.request(`/?${q}`, { token: customer.token });
    await expect400(await list("starting_after=abc"), "starting_after");
    await expect400(await list("ending_before=pay_123"), "ending_before");
    await expect400(await list(`starting_after=${newId("usr")}`), "starting_after");
    await expect400(
      await list(`starting_after=${newId("pay")}&ending_before=${newId("pay")}`),
      "ending_before",
    );
    for (const limit of ["0", "101", "abc", "1.5", "-1"])
      await expect400(await list(`limit=${limit}`), "limit");
    await expect400(await list("status=paid"), "status");
    await expect400(await list("role=admin"), "role");
    await expect400(await list("created[gte]=yesterday"), "created[gte]");
    // A well-formed cursor that names no payment is a position, not an error.
    const page = await bodyOf<{ data: ApiPayment[] }>(await list(`starting_after=${newId("pay")}`));
    expect(page.data.length).toBeGreaterThan(0);
  });

  test("refund bodies: zero, negative, float, string amounts; unknown fields", async () => {
    const res = await post(valid());
    const p = await bodyOf<ApiPayment>(res);
    for (const amount of [0, -5, 1.5, "10"]) {
      const r = await h.request(`/${p.id}/refunds`, { token: vendor.token, key: newKey(), json: { amount } });
      await expect400(r, "amount");
    }
    const extra = await h.request(`/${p.id}/refunds`, {
      token: vendor.token,
      key: newKey(),
      json: { to: "me" },
    });
    await expect400(extra, "to");
    const reason = await h.request(`/${p.id}/cancel`, {
      token: customer.token,
      json: { cancellation_reason: "because" },
    });
    await expect400(reason, "cancellation_reason");
  });

  test("ids that cannot be payments are simply not found", async () => {
    for (const path of ["/nope", "/usr_01jz", `/${"x".repeat(65)}`, "/pay_%00"]) {
      const res = await h.request(path, { token: customer.token });
      expect(res.status).toBe(404);
    }
    const cancel = await h.request("/nope/cancel", { method: "POST", token: customer.token });
    expect(cancel.status).toBe(404);
  });

  test("payee search and reports validate their queries", async () => {
    await expect400(await h.request(`/payees?query=${"q".repeat(101)}`, { token: customer.token }), "query");
    await expect400(await h.request("/payees?limit=0", { token: customer.token }), "limit");
    await expect400(await h.request("/reports/summary?from=monday", { token: customer.token }), "from");
    await expect400(await h.request("/reports/summary?currency=USD", { token: customer.token }), "currency");
    const longRange = await h.request("/reports/summary?from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z", {
      token: customer.token,
    });
    await expect400(longRange, "from", "range_too_long");
  });
});
