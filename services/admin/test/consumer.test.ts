import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type EventEnvelope, newId } from "@payments/contracts";
import {
  createInProcessBus,
  createRabbitBus,
  type EventBus,
  type RabbitBus,
  type Subscription,
} from "@payments/events";
import { createLogger } from "@payments/service-kit";
import { connect } from "amqplib";
import { count, eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { auditLog, paymentStatusTotals } from "../src/db/schema.ts";
import { startAuditConsumer } from "../src/events/handlers.ts";
import { adapters, makeEvent, openTestDb, rabbitmqUrl, type TestDb, traceparent } from "./support.ts";

const logger = createLogger({ service: "admin-test", level: "silent" });

/** Deletes what a test bus declared on the shared broker (its own exchange and queues only). */
async function deleteTopology(url: string, bus: RabbitBus): Promise<void> {
  const model = await connect(url);
  model.on("error", () => {});
  try {
    const topology = bus.topology();
    for (const name of [...topology.queues.map((q) => q.name)]) {
      const channel = await model.createChannel();
      channel.on("error", () => {});
      await channel.deleteQueue(name).catch(() => {});
      await channel.close().catch(() => {});
    }
    for (const exchange of topology.exchanges) {
      const channel = await model.createChannel();
      channel.on("error", () => {});
      await channel.deleteExchange(exchange.name).catch(() => {});
      await channel.close().catch(() => {});
    }
  } finally {
    await model.close().catch(() => {});
  }
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await Bun.sleep(25);
  }
}

interface BusCase {
  name: string;
  enabled: boolean;
  make(): Promise<{ bus: EventBus; queue: string; cleanup(): Promise<void> }>;
}

const suffix = crypto.randomUUID().slice(0, 8);
const CASES: BusCase[] = [
  {
    name: "in-process bus",
    enabled: true,
    async make() {
      const bus = createInProcessBus({ logger, registry: new Registry() });
      return { bus, queue: "admin", cleanup: () => bus.close() };
    },
  },
  {
    name: "RabbitMQ",
    enabled: Boolean(rabbitmqUrl),
    async make() {
      const url = rabbitmqUrl ?? "";
      // Its own exchange and queue: tests on the shared broker never see the platform's events or each other's.
      const bus = createRabbitBus({
        url,
        logger,
        registry: new Registry(),
        exchange: `test.admin.${suffix}`,
        service: "admin-test",
      });
      return {
        bus,
        queue: `test.admin.${suffix}`,
        async cleanup() {
          await bus.close();
          await deleteTopology(url, bus);
        },
      };
    },
  },
];

for (const c of CASES) {
  describe.if(c.enabled)(`audit consumer through the ${c.name} (${adapters})`, () => {
    let testDb: TestDb;
    let bus: EventBus;
    let subscription: Subscription;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      testDb = await openTestDb();
      const made = await c.make();
      bus = made.bus;
      cleanup = made.cleanup;
      subscription = await startAuditConsumer({
        db: testDb.db,
        logger,
        bus,
        queue: made.queue,
        subscribe: { retryDelaysMs: [50], maxAttempts: 3, prefetch: 20 },
      });
    }, 60_000);
    afterAll(async () => {
      await subscription.close();
      await cleanup();
      await testDb.close();
    });

    const rowsFor = async (subject: string) =>
      (await testDb.db.select({ n: count() }).from(auditLog).where(eq(auditLog.subject, subject)))[0]?.n ?? 0;

    test("every event of every type is logged once, with the trace id; published twice, still once", async () => {
      const user = newId("usr");
      const trace = traceparent();
      const events: EventEnvelope[] = [
        makeEvent("user.registered", { id: user }, { traceparent: trace }),
        makeEvent("session.revoked", { user_id: user }, { subject: user, traceparent: trace }),
        makeEvent(
          "profile.updated",
          { user_id: user },
          { subject: user, producer: "profile", traceparent: trace },
        ),
        makeEvent(
          "config.updated",
          { updated_by: user },
          { subject: user, producer: "admin", traceparent: trace },
        ),
      ];
      for (const e of [...events, ...events]) await bus.publish(e);
      await eventually(async () => (await rowsFor(user)) >= events.length);
      await Bun.sleep(200); // room for a wrongly applied duplicate to show up
      expect(await rowsFor(user)).toBe(events.length);
      const rows = await testDb.db.select().from(auditLog).where(eq(auditLog.subject, user));
      expect(new Set(rows.map((r) => r.traceId))).toEqual(new Set([trace.split("-")[1] ?? ""]));
      expect(rows.every((r) => r.actorId === user)).toBe(true);
    });

    test("a payment's events in any order and concurrency end in its latest status", async () => {
      const base = { amount: 500, currency: "eur", amount_refunded: 0 } as const;
      const created = makeEvent("payment.created", { ...base });
      const id = (created.data as { id: `pay_${string}` }).id;
      const same = { ...base, id, payer_id: (created.data as { payer_id: `usr_${string}` }).payer_id };
      const processing = makeEvent("payment.processing", same);
      const succeeded = makeEvent("payment.succeeded", same);
      for (const e of [succeeded, processing, created, processing]) await bus.publish(e);
      await eventually(async () => (await rowsFor(id)) === 3);
      const totals = await testDb.db
        .select()
        .from(paymentStatusTotals)
        .where(eq(paymentStatusTotals.currency, "eur"));
      expect(totals.filter((r) => r.count !== 0)).toEqual([
        { status: "succeeded", currency: "eur", count: 1, amount: 500, amountRefunded: 0 },
      ]);
    });
  });
}
