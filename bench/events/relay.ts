import type { EventEnvelope } from "@payments/contracts";
import { createTestDatabase, realServer } from "@payments/testing";
import { createRabbitBus, enqueueEvents, startOutboxRelay } from "../../packages/events/src/index.ts";
import { openFixtureDatabase, quietLogger } from "../../packages/events/src/outbox/test-support.ts";
import { deleteTopology, uniqueName } from "../../packages/events/src/rabbitmq/test-support.ts";
import { makeEvents } from "./publish.ts";

/** Outbox relay figure: rows/s end to end, and the share of that time the broker was being waited on. */
export interface RelayFigure {
  rate: number;
  database: string;
  batchSize: number;
  /** Fraction of the wall time with at least one publish awaiting its confirm (the rest is SQL). */
  publishShare: number;
}

/**
 * Rows/s the outbox relay publishes and marks sent when `count` rows are pending (Postgres at
 * POSTGRES_URL, PGlite otherwise), into a quorum queue as in production.
 */
export async function relayRate(url: string, count: number, batchSize: number): Promise<RelayFigure> {
  const postgresUrl = realServer("postgres");
  const database = postgresUrl ? await createTestDatabase(postgresUrl, "benchoutbox") : undefined;
  const handle = await openFixtureDatabase(database?.url, 10).catch(async (error: unknown) => {
    await database?.drop();
    throw error;
  });
  const bus = createRabbitBus({ url, logger: quietLogger, exchange: uniqueName("bench") });
  // Wall time during which some publish was outstanding, to split the relay's time into broker and SQL.
  let outstanding = 0;
  let busySince = 0;
  let busyMs = 0;
  const timedBus = {
    async publish(event: EventEnvelope): Promise<void> {
      if (outstanding++ === 0) busySince = performance.now();
      try {
        await bus.publish(event);
      } finally {
        if (--outstanding === 0) busyMs += performance.now() - busySince;
      }
    },
  };
  try {
    await bus.subscribe(uniqueName("bench-relay"), ["#"], async () => {}, { prefetch: 300 });
    const events = makeEvents(count);
    for (let i = 0; i < count; i += 500) {
      const slice = events.slice(i, i + 500);
      await handle.db.transaction((tx) => enqueueEvents(tx, slice));
    }
    const started = performance.now();
    const relay = startOutboxRelay({
      db: handle.db,
      bus: timedBus,
      logger: quietLogger,
      service: "bench",
      batchSize,
    });
    let published = 0;
    while (published < count) published += await relay.flush();
    const elapsed = performance.now() - started;
    await relay.stop();
    return {
      rate: count / (elapsed / 1000),
      database: database ? "Postgres" : "PGlite",
      batchSize,
      publishShare: busyMs / elapsed,
    };
  } finally {
    await bus.close();
    await deleteTopology(url, bus.topology());
    await handle.close();
    await database?.drop();
  }
}
