import type { EventEnvelope } from "@payments/contracts";
import { createRabbitBus } from "../../packages/events/src/index.ts";
import { quietLogger } from "../../packages/events/src/outbox/test-support.ts";
import {
  connectAmqp,
  deleteTopology,
  uniqueName,
  withAmqpChannel,
} from "../../packages/events/src/rabbitmq/test-support.ts";
import { exclusiveClassicArguments } from "../../packages/events/src/rabbitmq/topology.ts";
import { makeEvents } from "./publish.ts";

/** Latency percentiles, ms. */
export interface Latency {
  p50: number;
  p99: number;
  max: number;
}

/** Quorum work queue (durable, what services consume) or the gateway's exclusive fan-out queue. */
export type LatencyQueue = "quorum" | "exclusive";

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * Sends `rate` events/s for `seconds` through `send` in 10 ms ticks (`rate / 100` per tick, the way a busy
 * service emits them) and collects publish → handler times from `received`.
 */
async function paced(
  rate: number,
  seconds: number,
  send: (event: EventEnvelope) => Promise<void>,
  sentAt: Map<string, number>,
  latencies: number[],
): Promise<Latency> {
  const perTick = rate / 100;
  const total = rate * seconds;
  const events = makeEvents(total);
  const begin = performance.now();
  const publishes: Promise<void>[] = [];
  for (let tick = 0; tick * perTick < total; tick++) {
    const wait = begin + tick * 10 - performance.now();
    if (wait > 0) await Bun.sleep(wait);
    for (let i = 0; i < perTick; i++) {
      const event = events[tick * perTick + i];
      if (!event) break;
      sentAt.set(event.id, performance.now());
      publishes.push(send(event));
    }
  }
  await Promise.all(publishes);
  const deadline = Date.now() + 10_000;
  while (latencies.length < total && Date.now() < deadline) await Bun.sleep(10);
  const sorted = latencies.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** Through the bus: `bus.publish` → `subscribe` handler (manual ack after it returns). */
export async function busLatency(
  url: string,
  queue: LatencyQueue,
  rate: number,
  seconds: number,
): Promise<Latency> {
  const bus = createRabbitBus({ url, logger: quietLogger, exchange: uniqueName("bench") });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    await bus.subscribe(
      uniqueName("bench-latency"),
      ["payment.*"],
      async (event) => {
        const start = sentAt.get(event.id);
        if (start !== undefined) latencies.push(performance.now() - start);
      },
      { exclusive: queue === "exclusive" },
    );
    return await paced(rate, seconds, (event) => bus.publish(event), sentAt, latencies);
  } finally {
    await bus.close();
    await deleteTopology(url, bus.topology());
  }
}

/**
 * The baseline: plain amqplib (its defaults), one connection with a confirm channel publishing prepared
 * bytes and a consumer channel (prefetch 100) acking each message as it arrives.
 */
export async function bareLatency(
  url: string,
  queue: LatencyQueue,
  rate: number,
  seconds: number,
): Promise<Latency> {
  const exchange = uniqueName("bench-bare");
  const name = uniqueName("bench-bare-latency");
  const model = await connectAmqp(url);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    const consumer = await model.createChannel();
    await consumer.assertExchange(exchange, "topic", { durable: true });
    await consumer.assertQueue(
      name,
      queue === "exclusive"
        ? { exclusive: true, autoDelete: true, durable: false, arguments: exclusiveClassicArguments() }
        : { durable: true, arguments: { "x-queue-type": "quorum" } },
    );
    await consumer.bindQueue(name, exchange, "payment.*");
    await consumer.prefetch(100);
    await consumer.consume(name, (msg) => {
      if (!msg) return;
      const start = sentAt.get(String(msg.properties.messageId));
      if (start !== undefined) latencies.push(performance.now() - start);
      consumer.ack(msg);
    });
    const publisher = await model.createConfirmChannel();
    const send = (event: EventEnvelope) =>
      new Promise<void>((resolve, reject) => {
        publisher.publish(
          exchange,
          event.type,
          Buffer.from(JSON.stringify(event)),
          { persistent: true, messageId: event.id, contentType: "application/json" },
          (err) => (err ? reject(err) : resolve()),
        );
      });
    return await paced(rate, seconds, send, sentAt, latencies);
  } finally {
    await model.close().catch(() => {});
    await withAmqpChannel(url, async (channel) => {
      if (queue !== "exclusive") await channel.deleteQueue(name).catch(() => {});
      await channel.deleteExchange(exchange).catch(() => {});
    });
  }
}
