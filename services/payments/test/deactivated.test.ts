import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import { eq } from "drizzle-orm";
import { payments, refunds } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import type { PaymentProcessor } from "../src/processor/processor.ts";
import { createSimulatedProcessor } from "../src/processor/simulator.ts";
import {
  adapters,
  bodyOf,
  errorOf,
  type Harness,
  harnessOnTestDb,
  newKey,
  type TestUser,
} from "./support.ts";

// Access tokens outlive a deactivation (they are verified offline until they expire), so these requests all
// carry tokens minted while the user was active: only the read model knows the account is closed.

/** Counts the processor's refund calls: a refused refund must never reach the processor. */
function countingProcessor(): { processor: PaymentProcessor; refundCalls: () => number } {
  const inner = createSimulatedProcessor({ latencyMs: 1, hangMs: 150 });
  let calls = 0;
  return {
    processor: {
      name: inner.name,
      charge: (request, signal) => inner.charge(request, signal),
      refund: (request, signal) => {
        calls++;
        return inner.refund(request, signal);
      },
    },
    refundCalls: () => calls,
  };
}

describe(`a deactivated user moves no money, whatever its token (${adapters})`, () => {
  const counting = countingProcessor();
  let close: () => Promise<void>;
  let h: Harness;
  let customer: TestUser;
  let vendor: TestUser;

  /** Sends `user.deactivated` for `user`, as auth does when an admin deactivates them. */
  const deactivate = (user: TestUser) =>
    h.deliver(
      createEvent({
        type: "user.deactivated",
        producer: "auth",
        subject: user.id,
        data: {
          id: user.id,
          email: `${user.id}@example.test`,
          name: "Deactivated",
          role: user.role,
          active: false,
          created_at: new Date().toISOString(),
          deactivated_by: null,
        },
      }),
    );
  const pay = async (payer: TestUser, payee: TestUser, amount: number) =>
    h.request("/", {
      token: payer.token,
      key: newKey(),
      json: { payee_id: payee.id, amount, currency: "usd" },
    });

  beforeAll(async () => {
    ({ h, close } = await harnessOnTestDb({ processor: counting.processor }));
    customer = await h.user("customer");
    vendor = await h.user("vendor");
  }, 60_000);
  afterAll(() => close());

  test("a refund by a deactivated vendor is refused as creation is, and writes nothing", async () => {
    const leaving = await h.user("vendor");
    const paid = await bodyOf<ApiPayment>(await pay(customer, leaving, 4200));
    await h.drain();
    const payer = await h.user("customer");
    await deactivate(leaving);
    await deactivate(payer);
    // The code creation answers a deactivated payer with: the refund must answer the same.
    const creation = await pay(payer, vendor, 100);
    expect(creation.status).toBe(403);
    const creationCode = (await errorOf(creation)).code;
    expect(creationCode).toBe("account_inactive");

    const before = await h.events();
    const res = await h.request(`/${paid.id}/refunds`, {
      token: leaving.token,
      key: newKey(),
      json: { amount: 1000 },
    });
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatchObject({ type: "permission", code: creationCode });

    const db = h.core.db;
    expect(await db.select().from(refunds).where(eq(refunds.paymentId, paid.id))).toEqual([]);
    const [row] = await db.select().from(payments).where(eq(payments.id, paid.id));
    expect(row).toMatchObject({ status: "succeeded", amountRefunded: 0, amountRefundPending: 0 });
    expect(await h.events()).toEqual(before);
    expect(counting.refundCalls()).toBe(0);

    // The payment itself was refundable: an active admin's refund of it goes through.
    const admin = await h.user("admin");
    const byAdmin = await h.request(`/${paid.id}/refunds`, {
      token: admin.token,
      key: newKey(),
      json: { amount: 1000 },
    });
    expect(byAdmin.status).toBe(201);
    expect(counting.refundCalls()).toBe(1);
  });

  test("a deactivated admin can neither cancel nor refund", async () => {
    const admin = await h.user("admin");
    const open = await bodyOf<ApiPayment>(await pay(customer, vendor, 700));
    await deactivate(admin);
    const cancel = await h.request(`/${open.id}/cancel`, { method: "POST", token: admin.token, json: {} });
    expect(cancel.status).toBe(403);
    expect((await errorOf(cancel)).code).toBe("account_inactive");
    const refund = await h.request(`/${open.id}/refunds`, { token: admin.token, key: newKey(), json: {} });
    expect((await errorOf(refund)).code).toBe("account_inactive");
    const [row] = await h.core.db.select().from(payments).where(eq(payments.id, open.id));
    expect(row?.status).toBe("pending");
  });

  test("a deactivated user learns nothing about a payment id: the same 403 for one that does not exist", async () => {
    const leaving = await h.user("vendor");
    await deactivate(leaving);
    const res = await h.request(`/${newId("pay")}/refunds`, {
      token: leaving.token,
      key: newKey(),
      json: {},
    });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("account_inactive");
  });
});
