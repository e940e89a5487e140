import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Id, newId } from "@payments/contracts";
import { Registry } from "@payments/service-kit";
import { and, eq, sql } from "drizzle-orm";
import { createIdempotency } from "../src/actions/idempotency.ts";
import { pruneIdempotencyKeys } from "../src/db/idempotency-keys.ts";
import { idempotencyKeys, payments } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import { createPaymentMetrics } from "../src/metrics.ts";
import type { PaymentProcessor } from "../src/processor/processor.ts";
import { createSimulatedProcessor } from "../src/processor/simulator.ts";
import {
  adapters,
  bodyOf,
  createHarness,
  errorOf,
  type Harness,
  newKey,
  openTestDb,
  type TestUser,
} from "./support.ts";

let close: () => Promise<void>;
let h: Harness;
let customer: TestUser;
let vendor: TestUser;
/** Refunds wait for this gate while a test holds it: a request kept in flight on demand. */
let gate: Promise<void> = Promise.resolve();

const simulator = createSimulatedProcessor({ latencyMs: 1, hangMs: 150 });
const gatedProcessor: PaymentProcessor = {
  name: "gated",
  charge: (request, signal) => simulator.charge(request, signal),
  async refund(request, signal) {
    await gate;
    return simulator.refund(request, signal);
  },
};

beforeAll(async () => {
  const testDb = await openTestDb();
  h = await createHarness({
    db: testDb.db,
    processor: gatedProcessor,
    idempotencyWaitMs: 1_500,
    refundTimeoutMs: 10_000,
  });
  close = async () => {
    await h.close();
    await testDb.close();
  };
  customer = await h.user("customer");
  vendor = await h.user("vendor");
}, 60_000);
afterAll(() => close());

const body = (amount = 1000) => ({ payee_id: vendor.id, amount, currency: "usd" });
const create = (key: string, json: unknown = body(), token = customer.token) =>
  h.request("/", { token, key, json });

async function paymentsOf(userId: Id<"usr">): Promise<number> {
  const [row] = await h.core.db
    .select({ n: sql<number>`count(*)::int` })
    .from(payments)
    .where(eq(payments.payerId, userId));
  return row?.n ?? -1;
}

