/**
 * Auth's user-lookup cache (issue 20, docs/adr/0035), not a timed test: the same workload through two auth
 * apps on one fresh Postgres database, one with the user cache (the real Redis of REDIS_URL) and one
 * without, side by side in one run. The workload is `GET /me` — the session check (always the database)
 * and one lookup of the user by id (the cached part) — by users drawn by a Zipf law (s = 1.1; a few busy
 * users, a long tail), closed loop, 16 in flight, in interleaved slices (cached, database, cached, …) so
 * a neighbour's burst on this shared machine lands on both. Requests go to `app.request` in this process:
 * what is compared is the handler's work, without a network hop that would be the same for both.
 * Reports requests/s, p50/p99 per variant, their ratio, and the cache's own hit ratio.
 * Run: `bun run bench auth-cache`.
 */
import { createCache } from "@payments/cache";
import { openDatabase } from "@payments/db";
import { createLogger } from "@payments/service-kit";
import { createTestDatabase } from "@payments/testing";
import { Registry } from "prom-client";
import { createApp } from "../../services/auth/src/app.ts";
import { MIGRATIONS_FOLDER } from "../../services/auth/src/db/migrations.ts";
import { type AuthSchema, authSchema } from "../../services/auth/src/db/schema.ts";
import { createKeyStore } from "../../services/auth/src/keys/keys.ts";
import { createKeySealer } from "../../services/auth/src/security/key-encryption.ts";
import { createPasswordHasher } from "../../services/auth/src/security/passwords.ts";
import { createThrottle, DEFAULT_THROTTLE_LIMITS } from "../../services/auth/src/security/throttle.ts";
import { DEFAULT_SETTINGS } from "../../services/auth/src/settings.ts";
import { seededRandom, zipf } from "../cache/workload.ts";
import { chartOf, writeFigures } from "../lib/figures.ts";
import { runLoop } from "../lib/load-loop.ts";
import { summarize } from "../lib/stats.ts";
import { textTable } from "../lib/text-table.ts";

const SETTINGS = { users: 200, connections: 16, rounds: 10, sliceMs: 2_000, zipfExponent: 1.1, seed: 35 };
const ORIGIN = "http://localhost:3000";

const postgresUrl = process.env.POSTGRES_URL;
const redisUrl = process.env.REDIS_URL;
if (!postgresUrl || !redisUrl) {
  console.log(
    "bench/auth-cache: needs POSTGRES_URL and REDIS_URL (the database and cache under test); not run",
  );
  process.exit(0);
}

const logger = createLogger({ service: "auth", level: "warn" });
const fresh = await createTestDatabase(postgresUrl, "auth");
const handle = await openDatabase<AuthSchema>({
  service: "auth",
  url: fresh.url,
  migrationsFolder: MIGRATIONS_FOLDER,
  schema: authSchema,
  logger,
  poolSize: 10,
});
const cacheRegistry = new Registry();
const cache = createCache({
  redisUrl,
  namespace: `bench-auth-${Date.now()}`,
  registry: cacheRegistry,
  logger,
});

