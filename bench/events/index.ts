/**
 * Event hub benchmark (not a timed test), against the RabbitMQ at RABBITMQ_URL:
 * 1. confirmed durable publishes/s from one process through `bus.publish` (validation, span, confirm
 *    window of 1,000) into one classic and one quorum queue;
 * 2. publish → handler latency p50/p99 at a fixed 1,000 msg/s into a quorum work queue;
 * 3. outbox relay throughput: rows committed to the outbox, then relayed and confirmed (Postgres at
 *    POSTGRES_URL, PGlite otherwise).
 * Prints a table and writes the figures to bench/out/events.json. Run: `bun bench/events/index.ts`.
 */
import { mkdir } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { createTestDatabase, realServer } from "@payments/testing";
import { sampleEvent } from "../../packages/events/src/contract/harness.ts";
import {
  createRabbitBus,
  enqueueEvents,
  type RabbitBus,
  startOutboxRelay,
} from "../../packages/events/src/index.ts";
import { openFixtureDatabase, quietLogger } from "../../packages/events/src/outbox/test-support.ts";
import {
  deleteTopology,
  uniqueName,
  withAmqpChannel,
} from "../../packages/events/src/rabbitmq/test-support.ts";

/** One figure of the report. */
interface Figure {
  metric: string;
  value: number;
  unit: string;
  target?: string;
}

const rabbitUrl = realServer("rabbitmq");
const postgresUrl = realServer("postgres");
const OUT = new URL("../out/events.json", import.meta.url).pathname;

function percentile(sorted: number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

function makeBus(url: string): RabbitBus {
  return createRabbitBus({ url, logger: quietLogger, exchange: uniqueName("bench") });
}

/** Confirmed publishes/s of `count` events into one queue of `type` bound to the bus's exchange. */
async function publishRate(url: string, type: "classic" | "quorum", count: number): Promise<number> {
  const bus = makeBus(url);
  const queue = uniqueName(`bench-${type}`);
  const exchange = bus.topology().exchanges[0]?.name ?? "";
  try {
    if (!(await bus.connected())) throw new Error("RabbitMQ unreachable");
    await withAmqpChannel(url, async (channel) => {
      await channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": type } });
      await channel.bindQueue(queue, exchange, "#");
    });
    const events = Array.from({ length: count }, () => sampleEvent("payment.created"));
    // Warm-up: JIT, the channel's first frames.
    await Promise.all(events.slice(0, 1_000).map((e) => bus.publish(e)));
    const started = performance.now();
    await Promise.all(events.map((e) => bus.publish(e)));
    return count / ((performance.now() - started) / 1000);
  } finally {
    await bus.close();
    await withAmqpChannel(url, async (channel) => {
      await channel.deleteQueue(queue);
    });
    await deleteTopology(url, bus.topology());
  }
}

/** Publish → handler latency at `rate` msg/s for `seconds`, sent in 10 ms ticks. */
async function latency(
  url: string,
  rate: number,
  seconds: number,
  exclusive: boolean,
): Promise<{ p50: number; p99: number; max: number }> {
  const bus = makeBus(url);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    const record = async (event: { id: string }) => {
      const start = sentAt.get(event.id);
      if (start !== undefined) latencies.push(performance.now() - start);
    };
    await bus.subscribe(uniqueName("bench-latency"), ["payment.*"], record, { exclusive });
    const perTick = rate / 100;
    const total = rate * seconds;
    const begin = performance.now();
    const publishes: Promise<void>[] = [];
    for (let tick = 0; tick * perTick < total; tick++) {
      const due = begin + tick * 10;
      const wait = due - performance.now();
      if (wait > 0) await Bun.sleep(wait);
      for (let i = 0; i < perTick; i++) {
        const event = sampleEvent("payment.created");
        sentAt.set(event.id, performance.now());
        publishes.push(bus.publish(event));
      }
    }
    await Promise.all(publishes);
    const deadline = Date.now() + 10_000;
    while (latencies.length < total && Date.now() < deadline) await Bun.sleep(10);
    const sorted = latencies.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
  } finally {
    await bus.close();
    await deleteTopology(url, bus.topology());
  }
}

