/**
 * End to end through every service, started in this process from their `service` definitions on one shared
 * in-process bus (as `bun run start` does), behind the gateway: register → profile exists; pay → audit rows
 * for every event in order with the request's trace id; a seeded run → the dashboard equals a SQL count
 * over the payments database.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DashboardView } from "@payments/contracts/http";
import { openDatabase } from "@payments/db";
import { createSharedInfra, type RunningService, type ServiceDefinition } from "@payments/platform";
import { createLogger, createShutdown, type Shutdown } from "@payments/service-kit";
import { createTestDatabase, freePort, mailedToken, type TestDatabase } from "@payments/testing";
import { sql } from "drizzle-orm";
import { postgresUrl, redisUrl, traceparent } from "./support.ts";

const root = new URL("../../../", import.meta.url).pathname;
const SERVICES = ["auth", "payments", "admin", "profile", "gateway"] as const;
const DATABASES = ["auth", "payments", "admin", "profile"] as const;
const ADMIN = { email: "e2e-admin@example.test", password: "a long e2e admin passphrase 42" };
const PASSWORD = "correct horse battery staple 42";

async function eventually<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

const tmp = mkdtempSync(join(tmpdir(), "e2e-platform-"));
const fresh = new Map<string, TestDatabase>();
/** Where each service's database is: a Postgres URL, or a PGlite directory that survives the services. */
const where = (name: (typeof DATABASES)[number]) => ({
  url: fresh.get(name)?.url,
  dataDir: join(tmp, name),
});
let shutdown: Shutdown;
let gateway = "";

type Json = Record<string, unknown>;
async function call(
  path: string,
  init: { method?: string; token?: string; json?: unknown; headers?: Json } = {},
) {
  const headers = new Headers(init.headers as Record<string, string> | undefined);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.json !== undefined) headers.set("content-type", "application/json");
  const res = await fetch(`${gateway}${path}`, {
    method: init.method ?? (init.json === undefined ? "GET" : "POST"),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json };
}

beforeAll(async () => {
  const env: Record<string, string> = {
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    MAILBOX_DIR: join(tmp, "mailbox"),
    // Registrations from 127.0.0.1 count in the shared Redis across runs (benches, other suites): this
    // suite does not test that limit, which auth's own tests cover.
    AUTH_REGISTRATIONS_PER_IP_HOUR: "100000",
  };
  for (const name of DATABASES) {
    if (postgresUrl) fresh.set(name, await createTestDatabase(postgresUrl, `e2e_${name}`));
    const key = name.toUpperCase();
    const db = where(name);
    if (db.url) env[`${key}_DATABASE_URL`] = db.url;
    else env[`${key}_DATA_DIR`] = db.dataDir;
  }
  for (const name of SERVICES) env[`${name.toUpperCase()}_PORT`] = String(await freePort());
  Object.assign(env, {
    PAYMENTS_SIMULATOR_LATENCY_MS: "5",
    PAYMENTS_SIMULATOR_HANG_MS: "300",
    PAYMENTS_PROCESSOR_TIMEOUT_MS: "100",
    GATEWAY_FRONTENDS_DIR: join(tmp, "no-frontends"),
  });
  // The first admin, created as operators do (`bun run seed`), before auth opens its database.
  const seed = Bun.spawn(["bun", "services/auth/src/seed.ts"], {
    cwd: root,
    env: { ...process.env, ...env, SEED_ADMIN_EMAIL: ADMIN.email, SEED_ADMIN_PASSWORD: ADMIN.password },
    stdout: "ignore",
    stderr: "pipe",
  });
  if ((await seed.exited) !== 0) throw new Error(`seed failed: ${await new Response(seed.stderr).text()}`);

  // Each service reads its settings from `env` (what `bun run start` takes from the environment).
  const logger = createLogger({ service: "e2e", level: "silent" });
  shutdown = createShutdown(logger, { exit: () => {} });
  const infra = await createSharedInfra({ REDIS_URL: redisUrl }, logger, shutdown);
  const running = new Map<string, RunningService>();
  for (const name of SERVICES) {
    const mod: { service?: ServiceDefinition } = await import(`${root}services/${name}/src/server.ts`);
    if (!mod.service) throw new Error(`${name} exports no service`);
    running.set(name, await mod.service.start(infra, running, env));
  }
  gateway = running.get("gateway")?.url ?? "";
}, 240_000);

