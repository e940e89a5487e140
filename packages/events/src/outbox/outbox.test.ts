import { beforeEach, expect, it } from "bun:test";
import { InvalidEventError } from "@payments/contracts";
import { asc, sql } from "drizzle-orm";
import { Registry } from "prom-client";
import { sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { enqueueEvents, type OutboxRelayOptions, startOutboxRelay } from "./outbox.ts";
import { outbox } from "./tables.ts";
import {
  describeOnFixtureDatabases,
  type FixtureHandle,
  type FixtureSchema,
  openFixtureDatabase,
  quietLogger,
  RecordingPublisher,
} from "./test-support.ts";

function relayOptions(
  handle: FixtureHandle,
  bus: RecordingPublisher,
  extra: Partial<OutboxRelayOptions<FixtureSchema>> = {},
): OutboxRelayOptions<FixtureSchema> {
  // A long poll interval: the tests drive passes with flush() and wake().
  return {
    db: handle.db,
    bus,
    logger: quietLogger,
    registry: new Registry(),
    service: "test",
    pollIntervalMs: 60_000,
    ...extra,
  };
}

async function rows(handle: FixtureHandle) {
  return handle.db.select().from(outbox).orderBy(asc(outbox.seq));
}

/** The outbox behaviour every database adapter must show. */
function outboxSuite(getHandle: () => FixtureHandle): void {
  beforeEach(async () => {
    await getHandle().db.delete(outbox);
  });

  it("publishes nothing for an event enqueued in a transaction that rolled back", async () => {
    const handle = getHandle();
    const failing = handle.db.transaction(async (tx) => {
      await enqueueEvents(tx, [sampleEvent("payment.created")]);
      throw new Error("state change failed");
    });
    await expect(failing).rejects.toThrow("state change failed");
    const bus = new RecordingPublisher();
    const relay = startOutboxRelay(relayOptions(handle, bus));
    expect(await relay.flush()).toBe(0);
    await relay.stop();
    expect(bus.published).toEqual([]);
    expect(await rows(handle)).toEqual([]);
  });

  it("publishes in commit order and marks rows only once confirmed", async () => {
    const handle = getHandle();
    const events = [
      sampleEvent("payment.created"),
      sampleEvent("payment.processing"),
      sampleEvent("payment.succeeded"),
    ];
    await handle.db.transaction((tx) => enqueueEvents(tx, events.slice(0, 2)));
    await handle.db.transaction((tx) => enqueueEvents(tx, events.slice(2)));
    expect((await rows(handle)).every((r) => r.publishedAt === null)).toBe(true);
    const bus = new RecordingPublisher();
    const relay = startOutboxRelay(relayOptions(handle, bus, { batchSize: 2 }));
    expect(await relay.flush()).toBe(3);
    await relay.stop();
    expect(bus.ids()).toEqual(events.map((e) => e.id));
    expect(bus.published).toEqual(events);
    const stored = await rows(handle);
    expect(stored.map((r) => r.eventId)).toEqual(events.map((e) => e.id));
    expect(stored.every((r) => r.publishedAt instanceof Date && r.attempts === 0)).toBe(true);
  });

  it("keeps a row whose publish failed, retries it after a backoff, and lets nothing newer overtake it", async () => {
    const handle = getHandle();
    const first = sampleEvent("payment.created");
    const second = sampleEvent("payment.succeeded");
    await handle.db.transaction((tx) => enqueueEvents(tx, [first]));
    let down = true;
    const bus = new RecordingPublisher(() => down);
    const relay = startOutboxRelay(relayOptions(handle, bus, { retryBaseMs: 300, retryMaxMs: 300 }));
    expect(await relay.flush()).toBe(0);
    const [failed] = await rows(handle);
    expect(failed?.publishedAt).toBeNull();
    expect(failed?.attempts).toBe(1);
    expect(failed?.lastError).toContain("broker unavailable");
    expect(failed?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());

    down = false;
    await handle.db.transaction((tx) => enqueueEvents(tx, [second]));
    // The broker is back, but the older row's backoff is not due: the newer event must wait behind it.
    expect(await relay.flush()).toBe(0);
    expect(bus.published).toEqual([]);

    await waitFor(
      async () => {
        await relay.flush();
        return bus.published.length === 2;
      },
      { intervalMs: 50, description: "both events after the backoff" },
    );
    await relay.stop();
    expect(bus.ids()).toEqual([first.id, second.id]);
    const stored = await rows(handle);
    expect(stored.map((r) => [r.attempts, r.publishedAt instanceof Date])).toEqual([
      [1, true],
      [0, true],
    ]);
  });

  it("publishes what a crashed process committed but never relayed, when a new relay starts", async () => {
    const handle = getHandle();
    // The "crashed" process: state change and outbox rows committed, no relay ever ran.
    const events = Array.from({ length: 25 }, () => sampleEvent("user.updated"));
    for (const event of events) await handle.db.transaction((tx) => enqueueEvents(tx, [event]));
    const bus = new RecordingPublisher();
    const relay = startOutboxRelay(relayOptions(handle, bus, { batchSize: 10 }));
    expect(await relay.flush()).toBe(25);
    await relay.stop();
    expect(bus.ids()).toEqual(events.map((e) => e.id));
  });

  it("refuses an invalid event at enqueue, failing the producer's transaction", async () => {
    const handle = getHandle();
    const event = sampleEvent("payment.created");
    const broken = { ...event, data: { ...event.data, currency: "USD" } };
    const attempt = handle.db.transaction(async (tx) => {
      // @ts-expect-error a producer bypassing createEvent
      await enqueueEvents(tx, [broken]);
    });
    await expect(attempt).rejects.toThrow(InvalidEventError);
    expect(await rows(handle)).toEqual([]);
  });

  it("wake() and the poll timer publish without flush()", async () => {
    const handle = getHandle();
    const bus = new RecordingPublisher();
    const relay = startOutboxRelay(relayOptions(handle, bus, { pollIntervalMs: 20 }));
    const polled = sampleEvent("profile.updated");
    await handle.db.transaction((tx) => enqueueEvents(tx, [polled]));
    await waitFor(() => bus.published.length === 1, { description: "the poll to publish" });
    const woken = sampleEvent("profile.updated");
    await handle.db.transaction((tx) => enqueueEvents(tx, [woken]));
    relay.wake();
    await waitFor(() => bus.published.length === 2, { description: "wake() to publish" });
    await relay.stop();
    expect(bus.ids()).toEqual([polled.id, woken.id]);
  });

  it("counts what it published on the registry", async () => {
    const handle = getHandle();
    const registry = new Registry();
    await handle.db.transaction((tx) =>
      enqueueEvents(tx, [sampleEvent("config.updated"), sampleEvent("config.updated")]),
    );
    const relay = startOutboxRelay(relayOptions(handle, new RecordingPublisher(), { registry }));
    await relay.flush();
    await relay.stop();
    expect(await registry.metrics()).toContain('outbox_published_total{service="test"} 2');
  });
}

describeOnFixtureDatabases("outbox", (run) => {
  outboxSuite(run.handle);

  // PGlite is one connection inside this process: there are no separate pools to race there, so the case
  // exists for Postgres only (not a skip: nothing is left untested on PGlite that could run on it).
  if (run.adapter === "postgres")
    it("two relays in separate pools over 500 rows publish each event exactly once, in order", async () => {
      const handle = run.handle();
      await handle.db.delete(outbox);
      const events = Array.from({ length: 500 }, () => sampleEvent("payment.created"));
      for (let i = 0; i < events.length; i += 50) {
        await handle.db.transaction((tx) => enqueueEvents(tx, events.slice(i, i + 50)));
      }
      const other = await openFixtureDatabase(run.url());
      const bus = new RecordingPublisher();
      const registryA = new Registry();
      const registryB = new Registry();
      const a = startOutboxRelay(
        relayOptions(handle, bus, { batchSize: 40, pollIntervalMs: 5, registry: registryA }),
      );
      const b = startOutboxRelay(
        relayOptions(other, bus, { batchSize: 40, pollIntervalMs: 5, registry: registryB }),
      );
      try {
        await waitFor(
          async () => {
            const [pending] =
              (await handle.db
                .select({ n: sql<number>`count(*)::int` })
                .from(outbox)
                .where(sql`published_at IS NULL`)) ?? [];
            return pending?.n === 0;
          },
          { intervalMs: 20, timeoutMs: 30_000, description: "all 500 rows published" },
        );
      } finally {
        await a.stop();
        await b.stop();
        await other.close();
      }
      expect(bus.published).toHaveLength(500);
      expect(new Set(bus.ids()).size).toBe(500);
      expect(bus.ids()).toEqual(events.map((e) => e.id));
      // What each relay says it published adds up to the total: no row counted by both.
      const count = async (registry: Registry) =>
        (await registry.getSingleMetricAsString("outbox_published_total")).match(
          /service="test"} (\d+)/,
        )?.[1] ?? "0";
      expect(Number(await count(registryA)) + Number(await count(registryB))).toBe(500);
    }, 60_000);
});
