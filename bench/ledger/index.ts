/**
 * Ledger benchmark (issue 22; not a timed test): journal entries applied per second from the bus. The
 * payments service runs as its own process (as in production) on a fresh Postgres database and a RabbitMQ
 * vhost of its own (`bench-ledger`, so no other consumer of the `ledger` queue competes); the bench publishes
 * `payment.succeeded` events to the `events` exchange, as payments' outbox relay would, and reads the service's
 * `ledger_entries_total` at `/metrics` until every one is journaled. Public surfaces only: the bus and HTTP.
 *
 * The floor, in the same run on the same database (migrated by the service, triggers included): the same
 * transaction per event — inbox row, entry, accounts opened, postings, balance line, balances added: the six
 * statements the service sends, in its order — sent straight from Bun's SQL client by as many concurrent workers as the service has
 * connections. The ratio says what the bus,
 * validation and the consumer cost on top of the SQL. Run: `bun bench/ledger/index.ts` (POSTGRES_URL and
 * RABBITMQ_URL required; EVENTS=5000).
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { createEvent, newId } from "@payments/contracts";
import { createTestDatabase, realServer } from "@payments/testing";
import { SQL } from "bun";
import { privateVhost } from "../../infra/test/support/platform.ts";
import { createRabbitBus } from "../../packages/events/src/index.ts";
import { textTable } from "../lib/text-table.ts";

const EVENTS = Number(process.env.EVENTS ?? 5_000);
const VENDORS = 50;
const CUSTOMERS = 500;
const POOL = 20;
const root = join(import.meta.dir, "../..");

const postgresUrl = realServer("postgres");
const rabbitUrl = realServer("rabbitmq");
if (!postgresUrl || !rabbitUrl) throw new Error("bench/ledger needs POSTGRES_URL and RABBITMQ_URL");

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const vendors = Array.from({ length: VENDORS }, () => newId("usr"));
const customers = Array.from({ length: CUSTOMERS }, () => newId("usr"));

function events(n: number) {
  return Array.from({ length: n }, () => {
    const id = newId("pay");
    const at = new Date().toISOString();
    return createEvent({
      type: "payment.succeeded",
      producer: "payments",
      subject: id,
      data: {
        id,
        payer_id: pick(customers),
        payee_id: pick(vendors),
        amount: 100 + Math.floor(Math.random() * 100_000),
        currency: "usd",
        status: "succeeded",
        amount_refunded: 0,
        created_at: at,
        updated_at: at,
      },
    });
  });
}

async function journaled(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("ledger_entries_total{") && l.includes('source="payment"'));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

/** Events published → all journaled, read from the service's own metrics. */
async function fromTheBus(busUrl: string, metricsUrl: string): Promise<number> {
  const quiet = { info() {}, warn() {}, error() {}, debug() {} };
  const bus = createRabbitBus({ url: busUrl, logger: quiet, service: "bench" });
  const batch = events(EVENTS);
  const before = await journaled(metricsUrl);
  const started = performance.now();
  await Promise.all(batch.map((e) => bus.publish(e)));
  for (;;) {
    if ((await journaled(metricsUrl)) - before >= EVENTS) break;
    // Not more often: rendering /metrics costs the service CPU the consumer would otherwise have.
    await Bun.sleep(250);
  }
  const seconds = (performance.now() - started) / 1000;
  await bus.close();
  return EVENTS / seconds;
}