try {
  const db = handle.db;
  const passwordHash = await createPasswordHasher({ memoryCost: 19_456, timeCost: 2 }).hash("not used here");
  const keys = createKeyStore({ db, sealer: await createKeySealer(undefined), now: () => new Date() });
  const common = {
    db,
    logger,
    keys,
    // One real argon2 hash, made once and given to every registration: the workload never checks a password,
    // and 200 argon2 hashes would make the setup minutes long on a busy machine.
    hasher: { hash: async () => passwordHash, verify: async () => false, needsRehash: () => false },
    throttle: createThrottle({
      limits: { ...DEFAULT_THROTTLE_LIMITS, registrationsPerIpHour: 1_000_000 },
      logger,
    }),
    settings: DEFAULT_SETTINGS,
  };
  const variants = [
    { name: "cached", app: createApp({ ...common, cache, registry: new Registry() }).app },
    { name: "database", app: createApp({ ...common, registry: new Registry() }).app },
  ];

  const started = performance.now();
  const tokens: string[] = [];
  for (let i = 0; i < SETTINGS.users; i++) {
    const res = await variants[1]?.app.request("/register", {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({
        email: `bench-${i}-${crypto.randomUUID().slice(0, 8)}@example.com`,
        password: "correct horse battery staple 42",
        name: `Bench user ${i}`,
        role: "customer",
      }),
    });
    const body = (await res?.json()) as { access_token?: string };
    if (res?.status !== 201 || !body.access_token) throw new Error(`register: ${res?.status}`);
    tokens.push(body.access_token);
  }
  console.log(`registered ${tokens.length} users in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const random = seededRandom(SETTINGS.seed);
  const pick = zipf(tokens.length, SETTINGS.zipfExponent, random);
  const totals = new Map(
    variants.map((v) => [v.name, { requests: 0, errors: 0, ms: 0, latencies: [] as number[] }]),
  );
  const me = (app: (typeof variants)[number]["app"]) => async (): Promise<boolean> => {
    const res = await app.request("/me", { headers: { authorization: `Bearer ${tokens[pick()]}` } });
    await res.arrayBuffer();
    return res.status === 200;
  };
  // One short untimed pass each, so neither variant pays for first-use compilation in the figures.
  for (const variant of variants) {
    await runLoop({ connections: SETTINGS.connections, durationMs: 1_000, send: me(variant.app) });
  }
  const before = await hitCounts();
  for (let round = 0; round < SETTINGS.rounds; round++) {
    for (const variant of variants) {
      const result = await runLoop({
        connections: SETTINGS.connections,
        durationMs: SETTINGS.sliceMs,
        send: me(variant.app),
      });
      const total = totals.get(variant.name);
      if (!total) continue;
      total.requests += result.requests;
      total.errors += result.errors;
      total.ms += result.elapsedMs;
      total.latencies.push(...result.latencies);
    }
  }
  const after = await hitCounts();
  const hits = after.hits - before.hits;
  const lookups = after.lookups - before.lookups;

  const rows = variants.map((v) => {
    const total = totals.get(v.name) ?? { requests: 0, errors: 0, ms: 1, latencies: [] };
    const latency = summarize(total.latencies.sort((a, b) => a - b));
    return { name: v.name, rate: total.requests / (total.ms / 1000), errors: total.errors, ...latency };
  });
  const [cachedRow, databaseRow] = rows;
  console.log(
    `\nGET /me, ${SETTINGS.users} users drawn by Zipf s=${SETTINGS.zipfExponent}, ${SETTINGS.connections} in flight, ` +
      `${SETTINGS.rounds} interleaved slices of ${SETTINGS.sliceMs / 1000} s per variant\n`,
  );
  console.log(
    textTable(
      ["variant", "requests/s", "p50 ms", "p99 ms", "errors", "× database"],
      rows.map((r) => [
        r.name,
        r.rate.toFixed(0),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        String(r.errors),
        databaseRow ? (r.rate / databaseRow.rate).toFixed(2) : "",
      ]),
      "numbers-right",
    ),
  );
  console.log(
    `\nuser cache: ${lookups} lookups, ${hits} hits (${lookups ? ((hits / lookups) * 100).toFixed(1) : "0"} %)`,
  );

  const rate = chartOf("auth GET /me with and without the user cache", "req/s");
  const p50 = chartOf("auth GET /me latency with and without the user cache", "ms");
  await writeFigures("auth-cache", [
    ...rows.map((r) => rate(r.name, "requests/s", r.rate)),
    ...rows.flatMap((r) => [p50(r.name, "p50", r.p50), p50(r.name, "p99", r.p99)]),
    ...(cachedRow && databaseRow
      ? [
          chartOf("auth user cache: cached ÷ database", "×")(
            "GET /me",
            "throughput",
            cachedRow.rate / databaseRow.rate,
          ),
        ]
      : []),
  ]);
} finally {
  await cache.close();
  await handle.close();
  await fresh.drop();
}

/** The user cache's hits and lookups so far (its own `cache_requests_total`). */
async function hitCounts(): Promise<{ hits: number; lookups: number }> {
  const metric = (await cacheRegistry.getMetricsAsJSON()).find((m) => m.name === "cache_requests_total");
  let hits = 0;
  let lookups = 0;
  for (const value of metric?.values ?? []) {
    lookups += value.value;
    if (value.labels.result === "hit") hits += value.value;
  }
  return { hits, lookups };
}
