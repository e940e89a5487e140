import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { initTracing } from "@payments/service-kit";
import { realServer } from "@payments/testing";
import type { DeliveryContext } from "../bus/index.ts";
import { Recorder, sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { applyOnce } from "../inbox/index.ts";
import { applied, type FixtureHandle, openFixtureDatabase } from "../outbox/test-support.ts";
import { busFixture, uniqueName } from "./test-support.ts";

const url = realServer("rabbitmq");
const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe.if(Boolean(url))("RabbitMQ bus on the shared broker: messages", () => {
  const { makeBus, rawChannel, removeAfter } = busFixture(url ?? "");
  let database: FixtureHandle | undefined;
  beforeAll(async () => {
    database = await openFixtureDatabase();
  }, 60_000);
  afterAll(() => database?.close());

  it("publishes persistent JSON with message_id = event id, the type, and trace context in headers", async () => {
    const { bus } = makeBus();
    expect(await bus.connected()).toBe(true);
    const queue = uniqueName("raw");
    removeAfter(queue);
    const { model, channel } = await rawChannel();
    await channel.assertQueue(queue, { durable: false });
    await channel.bindQueue(queue, bus.topology().exchanges[0]?.name ?? "", "#");
    const event = sampleEvent("payment.created", TRACEPARENT);
    await bus.publish(event);
    const message = await channel.get(queue, { noAck: true });
    await model.close();
    if (!message) throw new Error("nothing published");
    expect(message.fields.routingKey).toBe("payment.created");
    expect(message.properties).toMatchObject({
      deliveryMode: 2,
      messageId: event.id,
      type: "payment.created",
      contentType: "application/json",
      appId: event.producer,
    });
    expect(JSON.parse(message.content.toString())).toEqual(event);
    const traceparent: unknown = message.properties.headers?.traceparent;
    // Same trace as the producing request: the publish span (or the envelope's own context) travels along.
    expect(String(traceparent).split("-")[1]).toBe(TRACEPARENT.split("-")[1]);
  });

  it("traces publish <type> and process <type>: the consumer span is the publish span's child", async () => {
    interface FinishedSpan {
      name: string;
      spanContext(): { traceId: string; spanId: string };
      parentSpanContext?: { spanId: string } | undefined;
    }
    const finished: FinishedSpan[] = [];
    const exporter = {
      export(spans: FinishedSpan[], done: (result: { code: number }) => void) {
        finished.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    };
    const tracing = initTracing({ service: "events-test", exporter });
    const { bus } = makeBus({ tracer: tracing.tracer });
    const recorder = new Recorder();
    await bus.subscribe(uniqueName("traced"), ["payment.*"], recorder.handler);
    const event = sampleEvent("payment.succeeded", TRACEPARENT);
    await bus.publish(event);
    await waitFor(() => recorder.events.length === 1, { description: "the traced event" });
    await waitFor(
      async () => {
        await tracing.provider.forceFlush();
        return finished.some((s) => s.name === "process payment.succeeded");
      },
      { description: "the process span" },
    );
    await tracing.shutdown();
    const publish = finished.find((s) => s.name === "publish payment.succeeded");
    const process = finished.find((s) => s.name === "process payment.succeeded");
    expect(publish?.spanContext().traceId).toBe(TRACEPARENT.split("-")[1]);
    expect(publish?.parentSpanContext?.spanId).toBe(TRACEPARENT.split("-")[2]);
    expect(process?.spanContext().traceId).toBe(TRACEPARENT.split("-")[1]);
    expect(process?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
  });

  it("dead-letters poison at once with x-death-reason and x-error headers, logs it and counts it", async () => {
    const { bus, lines, registry } = makeBus();
    const queue = uniqueName("poison");
    const recorder = new Recorder();
    await bus.subscribe(queue, ["payment.created"], recorder.handler);
    await bus.publishRaw("payment.created", "{definitely not json");
    const good = sampleEvent("payment.created");
    await bus.publish(good);
    await waitFor(() => recorder.events.length === 1, { description: "the good event behind the poison" });
    const { model, channel } = await rawChannel();
    let headers: Record<string, unknown> | undefined;
    await waitFor(
      async () => {
        const dead = await channel.get(`${queue}.dlq`, { noAck: true });
        if (dead) headers = dead.properties.headers;
        return dead !== false;
      },
      { description: "the poison in the DLQ" },
    );
    await model.close();
    expect(headers?.["x-death-reason"]).toBe("poison");
    expect(String(headers?.["x-error"])).toMatch(/^invalid JSON/);
    expect(headers?.["x-original-queue"]).toBe(queue);
    expect(headers?.["x-routing-key"]).toBe("payment.created");
    expect(recorder.contexts).toHaveLength(1);
    const logged = lines.find((l) => l.msg === "event dead-lettered");
    expect(logged).toMatchObject({ queue, death_reason: "poison", type: "payment.created" });
    const metrics = await registry.metrics();
    expect(metrics).toContain(`events_poison_total{queue="${queue}"} 1`);
    expect(metrics).toContain(
      `events_consumed_total{queue="${queue}",type="payment.created",outcome="dead_letter"} 1`,
    );
  });

  it("retries a handler that throws three times through the retry queues in order, applying once", async () => {
    const db = database;
    if (!db) throw new Error("database not open");
    const { bus, lines } = makeBus();
    const queue = uniqueName("retry");
    const contexts: DeliveryContext[] = [];
    const outcomes: string[] = [];
    await bus.subscribe(
      queue,
      ["user.*"],
      async (event, ctx) => {
        contexts.push(ctx);
        if (ctx.attempt <= 3) throw new Error(`dependency down (${ctx.attempt})`);
        outcomes.push(
          await applyOnce(db.db, queue, event, (tx) =>
            tx
              .insert(applied)
              .values({ eventId: event.id })
              .then(() => {}),
          ),
        );
      },
      { retryDelaysMs: [5, 10, 20], maxAttempts: 4 },
    );
    const event = sampleEvent("user.updated");
    await bus.publish(event);
    await waitFor(() => outcomes.length === 1, { description: "the fourth attempt" });
    expect(outcomes).toEqual(["applied"]);
    expect(contexts.map((c) => [c.attempt, c.redelivered])).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, true],
    ]);
    const retries = lines.filter((l) => l.msg === "event handler failed; will retry");
    expect(retries.map((l) => l.retry_queue)).toEqual([
      `${queue}.retry.5`,
      `${queue}.retry.10`,
      `${queue}.retry.20`,
    ]);
    const rows = await db.db.select().from(applied);
    expect(rows.filter((r) => r.eventId === event.id)).toHaveLength(1);
  });

  it("keeps an exclusive subscription's queue to its connection and drops it with the connection", async () => {
    const { bus } = makeBus();
    const queue = uniqueName("gateway");
    const recorder = new Recorder();
    await bus.subscribe(queue, ["#"], recorder.handler, { exclusive: true });
    const event = sampleEvent("profile.updated");
    await bus.publish(event);
    await waitFor(() => recorder.events.length === 1, { description: "fan-out delivery" });
    const probe = async () => {
      const { model, channel } = await rawChannel();
      try {
        await channel.checkQueue(queue);
        return "exists";
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      } finally {
        await model.close().catch(() => {});
      }
    };
    expect(await probe()).toMatch(/RESOURCE_LOCKED/);
    await bus.close();
    expect(await probe()).toMatch(/NOT_FOUND/);
  });

  it("confirms every publish through a window of two, delivering them in publish order", async () => {
    const { bus } = makeBus({ publishWindow: 2 });
    const recorder = new Recorder();
    await bus.subscribe(uniqueName("window"), ["payment.created"], recorder.handler, { prefetch: 1 });
    const events = Array.from({ length: 50 }, () => sampleEvent("payment.created"));
    await Promise.all(events.map((e) => bus.publish(e)));
    await waitFor(() => recorder.events.length === 50, { description: "all 50 events" });
    expect(recorder.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });
});
