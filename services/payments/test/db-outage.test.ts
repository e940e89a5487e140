import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type DatabaseHandle, openDatabase } from "@payments/db";
import { createLogger } from "@payments/service-kit";
import { isCI, type PrivatePostgres, postgresBinaries, startPrivatePostgres } from "@payments/testing";
import { like } from "drizzle-orm";
import { MIGRATIONS_FOLDER } from "../src/db/migrations.ts";
import { type PaymentsSchema, payments, paymentsSchema } from "../src/db/schema.ts";
import { createHarness, type Harness, type TestUser } from "./support.ts";

// This suite stops and restarts Postgres, so it runs a private cluster on a random port, never the shared one.
const binaries = postgresBinaries();
if (!binaries && isCI) throw new Error("CI=true but the PostgreSQL server binaries are missing");

/** How long one request may take while the database is down: an answer, not a hang. */
const ANSWER_WITHIN_MS = 3_000;

/** One client's payment: a key it keeps retrying (same body) until the platform confirms it. */
interface Attempted {
  key: string;
  statuses: number[];
  /** The payment id the platform confirmed, if it did. */
  id?: string;
}

describe.if(Boolean(binaries))("Postgres restarted under load (private cluster)", () => {
  let pg: PrivatePostgres;
  let database: DatabaseHandle<PaymentsSchema>;
  let h: Harness;
  let customer: TestUser;
  let vendor: TestUser;

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    database = await openDatabase<PaymentsSchema>({
      service: "payments",
      url: pg.url,
      migrationsFolder: MIGRATIONS_FOLDER,
      schema: paymentsSchema,
      logger: createLogger({ service: "payments", level: "silent" }),
      poolSize: 10,
    });
    h = await createHarness({ db: database.db, probes: [database.probe], idempotencyWaitMs: 2_000 });
    customer = await h.user("customer");
    vendor = await h.user("vendor");
  }, 90_000);

  afterAll(async () => {
    await h?.close();
    await database?.close();
    await pg?.destroy();
  }, 30_000);

  const create = async (key: string) => {
    const started = performance.now();
    const res = await h.request("/", {
      token: customer.token,
      key,
      json: { payee_id: vendor.id, amount: 1999, currency: "usd", description: key },
    });
    const body = (await res.json()) as { id?: string; error?: { type: string; code: string } };
    return { status: res.status, body, ms: performance.now() - started };
  };
  const ready = async () => (await h.request("/health/ready")).status;

  test("creates answer 503 during the outage, recover after it, and never duplicate or lose a payment", async () => {
    const attempted: Attempted[] = [];
    const duringOutage: { status: number; ms: number; type?: string }[] = [];
    // "restarting": pg_ctl waits until the server accepts connections, which may already answer before it returns.
    let phase: "before" | "down" | "restarting" | "up" = "before";
    let stop = false;
    const confirmedAfterUp: number[] = [];
    let upAt = 0;

    // Clients that behave like the chaos suite's: a new key per payment, retrying failures with that key.
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const item: Attempted = { key: `outage-${n}-${i}-${crypto.randomUUID().slice(0, 8)}`, statuses: [] };
        attempted.push(item);
        const deadline = Date.now() + 30_000;
        while (item.id === undefined && Date.now() < deadline) {
          const seenIn = phase;
          const r = await create(item.key);
          item.statuses.push(r.status);
          if (seenIn === "down" && phase === "down") {
            duringOutage.push({ status: r.status, ms: r.ms, type: r.body.error?.type });
          }
          if (r.status === 201 || r.status === 200) {
            item.id = r.body.id;
            if (phase === "up") confirmedAfterUp.push(Date.now() - upAt);
          } else await Bun.sleep(50);
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));

    await Bun.sleep(700);
    expect(attempted.some((a) => a.id !== undefined)).toBe(true);
    expect(await ready()).toBe(200);

    await pg.down();
    phase = "down";
    await Bun.sleep(1_500);
    const readyStarted = performance.now();
    expect(await ready()).toBe(503);
    expect(performance.now() - readyStarted).toBeLessThan(ANSWER_WITHIN_MS);
    await Bun.sleep(1_000);

    phase = "restarting";
    await pg.up();
    upAt = Date.now();
    phase = "up";
    const recoveryDeadline = Date.now() + 10_000;
    while (confirmedAfterUp.length < 8 && Date.now() < recoveryDeadline) await Bun.sleep(50);
    stop = true;
    await Promise.all(clients);

    // While Postgres was down: quick 503 `unavailable`, never a 500 and never a hang.
    expect(duringOutage.length).toBeGreaterThan(5);
    for (const answer of duringOutage) {
      expect({ status: answer.status, type: answer.type }).toEqual({ status: 503, type: "unavailable" });
      expect(answer.ms).toBeLessThan(ANSWER_WITHIN_MS);
    }
    expect(attempted.flatMap((a) => a.statuses)).not.toContain(500);
    // After the restart creates succeed again within seconds, including retries of keys caught by the outage.
    expect(confirmedAfterUp.length).toBeGreaterThanOrEqual(8);
    expect(Math.min(...confirmedAfterUp)).toBeLessThan(5_000);
    expect(attempted.filter((a) => a.id === undefined).map((a) => a.key)).toEqual([]);
    expect(await ready()).toBe(200);

    // Exactly one payment per key, the one the client was told about: nothing duplicated, nothing lost.
    const rows = await database.db
      .select({ id: payments.id, description: payments.description })
      .from(payments)
      .where(like(payments.description, "outage-%"));
    const byKey = new Map<string, string[]>();
    for (const row of rows)
      byKey.set(row.description ?? "", [...(byKey.get(row.description ?? "") ?? []), row.id]);
    expect(rows.length).toBe(attempted.length);
    for (const item of attempted) expect(byKey.get(item.key)).toEqual([item.id ?? "missing"]);

    // Their events were committed with them: every payment settles once the worker drains the outbox.
    await h.drain();
    const statuses = await database.db
      .select({ status: payments.status })
      .from(payments)
      .where(like(payments.description, "outage-%"));
    expect(new Set(statuses.map((s) => s.status))).toEqual(new Set(["succeeded"]));
  }, 90_000);
});
