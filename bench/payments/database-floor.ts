/**
 * The database floor of the payments benchmark: what Postgres alone sustains for the service's own SQL,
 * replayed by pgbench (C, no HTTP, no JavaScript) against a fresh payments database on the same server. Two
 * scenarios, each with as many connections as the service's pool:
 * - the create statement alone (`CREATE_PAYMENT`: read-model checks, idempotency key, payment, history,
 *   outbox — one commit);
 * - a payment's whole life as the design requires it (ARCHITECTURE §4: every transition its own guarded
 *   update + history + outbox statement): create, `pending → processing` (committed without waiting for the
 *   WAL flush, docs/adr/0027), `processing → succeeded`, plus the outbox relay marking its rows sent in batches.
 * The statements are the service's exported SQL texts with pgbench variables in place of `$n`, so the floor
 * follows any change to them. No service can create (and settle) payments faster than this floor; the
 * benchmark prints the service's figure as a ratio of it. With `rate`, both scenarios run once more at that
 * fixed rate (`pgbench -R`), for their p50/p99 from the scheduled start beside the service's at that rate.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresBinaries } from "@payments/testing";
import { CREATE_PAYMENT, FINISH, START_PROCESSING } from "../../services/payments/src/db/payment-writes.ts";
import { statementRunner } from "../../services/payments/src/db/statements.ts";
import { openTestDb } from "../../services/payments/test/support.ts";
import { pgbenchLogLatencies } from "./pgbench-log.ts";

/** One pgbench scenario's result. */
export interface FloorResult {
  scenario: string;
  connections: number;
  /** Scenarios completed per second (creates, or whole payments). */
  perSecond: number;
  /** pgbench's average latency of one scenario, ms. */
  latencyAvgMs: number;
  /** At a fixed rate: that rate, and p50/p99 from each scenario's scheduled start, ms. */
  offeredPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
}

/** pgbench on PATH or beside the newest installed PostgreSQL server binaries, or undefined. */
export function findPgbench(): string | undefined {
  const onPath = Bun.which("pgbench");
  if (onPath) return onPath;
  const bin = postgresBinaries();
  return bin && existsSync(join(bin, "pgbench")) ? join(bin, "pgbench") : undefined;
}

/**
 * `statement` with each `$n` replaced by `params[n - 1]` (parenthesised pgbench expressions). Throws when a
 * placeholder has no value, so a statement that gains a parameter cannot silently run with a wrong one.
 */
export function withPgbenchParams(statement: string, params: readonly string[]): string {
  const text = statement.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (value === undefined) throw new Error(`database floor: no value for $${n}`);
    return `(${value})`;
  });
  // pgbench reads one statement per ';'-terminated chunk; the service's texts have no trailing ';'.
  return `${text.trim()};\n`;
}

/** Times unique per payment, as the service's `now()` gives (equal ones would skew the time indexes). */
const at = (seconds: number) =>
  `timestamptz '2026-01-01 00:00:00+00' + :r * interval '1 microsecond' + interval '${seconds} seconds'`;
const T_CREATED = at(0);
const T_PROCESSING = at(1);
const T_SETTLED = at(2);
const id = (prefix: string) => `'${prefix}_' || :r`;

/** The create statement, parameters in `insertPayment`'s order. */
const create = withPgbenchParams(CREATE_PAYMENT, [
  "'usr_payer_' || :client_id",
  "'usr_vendor'",
  id("key"),
  "'0123456789abcdef0123456789abcdef'",
  id("lock"),
  ":response",
  T_CREATED,
  at(86_400),
  id("pay"),
  "'1999'",
  "'usd'",
  "NULL",
  "'{}'",
  id("att_c"),
  id("evt_c"),
  ":envelope",
  "'true'",
]);

/** `pending → processing`, parameters in `markProcessing`'s order. */
const start = withPgbenchParams(START_PROCESSING, [
  id("pay"),
  T_PROCESSING,
  "'payments'",
  id("evt_c"),
  id("att_p"),
  id("evt_p"),
  ":envelope",
]);