afterAll(async () => {
  await shutdown?.run("e2e done");
  for (const db of fresh.values()) await db.drop();
  rmSync(tmp, { recursive: true, force: true });
}, 60_000);

type User = { id: string };
/** Registers through the gateway and confirms the address from the mail, as the person would. */
async function register(role: "customer" | "vendor", name: string, trace?: string) {
  const email = `${role}.${crypto.randomUUID().slice(0, 8)}@example.test`;
  const res = await call("/api/auth/register", {
    json: {
      email,
      password: PASSWORD,
      name,
      role,
    },
    headers: trace ? { traceparent: trace } : {},
  });
  expect(res.status).toBe(201);
  const token = await mailedToken(join(tmp, "mailbox"), email);
  expect((await call("/api/auth/email/verify", { json: { token } })).status).toBeLessThan(300);
  return { user: res.body.user as User, token: String(res.body.access_token) };
}

type AuditEntry = { type: string; subject: string; trace_id: string | null; event_id: string };
const traceIdOf = (tp: string) => tp.split("-")[1] ?? null;

describe(`platform end to end (${postgresUrl ? "postgres" : "pglite"}, in-process bus)`, () => {
  e2eSuite();
});

function e2eSuite() {
  let admin = "";
  let customer: { user: User; token: string };
  let vendor: { user: User; token: string };
  const registerTrace = traceparent();

  test("register → the profile exists; the registration is audited with the request's trace id", async () => {
    const login = await call("/api/auth/login", { json: ADMIN });
    expect(login.status).toBe(200);
    admin = String(login.body.access_token);
    customer = await register("customer", "Ada Customer", registerTrace);
    vendor = await register("vendor", "Vic Vendor");
    const profile = await eventually("the profile", async () => {
      const res = await call("/api/profile/me", { token: customer.token });
      return res.body.registered === true ? res.body : undefined;
    });
    expect(profile).toMatchObject({ user_id: customer.user.id, display_name: "Ada Customer" });
    const entries = await eventually("the registration's audit row", async () => {
      const res = await call(`/api/admin/audit-logs?subject=${customer.user.id}&type=user.registered`, {
        token: admin,
      });
      const data = res.body.data as AuditEntry[];
      return data.length > 0 ? data : undefined;
    });
    expect(entries[0]?.trace_id).toBe(traceIdOf(registerTrace));
  }, 60_000);

  let paymentTrace = "";
  let paymentEntries: AuditEntry[] = [];
  test("pay → audit rows for every event of the payment, in the order they happened", async () => {
    paymentTrace = traceparent();
    const res = await call("/api/payments", {
      token: customer.token,
      json: { payee_id: vendor.user.id, amount: 1999, currency: "usd" },
      headers: { traceparent: paymentTrace, "idempotency-key": crypto.randomUUID() },
    });
    expect(res.status).toBe(201);
    const id = String(res.body.id);
    paymentEntries = await eventually("the payment's audit rows", async () => {
      const list = await call(`/api/admin/audit-logs?subject=${id}`, { token: admin });
      const data = list.body.data as AuditEntry[];
      return data.length >= 3 ? data : undefined;
    });
    expect(paymentEntries.map((e) => e.type).reverse()).toEqual([
      "payment.created",
      "payment.processing",
      "payment.succeeded",
    ]);
    expect(paymentEntries.at(-1)?.trace_id).toBe(traceIdOf(paymentTrace));
  }, 60_000);

  // The worker's payment.processing / payment.succeeded are published from a handler that continues the
  // payment.created event's trace (both buses restore it), so all three rows share the request's trace id.
  test("…and every one of those rows carries the paying request's trace id", () => {
    expect(paymentEntries).toHaveLength(3);
    expect(paymentEntries.map((e) => e.trace_id)).toEqual(paymentEntries.map(() => traceIdOf(paymentTrace)));
  });

  test("after a seeded run the dashboard equals a SQL count over the payments database", async () => {
    const amounts = [1000, 2002, 3005, 4100, 5202, 600, 7000, 8002, 9100, 1234, 4321, 5500, 6602, 7700, 8800];
    const ids: string[] = [];
    for (const [i, amount] of amounts.entries()) {
      const res = await call("/api/payments", {
        token: customer.token,
        json: { payee_id: vendor.user.id, amount, currency: i % 3 === 0 ? "eur" : "usd" },
        headers: { "idempotency-key": crypto.randomUUID() },
      });
      expect(res.status).toBe(201);
      ids.push(String(res.body.id));
      // Some are canceled at once; one that the worker already took answers 409 and settles instead.
      if (i % 4 === 1) await call(`/api/payments/${res.body.id}/cancel`, { token: customer.token, json: {} });
    }
    const settled = await eventually("every payment to settle", async () => {
      const res = await call("/api/payments?limit=100", { token: customer.token });
      const data = res.body.data as Array<{ id: string; status: string; amount: number }>;
      return data.some((p) => p.status === "pending" || p.status === "processing") ? undefined : data;
    });
    for (const p of settled.filter((x) => x.status === "succeeded").slice(0, 4)) {
      await call(`/api/payments/${p.id}/refunds`, {
        token: vendor.token,
        json: { amount: p.amount % 2 === 0 ? Math.floor(p.amount / 2) : p.amount },
        headers: { "idempotency-key": crypto.randomUUID() },
      });
    }
    const final = (await call("/api/payments?limit=100", { token: customer.token })).body.data as Array<{
      status: string;
      currency: string;
      amount: number;
      amount_refunded: number;
    }>;
    // What the payments API says now, grouped as the dashboard groups it. The dashboard is eventually
    // consistent (events arrive in any order and concurrently), so wait until it shows exactly this; if it
    // never does, the deadline fails the test.
    const groups = new Map<
      string,
      { status: string; currency: string; count: number; amount: number; amount_refunded: number }
    >();
    for (const p of final) {
      const key = `${p.status}|${p.currency}`;
      const g = groups.get(key) ?? {
        status: p.status,
        currency: p.currency,
        count: 0,
        amount: 0,
        amount_refunded: 0,
      };
      g.count += 1;
      g.amount += p.amount;
      g.amount_refunded += p.amount_refunded;
      groups.set(key, g);
    }
    const expected = JSON.stringify([...groups.keys()].sort().map((k) => groups.get(k)));
    const dashboard = await eventually("the dashboard to catch up with the payments API", async () => {
      const res = await call("/api/admin/dashboard", { token: admin });
      const view = res.body as unknown as DashboardView;
      return JSON.stringify(view.payments.by_status) === expected ? view : undefined;
    });
    // Each payment once in the per-day series (not once per state change), all of them today.
    expect(dashboard.series.day.reduce((n, b) => n + b.payments, 0)).toBe(final.length);
    expect(dashboard.series.day.at(-1)?.payments).toBe(final.length);
    await shutdown.run("e2e: count over the payments database");
    const db = where("payments");
    const handle = await openDatabase({
      service: "payments",
      url: db.url,
      dataDir: db.dataDir,
      migrationsFolder: `${root}services/payments/drizzle`,
      schema: {},
      logger: createLogger({ service: "e2e", level: "silent" }),
    });
    try {
      const result: unknown = await handle.db.execute(sql`
        SELECT status, currency, count(*)::int AS count, sum(amount)::bigint AS amount,
               sum(amount_refunded)::bigint AS amount_refunded
        FROM payments GROUP BY status, currency ORDER BY status, currency`);
      const rows = (Array.isArray(result) ? result : (result as { rows: Json[] }).rows) as Json[];
      expect(rows.length).toBeGreaterThan(2);
      const served: unknown[] = dashboard.payments.by_status;
      expect(served).toEqual(
        rows.map((r) => ({
          status: r.status,
          currency: r.currency,
          count: Number(r.count),
          amount: Number(r.amount),
          amount_refunded: Number(r.amount_refunded),
        })),
      );
    } finally {
      await handle.close();
    }
  }, 120_000);
}
