import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, newId } from "@payments/contracts";
import { count } from "drizzle-orm";
import { createPayment } from "../src/actions/create-payment.ts";
import { payments } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import { createEventHandler } from "../src/events/handlers.ts";
import type { ProcessorResult } from "../src/processor/processor.ts";
import { createSimulatedProcessor, type ProcessorRecord } from "../src/processor/simulator.ts";
import { chargePayment, startProcessing, stateFromCreated } from "../src/worker/settle.ts";
import {
  adapters,
  bodyOf,
  type Harness,
  type History,
  harnessOnTestDb,
  newKey,
  TEST_SETTLE,
  type TestUser,
} from "./support.ts";

const redelivery = { queue: "payments", attempt: 2, redelivered: true };

/** A processor record that counts what moved money and what was answered from the record. */
function countingRecord() {
  const outcomes = new Map<string, ProcessorResult>();
  const charges = new Map<string, number>();
  const replays = new Map<string, number>();
  const record: ProcessorRecord = {
    get: (key) => outcomes.get(key),
    charged(key, result) {
      outcomes.set(key, result);
      charges.set(key, (charges.get(key) ?? 0) + 1);
    },
    replayed: (key) => replays.set(key, (replays.get(key) ?? 0) + 1),
  };
  return { record, charges, replays };
}

// The one write path: a create, the worker's claim and its settlement are one statement each, guarded by
// the status they leave; these tests put each in the situations where it must write nothing, or resume.
describe(`one write path for create and settle (${adapters})`, () => {
  let h: Harness;
  let close: () => Promise<void>;
  let customer: TestUser;
  let vendor: TestUser;
  const body = { payee_id: "", amount: 1999, currency: "usd" };
  const counted = countingRecord();
  const processor = createSimulatedProcessor({ latencyMs: 1, hangMs: 150, record: counted.record });

  beforeAll(async () => {
    ({ h, close } = await harnessOnTestDb({ processor }));
    customer = await h.user("customer");
    vendor = await h.user("vendor");
    body.payee_id = vendor.id;
  }, 60_000);
  afterAll(() => close());

  const paymentCount = async () => (await h.core.db.select({ n: count() }).from(payments))[0]?.n ?? -1;
  const created = async (amount = 1999) => {
    const res = await h.request("/", { token: customer.token, key: newKey(), json: { ...body, amount } });
    expect(res.status).toBe(201);
    const payment = await bodyOf<ApiPayment>(res);
    const event = (await h.events()).find((e) => e.type === "payment.created" && e.subject === payment.id);
    if (event?.type !== "payment.created") throw new Error("payment.created not in the outbox");
    return { payment, event };
  };

  test("a create whose key another request holds writes nothing and says so (undefined)", async () => {
    const key = newKey();
    expect((await h.request("/", { token: customer.token, key, json: body })).status).toBe(201);
    const before = await paymentCount();
    const at = new Date();
    const result = await createPayment(
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

  test("a refused create writes nothing, and the refusal is stored with its key", async () => {
    const before = await paymentCount();
    const key = newKey();
    const refused = { ...body, payee_id: customer.id };
    const first = await h.request("/", { token: customer.token, key, json: refused });
    expect(first.status).toBe(400);
    const again = await h.request("/", { token: customer.token, key, json: refused });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
    expect(await paymentCount()).toBe(before);
  });

  test("a second delivery of payment.created resumes a payment left processing; one charge", async () => {
    const { payment, event } = await created(2001);
    // The worker's claim committed, then the worker died before the processor's answer was recorded.
    const started = await startProcessing(h.core, stateFromCreated(event.data), {
      consumer: "payments",
      eventId: event.id,
    });
    expect(started?.moved).toBe(true);
    const key = `charge:${payment.id}`;
    await processor.charge(
      { paymentId: payment.id, amount: payment.amount, currency: payment.currency, attempt: 1 },
      new AbortController().signal,
    );
    expect(counted.charges.get(key)).toBe(1);

    // Redelivered: found processing, charged again under the same key, answered from the record, settled.
    await createEventHandler(h.core, h.settle)(event, redelivery);
    const after = await bodyOf<ApiPayment>(await h.request(`/${payment.id}`, { token: customer.token }));
    expect(after.status).toBe("succeeded");
    expect(counted.charges.get(key)).toBe(1);
    expect(counted.replays.get(key)).toBe(1);
    const history = await bodyOf<History>(
      await h.request(`/${payment.id}/history`, { token: customer.token }),
    );
    expect(history.transitions.map((t) => t.to)).toEqual(["pending", "processing", "succeeded"]);
    const types = (await h.events()).filter((e) => e.subject === payment.id).map((e) => e.type);
    expect(types).toEqual(["payment.created", "payment.processing", "payment.succeeded"]);

    // A third delivery finds it settled: nothing is charged, nothing written.
    await createEventHandler(h.core, h.settle)(event, redelivery);
    expect(counted.replays.get(key)).toBe(1);
    expect((await h.events()).filter((e) => e.subject === payment.id)).toHaveLength(3);
  });

  test("the worker's statements write nothing for a canceled or a settled payment", async () => {
    const { payment, event } = await created();
    const cancel = await h.request(`/${payment.id}/cancel`, { method: "POST", token: customer.token });
    expect(cancel.status).toBe(200);
    expect(await startProcessing(h.core, stateFromCreated(event.data))).toBeUndefined();
    // Charging a payment that is not processing settles nothing (the guard is its status).
    const processing = { ...stateFromCreated(event.data), status: "processing" as const };
    expect(await chargePayment(h.core, { processor, ...TEST_SETTLE }, processing)).toBeUndefined();
    const types = (await h.events()).filter((e) => e.subject === payment.id).map((e) => e.type);
    expect(types).toEqual(["payment.created", "payment.canceled"]);
  });

  test("an event for a payment this database does not have charges nothing", async () => {
    const { event } = await created();
    const ghost = createEvent({
      type: "payment.created",
      producer: "payments",
      subject: newId("pay"),
      data: { ...event.data, id: newId("pay") },
    });
    await createEventHandler(h.core, h.settle)(ghost, redelivery);
    expect(counted.charges.get(`charge:${ghost.data.id}`)).toBeUndefined();
  });
});
