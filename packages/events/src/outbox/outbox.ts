import { type EventEnvelope, InvalidEventError, parseEvent } from "@payments/contracts";
import type { Database } from "@payments/db";
import { and, asc, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Registry } from "prom-client";
import type { LoggerLike } from "../bus/index.ts";
import { createOutboxMetrics } from "./metrics.ts";
import { outbox } from "./tables.ts";

/** Anything that can publish an event durably: the in-process bus and the RabbitMQ bus both are. */
export interface EventPublisher {
  publish(event: EventEnvelope): Promise<void>;
}

/**
 * Writes events to the outbox. Call it with the transaction that makes the state change, so the change and
 * its events commit or roll back together. Throws {@link InvalidEventError} for an event consumers would
 * reject, failing the producer's transaction instead of parking poison in the outbox.
 */
export async function enqueueEvents<TSchema extends Record<string, unknown>>(
  tx: Database<TSchema>,
  events: readonly EventEnvelope[],
): Promise<void> {
  if (events.length === 0) return;
  for (const event of events) {
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new InvalidEventError(`outbox: ${event.type} ${event.id}: ${parsed.reason}`);
  }
  await tx.insert(outbox).values(events.map((e) => ({ eventId: e.id, type: e.type, envelope: e })));
}

/** Options of {@link startOutboxRelay}. */
export interface OutboxRelayOptions<TSchema extends Record<string, unknown> = Record<string, unknown>> {
  db: Database<TSchema>;
  bus: EventPublisher;
  logger: LoggerLike;
  /** Where the relay's metrics go (default: prom-client's global registry). */
  registry?: Registry;
  /** Service name, a metric label. */
  service: string;
  /**
   * Rows claimed per transaction; their publishes are pipelined by the bus's confirm window. Default 1,000
   * (the bus's default window): per-pass costs (lock, SELECT, UPDATE, commit) are amortised over more rows —
   * measured 3.9k rows/s at 200, 5.4k at 1,000 (bench/events).
   */
  batchSize?: number;
  /** How often to look for rows nobody woke the relay for (another process's writes, a restart). Default 500 ms. */
  pollIntervalMs?: number;
  /** Backoff after a failed publish: min(base · 2^(attempts-1), max) ±20 % jitter. Defaults 500 ms and 30 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Published rows older than this are deleted. Default 7 days. */
  retentionMs?: number;
}

