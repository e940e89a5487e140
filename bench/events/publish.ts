import type { EventEnvelope } from "@payments/contracts";
import { sampleEvent } from "../../packages/events/src/contract/harness.ts";
import { createRabbitBus, type RabbitBus } from "../../packages/events/src/index.ts";
import { quietLogger } from "../../packages/events/src/outbox/test-support.ts";
import {
  connectAmqp,
  deleteTopology,
  uniqueName,
  withAmqpChannel,
} from "../../packages/events/src/rabbitmq/test-support.ts";
import { CLASSIC_QUEUE_VERSION } from "../../packages/events/src/rabbitmq/topology.ts";
import { type CpuCost, measured } from "./broker-cpu.ts";

export type QueueType = "classic" | "quorum";

/**
 * How each kind is declared: classic on the storage version the bus's classic queues run on (ADR 0010 —
 * exclusive queues by argument, dead-letter queues by policy; the bench's fresh queue can take the argument).
 */
const QUEUE_ARGUMENTS: Record<QueueType, Record<string, string | number>> = {
  classic: { "x-queue-type": "classic", "x-queue-version": CLASSIC_QUEUE_VERSION },
  quorum: { "x-queue-type": "quorum" },
};

// amqplib's types, reached through the helper (the bench package does not depend on amqplib itself).
type ConfirmChannel = Awaited<ReturnType<Awaited<ReturnType<typeof connectAmqp>>["createConfirmChannel"]>>;
type PublishOptions = NonNullable<Parameters<ConfirmChannel["publish"]>[3]>;

/** A traceparent as a request would give its events (the bus carries it in a header). */
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

/** The unconfirmed window both publishers use (the bus's default). */
export const WINDOW = 1_000;

/** `count` fresh events, made before any clock starts. */
export function makeEvents(count: number): EventEnvelope[] {
  return Array.from({ length: count }, () => sampleEvent("payment.created", TRACEPARENT));
}

/** What `bus.publish` puts on the wire for `event`, prepared ahead for the bare baseline. */
function wireMessage(event: EventEnvelope): { body: Buffer; options: PublishOptions } {
  return {
    body: Buffer.from(JSON.stringify(event)),
    options: {
      persistent: true,
      messageId: event.id,
      type: event.type,
      contentType: "application/json",
      appId: event.producer,
      timestamp: Math.floor(Date.parse(event.occurred_at) / 1000),
      headers: { traceparent: TRACEPARENT },
    },
  };
}

/** Declares a fresh queue of `type` bound `#` to `exchange`; returns its name. */
async function bindQueue(url: string, exchange: string, type: QueueType): Promise<string> {
  const queue = uniqueName(`bench-${type}`);
  await withAmqpChannel(url, async (channel) => {
    await channel.assertExchange(exchange, "topic", { durable: true });
    await channel.assertQueue(queue, { durable: true, arguments: QUEUE_ARGUMENTS[type] });
    await channel.bindQueue(queue, exchange, "#");
  });
  return queue;
}

async function deleteQueue(url: string, queue: string, exchange?: string): Promise<void> {
  await withAmqpChannel(url, async (channel) => {
    await channel.deleteQueue(queue).catch(() => {});
    if (exchange) await channel.deleteExchange(exchange).catch(() => {});
  });
}

/**
 * The baseline: plain amqplib with its defaults, one confirm channel, a window of {@link WINDOW}
 * unconfirmed messages refilled from the confirm callbacks, `publish() === false` honoured through
 * `drain`. Same exchange kind, routing key, bytes and properties as the bus; bodies serialised beforehand,
 * so it measures amqplib and the broker only.
 */
async function publishBare(
  channel: ConfirmChannel,
  exchange: string,
  events: EventEnvelope[],
): Promise<void> {
  const messages = events.map(wireMessage);
  let sent = 0;
  let confirmed = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      while (sent < messages.length && sent - confirmed < WINDOW) {
        const message = messages[sent++];
        if (!message) return;
        const ok = channel.publish(exchange, "payment.created", message.body, message.options, (err) => {
          if (err) return reject(err);
          if (++confirmed === messages.length) resolve();
          else pump();
        });
        if (!ok) {
          channel.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

/**
 * A producer the way services feed the bus (the outbox relay hands it a batch at a time): it keeps up to
 * twice the window of `publish()` calls outstanding, so validation and serialisation overlap the broker's
 * work instead of all happening before the first byte is sent.
 */
async function publishThroughBus(bus: RabbitBus, events: EventEnvelope[]): Promise<void> {
  const limit = 2 * WINDOW;
  let outstanding = 0;
  let wake: (() => void) | undefined;
  let failure: unknown;
  const settled = (): void => {
    outstanding--;
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const all: Promise<void>[] = [];
  for (const event of events) {
    while (outstanding >= limit) await new Promise<void>((resolve) => (wake = resolve));
    outstanding++;
    all.push(
      bus.publish(event).then(settled, (error: unknown) => {
        failure ??= error;
        settled();
      }),
    );
  }
  await Promise.all(all);
  if (failure) throw failure;
}

/** One throughput figure: messages/s and CPU per message here and in the broker. */
export interface PublishFigure {
  rate: number;
  clientMicrosPerMessage: number;
  brokerMicrosPerMessage: number | undefined;
}

function figure(count: number, cost: CpuCost): PublishFigure {
  return {
    rate: count / cost.seconds,
    clientMicrosPerMessage: cost.clientMicros / count,
    brokerMicrosPerMessage: cost.brokerMicros === undefined ? undefined : cost.brokerMicros / count,
  };
}

/** Bare amqplib: `count` confirmed publishes into a fresh queue of `type`. */
export async function bareRate(
  url: string,
  type: QueueType,
  count: number,
  brokerPid: number | undefined,
): Promise<PublishFigure> {
  const exchange = uniqueName("bench-bare");
  const queue = await bindQueue(url, exchange, type);
  const model = await connectAmqp(url);
  try {
    const channel = await model.createConfirmChannel();
    await publishBare(channel, exchange, makeEvents(WINDOW)); // warm-up
    const events = makeEvents(count);
    const [, cost] = await measured(brokerPid, () => publishBare(channel, exchange, events));
    return figure(count, cost);
  } finally {
    await model.close().catch(() => {});
    await deleteQueue(url, queue, exchange);
  }
}

/** Through `bus.publish` (validation, span, serialisation, confirm window): `count` into a fresh queue. */
export async function busRate(
  url: string,
  type: QueueType,
  count: number,
  brokerPid: number | undefined,
): Promise<PublishFigure> {
  const bus = createRabbitBus({ url, logger: quietLogger, exchange: uniqueName("bench") });
  const exchange = bus.topology().exchanges[0]?.name ?? "";
  let queue: string | undefined;
  try {
    if (!(await bus.connected())) throw new Error("RabbitMQ unreachable");
    queue = await bindQueue(url, exchange, type);
    await publishThroughBus(bus, makeEvents(WINDOW)); // warm-up
    const events = makeEvents(count);
    const [, cost] = await measured(brokerPid, () => publishThroughBus(bus, events));
    return figure(count, cost);
  } finally {
    await bus.close();
    if (queue) await deleteQueue(url, queue);
    await deleteTopology(url, bus.topology());
  }
}
