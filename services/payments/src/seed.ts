/**
 * `bun run seed:payments`: fills the payments database with demo payments for a realistic dashboard, through
 * the service's own use cases (so every payment has its transitions, attempts, refunds and outbox events).
 * Payers and payees come from the read model of auth's users when it has some; otherwise demo users are
 * generated into the read model only, and the output says so.
 */
import { createCache } from "@payments/cache";
import type { Id } from "@payments/contracts";
import { openDatabase } from "@payments/db";
import { loadInfraEnv } from "@payments/platform";
import { createLogger, Registry } from "@payments/service-kit";
import { createPayment } from "./actions/create-payment.ts";
import { cancelPayment } from "./actions/payments.ts";
import { refundPayment } from "./actions/refunds.ts";
import { loadSeedConfig } from "./config.ts";
import type { PaymentsCore } from "./core.ts";
import { activeUsersWithRole, addDemoUsers } from "./db/directory.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { findPayment } from "./db/queries.ts";
import { paymentsSchema } from "./db/schema.ts";
import type { ApiPayment } from "./domain/views.ts";
import { createPaymentMetrics } from "./metrics.ts";
import { createPolicyHolder } from "./policy.ts";
import { createSimulatedProcessor } from "./processor/simulator.ts";
import { chargePayment, type SettleDeps, startProcessing } from "./worker/settle.ts";

const DEMO_VENDORS = [
  "Northwind Books",
  "Blue Bottle Café",
  "Atlas Hardware",
  "Lumen Studio",
  "Fjord Outdoor",
  "Pixel Print Co.",
];
const DEMO_CUSTOMERS = 24;
const CURRENCIES: Array<[string, number]> = [
  ["usd", 0.6],
  ["eur", 0.25],
  ["gbp", 0.1],
  ["jpy", 0.05],
];

const config = loadSeedConfig();
const infra = loadInfraEnv();
const logger = createLogger({ service: "payments-seed", level: "error" });
const database = await openDatabase({
  service: "payments",
  url: config.PAYMENTS_DATABASE_URL,
  dataDir: config.PAYMENTS_DATA_DIR,
  migrationsFolder: MIGRATIONS_FOLDER,
  schema: paymentsSchema,
  logger,
});
const cache = createCache({
  redisUrl: infra.REDIS_URL,
  namespace: "payments",
  registry: new Registry(),
  logger,
});
let clock = new Date();
const core: PaymentsCore = {
  db: database.db,
  cache,
  logger,
  metrics: createPaymentMetrics(new Registry()),
  policy: createPolicyHolder({ currencies: config.PAYMENTS_CURRENCIES, logger }),
  now: () => clock,
  eventsCommitted: () => {},
};
const processor = createSimulatedProcessor({ latencyMs: 0, hangMs: 30 });
const settle: SettleDeps = { processor, processorTimeoutMs: 10, maxAttempts: 3, retryDelayMs: 1 };
const noKey = async () => {};
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

const usersWithRole = (role: "vendor" | "customer"): Promise<Id<"usr">[]> =>
  activeUsersWithRole(database.db, role);

/** A key of the seed's own for each payment (every create completes one; they expire like any other). */
function seedKey(userId: string) {
  return {
    userId,
    key: `seed-${crypto.randomUUID()}`,
    requestHash: "seed",
    lockToken: crypto.randomUUID(),
    createdAt: clock,
    expiresAt: new Date(clock.getTime() + 24 * 3600_000),
  };
}

/** A realistic amount whose last two digits pick the simulator's outcome. */
function amountFor(currency: string): number {
  const base =
    currency === "jpy" ? 500 + Math.floor(Math.random() * 30_000) : 500 + Math.floor(Math.random() * 40_000);
  const roll = Math.random();
  const ending = roll < 0.08 ? 2 : roll < 0.12 ? 5 : roll < 0.14 ? 9 : pick([0, 50, 99, 0, 0]);
  return Math.floor(base / 100) * 100 + ending;
}

