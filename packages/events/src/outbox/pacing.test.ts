/**
 * The relay's start and pace on a backlog: nothing is published before the process is ready
 * (`startAfter`), and with a bus that counts what its consumers have not settled (the in-process bus) the
 * next batch waits until they caught up, so a full outbox drains at the consumers' pace.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "bun:test";
import type { EventEnvelope } from "@payments/contracts";
import { Registry } from "prom-client";
import { sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { type EventPublisher, enqueueEvents, startOutboxRelay } from "./outbox.ts";
import { outbox } from "./tables.ts";
import { type FixtureHandle, openFixtureDatabase, quietLogger, RecordingPublisher } from "./test-support.ts";

let handle: FixtureHandle;
beforeAll(async () => {
  handle = await openFixtureDatabase();
});
afterAll(() => handle.close());
beforeEach(async () => {
  await handle.db.delete(outbox);
});

async function backlog(count: number): Promise<EventEnvelope[]> {
  const events = Array.from({ length: count }, () => sampleEvent("payment.created"));
  await handle.db.transaction((tx) => enqueueEvents(tx, events));
  return events;
}

/** A bus whose consumers settle only when the test says so. */
class HeldPublisher implements EventPublisher {
  readonly published: EventEnvelope[] = [];
  held = 0;
  async publish(event: EventEnvelope): Promise<void> {
    this.published.push(event);
    this.held++;
  }
  pending(): number {
    return this.held;
  }
}

const base = { logger: quietLogger, service: "test", pollIntervalMs: 5 } as const;

describe("relay start and pace (pglite)", () => {
  it("publishes nothing until the process is ready, then everything waiting", async () => {
    const events = await backlog(3);
    const bus = new RecordingPublisher();
    let ready = () => {};
    const startAfter = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const relay = startOutboxRelay({ ...base, db: handle.db, bus, registry: new Registry(), startAfter });
    try {
      relay.wake();
      await Bun.sleep(100);
      expect(bus.published).toEqual([]);
      ready();
      await waitFor(() => bus.published.length === 3, { description: "the backlog after readiness" });
      expect(bus.ids()).toEqual(events.map((e) => e.id));
    } finally {
      await relay.stop();
    }
  });

  it("publishes the next batch only once the bus's consumers have settled the previous one", async () => {
    await backlog(30);
    const bus = new HeldPublisher();
    const relay = startOutboxRelay({
      ...base,
      db: handle.db,
      bus,
      registry: new Registry(),
      batchSize: 10,
      maxUnsettled: 5,
      unsettledPollMs: 5,
    });
    try {
      await waitFor(() => bus.published.length === 10, { description: "the first batch" });
      await Bun.sleep(100);
      expect(bus.published).toHaveLength(10);
      bus.held = 0;
      await waitFor(() => bus.published.length === 20, { description: "the second batch" });
      await Bun.sleep(100);
      expect(bus.published).toHaveLength(20);
      bus.held = 3;
      await waitFor(() => bus.published.length === 30, { description: "the last batch" });
    } finally {
      await relay.stop();
    }
  });

  it("stops while waiting for the consumers without publishing more", async () => {
    await backlog(20);
    const bus = new HeldPublisher();
    const relay = startOutboxRelay({
      ...base,
      db: handle.db,
      bus,
      registry: new Registry(),
      batchSize: 10,
      maxUnsettled: 0,
      unsettledPollMs: 5,
    });
    await waitFor(() => bus.published.length === 10, { description: "the first batch" });
    await relay.stop();
    bus.held = 0;
    await Bun.sleep(50);
    expect(bus.published).toHaveLength(10);
  });
});