describe(`idempotency keys (${adapters})`, () => {
  test("50 concurrent creates with one key → one payment and 50 identical responses", async () => {
    const racer = await h.user("customer");
    const key = newKey();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => create(key, body(4321), racer.token)),
    );
    const statuses = responses.map((r) => r.status);
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(statuses).toEqual(Array(50).fill(201));
    expect(new Set(texts).size).toBe(1);
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(49);
    expect(await paymentsOf(racer.id)).toBe(1);
    const id = (JSON.parse(texts[0] ?? "{}") as ApiPayment).id;
    const created = (await h.events()).filter((e) => e.type === "payment.created" && e.subject === id);
    expect(created).toHaveLength(1);
  });

  test("a retry replays the first response byte for byte, even after the payment moved on", async () => {
    const key = newKey();
    const first = await create(key);
    const firstText = await first.text();
    await h.drain();
    const again = await create(key);
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstText);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((JSON.parse(firstText) as ApiPayment).status).toBe("pending");
  });

  test("the same key with another body or another route → 422", async () => {
    const key = newKey();
    expect((await create(key, body(1000))).status).toBe(201);
    const other = await create(key, body(1001));
    expect(other.status).toBe(422);
    expect(await errorOf(other)).toMatchObject({ type: "idempotency", code: "idempotency_key_reused" });
    const payment = newId("pay");
    const elsewhere = await h.request(`/${payment}/refunds`, {
      token: customer.token,
      key,
      json: body(1000),
    });
    // The refund body schema refuses payee_id first; a valid refund body on the same key is a mismatch too.
    expect(elsewhere.status).toBe(400);
    const refund = await h.request(`/${payment}/refunds`, { token: customer.token, key, json: {} });
    expect(refund.status).toBe(422);
  });

  test("keys are per user: another user's identical key is a different request", async () => {
    const key = newKey();
    const other = await h.user("customer");
    const mine = await bodyOf<ApiPayment>(await create(key));
    const theirs = await bodyOf<ApiPayment>(await create(key, body(), other.token));
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.payer_id).toBe(other.id);
  });

  test("business refusals are stored and replayed; validation failures do not consume the key", async () => {
    const key = newKey();
    const refused = await create(key, { ...body(), payee_id: customer.id });
    expect(refused.status).toBe(400);
    const refusedText = await refused.text();
    const replay = await create(key, { ...body(), payee_id: customer.id });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toBe(refusedText);

    const fresh = newKey();
    expect((await create(fresh, { ...body(), amount: -1 })).status).toBe(400);
    expect((await create(fresh, body())).status).toBe(201);
  });

  test("a duplicate of a request still in flight waits for it, then replays", async () => {
    const p = await bodyOf<ApiPayment>(await create(newKey(), body(9000)));
    await h.drain();
    let open = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const key = newKey();
    const refund = () => h.request(`/${p.id}/refunds`, { token: vendor.token, key, json: { amount: 100 } });
    const first = refund();
    await Bun.sleep(50);
    const second = refund();
    await Bun.sleep(50);
    open();
    const [a, b] = await Promise.all([first, second]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const text = await a.text();
    expect(await b.text()).toBe(text);
    expect(JSON.parse(text)).toMatchObject({ status: "succeeded", amount: 100 });
    expect(b.headers.get("idempotent-replayed")).toBe("true");
  });

  test("a duplicate still in flight after the bounded wait → 409, and replays once the first is done", async () => {
    const p = await bodyOf<ApiPayment>(await create(newKey(), body(9100)));
    await h.drain();
    let open = () => {};
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const key = newKey();
    const refund = () => h.request(`/${p.id}/refunds`, { token: vendor.token, key, json: { amount: 100 } });
    const first = refund();
    await Bun.sleep(50);
    const impatient = await refund();
    expect(impatient.status).toBe(409);
    expect(await errorOf(impatient)).toMatchObject({
      type: "idempotency",
      code: "idempotency_request_in_progress",
    });
    open();
    expect((await first).status).toBe(201);
    const later = await refund();
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBe("true");
  });

  test("cancel honours an optional key", async () => {
    const p = await bodyOf<ApiPayment>(await create(newKey()));
    const key = newKey();
    const cancel = () =>
      h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token, key, json: {} });
    const first = await cancel();
    expect(first.status).toBe(200);
    const again = await cancel();
    expect(again.status).toBe(200);
    expect(await again.text()).toBe(await first.text());
  });

  test("keys expire after 24 h: cleanup deletes them, and an expired key executes anew", async () => {
    const key = newKey();
    const first = await bodyOf<ApiPayment>(await create(key));
    const mine = and(eq(idempotencyKeys.userId, customer.id), eq(idempotencyKeys.key, key));
    const past = new Date(Date.now() - 1000);
    await h.core.db.update(idempotencyKeys).set({ expiresAt: past }).where(mine);
    const second = await bodyOf<ApiPayment>(await create(key));
    expect(second.id).not.toBe(first.id);

    await h.core.db.update(idempotencyKeys).set({ expiresAt: past }).where(mine);
    const removed = await pruneIdempotencyKeys(h.core.db, new Date());
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await h.core.db.select().from(idempotencyKeys).where(mine)).toEqual([]);
    const live = await h.core.db
      .select()
      .from(idempotencyKeys)
      .where(eq(idempotencyKeys.userId, customer.id));
    expect(live.length).toBeGreaterThan(0);
  });

  test("an in-flight key abandoned by a dead process is taken over", async () => {
    const key = newKey();
    await h.core.db.insert(idempotencyKeys).values({
      userId: customer.id,
      key,
      requestHash: "whatever-the-dead-request-was",
      state: "in_flight",
      lockToken: "dead",
      lockedAt: new Date(Date.now() - 5 * 60_000),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    // Another body than the dead one: still 422, the key stays bound to its request.
    expect((await create(key)).status).toBe(422);
    await h.core.db
      .update(idempotencyKeys)
      .set({ state: "in_flight", lockToken: "dead", expiresAt: new Date(Date.now() - 1) })
      .where(and(eq(idempotencyKeys.userId, customer.id), eq(idempotencyKeys.key, key)));
    expect((await create(key)).status).toBe(201);
  });

  test("a failure a retry may cure (5xx) releases the key", async () => {
    const store = createIdempotency({
      db: h.core.db,
      metrics: createPaymentMetrics(new Registry()),
      now: () => new Date(),
      waitMs: 100,
    });
    const request = {
      userId: customer.id,
      key: newKey(),
      method: "POST",
      path: "/",
      body: { a: 1 },
      requestId: "r1",
    };
    await expect(
      store.run(request, async () => Promise.reject(new Error("database went away"))),
    ).rejects.toThrow("database went away");
    const result = await store.run(request, async () => ({ status: 201, body: { ok: true } }));
    expect(result).toEqual({ status: 201, json: '{"ok":true}', replayed: false });
    const replay = await store.run(request, async () => ({ status: 500, body: "never called" }));
    expect(replay).toEqual({ status: 201, json: '{"ok":true}', replayed: true });
  });
});
