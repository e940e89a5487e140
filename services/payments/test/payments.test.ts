import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ApiPayment, ApiRefund } from "../src/domain/views.ts";
import {
  adapters,
  bodyOf,
  errorOf,
  type Harness,
  type History,
  harnessOnTestDb,
  newKey,
  type Page,
  type TestUser,
} from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;
let admin: TestUser;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  vendor = await h.user("vendor", { name: "Acme Books" });
  admin = await h.user("admin");
}, 60_000);
afterAll(() => close());

async function create(
  amount: number,
  extra: Record<string, unknown> = {},
  by = customer,
): Promise<ApiPayment> {
  const res = await h.request("/", {
    token: by.token,
    key: newKey(),
    json: { payee_id: vendor.id, amount, currency: "usd", ...extra },
  });
  expect(res.status).toBe(201);
  return (await res.json()) as ApiPayment;
}

async function get(id: string, token = customer.token): Promise<ApiPayment> {
  const res = await h.request(`/${id}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as ApiPayment;
}

describe(`payments routes (${adapters})`, () => {
  test("create answers 201 with a pending payment and writes payment.created", async () => {
    const p = await create(1999, { description: "Order 42", metadata: { order: "42" } });
    expect(p).toMatchObject({
      object: "payment",
      payer_id: customer.id,
      payee_id: vendor.id,
      amount: 1999,
      currency: "usd",
      status: "pending",
      amount_refunded: 0,
      description: "Order 42",
      metadata: { order: "42" },
    });
    expect(p.id).toMatch(/^pay_/);
    const created = (await h.events()).find((e) => e.type === "payment.created" && e.subject === p.id);
    expect(created?.data).toMatchObject({ id: p.id, amount: 1999, status: "pending" });
  });

  test("the worker settles through the simulator: success, decline, timeout-then-retry, timeout-always", async () => {
    const ok = await create(1000);
    const declined = await create(1002);
    const retried = await create(1005);
    const unavailable = await create(1009);
    await h.drain();
    expect((await get(ok.id)).status).toBe("succeeded");
    expect(await get(declined.id)).toMatchObject({
      status: "failed",
      failure_code: "payment_declined",
      failure_message: "The payment processor declined this payment. No money was taken.",
    });
    expect((await get(retried.id)).status).toBe("succeeded");
    expect(await get(unavailable.id)).toMatchObject({
      status: "failed",
      failure_code: "processor_unavailable",
    });

    const history = await bodyOf<History>(
      await h.request(`/${retried.id}/history`, { token: customer.token }),
    );
    expect(history.transitions.map((t) => t.to)).toEqual(["pending", "processing", "succeeded"]);
    expect(history.attempts.map((a) => a.outcome)).toEqual(["timeout", "succeeded"]);
    const failedHistory = await bodyOf<History>(
      await h.request(`/${unavailable.id}/history`, { token: vendor.token }),
    );
    expect(failedHistory.attempts.map((a) => a.outcome)).toEqual(["timeout", "timeout", "timeout"]);

    const types = (await h.events()).filter((e) => e.subject === retried.id).map((e) => e.type);
    expect(types).toEqual(["payment.created", "payment.processing", "payment.succeeded"]);
  });

  test("cancel moves a pending payment to canceled; a second cancel is a 409", async () => {
    const p = await create(2500);
    const res = await h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "canceled", canceled_by: customer.id });
    const again = await h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ type: "conflict", code: "payment_not_cancelable" });
    // The worker must not charge it afterwards.
    await h.drain();
    expect((await get(p.id)).status).toBe("canceled");
  });

  test("the payee cannot cancel (403), and a settled payment cannot be canceled (409)", async () => {
    const p = await create(3000);
    const byPayee = await h.request(`/${p.id}/cancel`, { method: "POST", token: vendor.token });
    expect(byPayee.status).toBe(403);
    await h.drain();
    const late = await h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token });
    expect(late.status).toBe(409);
  });

  test("refunds: partial, then the rest; over the remaining → 400; refunded payment → 409", async () => {
    const p = await create(10_000);
    await h.drain();
    const refund = (json: Record<string, unknown>, token = vendor.token) =>
      h.request(`/${p.id}/refunds`, { token, key: newKey(), json });
    const first = await refund({ amount: 2500, reason: "damaged" });
    expect(first.status).toBe(201);
    expect((await first.json()) as ApiRefund).toMatchObject({
      amount: 2500,
      status: "succeeded",
      reason: "damaged",
    });
    expect(await get(p.id)).toMatchObject({ status: "partially_refunded", amount_refunded: 2500 });

    const tooMuch = await refund({ amount: 7501 });
    expect(tooMuch.status).toBe(400);
    expect(await errorOf(tooMuch)).toMatchObject({ code: "refund_exceeds_remaining", param: "amount" });

    const rest = await refund({});
    expect(((await rest.json()) as ApiRefund).amount).toBe(7500);
    expect(await get(p.id)).toMatchObject({ status: "refunded", amount_refunded: 10_000 });
    const after = await refund({ amount: 1 });
    expect(after.status).toBe(409);
    expect(await errorOf(after)).toMatchObject({ code: "payment_not_refundable" });

    const types = (await h.events()).filter((e) => e.subject === p.id).map((e) => e.type);
    expect(types.filter((t) => t === "refund.succeeded")).toHaveLength(2);
    const history = await bodyOf<History>(await h.request(`/${p.id}/history`, { token: vendor.token }));
    expect(history.refunds).toHaveLength(2);
    expect(history.transitions.map((t) => t.to).slice(-2)).toEqual(["partially_refunded", "refunded"]);
  });

  test("a refund the processor declines is recorded as failed and leaves the payment as it was", async () => {
    const p = await create(5000);
    await h.drain();
    const res = await h.request(`/${p.id}/refunds`, {
      token: admin.token,
      key: newKey(),
      json: { amount: 1002 },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: "failed", failure_code: "refund_declined" });
    expect(await get(p.id)).toMatchObject({ status: "succeeded", amount_refunded: 0 });
    expect((await h.events()).some((e) => e.type === "refund.failed" && e.subject === p.id)).toBe(true);
  });

  test("refund of a payment that has not succeeded → 409; by the payer → 403", async () => {
    const pending = await (async () => {
      const res = await h.request("/", {
        token: customer.token,
        key: newKey(),
        json: { payee_id: vendor.id, amount: 700, currency: "eur" },
      });
      return (await res.json()) as ApiPayment;
    })();
    const byPayer = await h.request(`/${pending.id}/refunds`, {
      token: customer.token,
      key: newKey(),
      json: {},
    });
    expect(byPayer.status).toBe(403);
    await h.request(`/${pending.id}/cancel`, { method: "POST", token: customer.token });
    const res = await h.request(`/${pending.id}/refunds`, { token: vendor.token, key: newKey(), json: {} });
    expect(res.status).toBe(409);
  });

  test("list: newest first, cursor pagination both ways, filters", async () => {
    const buyer = await h.user("customer");
    const made: ApiPayment[] = [];
    for (let i = 0; i < 5; i++) made.push(await create(100 + i * 100, {}, buyer));
    const newestFirst = made.map((p) => p.id).reverse();
    const list = async (query: string) => bodyOf<Page>(await h.request(`/?${query}`, { token: buyer.token }));

    const page1 = await list("limit=2");
    expect(page1.data.map((p) => p.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.has_more).toBe(true);
    const page2 = await list(`limit=2&starting_after=${page1.data[1]?.id}`);
    expect(page2.data.map((p) => p.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await list(`limit=2&starting_after=${page2.data[1]?.id}`);
    expect(page3.data.map((p) => p.id)).toEqual(newestFirst.slice(4));
    expect(page3.has_more).toBe(false);
    const back = await list(`limit=2&ending_before=${page3.data[0]?.id}`);
    expect(back.data.map((p) => p.id)).toEqual(newestFirst.slice(2, 4));

    await h.request(`/${made[0]?.id}/cancel`, { method: "POST", token: buyer.token });
    const canceled = await list("status=canceled");
    expect(canceled.data.map((p) => p.id)).toEqual(made.slice(0, 1).map((p) => p.id));
    const asPayee = await list("role=payee");
    expect(asPayee.data).toEqual([]);
    const future = await list(
      `created[gte]=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.data).toEqual([]);
    const past = await list(
      `created[lte]=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(past.data).toHaveLength(5);
  });

  test("admins list anyone's payments; customers may not ask for someone else's", async () => {
    const all = await bodyOf<Page>(await h.request("/?limit=100", { token: admin.token }));
    expect(all.data.length).toBeGreaterThan(5);
    const ofVendor = await bodyOf<Page>(
      await h.request(`/?user_id=${vendor.id}&role=payee`, { token: admin.token }),
    );
    expect(ofVendor.data.every((p) => p.payee_id === vendor.id)).toBe(true);
    const denied = await h.request(`/?user_id=${vendor.id}`, { token: customer.token });
    expect(denied.status).toBe(403);
  });

  test("a cached detail is invalidated by the transition", async () => {
    const p = await create(4200);
    expect((await get(p.id)).status).toBe("pending");
    expect((await get(p.id)).status).toBe("pending");
    await h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token });
    expect((await get(p.id)).status).toBe("canceled");
    const list = await bodyOf<Page>(await h.request("/?limit=1", { token: customer.token }));
    expect(list.data[0]).toMatchObject({ id: p.id, status: "canceled" });
  });
});
