import { beforeEach, expect, it } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { sampleEvent } from "../contract/harness.ts";
import { inbox } from "../outbox/tables.ts";
import {
  applied,
  describeOnFixtureDatabases,
  type FixtureHandle,
  openFixtureDatabase,
} from "../outbox/test-support.ts";
import { applyOnce, pruneInbox } from "./inbox.ts";

async function appliedIds(handle: FixtureHandle): Promise<string[]> {
  return (await handle.db.select().from(applied)).map((r) => r.eventId);
}

function inboxSuite(getHandle: () => FixtureHandle): void {
  beforeEach(async () => {
    await getHandle().db.delete(inbox);
    await getHandle().db.delete(applied);
  });

  it("applies an event once; a redelivery is a no-op", async () => {
    const { db } = getHandle();
    const event = sampleEvent("user.registered");
    const apply = (tx: typeof db) =>
      tx
        .insert(applied)
        .values({ eventId: event.id })
        .then(() => {});
    expect(await applyOnce(db, "profile", event, apply)).toBe("applied");
    expect(await applyOnce(db, "profile", event, apply)).toBe("duplicate");
    expect(await appliedIds(getHandle())).toEqual([event.id]);
    const [row] = await db.select().from(inbox).where(eq(inbox.eventId, event.id));
    expect(row).toMatchObject({ consumer: "profile", eventId: event.id, type: "user.registered" });
  });

  it("records nothing when the handler throws, so the retry applies it", async () => {
    const { db } = getHandle();
    const event = sampleEvent("user.updated");
    const failing = applyOnce(db, "profile", event, async (tx) => {
      await tx.insert(applied).values({ eventId: event.id });
      throw new Error("downstream failed");
    });
    await expect(failing).rejects.toThrow("downstream failed");
    expect(await appliedIds(getHandle())).toEqual([]);
    expect(await db.select().from(inbox)).toEqual([]);
    const outcome = await applyOnce(db, "profile", event, async (tx) => {
      await tx.insert(applied).values({ eventId: event.id });
    });
    expect(outcome).toBe("applied");
    expect(await appliedIds(getHandle())).toEqual([event.id]);
  });

  it("keeps consumers apart: the same event applies once per consumer", async () => {
    const { db } = getHandle();
    const event = sampleEvent("user.deactivated");
    const apply = async (tx: typeof db) => {
      await tx.insert(applied).values({ eventId: event.id });
    };
    expect(await applyOnce(db, "payments", event, apply)).toBe("applied");
    expect(await applyOnce(db, "profile", event, apply)).toBe("applied");
    expect(await applyOnce(db, "payments", event, apply)).toBe("duplicate");
    expect(await appliedIds(getHandle())).toHaveLength(2);
  });

  it("prunes only rows older than the cutoff", async () => {
    const { db } = getHandle();
    const old = sampleEvent("payment.created");
    const recent = sampleEvent("payment.created");
    await applyOnce(db, "admin", old, async () => {});
    await applyOnce(db, "admin", recent, async () => {});
    await db
      .update(inbox)
      .set({ processedAt: sql`now() - interval '10 days'` })
      .where(eq(inbox.eventId, old.id));
    await pruneInbox(db, 7 * 24 * 3600_000);
    expect((await db.select().from(inbox)).map((r) => r.eventId)).toEqual([recent.id]);
  });
}

describeOnFixtureDatabases("inbox", (run) => {
  inboxSuite(run.handle);

  // PGlite is one connection inside this process: two pools cannot race there, so the case is Postgres's.
  if (run.adapter === "postgres")
    it("two concurrent deliveries of one event from separate pools: exactly one applies", async () => {
      const handle = run.handle();
      const other = await openFixtureDatabase(run.url());
      try {
        const event = sampleEvent("payment.succeeded");
        const entered = Promise.withResolvers<void>();
        // The first transaction holds its inbox row uncommitted while the second tries to claim it.
        const first = applyOnce(handle.db, "admin", event, async (tx) => {
          await tx.insert(applied).values({ eventId: event.id });
          entered.resolve();
          await Bun.sleep(100);
        });
        await entered.promise;
        const second = applyOnce(other.db, "admin", event, async (tx) => {
          await tx.insert(applied).values({ eventId: event.id });
        });
        expect((await Promise.all([first, second])).sort()).toEqual(["applied", "duplicate"]);
        expect(await appliedIds(handle)).toEqual([event.id]);
      } finally {
        await other.close();
      }
    });
});
