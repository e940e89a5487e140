import type { EventEnvelope } from "@payments/contracts";
import type { Database } from "@payments/db";
import { and, asc, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import { outbox } from "./tables.ts";

/** Anything that can publish an event durably: the in-process bus and the RabbitMQ bus both are. */
export interface EventPublisher {
  publish(event: EventEnvelope): Promise<void>;
}

/**
 * Writes events to the outbox. Call it with the transaction that makes the state change, so the change and
 * its events commit or roll back together.
 */
export async function enqueueEvents(tx: Database, events: readonly EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(events.map((e) => ({ eventId: e.id, type: e.type, envelope: e })));
}

export interface OutboxRelayOptions {
  db: Database;
  bus: EventPublisher;
  logger: Pick<Logger, "info" | "warn" | "error" | "debug">;
  registry?: Registry;
  /** Service name, a metric label. */
  service: string;
  /** Rows claimed per transaction: publishes inside one batch are pipelined (confirm window). */
  batchSize?: number;
  /** How often to look for rows when nobody called `wake()` (a crash, another process's writes). */
  pollIntervalMs?: number;
  /** Backoff after a failed publish: min(base * 2^attempts, max), with ±20 % jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
}

export interface OutboxRelay {
  /** Ask for a pass now (call after committing a transaction that enqueued events). */
  wake(): void;
  /** Run passes until nothing is due; resolves with the number published. For tests and shutdown. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

function metric<T>(registry: Registry | undefined, name: string, make: (registers: Registry[]) => T): T {
  const existing = registry?.getSingleMetric(name);
  return (existing as T | undefined) ?? make(registry ? [registry] : []);
}

/**
 * Publishes outbox rows in order and marks them sent only after the bus confirmed them. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED`, so several relays (several processes of one service) never publish the
 * same row twice concurrently; a crash before the mark leaves the row pending and it is published again
 * (consumers dedupe with the inbox). A failed publish stops the batch, so order is kept, and the row is
 * retried with backoff.
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const batchSize = opts.batchSize ?? 200;
  const pollIntervalMs = opts.pollIntervalMs ?? 500;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  const published = metric(
    opts.registry,
    "outbox_published_total",
    (registers) =>
      new Counter({ name: "outbox_published_total", help: "Outbox rows published", labelNames: ["service"], registers }),
  );
  const failures = metric(
    opts.registry,
    "outbox_publish_failures_total",
    (registers) =>
      new Counter({
        name: "outbox_publish_failures_total",
        help: "Outbox publishes that failed and will be retried",
        labelNames: ["service"],
        registers,
      }),
  );
  const lag = metric(
    opts.registry,
    "outbox_lag_seconds",
    (registers) =>
      new Gauge({
        name: "outbox_lag_seconds",
        help: "Age of the oldest row published in the last pass",
        labelNames: ["service"],
        registers,
      }),
  );

  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let lastCleanup = 0;

  /** One transaction: claim due rows, publish them in order, mark what was confirmed. */
  async function pass(): Promise<number> {
    return opts.db.transaction(async (tx) => {
      const rows = await tx
        .select({ seq: outbox.seq, envelope: outbox.envelope, attempts: outbox.attempts, createdAt: outbox.createdAt })
        .from(outbox)
        .where(and(isNull(outbox.publishedAt), lte(outbox.nextAttemptAt, sql`now()`)))
        .orderBy(asc(outbox.seq))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (rows.length === 0) return 0;

      // Start every publish before awaiting any: the bus pipelines them (a confirm window, not a round
      // trip per message). Calls are made in seq order, so the broker receives them in order.
      const results = await Promise.allSettled(rows.map((row) => opts.bus.publish(row.envelope)));
      const firstFailure = results.findIndex((r) => r.status === "rejected");
      const confirmed = firstFailure === -1 ? rows : rows.slice(0, firstFailure);
      if (confirmed.length > 0) {
        await tx
          .update(outbox)
          .set({ publishedAt: sql`now()` })
          .where(inArray(outbox.seq, confirmed.map((r) => r.seq)));
        published.inc({ service: opts.service }, confirmed.length);
        const oldest = confirmed[0];
        if (oldest) lag.set({ service: opts.service }, (Date.now() - oldest.createdAt.getTime()) / 1000);
      }
      if (firstFailure !== -1) {
        // Everything from the first failure on is retried later, in order; later rows may have reached the
        // broker already, which at-least-once delivery and the consumers' inbox tolerate.
        const failed = rows.slice(firstFailure);
        const reason = results[firstFailure];
        const message = reason?.status === "rejected" ? String(reason.reason) : "unknown";
        const attempts = (failed[0]?.attempts ?? 0) + 1;
        const delay = Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs) * (0.8 + Math.random() * 0.4);
        await tx
          .update(outbox)
          .set({
            attempts: sql`${outbox.attempts} + 1`,
            lastError: message.slice(0, 500),
            nextAttemptAt: new Date(Date.now() + delay),
          })
          .where(inArray(outbox.seq, failed.map((r) => r.seq)));
        failures.inc({ service: opts.service });
        opts.logger.warn({ err: message, pending: failed.length, retry_in_ms: Math.round(delay) }, "outbox publish failed");
        return -confirmed.length - 1; // negative: stop looping until the backoff is due
      }
      return confirmed.length;
    });
  }

  async function drain(): Promise<number> {
    let total = 0;
    do {
      again = false;
      for (;;) {
        if (stopped) return total;
        const n = await pass().catch((err: unknown) => {
          opts.logger.error({ err }, "outbox relay pass failed");
          return -1;
        });
        if (n <= 0) {
          if (n < -1) total += -n - 1;
          break;
        }
        total += n;
        if (n < batchSize) break;
      }
    } while (again && !stopped);
    await cleanup();
    return total;
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    await opts.db
      .delete(outbox)
      .where(and(sql`${outbox.publishedAt} IS NOT NULL`, lte(outbox.publishedAt, new Date(Date.now() - retentionMs))))
      .catch((err: unknown) => opts.logger.warn({ err }, "outbox cleanup failed"));
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void run(), pollIntervalMs);
  void run();

  return {
    wake() {
      void run();
    },
    async flush() {
      let total = 0;
      // A pass may have started before the caller's commit; run until one finds nothing new.
      for (;;) {
        const n = await run();
        total += n;
        if (n === 0 || stopped) return total;
      }
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