const ASYNC_CLAIM = "set_config('synchronous_commit', 'off', true)";
if (!start.includes(ASYNC_CLAIM))
  throw new Error("database floor: the claim no longer commits asynchronously");
/** The claim as it was before ADR 0027: a durable commit like the others (the floor that was raised). */
const durableStart = start.replace(ASYNC_CLAIM, "set_config('synchronous_commit', 'on', true)");

/** `processing → succeeded`, parameters in `markSettled`'s order. */
const finish = withPgbenchParams(FINISH, [
  id("pay"),
  T_SETTLED,
  "'succeeded'",
  "NULL",
  "NULL",
  id("att_a"),
  "'1'",
  "'succeeded'",
  "NULL",
  "'40'",
  T_SETTLED,
  id("att_s"),
  "'processor confirmed'",
  id("evt_s"),
  "'payment.succeeded'",
  ":envelope",
]);

/** Unique per transaction: the ids above are built from it. */
const NEW_ID = "\\set r random(1, 1000000000000000)\n";
/** The relay's pass over due rows, in one statement (it publishes between its select and update). */
const RELAY =
  "UPDATE outbox SET published_at = now() WHERE seq IN (SELECT seq FROM outbox WHERE published_at IS NULL " +
  "ORDER BY seq LIMIT 300 FOR UPDATE SKIP LOCKED);\n";
/** A payment's three transitions write three outbox rows: one relay pass of 300 per 100 payments. */
const RELAY_WEIGHT = { payment: 100, relay: 1 };

/** A realistic envelope and response body: jsonb parsing and row size are part of the cost. */
const ENVELOPE = JSON.stringify({
  id: "evt_01JEXAMPLE0000000000000000",
  type: "payment.created",
  version: 1,
  occurred_at: "2026-01-01T00:00:00.000Z",
  producer: "payments",
  subject: "pay_01JEXAMPLE0000000000000000",
  data: {
    id: "pay_01JEXAMPLE0000000000000000",
    payer_id: "usr_01JEXAMPLE0000000000000001",
    payee_id: "usr_01JEXAMPLE0000000000000002",
    amount: 1999,
    currency: "usd",
    status: "pending",
    amount_refunded: 0,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
  },
  traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
});
const RESPONSE = JSON.stringify({ id: "pay_01JEXAMPLE0000000000000000", object: "payment", amount: 1999 });

/** Parses pgbench's report; `script` picks one script's tps when several ran. */
export function parsePgbench(output: string, script?: number): { tps: number; latencyAvgMs: number } {
  const latency = /latency average = ([\d.]+) ms/.exec(output);
  const tps =
    script === undefined
      ? /^tps = ([\d.]+)/m.exec(output)
      : new RegExp(`SQL script ${script}:[^]*?% of total, tps = ([\\d.]+)\\)`).exec(output);
  if (!tps?.[1] || !latency?.[1]) throw new Error(`database floor: unreadable pgbench output:\n${output}`);
  return { tps: Number(tps[1]), latencyAvgMs: Number(latency[1]) };
}

async function pgbench(bin: string, url: string, args: string[]): Promise<string> {
  const proc = Bun.spawn(
    [bin, "-n", "-M", "prepared", "-D", `envelope=${ENVELOPE}`, "-D", `response=${RESPONSE}`, ...args, url],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`pgbench failed (${code}): ${err}`);
  return `${out}\n${err}`;
}

/** The scenarios' names in the rows. */
export const CREATE_FLOOR = "database floor: create statement (pgbench)";
export const WHOLE_FLOOR = "database floor: whole payment, 2 durable commits + relay (pgbench)";
export const DURABLE_CLAIM_FLOOR =
  "database floor: whole payment, 3 durable commits as before ADR 0027 (pgbench)";

/**
 * Runs the scenarios on a fresh payments database; `connections` = the service's pool size: creates, whole
 * payments, and whole payments with a durable claim (the three-commit floor before ADR 0027, for the
 * comparison in the same run). With `rate`, the first two again at that fixed rate (rows with p50/p99).
 */
