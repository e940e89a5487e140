import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { bigint, pgSchema, serial, text } from "drizzle-orm/pg-core";
import { fixtureSchema, notes } from "../../test-fixtures/schema.ts";
import type { DatabaseHandle } from "./types.ts";

/** The fixture's committed drizzle-kit output (two migrations). */
export const FIXTURE_MIGRATIONS = new URL("../../test-fixtures/drizzle", import.meta.url).pathname;

/** drizzle's own bookkeeping table, declared here only so tests can read it. */
export const drizzleMigrations = pgSchema("drizzle").table("__drizzle_migrations", {
  id: serial("id").primaryKey(),
  hash: text("hash").notNull(),
  createdAt: bigint("created_at", { mode: "number" }),
});

/** A handle on the test fixture schema. */
export type FixtureHandle = DatabaseHandle<typeof fixtureSchema>;

export { captureLogger, type LogLine } from "@payments/testing";

async function countNotes(handle: FixtureHandle): Promise<number> {
  const rows = await handle.db.select({ n: sql<number>`count(*)::int` }).from(notes);
  return rows[0]?.n ?? -1;
}

/**
 * The suite every adapter must pass. `open` is called once per suite; `getHandle` reads the handle it
 * produced (tests are registered before it exists).
 */
export function runDatabaseSuite(getHandle: () => FixtureHandle, expectedKind: "postgres" | "pglite"): void {
  test("applies both fixture migrations in order", async () => {
    const handle = getHandle();
    expect(handle.kind).toBe(expectedKind);
    await handle.migrated;
    // The query builder, not db.execute: execute's result shape differs between the two drivers.
    const applied = await handle.db.select({ n: sql<number>`count(*)::int` }).from(drizzleMigrations);
    expect(applied).toEqual([{ n: 2 }]);
    // The second migration adds `tag`; inserting into it proves it ran after the first.
    const [row] = await handle.db.insert(notes).values({ body: "m", tag: "second" }).returning();
    expect(row?.tag).toBe("second");
    await handle.db.delete(notes);
  });

  test("inserts and selects typed rows", async () => {
    const { db } = getHandle();
    const inserted = await db
      .insert(notes)
      .values([{ body: "one" }, { body: "two", tag: "t" }])
      .returning();
    expect(inserted.map((n) => n.body)).toEqual(["one", "two"]);
    const rows = await db.select().from(notes).orderBy(notes.id);
    expect(rows.map((n) => [n.body, n.tag])).toEqual([
      ["one", null],
      ["two", "t"],
    ]);
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);
    await db.delete(notes);
  });

  test("a failing transaction rolls back, a successful one commits", async () => {
    const handle = getHandle();
    const before = await countNotes(handle);
    const failing = handle.db.transaction(async (tx) => {
      await tx.insert(notes).values({ body: "doomed" });
      throw new Error("abort");
    });
    await expect(failing).rejects.toThrow("abort");
    expect(await countNotes(handle)).toBe(before);

    await handle.db.transaction(async (tx) => {
      await tx.insert(notes).values({ body: "kept" });
    });
    expect(await countNotes(handle)).toBe(before + 1);
    await handle.db.delete(notes);
  });

  test("the probe is critical, named after the adapter, and up", async () => {
    const { probe } = getHandle();
    expect(probe.name).toBe(expectedKind);
    expect(probe.critical).toBe(true);
    expect(probe.timeoutMs).toBeGreaterThan(0);
    await expect(probe.run()).resolves.toBeUndefined();
  });

  test("after close the probe reports down and close is idempotent", async () => {
    const handle = getHandle();
    await handle.close();
    await expect(handle.probe.run()).rejects.toThrow();
    await handle.close();
  });
}

export { fixtureSchema };
