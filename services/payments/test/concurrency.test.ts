import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Id } from "@payments/contracts";
import { eq } from "drizzle-orm";
import { findPayment } from "../src/db/queries.ts";
import { payments, paymentTransitions } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import { startProcessing } from "../src/worker/settle.ts";
import { adapters, bodyOf, type Harness, harnessOnTestDb, newKey, type TestUser } from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;

beforeAll(async () => {
  ({ h, close } = await harnessOnTestDb());
  customer = await h.user("customer");
  vendor = await h.user("vendor");
}, 60_000);
afterAll(() => close());

const create = async (amount: number) =>
  bodyOf<ApiPayment>(
    await h.request("/", {
      token: customer.token,
      key: newKey(),
      json: { payee_id: vendor.id, amount, currency: "usd" },
    }),
  );

async function transitionsOf(id: Id<"pay">): Promise<string[]> {
  const rows = await h.core.db
    .select({ to: paymentTransitions.toStatus })
    .from(paymentTransitions)
    .where(eq(paymentTransitions.paymentId, id))
    .orderBy(paymentTransitions.createdAt, paymentTransitions.id);
  return rows.map((r) => r.to);
}

describe(`concurrent transitions have exactly one winner (${adapters})`, () => {
  test("cancel vs the worker's pending → processing, 20 times", async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => create(1000 + i * 100)));
    const results = await Promise.all(
      made.map(async (p) => {
        const [cancel, processing] = await Promise.all([
          h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token }),
          findPayment(h.core.db, p.id).then(async (row) =>
            row ? (await startProcessing(h.core, row))?.moved === true : false,
          ),
        ]);
        return { p, cancel: cancel.status, processing };
      }),
    );
    const events = await h.events();
    for (const { p, cancel, processing } of results) {
      // Exactly one side changed the row.
      expect([cancel === 200, processing]).toContainEqual(true);
      expect(cancel === 200 && processing).toBe(false);
      if (!processing) expect(cancel).toBe(200);
      else expect(cancel).toBe(409);
      const winner = processing ? "processing" : "canceled";
      expect(await transitionsOf(p.id)).toEqual(["pending", winner]);
      const types = events.filter((e) => e.subject === p.id).map((e) => e.type);
      expect(types).toEqual(["payment.created", `payment.${winner}`]);
      const now = await bodyOf<ApiPayment>(await h.request(`/${p.id}`, { token: customer.token }));
      expect(now.status).toBe(winner);
    }
  });

  test("ten concurrent cancels of one payment: one 200, nine 409", async () => {
    const p = await create(2000);
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token }),
      ),
    ).then((all) => all.map((r) => r.status).sort());
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    expect(await transitionsOf(p.id)).toEqual(["pending", "canceled"]);
  });

  test("concurrent refunds never exceed the amount", async () => {
    const p = await create(10_000);
    await h.drain();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.request(`/${p.id}/refunds`, { token: vendor.token, key: newKey(), json: { amount: 1500 } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(6).fill(201), ...Array(4).fill(400)]);
    const after = await bodyOf<ApiPayment>(await h.request(`/${p.id}`, { token: vendor.token }));
    expect(after).toMatchObject({ status: "partially_refunded", amount_refunded: 9000 });
    const [row] = await h.core.db
      .select({ pending: payments.amountRefundPending })
      .from(payments)
      .where(eq(payments.id, p.id));
    expect(row?.pending).toBe(0);
  });
});