export async function runDatabaseFloor(
  bin: string,
  opts: { connections: number; seconds: number; rate?: number },
): Promise<FloorResult[]> {
  const testDb = await openTestDb(2);
  const dir = await mkdtemp(join(tmpdir(), "payments-floor-"));
  try {
    if (!testDb.url) throw new Error("database floor: needs a Postgres server (POSTGRES_URL)");
    await statementRunner(testDb.db)(
      "INSERT INTO user_directory (id, email, name, role, active, source_at) " +
        "VALUES ('usr_vendor', 'vendor@example.com', 'Vendor', 'vendor', true, now())",
      [],
    );
    const files = {
      create: join(dir, "create.sql"),
      payment: join(dir, "payment.sql"),
      durable: join(dir, "durable.sql"),
      relay: join(dir, "relay.sql"),
    };
    await writeFile(files.create, NEW_ID + create);
    await writeFile(files.payment, NEW_ID + create + start + finish);
    await writeFile(files.durable, NEW_ID + create + durableStart + finish);
    await writeFile(files.relay, RELAY);
    const common = ["-c", String(opts.connections), "-j", "2", "-T", String(opts.seconds)];
    const creates = parsePgbench(await pgbench(bin, testDb.url, [...common, "-f", files.create]));
    const wholeScripts = [
      "-f",
      `${files.payment}@${RELAY_WEIGHT.payment}`,
      "-f",
      `${files.relay}@${RELAY_WEIGHT.relay}`,
    ];
    const whole = parsePgbench(await pgbench(bin, testDb.url, [...common, ...wholeScripts]), 1);
    const relay = ["-f", `${files.relay}@${RELAY_WEIGHT.relay}`];
    const durable = parsePgbench(
      await pgbench(bin, testDb.url, [...common, "-f", `${files.durable}@${RELAY_WEIGHT.payment}`, ...relay]),
      1,
    );
    const rows: FloorResult[] = [
      {
        scenario: CREATE_FLOOR,
        connections: opts.connections,
        perSecond: Math.round(creates.tps),
        latencyAvgMs: creates.latencyAvgMs,
      },
      {
        scenario: WHOLE_FLOOR,
        connections: opts.connections,
        perSecond: Math.round(whole.tps),
        latencyAvgMs: whole.latencyAvgMs,
      },
      {
        scenario: DURABLE_CLAIM_FLOOR,
        connections: opts.connections,
        perSecond: Math.round(durable.tps),
        latencyAvgMs: durable.latencyAvgMs,
      },
    ];
    const { rate } = opts;
    if (rate === undefined) return rows;
    for (const [scenario, scripts] of [
      [CREATE_FLOOR, ["-f", files.create]],
      [WHOLE_FLOOR, wholeScripts],
    ] as const) {
      const prefix = scenario === CREATE_FLOOR ? "create" : "whole";
      const logged = ["-R", String(rate), "-l", "--log-prefix", join(dir, prefix)];
      const output = await pgbench(bin, testDb.url, [...common, ...logged, ...scripts]);
      const result = parsePgbench(output, scenario === CREATE_FLOOR ? undefined : 1);
      const latency = await pgbenchLogLatencies(dir, prefix);
      rows.push({
        scenario: `${scenario}, ${rate.toLocaleString("en")}/s`,
        connections: opts.connections,
        perSecond: Math.round(result.tps),
        latencyAvgMs: result.latencyAvgMs,
        offeredPerSecond: rate,
        p50Ms: Number(latency.p50.toFixed(2)),
        p99Ms: Number(latency.p99.toFixed(2)),
      });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await testDb.close();
  }
}

if (import.meta.main) {
  const bin = findPgbench();
  if (!bin) throw new Error("pgbench is not installed (apt-get install postgresql-client)");
  const rate = Number(Bun.argv[2] ?? Number.NaN);
  console.table(
    await runDatabaseFloor(bin, {
      connections: 20,
      seconds: 10,
      rate: Number.isFinite(rate) ? rate : undefined,
    }),
  );
}