/** Rows/s the outbox relay publishes (and marks) when `count` rows are pending. */
async function relayRate(url: string, count: number): Promise<{ rate: number; database: string }> {
  const database = postgresUrl ? await createTestDatabase(postgresUrl, "benchoutbox") : undefined;
  const handle = await openFixtureDatabase(database?.url, 10);
  const bus = makeBus(url);
  try {
    // A quorum queue behind the exchange, as in production (an unroutable publish is cheaper).
    await bus.subscribe(uniqueName("bench-relay"), ["#"], async () => {}, { prefetch: 300 });
    for (let i = 0; i < count; i += 500) {
      const events = Array.from({ length: Math.min(500, count - i) }, () => sampleEvent("payment.created"));
      await handle.db.transaction((tx) => enqueueEvents(tx, events));
    }
    const started = performance.now();
    const relay = startOutboxRelay({
      db: handle.db,
      bus,
      logger: quietLogger,
      service: "bench",
      batchSize: 500,
    });
    let published = 0;
    while (published < count) published += await relay.flush();
    const rate = count / ((performance.now() - started) / 1000);
    await relay.stop();
    return { rate, database: database ? "Postgres" : "PGlite" };
  } finally {
    await bus.close();
    await deleteTopology(url, bus.topology());
    await handle.close();
    await database?.drop();
  }
}

function table(figures: Figure[]): string {
  const rows = figures.map((f) => [f.metric, `${Math.round(f.value * 100) / 100} ${f.unit}`, f.target ?? ""]);
  const header = ["metric", "value", "target"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Runs every scenario and returns the figures. */
export async function runEventsBench(url: string): Promise<Figure[]> {
  const classic = await publishRate(url, "classic", 50_000);
  const quorum = await publishRate(url, "quorum", 30_000);
  const lat = await latency(url, 1_000, 5, false);
  const fanout = await latency(url, 1_000, 5, true);
  const relay = await relayRate(url, 10_000);
  return [
    {
      metric: "confirmed publishes/s, classic queue",
      value: Math.round(classic),
      unit: "msg/s",
      target: "≥ 20,000",
    },
    {
      metric: "confirmed publishes/s, quorum queue",
      value: Math.round(quorum),
      unit: "msg/s",
      target: "≥ 5,000",
    },
    { metric: "publish→handler p50 at 1,000 msg/s (quorum queue)", value: lat.p50, unit: "ms" },
    {
      metric: "publish→handler p99 at 1,000 msg/s (quorum queue)",
      value: lat.p99,
      unit: "ms",
      target: "≤ 10 ms",
    },
    { metric: "publish→handler max at 1,000 msg/s (quorum queue)", value: lat.max, unit: "ms" },
    { metric: "publish→handler p50 at 1,000 msg/s (gateway fan-out queue)", value: fanout.p50, unit: "ms" },
    {
      metric: "publish→handler p99 at 1,000 msg/s (gateway fan-out queue)",
      value: fanout.p99,
      unit: "ms",
      target: "≤ 10 ms",
    },
    {
      metric: `outbox relay (${relay.database} → quorum queue)`,
      value: Math.round(relay.rate),
      unit: "rows/s",
    },
  ];
}

if (import.meta.main) {
  if (!rabbitUrl) {
    console.log(
      "events bench: skipped — set RABBITMQ_URL (and POSTGRES_URL for the outbox figure on Postgres)",
    );
  } else {
    const [load1] = loadavg();
    console.log(
      `events bench: one Bun process, RabbitMQ on this machine (${cpus().length} cores, load average ${load1?.toFixed(1)} at start), persistent messages, publisher confirms`,
    );
    const figures = await runEventsBench(rabbitUrl);
    console.log(table(figures));
    await mkdir(new URL("../out/", import.meta.url).pathname, { recursive: true });
    await Bun.write(OUT, `${JSON.stringify({ date: new Date().toISOString(), figures }, null, 2)}\n`);
  }
}
