import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DashboardView } from "@payments/contracts/http";
import { sql } from "drizzle-orm";
import { bigint, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { random, type SeededPayment, seedPayments, shuffle } from "./seed.ts";
import { adapters, buildAdmin, makeEvent, openTestDb, type TestAdmin, type TestDb } from "./support.ts";

/** The seeded run's payments as the payments database would hold them: what the dashboard must agree with. */
const seeded = pgTable("seeded_payments", {
  id: text("id").primaryKey(),
  currency: text("currency").notNull(),
  amount: bigint("amount", { mode: "number" }).notNull(),
  status: text("status").notNull(),
  amountRefunded: bigint("amount_refunded", { mode: "number" }).notNull(),
  failureCode: text("failure_code"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
});

const SEED = 20_240_601;
let testDb: TestDb;
let t: TestAdmin;
let dashboard: DashboardView;
let payments: SeededPayment[];
const end = new Date();

type Row = Record<string, unknown>;
const rows = async (query: ReturnType<typeof sql>): Promise<Row[]> => {
  const result: unknown = await testDb.db.execute(query);
  // postgres.js returns the rows array, PGlite an object with `rows`.
  if (Array.isArray(result)) return result as Row[];
  return (result as { rows: Row[] }).rows;
};

beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildAdmin(testDb);
  const run = seedPayments(120, { seed: SEED, end, hours: 3 });
  payments = run.payments;
  await testDb.db.execute(sql`CREATE TABLE seeded_payments (
    id text PRIMARY KEY, currency text NOT NULL, amount bigint NOT NULL, status text NOT NULL,
    amount_refunded bigint NOT NULL, failure_code text, created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL)`);
  await testDb.db.insert(seeded).values(payments);
  // Out of order, and a fifth of the events delivered twice (at-least-once delivery).
  const rand = random(SEED);
  const deliveries = shuffle(rand, [...run.events, ...run.events.filter(() => rand() < 0.2)]);
  await t.deliver(...deliveries);
  await t.deliver(makeEvent("user.registered", { role: "vendor" }), makeEvent("session.revoked"));
  t.clock.set(end);
  const res = await t.request("/dashboard?minutes=240&days=2", { token: await t.token("admin") });
  expect(res.status).toBe(200);
  dashboard = (await res.json()) as DashboardView;
}, 120_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

describe(`dashboard after a seeded run (${adapters})`, () => {
  test("the seeded run reaches every status (so the comparison below means something)", () => {
    expect(new Set(payments.map((p) => p.status)).size).toBe(7);
  });

  test("payments by status and currency equal a SQL count over the seeded payments", async () => {
    const expected = await rows(sql`
      SELECT status, currency, count(*)::int AS count, sum(amount)::bigint AS amount,
             sum(amount_refunded)::bigint AS amount_refunded
      FROM seeded_payments GROUP BY status, currency ORDER BY status, currency`);
    const served: Row[] = dashboard.payments.by_status;
    expect(served).toEqual(
      expected.map((r) => ({
        status: String(r.status),
        currency: String(r.currency),
        count: Number(r.count),
        amount: Number(r.amount),
        amount_refunded: Number(r.amount_refunded),
      })),
    );
  });

  test("volume per currency equals SQL sums of captured and refunded amounts", async () => {
    const expected = await rows(sql`
      SELECT currency, sum(amount)::bigint AS captured, sum(amount_refunded)::bigint AS refunded
      FROM seeded_payments WHERE status IN ('succeeded', 'partially_refunded', 'refunded')
      GROUP BY currency ORDER BY currency`);
    expect(dashboard.payments.volume).toEqual(
      expected.map((r) => ({
        currency: String(r.currency),
        captured: Number(r.captured),
        refunded: Number(r.refunded),
        net: Number(r.captured) - Number(r.refunded),
      })),
    );
  });

  test("failures of the last 24 h equal a SQL count by code and currency", async () => {
    const expected = await rows(sql`
      SELECT failure_code AS code, currency, count(*)::int AS count, sum(amount)::bigint AS amount
      FROM seeded_payments WHERE status = 'failed' GROUP BY failure_code, currency ORDER BY failure_code, currency`);
    const paymentFailures = dashboard.last_24h.failures.filter((f) => f.kind === "payment");
    expect(paymentFailures).toEqual(
      expected.map((r) => ({
        kind: "payment",
        code: String(r.code),
        currency: String(r.currency),
        count: Number(r.count),
        amount: Number(r.amount),
      })),
    );
    const [refundFailures] = await rows(
      sql`SELECT count(*)::int AS n FROM audit_log WHERE type = 'refund.failed'`,
    );
    const served = dashboard.last_24h.failures
      .filter((f) => f.kind === "refund")
      .reduce((n, f) => n + f.count, 0);
    expect(served).toBe(Number(refundFailures?.n));
    expect(served).toBeGreaterThan(0);
  });

  test("per-minute and per-day series count each payment once, in its creation bucket, by its status now", async () => {
    for (const granularity of ["minute", "day"] as const) {
      const expected = await rows(sql`
        SELECT to_char(date_trunc(${granularity}, created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                 AS bucket,
               status, currency, count(*)::int AS count, sum(amount)::bigint AS amount
        FROM seeded_payments GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
      const served: unknown[][] = dashboard.series[granularity].flatMap((b) =>
        b.by_status.map((s) => [b.bucket_start, s.status, s.currency, s.count, s.amount]),
      );
      const want = expected.map((r) => [r.bucket, r.status, r.currency, Number(r.count), Number(r.amount)]);
      const sort = (a: unknown[], b: unknown[]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
      expect(served.sort(sort)).toEqual(want.sort(sort));
      const total = dashboard.series[granularity].reduce((n, b) => n + b.payments, 0);
      expect(total).toBe(payments.length);
    }
  });

  test("every bucket of the window is listed, empty ones too, oldest first, ending with the current one", () => {
    const minute = dashboard.series.minute;
    const day = dashboard.series.day;
    expect(minute).toHaveLength(240);
    expect(day).toHaveLength(2);
    const steps = (list: typeof minute) =>
      list.slice(1).map((b, i) => Date.parse(b.bucket_start) - Date.parse(list[i]?.bucket_start ?? ""));
    expect(new Set(steps(minute))).toEqual(new Set([60_000]));
    expect(steps(day)).toEqual([86_400_000]);
    expect(minute.at(-1)?.bucket_start).toBe(
      new Date(end.getTime() - (end.getTime() % 60_000)).toISOString(),
    );
    // 120 payments over 240 minutes: some minutes have none, and they are there with 0.
    const empty = minute.filter((b) => b.payments === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (const b of empty) expect(b.by_status).toEqual([]);
    for (const b of minute) expect(b.payments).toBe(b.by_status.reduce((n, s) => n + s.count, 0));
  });

  test("event counts: every audit row counted once, despite the duplicates delivered", async () => {
    const [audit] = await rows(sql`SELECT count(*)::int AS n FROM audit_log`);
    expect(dashboard.last_24h.events).toBe(Number(audit?.n));
    expect(dashboard.last_24h.registrations).toBe(1);
    expect(dashboard.last_24h.sessions_revoked).toBe(1);
    expect(dashboard.active_users.count).toBeGreaterThanOrEqual(1);
  });
});
