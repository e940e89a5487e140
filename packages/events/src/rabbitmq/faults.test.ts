import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createTestDatabase, isCI, realServer, type TestDatabase } from "@payments/testing";
import { connect } from "amqplib";
import { inArray, sql } from "drizzle-orm";
import { Registry } from "prom-client";
import type { DeliveryContext } from "../bus/index.ts";
import { sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { applyOnce } from "../inbox/index.ts";
import { enqueueEvents, startOutboxRelay } from "../outbox/index.ts";
import { inbox, outbox } from "../outbox/tables.ts";
import { applied, type FixtureHandle, openFixtureDatabase } from "../outbox/test-support.ts";
import { platformTopology } from "./definitions.ts";
import { type PrivateBroker, privateBrokerScripts, startPrivateBroker } from "./private-broker/index.ts";
import { createRabbitBus } from "./rabbit-bus.ts";
import { captureLogger, uniqueName } from "./test-support.ts";
import { declareTopology } from "./topology.ts";

const postgresUrl = realServer("postgres");
const rabbitUrl = realServer("rabbitmq");
const scripts = privateBrokerScripts();
if (isCI && !scripts) throw new Error("CI: RabbitMQ must be installed here for the broker fault tests");
const DEFINITIONS_FILE = new URL("../../../../infra/rabbitmq/definitions.json", import.meta.url).pathname;
const CHILD = new URL("../../test-fixtures/commit-then-hang.ts", import.meta.url).pathname;

/** Reads a process's stdout line by line until a line satisfies `match`. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return async (match: (line: string) => boolean, timeoutMs = 30_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      const found = lines.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error("timed out reading the child's output");
      const { value, done } = await reader.read();
      if (done) throw new Error(`child exited before printing the expected line (last: ${buffer})`);
      buffer += decoder.decode(value);
    }
  };
}

async function metricValue(registry: Registry, name: string): Promise<number> {
  const text = await registry.getSingleMetricAsString(name);
  return text
    .split("\n")
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

// A private RabbitMQ node (never the shared one, which other suites use) plus a real Postgres database.
describe.if(Boolean(postgresUrl && rabbitUrl && scripts))("RabbitMQ faults on a private broker", () => {
  let broker: PrivateBroker | undefined;
  let database: TestDatabase | undefined;
  let handle: FixtureHandle | undefined;
  const need = () => {
    if (!broker || !database || !handle) throw new Error("setup did not complete");
    return { broker, database, db: handle.db };
  };

  beforeAll(async () => {
    if (!postgresUrl) return;
    [broker, database] = await Promise.all([startPrivateBroker(), createTestDatabase(postgresUrl, "faults")]);
    handle = await openFixtureDatabase(database.url, 10);
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    await database?.drop();
    await broker?.stop();
  }, 60_000);

  it("definitions.json imports into a broker, and the code's declarations agree with it", async () => {
    const { broker } = need();
    await broker.ctl("import_definitions", DEFINITIONS_FILE);
    const listed = await broker.ctl("list_queues", "name", "type", "--no-table-headers");
    expect(listed).toMatch(/^payments\tquorum$/m);
    expect(listed).toMatch(/^admin\.retry\.60000\tquorum$/m);
    expect(listed).toMatch(/^profile\.dlq\tclassic$/m);
    const model = await connect(broker.url);
    model.on("error", () => {});
    try {
      const channel = await model.createChannel();
      // Same names, same arguments: every declaration is accepted as equivalent.
      await declareTopology(channel, platformTopology());
      const retry = platformTopology().queues.find((q) => q.name === "payments.retry.1000");
      if (!retry) throw new Error("no payments.retry.1000 in the platform topology");
      // …while a different argument is refused, so the agreement above is not vacuous.
      await expect(
        channel.assertQueue(retry.name, {
          durable: true,
          arguments: { ...retry.arguments, "x-message-ttl": 999 },
        }),
      ).rejects.toThrow(/PRECONDITION_FAILED/);
    } finally {
      await model.close().catch(() => {});
    }
  });

  it("reconnects after stop_app/start_app: consumers (durable and exclusive) are back, the probe follows", async () => {
    const { broker } = need();
    const { logger, lines } = captureLogger();
    const registry = new Registry();
    const bus = createRabbitBus({
      url: broker.url,
      exchange: uniqueName("recover"),
      logger,
      registry,
      reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    try {
      const durable: string[] = [];
      const fanout: string[] = [];
      await bus.subscribe(uniqueName("recover-durable"), ["user.*"], async (e) => {
        durable.push(e.id);
      });
      await bus.subscribe(
        uniqueName("recover-gateway"),
        ["user.*"],
        async (e) => {
          fanout.push(e.id);
        },
        { exclusive: true },
      );
      await expect(bus.probe.run()).resolves.toMatchObject({ state: "connected" });
      await broker.stopApp();
      await waitFor(() => bus.state === "reconnecting", { description: "the bus to notice" });
      await expect(bus.probe.run()).rejects.toThrow(/RabbitMQ reconnecting/);
      await broker.startApp();
      await waitFor(() => bus.state === "connected", { timeoutMs: 30_000, description: "the reconnect" });
      const event = sampleEvent("user.registered");
      // The consumers are re-registered just after the connection is up: publish once they consume again.
      await waitFor(
        async () => {
          await bus.publish(event);
          return durable.includes(event.id) && fanout.includes(event.id);
        },
        { timeoutMs: 10_000, intervalMs: 200, description: "both consumers to receive after the reconnect" },
      );
      await expect(bus.probe.run()).resolves.toMatchObject({ state: "connected", subscriptions: 2 });
      expect(lines.some((l) => l.msg === "event bus: reconnected")).toBe(true);
      expect(await metricValue(registry, "events_bus_reconnects_total")).toBe(1);
      expect(await metricValue(registry, "events_bus_connected")).toBe(1);
    } finally {
      await bus.close();
    }
  }, 90_000);

  it("stop_app while 1,000 events go through the outbox: every id applied exactly once after start_app", async () => {
    const { broker, db } = need();
    const { logger } = captureLogger();
    const exchange = uniqueName("outage");
    const queue = uniqueName("outageq");
    const producerRegistry = new Registry();
    const consumerRegistry = new Registry();
    const reconnect = { initialDelayMs: 100, maxDelayMs: 1_000 };
    const producer = createRabbitBus({
      url: broker.url,
      exchange,
      logger,
      registry: producerRegistry,
      reconnect,
      publishWaitMs: 300,
    });
    const consumer = createRabbitBus({
      url: broker.url,
      exchange,
      logger,
      registry: consumerRegistry,
      reconnect,
    });
    let deliveries = 0;
    let duplicates = 0;
    await consumer.subscribe(
      queue,
      ["payment.*"],
      async (event) => {
        deliveries++;
        // A slow consumer keeps deliveries in flight, so the outage catches some committed but unacked.
        await Bun.sleep(20);
        const outcome = await applyOnce(db, queue, event, async (tx) => {
          await tx.insert(applied).values({ eventId: event.id });
        });
        if (outcome === "duplicate") duplicates++;
      },
      { prefetch: 10 },
    );
    const relay = startOutboxRelay({
      db,
      bus: producer,
      logger,
      registry: producerRegistry,
      service: "outage",
      batchSize: 50,
      pollIntervalMs: 100,
      retryBaseMs: 100,
      retryMaxMs: 1_000,
    });
    const ids: string[] = [];
    const produce = async (count: number) => {
      for (let i = 0; i < count; i += 10) {
        const events = Array.from({ length: 10 }, () => sampleEvent("payment.created"));
        await db.transaction((tx) => enqueueEvents(tx, events));
        ids.push(...events.map((e) => e.id));
        relay.wake();
        await Bun.sleep(2);
      }
    };
    const appliedCount = async () => {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int`, distinct: sql<number>`count(distinct event_id)::int` })
        .from(applied)
        .where(inArray(applied.eventId, ids));
      return row ?? { n: -1, distinct: -1 };
    };
    try {
      await produce(500);
      // The consumer (about 500 events/s) has a backlog and deliveries in flight: stop the broker under it,
      // while the relay is publishing and the producer keeps committing.
      await waitFor(() => deliveries >= 100, { description: "the consumer to be busy" });
      const stopping = broker.stopApp();
      await produce(200);
      await stopping;
      await produce(100);
      await waitFor(async () => (await metricValue(producerRegistry, "outbox_publish_failures_total")) > 0, {
        description: "the relay to notice the outage",
      });
      await broker.startApp();
      await produce(200);
      await waitFor(async () => (await appliedCount()).distinct === 1_000, {
        timeoutMs: 90_000,
        intervalMs: 200,
        description: "all 1,000 events applied",
      });
      // Let late redeliveries arrive: they must be no-ops.
      await Bun.sleep(1_000);
    } finally {
      await relay.stop();
      await producer.close();
      await consumer.close();
    }
    expect(ids).toHaveLength(1_000);
    expect(await appliedCount()).toEqual({ n: 1_000, distinct: 1_000 });
    const inboxRows = await db.select({ id: inbox.eventId }).from(inbox).where(inArray(inbox.eventId, ids));
    expect(inboxRows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const pending = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(sql`published_at IS NULL`);
    expect(pending).toEqual([{ n: 0 }]);
    expect(deliveries).toBe(1_000 + duplicates);
    expect(await metricValue(producerRegistry, "events_bus_reconnects_total")).toBeGreaterThanOrEqual(1);
    expect(await metricValue(consumerRegistry, "events_bus_reconnects_total")).toBeGreaterThanOrEqual(1);
    console.log(`outage: ${deliveries} deliveries, ${duplicates} duplicates deduplicated by the inbox`);
  }, 180_000);

  it("a consumer killed after its commit and before its ack: the redelivery is deduplicated by the inbox", async () => {
    const { broker, database, db } = need();
    const exchange = uniqueName("kill");
    const queue = uniqueName("killq");
    const child = Bun.spawn([process.execPath, CHILD, broker.url, exchange, queue, database.url], {
      stdout: "pipe",
      stderr: "inherit",
    });
    const bus = createRabbitBus({
      url: broker.url,
      exchange,
      logger: captureLogger().logger,
      registry: new Registry(),
    });
    try {
      const nextLine = lineReader(child.stdout);
      await nextLine((line) => line === "ready");
      const event = sampleEvent("payment.created");
      await bus.publish(event);
      await nextLine((line) => line === `committed ${event.id}`);
      child.kill("SIGKILL");
      await child.exited;
      expect(
        await db
          .select()
          .from(applied)
          .where(inArray(applied.eventId, [event.id])),
      ).toHaveLength(1);

      const contexts: DeliveryContext[] = [];
      const outcomes: string[] = [];
      await bus.subscribe(queue, ["payment.*"], async (redelivered, ctx) => {
        contexts.push(ctx);
        outcomes.push(
          await applyOnce(db, queue, redelivered, async (tx) => {
            await tx.insert(applied).values({ eventId: redelivered.id });
          }),
        );
      });
      await waitFor(() => outcomes.length === 1, { description: "the redelivery" });
      expect(outcomes).toEqual(["duplicate"]);
      expect(contexts).toEqual([{ queue, attempt: 1, redelivered: true }]);
      expect(
        await db
          .select()
          .from(applied)
          .where(inArray(applied.eventId, [event.id])),
      ).toHaveLength(1);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await bus.close();
    }
  }, 60_000);
});
