import { afterEach } from "bun:test";
import { type Channel, type ChannelModel, connect, type SocketOptions } from "amqplib";
import { pino } from "pino";
import { Registry } from "prom-client";
import type { EventBusHarness } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { openDeadLetterAdmin } from "./dead-letters.ts";
import type { RabbitBusOptions } from "./options.ts";
import { createRabbitBus, type RabbitBus } from "./rabbit-bus.ts";
import type { Topology } from "./topology.ts";

/** One parsed log line. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger (debug level) whose lines are kept in `lines`, so tests can read what was logged. */
export function captureLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A name unique to one test run, so parallel runs on a shared broker never touch each other's objects. */
export function uniqueName(label: string): string {
  return `test.${label}.${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * A plain amqplib connection with amqplib's defaults unless `options` say otherwise: what a test or a
 * benchmark's bare baseline uses when it must not go through the bus. Errors are swallowed (the caller
 * closes it).
 */
export async function connectAmqp(url: string, options?: SocketOptions): Promise<ChannelModel> {
  const model = await connect(url, options);
  model.on("error", () => {});
  return model;
}

/** Runs `fn` with a channel on a connection of its own, closed afterwards (tests and benchmarks). */
export async function withAmqpChannel<T>(url: string, fn: (channel: Channel) => Promise<T>): Promise<T> {
  const model = await connect(url);
  model.on("error", () => {});
  try {
    const channel = await model.createChannel();
    channel.on("error", () => {});
    return await fn(channel);
  } finally {
    await model.close().catch(() => {});
  }
}

/** Deletes the queues and exchanges of `topology` (best effort: a missing one is fine). */
export async function deleteTopology(url: string, topology: Topology): Promise<void> {
  const model = await connect(url);
  model.on("error", () => {});
  try {
    for (const queue of topology.queues) {
      if (queue.exclusive) continue; // went with its connection
      const channel = await model.createChannel();
      channel.on("error", () => {});
      await channel.deleteQueue(queue.name).catch(() => {});
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

/**
 * True when nothing the test could observe is moving: no handler running, no publish awaiting a confirm,
 * no message in a retry queue, no ready message in a queue that has a consumer.
 */
async function quiet(url: string, bus: RabbitBus): Promise<boolean> {
  if (bus.inFlight() > 0) return false;
  const model = await connect(url);
  model.on("error", () => {});
  try {
    const channel = await model.createChannel();
    channel.on("error", () => {});
    for (const queue of bus.topology().queues) {
      if (queue.kind === "dead-letter" || queue.exclusive) continue;
      const state = await channel.checkQueue(queue.name).catch(() => undefined);
      if (!state) continue;
      if (queue.kind === "retry" && state.messageCount > 0) return false;
      if (queue.kind === "work" && state.messageCount > 0 && state.consumerCount > 0) return false;
    }
    return bus.inFlight() === 0;
  } finally {
    await model.close().catch(() => {});
  }
}

/**
 * Contract harness for the RabbitMQ bus: a bus on its own exchange (so the suite's `#` bindings see only
 * this run's events), settle by polling queue depths until quiet three times in a row, dead letters read
 * from `<queue>.dlq` without consuming them, and cleanup that deletes everything the bus declared.
 */
export async function makeRabbitHarness(
  url: string,
  extra: Partial<RabbitBusOptions> = {},
): Promise<EventBusHarness & { bus: RabbitBus }> {
  const bus = createRabbitBus({
    url,
    logger: captureLogger().logger,
    registry: new Registry(),
    exchange: uniqueName("contract"),
    ...extra,
  });
  if (!(await bus.connected())) throw new Error(`RabbitMQ at ${url} is not reachable`);
  const admin = await openDeadLetterAdmin(url);
  return {
    bus,
    async settle() {
      let streak = 0;
      await waitFor(
        async () => {
          streak = (await quiet(url, bus)) ? streak + 1 : 0;
          return streak >= 3;
        },
        { intervalMs: 20, description: "the RabbitMQ bus to settle" },
      );
    },
    deadLetters: (queue) => admin.inspect(queue),
    publishRaw: (routingKey, body) => bus.publishRaw(routingKey, body),
    async cleanup() {
      await bus.close();
      await admin.close();
      await deleteTopology(url, bus.topology());
    },
  };
}

/**
 * Per-test buses on the shared broker, each on an exchange of its own; registers an `afterEach` (call it
 * inside a `describe`) that closes them and deletes what they and the test declared.
 */
export function busFixture(url: string) {
  const buses: RabbitBus[] = [];
  const extraQueues: string[] = [];
  afterEach(async () => {
    for (const bus of buses.splice(0)) {
      await bus.close();
      await deleteTopology(url, bus.topology());
    }
    const queues = extraQueues.splice(0);
    await withAmqpChannel(url, async (channel) => {
      for (const queue of queues) await channel.deleteQueue(queue).catch(() => {});
    });
  });
  return {
    /** A bus with a captured logger and its own registry, closed and deleted after the test. */
    makeBus(extra: Partial<RabbitBusOptions> = {}) {
      const { logger, lines } = captureLogger();
      const registry = new Registry();
      const bus = createRabbitBus({ url, logger, registry, exchange: uniqueName("bus"), ...extra });
      buses.push(bus);
      return { bus, lines, registry };
    },
    /** Deletes `queue` after the test (one the test declared itself). */
    removeAfter(queue: string) {
      extraQueues.push(queue);
    },
    /** A raw channel on a connection of its own; close the model when done. */
    async rawChannel() {
      const model = await connect(url);
      model.on("error", () => {});
      const channel = await model.createChannel();
      channel.on("error", () => {});
      return { model, channel };
    },
  };
}
