/**
 * The dashboard after `bun run seed:payments`: payments created over weeks (backdated `created_at`), whose
 * events all occur at once when the payments outbox drains at the next start. The series must spread them
 * over their own days and count each once; failures of "the last 24 h" are those that failed then. And
 * the 0002 migration rebuilds the counters an older version wrote (one per state change) the same way.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DashboardView } from "@payments/contracts/http";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER } from "../src/db/migrations.ts";
import { random, type SeededPayment, seedPayments, shuffle } from "./seed.ts";
import { adapters, buildAdmin, openTestDb, type TestAdmin, type TestDb } from "./support.ts";

const SEED = 20_261_206;
const DAY = 86_400_000;
const end = new Date();
let testDb: TestDb;
let t: TestAdmin;
let payments: SeededPayment[];
let dashboard: DashboardView;

type Row = Record<string, unknown>;
async function rows(query: ReturnType<typeof sql>): Promise<Row[]> {
  const result: unknown = await testDb.db.execute(query);
  // postgres.js returns the rows array, PGlite an object with `rows`.
  return Array.isArray(result) ? (result as Row[]) : (result as { rows: Row[] }).rows;
}

async function readDashboard(): Promise<DashboardView> {
  const res = await t.request("/dashboard?minutes=60&days=30", { token: await t.token("admin") });
  expect(res.status).toBe(200);
  return (await res.json()) as DashboardView;
}

/** `[bucket, status, currency, count, amount]` per day of the served series, sorted. */
function servedDays(view: DashboardView): unknown[][] {
  return view.series.day
    .flatMap((b) => b.by_status.map((s) => [b.bucket_start, s.status, s.currency, s.count, s.amount]))
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/** The same, computed from the seeded payments themselves. */
function expectedDays(): unknown[][] {
  const sums = new Map<string, unknown[]>();
  for (const p of payments) {
    const day = new Date(p.createdAt.getTime() - (p.createdAt.getTime() % DAY)).toISOString();
    const key = `${day}/${p.status}/${p.currency}`;
    const row = sums.get(key) ?? [day, p.status, p.currency, 0, 0];
    row[3] = Number(row[3]) + 1;
    row[4] = Number(row[4]) + p.amount;
    sums.set(key, row);
  }
  return [...sums.values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
  // 20 days of payments, every event published at `end`, out of order, some twice.
  const run = seedPayments(150, { seed: SEED, end, hours: 20 * 24, publishedAt: end });
  payments = run.payments;
  const rand = random(SEED);
  await t.deliver(...shuffle(rand, [...run.events, ...run.events.filter(() => rand() < 0.2)]));
  t.clock.set(end);
  dashboard = await readDashboard();
}, 120_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

describe(`dashboard after a backdated seed drained at once (${adapters})`, () => {
  test("the per-day series spreads the payments over the days they were created, each counted once", () => {
    expect(servedDays(dashboard)).toEqual(expectedDays());
    expect(dashboard.series.day.reduce((n, b) => n + b.payments, 0)).toBe(payments.length);
    expect(dashboard.series.day.filter((b) => b.payments > 0).length).toBeGreaterThanOrEqual(15);
    expect(dashboard.series.day).toHaveLength(30);
  });

  test("the per-minute series holds only the payments created in its hour", () => {
    const since = end.getTime() - (end.getTime() % 60_000) - 59 * 60_000;
    const recent = payments.filter((p) => p.createdAt.getTime() >= since).length;
    expect(dashboard.series.minute).toHaveLength(60);
    expect(dashboard.series.minute.reduce((n, b) => n + b.payments, 0)).toBe(recent);
  });

  test("failures of the last 24 h are the payments that failed in the last 24 h, not all seeded ones", () => {
    const failed = payments.filter((p) => p.status === "failed");
    const lastDay = failed.filter((p) => p.updatedAt.getTime() >= end.getTime() - DAY).length;
    const served = dashboard.last_24h.failures
      .filter((f) => f.kind === "payment")
      .reduce((n, f) => n + f.count, 0);
    expect(failed.length).toBeGreaterThan(lastDay);
    expect(served).toBe(lastDay);
  });
});

describe(`migration 0002 rebuilds the counters of an older version (${adapters})`, () => {
  test("state-change counters and unknown creation times become one payment per creation bucket", async () => {
    // What the previous version left: no creation time, and a `payments` counter per event, on one day.
    await testDb.db.execute(sql`UPDATE payment_states SET created_at = NULL`);
    await testDb.db.execute(sql`DELETE FROM dashboard_counters WHERE metric = 'payments'`);
    await testDb.db.execute(sql`
      INSERT INTO dashboard_counters (granularity, bucket_start, metric, currency, label, count, amount)
      VALUES ('day', date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'payments', 'usd',
              'succeeded', 450, 1000)`);
    const broken = await readDashboard();
    expect(broken.series.day.reduce((n, b) => n + b.payments, 0)).toBe(450);

    const file = readFileSync(join(MIGRATIONS_FOLDER, "0002_payments_by_creation.sql"), "utf8");
    // The column exists already (migrations ran); replay the hand-written backfill after it.
    const statements = file.split("--> statement-breakpoint").slice(1);
    expect(statements).toHaveLength(3);
    for (const statement of statements) await testDb.db.execute(sql.raw(statement));

    const [unknown] = await rows(sql`SELECT count(*)::int AS n FROM payment_states WHERE created_at IS NULL`);
    expect(Number(unknown?.n)).toBe(0);
    const rebuilt = await readDashboard();
    expect(servedDays(rebuilt)).toEqual(expectedDays());
  });
});
