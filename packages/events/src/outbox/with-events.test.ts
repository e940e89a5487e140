import { expect, it } from "bun:test";
import { sampleEvent } from "../contract/harness.ts";
import { outbox } from "./tables.ts";
import { applied, describeOnFixtureDatabases, type FixtureHandle } from "./test-support.ts";
import { withEvents } from "./with-events.ts";

/** withEvents on one database: state and events commit together, and the relay is woken only after. */
function withEventsSuite(getHandle: () => FixtureHandle): void {
  const target = () => {
    const wakes: number[] = [];
    const db = getHandle().db;
    return { wakes, db, eventsCommitted: () => wakes.push(Date.now()) };
  };

  it("commits the state change and its events in one transaction, then wakes the relay once", async () => {
    const t = target();
    const event = sampleEvent("payment.created");
    const value = await withEvents(t, async (tx, emit) => {
      await tx.insert(applied).values({ eventId: event.id });
      emit(event);
      // Not yet committed: the relay must not be woken before the rows are visible.
      expect(t.wakes).toHaveLength(0);
      return "done";
    });
    expect(value).toBe("done");
    expect(t.wakes).toHaveLength(1);
    const rows = await t.db.select({ eventId: outbox.eventId }).from(outbox);
    expect(rows.map((r) => r.eventId)).toContain(event.id);
  });

  it("rolls back the state change and its events together, without waking the relay", async () => {
    const t = target();
    const event = sampleEvent("payment.created");
    const failing = withEvents(t, async (tx, emit) => {
      await tx.insert(applied).values({ eventId: event.id });
      emit(event);
      throw new Error("state change failed");
    });
    await expect(failing).rejects.toThrow("state change failed");
    expect(t.wakes).toHaveLength(0);
    const events = await t.db.select({ eventId: outbox.eventId }).from(outbox);
    const state = await t.db.select().from(applied);
    expect(events.map((r) => r.eventId)).not.toContain(event.id);
    expect(state.map((r) => r.eventId)).not.toContain(event.id);
  });

  it("does not wake the relay for a transaction that emitted nothing", async () => {
    const t = target();
    await withEvents(t, async (tx) => {
      await tx.insert(applied).values({ eventId: "no-event" });
    });
    expect(t.wakes).toHaveLength(0);
  });
}

describeOnFixtureDatabases("withEvents", (run) => withEventsSuite(run.handle));
