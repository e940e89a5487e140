import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import { count, eq } from "drizzle-orm";
import { createPaymentAtOnce } from "../src/actions/create-at-once.ts";
import { paymentAttempts, payments } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import { chargePayment } from "../src/worker/settle.ts";
import { finishAtOnce, startProcessingAtOnce, stateFromCreated } from "../src/worker/settle-at-once.ts";
import {
  adapters,
  bodyOf,
  type Harness,
  type History,
  harnessOnTestDb,
  newKey,
  type TestUser,
} from "./support.ts";

// The one-statement paths must write nothing at all when the world is not as they assume, so that the
// general path can decide; these tests put them in exactly those situations.
describe(`one-statement paths fall back without writing (${adapters})`, () => {
  let h: Harness;
  let close: () => Promise<void>;
  let customer: TestUser;
  let vendor: TestUser;
  const body = { payee_id: "", amount: 1999, currency: "usd" };

  beforeAll(async () => {
    ({ h, close } = await harnessOnTestDb());
    customer = await h.user("customer");
    vendor = await h.user("vendor");
    body.payee_id = vendor.id;
  }, 60_000);
  afterAll(() => close());

  const paymentCount = async () => (await h.core.db.select({ n: count() }).from(payments))[0]?.n ?? -1;

  test("a create whose key exists writes nothing", async () => {
    const key = newKey();
    expect((await h.request("/", { token: customer.token, key, json: body })).status).toBe(201);
    const before = await paymentCount();
    const at = new Date();
    const result = await createPaymentAtOnce(
      h.core,
      { userId: customer.id, role: "customer" },
      { payee_id: vendor.id, amount: 1999, currency: "usd" },
      {
        userId: customer.id,
        key,
        requestHash: "another request",
        lockToken: crypto.randomUUID(),
        createdAt: at,
        expiresAt: new Date(at.getTime() + 60_000),
      },
    );
    expect(result).toBeUndefined();
    expect(await paymentCount()).toBe(before);
  });

  test("the worker's statements write nothing for a stale state or a second delivery", async () => {
    const created = await bodyOf<ApiPayment>(
      await h.request("/", { token: customer.token, key: newKey(), json: body }),
    );
    const event = (await h.events()).find((e) => e.type === "payment.created" && e.subject === created.id);
    if (event?.type !== "payment.created") throw new Error("payment.created not in the outbox");
    const pending = stateFromCreated(event.data);
    const stale = new Date(0);

    expect(await startProcessingAtOnce(h.core, "payments", event.id, { ...pending, updatedAt: stale })).toBe(
      undefined,
    );
    const started = await startProcessingAtOnce(h.core, "payments", event.id, pending);
    expect(started?.payment.status).toBe("processing");
    expect(await startProcessingAtOnce(h.core, "payments", event.id, pending)).toBeUndefined();
    if (!started) return;

    const attempt = {
      id: newId("att"),
      attempt: 1,
      outcome: "succeeded" as const,
      failureCode: null,
      latencyMs: 1,
      createdAt: new Date(),
    };
    const staleProcessing = { ...started.payment, updatedAt: stale };
    expect(await finishAtOnce(h.core, staleProcessing, attempt, undefined)).toBeUndefined();
    const attempts = await h.core.db
      .select({ n: count() })
      .from(paymentAttempts)
      .where(eq(paymentAttempts.paymentId, created.id));
    expect(attempts[0]?.n).toBe(0);

    // The general path settles it from the row itself.
    expect((await chargePayment(h.core, h.settle, staleProcessing))?.status).toBe("succeeded");
    const history = await bodyOf<History>(
      await h.request(`/${created.id}/history`, { token: customer.token }),
    );
    expect(history.transitions.map((t) => t.to)).toEqual(["pending", "processing", "succeeded"]);
    expect(history.attempts).toHaveLength(1);
    const types = (await h.events()).filter((e) => e.subject === created.id).map((e) => e.type);
    expect(types).toEqual(["payment.created", "payment.processing", "payment.succeeded"]);
  });
});