/** The same transaction per event, straight from Bun's SQL client (what the database alone allows). */
async function floor(databaseUrl: string): Promise<number> {
  const sql = new SQL(databaseUrl, { max: POOL });
  const batch = events(EVENTS);
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < batch.length; i = next++) {
      const e = batch[i];
      if (e?.type !== "payment.succeeded") continue;
      const p = e.data;
      const fee = Math.round(p.amount * 0.029) + 30;
      const entry = newId("le");
      // In account id order, as the service writes them (customer:…, platform:…, vendor:…).
      const spent = `customer:${p.payer_id}:spent:usd`;
      const pending = `vendor:${p.payee_id}:pending:usd`;
      await sql.begin(async (tx) => {
        await tx`INSERT INTO inbox (consumer, event_id, type) VALUES ('floor', ${e.id}, ${e.type}) ON CONFLICT DO NOTHING`;
        await tx`INSERT INTO ledger.entries (id, source_key, source_type, source_id, currency) VALUES (${entry}, ${`floor:${e.id}`}, 'payment', ${p.id}, 'usd') ON CONFLICT (source_key) DO NOTHING RETURNING id`;
        await tx`INSERT INTO ledger.accounts (id, owner_type, owner_id, kind, currency, balance) VALUES (${spent}, 'customer', ${p.payer_id}, 'spent', 'usd', 0), ('platform:fee_revenue:usd', 'platform', NULL, 'fee_revenue', 'usd', 0), (${pending}, 'vendor', ${p.payee_id}, 'pending', 'usd', 0) ON CONFLICT (id) DO NOTHING`;
        await tx`INSERT INTO ledger.postings (entry_id, account_id, currency, amount) VALUES (${entry}, ${spent}, 'usd', ${-p.amount}), (${entry}, 'platform:fee_revenue:usd', 'usd', ${fee}), (${entry}, ${pending}, 'usd', ${p.amount - fee})`;
        await tx`INSERT INTO ledger.balance_transactions (id, vendor_id, type, source_id, currency, gross, fee, net, status, available_on, entry_id) VALUES (${newId("txn")}, ${p.payee_id}, 'payment', ${`floor-${p.id}`}, 'usd', ${p.amount}, ${fee}, ${p.amount - fee}, 'pending', now(), ${entry})`;
        await tx`INSERT INTO ledger.accounts (id, owner_type, owner_id, kind, currency, balance) VALUES (${spent}, 'customer', ${p.payer_id}, 'spent', 'usd', ${-p.amount}), ('platform:fee_revenue:usd', 'platform', NULL, 'fee_revenue', 'usd', ${fee}), (${pending}, 'vendor', ${p.payee_id}, 'pending', 'usd', ${p.amount - fee}) ON CONFLICT (id) DO UPDATE SET balance = ledger.accounts.balance + excluded.balance`;
      });
    }
  };
  await Promise.all(Array.from({ length: POOL }, worker));
  const seconds = (performance.now() - started) / 1000;
  await sql.close();
  return EVENTS / seconds;
}

const db = await createTestDatabase(postgresUrl, "bench_ledger");
// A vhost of the bench's own: the platform's queues on `/` may have other consumers.
const vhost = await privateVhost(rabbitUrl);
const busUrl = vhost.url;
const port = 3900 + Math.floor(Math.random() * 90);
const service = Bun.spawn(["bun", join(root, "services/payments/src/server.ts")], {
  env: {
    ...process.env,
    PAYMENTS_PORT: String(port),
    PAYMENTS_DATABASE_URL: db.url,
    PAYMENTS_DB_POOL_SIZE: String(POOL),
    RABBITMQ_URL: busUrl,
    LOG_LEVEL: "warn",
    // Nothing else moves while the bench runs: no releases, payouts or reconciliation in the way.
    PAYMENTS_LEDGER_TICK_MS: "3600000",
    PAYMENTS_LEDGER_RECONCILE_MS: "86400000",
  },
  stdout: "ignore",
  stderr: "inherit",
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${base}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 600) throw new Error("the payments service did not become ready in 60 s");
    await Bun.sleep(100);
  }
  // Warm-up (connections, JIT, the first accounts), then alternate bus and floor: noise only slows a run.
  await fromTheBus(busUrl, `${base}/metrics`);
  const rounds: Array<{ bus: number; floor: number }> = [];
  for (let r = 0; r < 2; r++)
    rounds.push({ bus: await fromTheBus(busUrl, `${base}/metrics`), floor: await floor(db.url) });
  const best = (k: "bus" | "floor") => Math.max(...rounds.map((x) => x[k]));
  console.log(
    textTable(
      ["figure", "entries/s", "floor (same SQL, Bun SQL client)", "ratio"],
      [
        [
          `payment.succeeded → journal entry (${EVENTS} events, ${VENDORS} vendors)`,
          best("bus").toFixed(0),
          best("floor").toFixed(0),
          (best("bus") / best("floor")).toFixed(2),
        ],
      ],
    ),
  );
  console.log(
    `best of ${rounds.length} alternating rounds after a warm-up; every payment entry also adds to the one platform fee account (a hot row); Bun ${Bun.version}, 2 shared cores, load average ${loadavg()[0]?.toFixed(2)} at the end`,
  );
  console.log(
    `rounds (entries/s): ${rounds.map((r) => `bus ${r.bus.toFixed(1)} / floor ${r.floor.toFixed(1)}`).join("; ")}`,
  );
} finally {
  service.kill();
  await service.exited;
  await db.drop();
  await vhost.drop().catch(() => {});
}
