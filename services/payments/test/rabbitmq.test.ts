import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRabbitBus, describeTopology, type RabbitBus, type Subscription } from "@payments/events";
import { createLogger, Registry } from "@payments/service-kit";
import { realServer } from "@payments/testing";
import { connect } from "amqplib";
import type { ApiPayment } from "../src/domain/views.ts";
import { startWorker } from "../src/events/handlers.ts";
import {
  bodyOf,
  createHarness,
  type Harness,
  newKey,
  openTestDb,
  pendingOutbox,
  type TestUser,
} from "./support.ts";

const rabbitUrl = realServer("rabbitmq");

/** Polls until `check` holds; a bound on waiting, not a timing assertion. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await Bun.sleep(50);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe.if(Boolean(rabbitUrl))("through RabbitMQ: outbox → broker → worker queue → settled", () => {
  const url = rabbitUrl ?? "";
  // Our own exchange and queue: other suites use the shared broker at the same time.
  const suffix = crypto.randomUUID().slice(0, 8);
  const exchange = `test.payments.${suffix}`;
  const queue = `test.payments.${suffix}`;
  const retryDelaysMs = [50];
  let bus: RabbitBus;
  let h: Harness;
  let worker: Subscription;
  let closeDb: () => Promise<void>;
  let customer: TestUser;
  let vendor: TestUser;

  beforeAll(async () => {
    const logger = createLogger({ service: "payments", level: "silent" });
    bus = createRabbitBus({ url, logger, registry: new Registry(), exchange, service: "payments-test" });
    const testDb = await openTestDb();
    closeDb = testDb.close;
    // The relay publishes to RabbitMQ; the harness's in-process bus only carries the test's user events.
    h = await createHarness({ db: testDb.db, publisher: bus });
    worker = await startWorker({
      core: h.core,
      bus,
      settle: h.settle,
      queue,
      patterns: ["payment.created"],
      subscribe: { retryDelaysMs, maxAttempts: 3 },
    });
    customer = await h.user("customer");
    vendor = await h.user("vendor");
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await bus?.close();
    await closeDb?.();
    const topology = describeTopology({ exchange, deliveryLimit: 10 }, [
      { queue, patterns: ["payment.created"], retryDelaysMs, exclusive: false },
    ]);
    const connection = await connect(url);
    connection.on("error", () => {});
    try {
      const channel = await connection.createChannel();
      channel.on("error", () => {});
      for (const q of topology.queues) await channel.deleteQueue(q.name).catch(() => {});
      for (const e of topology.exchanges) await channel.deleteExchange(e.name).catch(() => {});
    } finally {
      await connection.close().catch(() => {});
    }
  });

  test("payments created through the API settle via the real broker", async () => {
    const made: ApiPayment[] = [];
    for (const amount of [1000, 1002, 1005]) {
      const res = await h.request("/", {
        token: customer.token,
        key: newKey(),
        json: { payee_id: vendor.id, amount, currency: "usd" },
      });
      expect(res.status).toBe(201);
      made.push(await bodyOf<ApiPayment>(res));
    }
    const statusOf = async (id: string) =>
      (await bodyOf<ApiPayment>(await h.request(`/${id}`, { token: customer.token }))).status;
    await eventually("all settled", async () => {
      const statuses = await Promise.all(made.map((p) => statusOf(p.id)));
      return statuses.every((s) => s === "succeeded" || s === "failed");
    });
    expect(await Promise.all(made.map((p) => statusOf(p.id)))).toEqual(["succeeded", "failed", "succeeded"]);
    await eventually("outbox empty", async () => (await pendingOutbox(h.core.db)) === 0);
  }, 30_000);
});