function currency(): string {
  let r = Math.random();
  for (const [code, weight] of CURRENCIES) {
    r -= weight;
    if (r <= 0 && core.policy.current().currencies.includes(code)) return code;
  }
  return core.policy.current().currencies[0] ?? "usd";
}

let vendors = await usersWithRole("vendor");
let customers = await usersWithRole("customer");
if (vendors.length === 0 || customers.length === 0) {
  if (vendors.length === 0) await addDemoUsers(database.db, "vendor", DEMO_VENDORS);
  if (customers.length === 0) {
    await addDemoUsers(
      database.db,
      "customer",
      Array.from({ length: DEMO_CUSTOMERS }, (_, i) => `Demo Customer ${i + 1}`),
    );
  }
  console.log(
    "No auth users in the payments read model yet: generated demo users in the payments read model ONLY " +
      "(emails @demo.invalid). They are not auth accounts and cannot sign in; register real users (or run " +
      "`bun run seed` for auth) with the platform running, then seed again to attach payments to them.",
  );
  vendors = await usersWithRole("vendor");
  customers = await usersWithRole("customer");
} else {
  console.log(
    `Using ${vendors.length} vendors and ${customers.length} customers from the read model of auth's users.`,
  );
}

const total = config.SEED_PAYMENTS;
const spanMs = config.SEED_DAYS * 24 * 3600_000;
const counts: Record<string, number> = {};
let refunds = 0;
const started = Date.now();
console.log(`Creating ${total} payments over the last ${config.SEED_DAYS} days…`);
// Oldest first, so ids (which sort by creation) follow the backdated timestamps.
const times = Array.from({ length: total }, () => Date.now() - Math.random() * spanMs).sort((a, b) => a - b);
for (const [i, at] of times.entries()) {
  clock = new Date(at);
  const payer = pick(customers);
  const payee = pick(vendors);
  const code = currency();
  const created = await createPayment(
    core,
    { userId: payer, role: "customer" },
    {
      payee_id: payee,
      amount: amountFor(code),
      currency: code,
      description: "Demo order",
      metadata: { seed: "demo" },
    },
    seedKey(payer),
  );
  if (!created) throw new Error("seed: a fresh idempotency key was already taken");
  const body = JSON.parse(created.json) as ApiPayment;
  clock = new Date(at + 2_000);
  let status: string = body.status;
  if (Math.random() < 0.08) {
    status = (
      await cancelPayment(core, { userId: payer, role: "customer" }, body.id, "requested_by_customer")
    ).body.status;
  } else {
    const row = await findPayment(database.db, body.id);
    const processing = row ? await startProcessing(core, row) : undefined;
    const settled = processing?.moved
      ? await chargePayment(core, settle, processing.payment, processing.attempts)
      : undefined;
    status = settled?.status ?? status;
    if (settled?.status === "succeeded" && Math.random() < 0.15) {
      clock = new Date(at + 3 * 24 * 3600_000 * Math.random());
      const partial =
        Math.random() < 0.5 ? Math.floor(settled.amount / 3 / 100) * 100 || undefined : undefined;
      const refund = await refundPayment(
        core,
        { processor, processorTimeoutMs: 1_000 },
        { userId: payee, role: "vendor" },
        body.id,
        { amount: partial, reason: "Demo refund" },
        noKey,
      );
      if (refund.body.status === "succeeded") {
        refunds++;
        status = partial ? "partially_refunded" : "refunded";
      }
    }
  }
  counts[status] = (counts[status] ?? 0) + 1;
  if ((i + 1) % Math.max(1, Math.floor(total / 10)) === 0 || i + 1 === total) {
    console.log(`  ${i + 1}/${total} payments (${Math.round((Date.now() - started) / 1000)} s)`);
  }
}

console.log(`Created ${total} payments and ${refunds} refunds:`);
for (const [status, n] of Object.entries(counts).sort()) console.log(`  ${status.padEnd(20)} ${n}`);
console.log(
  "Their events wait in the payments outbox and are published when the payments service next runs " +
    "(the admin dashboard then sees them). Run again to add more; nothing is deleted.",
);
await cache.close();
await database.close();
