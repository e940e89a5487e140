import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, type EventEnvelope, type Id } from "@payments/contracts";
import type { EventPublisher } from "@payments/events";
import { eq, sql } from "drizzle-orm";
import { inbox, paymentAttempts } from "../src/db/schema.ts";
import type { ApiPayment } from "../src/domain/views.ts";
import {
  adapters,
  bodyOf,
  createHarness,
  errorOf,
  type Harness,
  harnessOnTestDb,
  newKey,
  openTestDb,
  pendingOutbox,
  type TestUser,
} from "./support.ts";

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

function userEvent(
  type: "user.updated" | "user.role_changed" | "user.deactivated",
  user: TestUser,
  fields: { name?: string; role?: TestUser["role"]; occurredAt?: string } = {},
): EventEnvelope {
  const snapshot = {
    id: user.id,
    email: `${user.id}@example.test`,
    name: fields.name ?? "Renamed",
    role: fields.role ?? user.role,
    active: true,
    created_at: new Date().toISOString(),
  };
  const base = { producer: "auth", subject: user.id };
  const event =
    type === "user.updated"
      ? createEvent({ ...base, type, data: { ...snapshot, changed: ["name"] } })
      : type === "user.role_changed"
        ? createEvent({ ...base, type, data: { ...snapshot, previous_role: user.role, changed_by: null } })
        : createEvent({ ...base, type, data: { ...snapshot, active: false, deactivated_by: null } });
  return fields.occurredAt ? { ...event, occurred_at: fields.occurredAt } : event;
}

describe(`consumed events (${adapters})`, () => {
  let close: () => Promise<void>;
  let h: Harness;
  let customer: TestUser;

  beforeAll(async () => {
    ({ h, close } = await harnessOnTestDb());
    customer = await h.user("customer");
  }, 60_000);
  afterAll(() => close());

  const create = (payee: Id<"usr">, amount = 1000, token = customer.token) =>
    h.request("/", { token, key: newKey(), json: { payee_id: payee, amount, currency: "usd" } });
  const payees = async (query: string) =>
    (
      await bodyOf<{ data: { id: string; name: string; email?: string }[] }>(
        await h.request(`/payees?query=${query}`, { token: customer.token }),
      )
    ).data;

  test("user.* events keep the payee read model; a late, older event does not undo a newer one", async () => {
    const vendor = await h.user("vendor", { name: "Original Name" });
    await h.deliver(userEvent("user.updated", vendor, { name: "Zebra Supplies", occurredAt: later(1000) }));
    expect(await payees("zebra")).toEqual([{ id: vendor.id, name: "Zebra Supplies" }]);
    await h.deliver(userEvent("user.updated", vendor, { name: "Stale Name", occurredAt: later(-60_000) }));
    expect((await payees("zebra")).map((p) => p.name)).toEqual(["Zebra Supplies"]);

    await h.deliver(userEvent("user.role_changed", vendor, { role: "customer", occurredAt: later(2000) }));
    expect(await payees("zebra")).toEqual([]);
    const res = await create(vendor.id);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe("invalid_payee");
  });

  test("a redelivered event is applied once (inbox)", async () => {
    const vendor = await h.user("vendor");
    const event = userEvent("user.updated", vendor, { name: "Once Only", occurredAt: later(500) });
    await h.deliver(event);
    await h.deliver(event);
    const rows = await h.core.db.select().from(inbox).where(eq(inbox.eventId, event.id));
    expect(rows).toHaveLength(1);
  });

  test("a redelivered payment.created charges once", async () => {
    const vendor = await h.user("vendor");
    const p = await bodyOf<ApiPayment>(await create(vendor.id, 1234));
    await h.drain();
    const created = (await h.events()).find((e) => e.type === "payment.created" && e.subject === p.id);
    if (!created) throw new Error("no payment.created in the outbox");
    await h.bus.publish(created);
    await h.drain();
    const [attempts] = await h.core.db
      .select({ n: sql<number>`count(*)::int` })
      .from(paymentAttempts)
      .where(eq(paymentAttempts.paymentId, p.id));
    expect(attempts?.n).toBe(1);
  });

  test("user.deactivated cancels that user's pending payments, as payer and as payee, once", async () => {
    const leaving = await h.user("customer");
    const vendor = await h.user("vendor");
    const closingVendor = await h.user("vendor");
    const settled = await bodyOf<ApiPayment>(await create(vendor.id, 1100, leaving.token));
    await h.drain();
    const asPayer = await bodyOf<ApiPayment>(await create(vendor.id, 1200, leaving.token));
    const toVendor = await bodyOf<ApiPayment>(await create(closingVendor.id, 1300));
    const unrelated = await bodyOf<ApiPayment>(await create(vendor.id, 1400));

    const deactivation = userEvent("user.deactivated", leaving, { occurredAt: later(100) });
    await h.deliver(deactivation);
    await h.deliver(deactivation);
    await h.deliver(userEvent("user.deactivated", closingVendor, { occurredAt: later(100) }));

    const admin = await h.user("admin");
    const read = async (id: string) => bodyOf<ApiPayment>(await h.request(`/${id}`, { token: admin.token }));
    expect(await read(asPayer.id)).toMatchObject({
      status: "canceled",
      canceled_by: null,
      cancellation_reason: "user_deactivated",
    });
    expect((await read(toVendor.id)).status).toBe("canceled");
    expect((await read(settled.id)).status).toBe("succeeded");
    expect((await read(unrelated.id)).status).toBe("pending");
    const canceledEvents = (await h.events()).filter(
      (e) => e.type === "payment.canceled" && e.subject === asPayer.id,
    );
    expect(canceledEvents).toHaveLength(1);
    // The deactivated customer cannot pay any more (the read model knows).
    const again = await create(vendor.id, 1500, leaving.token);
    expect(again.status).toBe(403);
  });
});

describe(`broker outage: creates succeed, events go out when it returns (${adapters})`, () => {
  test("the outbox holds events while publishing fails and delivers them after", async () => {
    const testDb = await openTestDb();
    let down = false;
    let refused = 0;
    const publisher: EventPublisher = {
      async publish(event) {
        if (down) {
          refused++;
          throw new Error("connection closed: broker unreachable");
        }
        await h.bus.publish(event);
      },
    };
    const h = await createHarness({ db: testDb.db, publisher, worker: "auto" });
    try {
      const customer = await h.user("customer");
      const vendor = await h.user("vendor");
      down = true;
      const made: ApiPayment[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await h.request("/", {
          token: customer.token,
          key: newKey(),
          json: { payee_id: vendor.id, amount: 2000 + i * 100, currency: "usd" },
        });
        expect(res.status).toBe(201);
        made.push(await bodyOf<ApiPayment>(res));
      }
      await h.relay.flush();
      expect(refused).toBeGreaterThan(0);
      expect(await pendingOutbox(testDb.db)).toBeGreaterThanOrEqual(5);
      for (const p of made) {
        expect(
          (await bodyOf<ApiPayment>(await h.request(`/${p.id}`, { token: customer.token }))).status,
        ).toBe("pending");
      }

      down = false;
      const deadline = Date.now() + 10_000;
      while ((await pendingOutbox(testDb.db)) > 0 && Date.now() < deadline) await Bun.sleep(50);
      await h.drain();
      expect(await pendingOutbox(testDb.db)).toBe(0);
      for (const p of made) {
        const now = await bodyOf<ApiPayment>(await h.request(`/${p.id}`, { token: customer.token }));
        expect(now.status).toBe("succeeded");
      }
    } finally {
      await h.close();
      await testDb.close();
    }
  }, 30_000);
});
