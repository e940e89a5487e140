import { afterEach, describe, expect, test } from "bun:test";
import { PGlite } from "@electric-sql/pglite";
import { startEmbeddedAutovacuum } from "./autovacuum.ts";
import { captureLogger } from "./test-support.ts";

interface TableStats {
  dead: number;
  vacuums: number;
}

const open: PGlite[] = [];
afterEach(async () => {
  for (const client of open.splice(0)) await client.close();
});

/** A PGlite with a table `t` of 1,000 rows, each rewritten `updates` times (dead rows left behind). */
async function churned(updates: number): Promise<PGlite> {
  const client = await PGlite.create("memory://");
  open.push(client);
  await client.exec(
    "CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, pad text NOT NULL); " +
      "INSERT INTO t SELECT g, 0, repeat('x', 200) FROM generate_series(1, 1000) g",
  );
  for (let i = 0; i < updates; i++) await client.exec("UPDATE t SET v = v + 1");
  return client;
}

const startOn = (client: PGlite, intervalMs: number) =>
  startEmbeddedAutovacuum(client, { service: "payments", logger: captureLogger().logger, intervalMs });

async function stats(client: PGlite): Promise<TableStats> {
  // Statistics reach pg_stat_* at most once a second unless a flush is forced.
  await client.query("SELECT pg_stat_force_next_flush()");
  const { rows } = await client.query<TableStats>(
    "SELECT n_dead_tup::int AS dead, (vacuum_count + autovacuum_count)::int AS vacuums " +
      "FROM pg_stat_user_tables WHERE relname = 't'",
  );
  const [row] = rows;
  if (!row) throw new Error("no statistics for table t");
  return row;
}

describe("embedded autovacuum (PGlite)", () => {
  test("PGlite has no autovacuum of its own: the setting says on, no launcher runs, dead rows stay", async () => {
    const client = await churned(5);
    const setting = await client.query<{ autovacuum: string }>("SHOW autovacuum");
    expect(setting.rows[0]?.autovacuum).toBe("on");
    const launchers = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'",
    );
    expect(launchers.rows[0]?.n).toBe(0);
    const after = await stats(client);
    expect(after.dead).toBeGreaterThan(1_000);
    expect(after.vacuums).toBe(0);
  }, 30_000);

  test("a pass vacuums the tables past autovacuum's threshold, and only those", async () => {
    const client = await churned(5);
    await client.exec("CREATE TABLE quiet (id int PRIMARY KEY); INSERT INTO quiet VALUES (1)");
    const vacuum = startOn(client, 0);
    await client.query("SELECT pg_stat_force_next_flush()");
    expect(await vacuum.runOnce()).toEqual(["public.t"]);
    const after = await stats(client);
    expect(after.dead).toBe(0);
    expect(after.vacuums).toBe(1);
    // Nothing is due any more: a second pass does nothing.
    await client.query("SELECT pg_stat_force_next_flush()");
    expect(await vacuum.runOnce()).toEqual([]);
    await vacuum.stop();
  }, 30_000);

  test("the timer runs passes on its own, and stop() ends them", async () => {
    const client = await churned(5);
    await client.query("SELECT pg_stat_force_next_flush()");
    const vacuum = startOn(client, 50);
    const deadline = Date.now() + 10_000;
    while ((await stats(client)).vacuums === 0 && Date.now() < deadline) await Bun.sleep(50);
    expect((await stats(client)).dead).toBe(0);
    await vacuum.stop();
    const vacuums = (await stats(client)).vacuums;
    await client.exec("UPDATE t SET v = v + 1");
    await client.query("SELECT pg_stat_force_next_flush()");
    await Bun.sleep(300); // six intervals: a timer still running would have vacuumed by now
    const after = await stats(client);
    expect(after.dead).toBeGreaterThan(500);
    expect(after.vacuums).toBe(vacuums);
  }, 30_000);
});