/** A running relay. */
export interface OutboxRelay {
  /** Ask for a pass now (call after committing a transaction that enqueued events). */
  wake(): void;
  /** Runs passes until nothing is due; resolves with the number published. For tests and shutdown. */
  flush(): Promise<number>;
  /** Stops polling and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Transaction-scoped advisory lock key: one relay per database publishes at a time, so order holds. */
const RELAY_LOCK = sql`pg_try_advisory_xact_lock(7236145093218734501)`;

interface PassResult {
  published: number;
  /** A publish failed: stop until the backoff is due. */
  failed: boolean;
  /** Another relay holds the lock. */
  busy: boolean;
}

function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/**
 * Publishes outbox rows in `seq` order and marks them sent only after the bus confirmed them.
 *
 * - One relay per database publishes at a time (a transaction-scoped advisory lock); relays in other
 *   processes of the same service skip their pass, so running several is safe and order is kept. Rows are
 *   also claimed `FOR UPDATE SKIP LOCKED`, so a row some other transaction holds is never waited on.
 * - A failed publish gives the failed rows a backoff; until it is due the relay publishes nothing newer,
 *   because a later event of the same subject must not overtake an earlier one.
 * - A crash after the publish and before the commit leaves the rows pending: they are published again, and
 *   consumers deduplicate with the inbox (at-least-once).
 */
export function startOutboxRelay<TSchema extends Record<string, unknown>>(
  opts: OutboxRelayOptions<TSchema>,
): OutboxRelay {
  const batchSize = opts.batchSize ?? 1_000;
  const pollIntervalMs = opts.pollIntervalMs ?? 500;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
  const metrics = createOutboxMetrics(opts.registry);
  const { db, bus, logger, service } = opts;

  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let lastCleanup = 0;

  async function pass(): Promise<PassResult> {
    return db.transaction(async (tx) => {
      const [lock] = await tx.select({ locked: sql<boolean>`${RELAY_LOCK}` }).from(sql`(select 1) as one`);
      if (!lock?.locked) return { published: 0, failed: false, busy: true };
      const rows = await tx
        .select({
          seq: outbox.seq,
          envelope: outbox.envelope,
          attempts: outbox.attempts,
          createdAt: outbox.createdAt,
          due: sql<boolean>`${outbox.nextAttemptAt} <= now()`,
        })
        .from(outbox)
        .where(isNull(outbox.publishedAt))
        .orderBy(asc(outbox.seq))
        .limit(batchSize)
        .for("update", { skipLocked: true });
      // Only the due prefix: an older row waiting out its backoff holds back everything after it.
      const firstWaiting = rows.findIndex((row) => !row.due);
      const due = firstWaiting === -1 ? rows : rows.slice(0, firstWaiting);
      if (due.length === 0) return { published: 0, failed: false, busy: false };

      // Every publish starts before any is awaited: the bus pipelines them in call (= seq) order.
      const results = await Promise.allSettled(due.map((row) => bus.publish(row.envelope)));
      const confirmed: number[] = [];
      const failed: number[] = [];
      const discarded: number[] = [];
      let firstError: unknown;
      results.forEach((result, i) => {
        const row = due[i];
        if (!row) return;
        if (result.status === "fulfilled") confirmed.push(row.seq);
        else if (result.reason instanceof InvalidEventError) discarded.push(row.seq);
        else {
          failed.push(row.seq);
          firstError ??= result.reason;
        }
      });

      if (confirmed.length > 0) {
        await tx.update(outbox).set({ publishedAt: sql`now()` }).where(inArray(outbox.seq, confirmed));
        metrics.published(service, confirmed.length);
        const oldest = due[0];
        if (oldest) metrics.lag(service, (Date.now() - oldest.createdAt.getTime()) / 1000);
      }
      if (discarded.length > 0) {
        // Valid when enqueued, rejected now (its schema version was retired): it can never be published, and
        // holding it would stop the outbox. Settled with the reason, loudly.
        await tx
          .update(outbox)
          .set({ publishedAt: sql`now()`, lastError: "discarded: no longer a valid event" })
          .where(inArray(outbox.seq, discarded));
        logger.error({ service, seqs: discarded }, "outbox: discarded events that are no longer valid");
      }
      if (failed.length > 0) {
        const attempts = (due.find((row) => row.seq === failed[0])?.attempts ?? 0) + 1;
        const base = Math.min(retryBaseMs * 2 ** (attempts - 1), retryMaxMs);
        const delayMs = Math.round(base * (0.8 + Math.random() * 0.4));
        const message = describe(firstError);
        await tx
          .update(outbox)
          .set({
            attempts: sql`${outbox.attempts} + 1`,
            lastError: message.slice(0, 500),
            nextAttemptAt: sql`now() + make_interval(secs => ${delayMs / 1000})`,
          })
          .where(inArray(outbox.seq, failed));
        metrics.failed(service);
        logger.warn(
          { service, err: message, pending: failed.length, attempts, retry_in_ms: delayMs },
          "outbox publish failed",
        );
      }
      return { published: confirmed.length, failed: failed.length > 0, busy: false };
    });
  }

  async function drain(): Promise<number> {
    let total = 0;
    do {
      again = false;
      while (!stopped) {
        const result = await pass().catch((error: unknown): PassResult => {
          logger.error({ service, err: describe(error) }, "outbox relay pass failed");
          return { published: 0, failed: true, busy: false };
        });
        total += result.published;
        if (result.failed || result.busy || result.published < batchSize) break;
      }
    } while (again && !stopped);
    await cleanup();
    return total;
  }

  async function cleanup(): Promise<void> {
    if (stopped || Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    await db
      .delete(outbox)
      .where(and(isNotNull(outbox.publishedAt), lte(outbox.publishedAt, new Date(Date.now() - retentionMs))))
      .catch((error: unknown) => logger.warn({ service, err: describe(error) }, "outbox cleanup failed"));
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
      if (!stopped) void run();
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
