import type { Tracer } from "@opentelemetry/api";
import { createJwtVerifier } from "@payments/auth-verify";
import { type Cache, createMemoryCache, createRedisCache } from "@payments/cache";
import { createEvent, type EventEnvelope, type Id, newId, type Role } from "@payments/contracts";
import { openDatabase } from "@payments/db";
import {
  createInProcessBus,
  type EventPublisher,
  type InProcessBus,
  type OutboxRelay,
  type Subscription,
  startOutboxRelay,
} from "@payments/events";
import { createLogger, type HealthProbe, Registry } from "@payments/service-kit";
import { createTestDatabase, realServer } from "@payments/testing";
import { asc, count, inArray, isNull } from "drizzle-orm";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createApp, type PaymentsApp } from "../src/app.ts";
import type { PaymentsDb } from "../src/core.ts";
import { MIGRATIONS_FOLDER } from "../src/db/migrations.ts";
import { outbox, type PaymentsSchema, payments, paymentsSchema } from "../src/db/schema.ts";
import type { ApiPayment, ApiRefund } from "../src/domain/views.ts";
import { followConfigUpdates, startWorker } from "../src/events/handlers.ts";
import type { PolicyHolder } from "../src/policy.ts";
import type { PaymentProcessor } from "../src/processor/processor.ts";
import { createSimulatedProcessor } from "../src/processor/simulator.ts";
import type { SettleDeps } from "../src/worker/settle.ts";

/** Real Postgres / Redis when their URLs are set (CI), PGlite and memory otherwise. */
export const postgresUrl = realServer("postgres");
export const redisUrl = realServer("redis");
/** Which adapters the suites run on, for test names. */
export const adapters = `${postgresUrl ? "postgres" : "pglite"} + ${redisUrl ? "redis" : "memory"}`;

const ISSUER = "urn:payments:auth";
const AUDIENCE = "urn:payments:api";
const logger = createLogger({ service: "payments", level: "silent" });

/** Test settings of the processor: fast calls, "timeouts" that take 150 ms against a 40 ms budget. */
export const TEST_SETTLE = { processorTimeoutMs: 40, maxAttempts: 3, retryDelayMs: 5 } as const;

/**
 * A fresh database for one test file: a new Postgres database (its `url` given, for tools that connect on
 * their own, like the benchmark's pgbench floor), or an in-memory PGlite.
 */
export async function openTestDb(
  poolSize = 20,
): Promise<{ db: PaymentsDb; url: string | undefined; close(): Promise<void> }> {
  const fresh = postgresUrl ? await createTestDatabase(postgresUrl, "payments") : undefined;
  const handle = await openDatabase<PaymentsSchema>({
    service: "payments",
    url: fresh?.url,
    dataDir: "memory://",
    migrationsFolder: MIGRATIONS_FOLDER,
    schema: paymentsSchema,
    logger,
    poolSize,
  });
  return {
    db: handle.db,
    url: fresh?.url,
    async close() {
      await handle.close();
      await fresh?.drop();
    },
  };
}

/** A cache on Redis (unique namespace) or in memory. */
export function testCache(registry: Registry, url = redisUrl): Cache {
  const namespace = `test-payments-${crypto.randomUUID().slice(0, 8)}`;
  return url
    ? createRedisCache({ url, namespace, registry, logger })
    : createMemoryCache({ namespace, registry, logger });
}

/** Signs access tokens the way auth does, with a key only the tests know. */
export async function createTokenMinter() {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "EdDSA" };
  return {
    verifier: createJwtVerifier({ jwks: { keys: [jwk] }, issuer: ISSUER, audience: AUDIENCE }),
    mint: (userId: Id<"usr">, role: Role) =>
      new SignJWT({ role, sid: newId("ses") })
        .setProtectedHeader({ alg: "EdDSA", kid: "test-key", typ: "at+jwt" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey),
  };
}

/** A user known to the read model, with a token. */
export interface TestUser {
  id: Id<"usr">;
  role: Role;
  token: string;
}

/** Options of {@link createHarness}. */
export interface HarnessOptions {
  db: PaymentsDb;
  /**
   * `on-drain` (default): payments stay pending until `drain()` runs the worker over what is queued, so
   * tests see every state deterministically. `auto`: the worker runs all the time, as in production.
   */
  worker?: "on-drain" | "auto";
  cache?: Cache;
  processor?: PaymentProcessor;
  /** What the outbox relay publishes to; default the in-process bus. */
  publisher?: EventPublisher;
  idempotencyWaitMs?: number;
  /** Budget of refund calls to the processor (default {@link TEST_SETTLE}'s). */
  refundTimeoutMs?: number;
  registry?: Registry;
  /** Readiness probes besides the cache's (e.g. the database handle's). */
  probes?: HealthProbe[];
  /** The payment policy; default the test currencies with no limits and no admin to follow. */
  policy?: PolicyHolder;
  /** The service's tracer (app, relay and consumers), for tests of the spans; default none. */
  tracer?: Tracer;
}

/** A running payments app with its bus, relay and worker, and helpers to drive it. */
export interface Harness extends PaymentsApp {
  bus: InProcessBus;
  relay: OutboxRelay;
  cache: Cache;
  settle: SettleDeps;
  request(
    path: string,
    init?: {
      method?: string;
      json?: unknown;
      token?: string;
      key?: string;
      headers?: Record<string, string>;
    },
  ): Promise<Response>;
  /** Registers a user through a `user.registered` event, as auth would, and mints a token for them. */
  user(role: Role, fields?: { name?: string; email?: string }): Promise<TestUser>;
  /** A token for a user the read model has not heard of (auth registered them a moment ago). */
  mint(id: Id<"usr">, role: Role): Promise<string>;
  /** Publishes an event to the bus and waits until the worker handled it. */
  deliver(event: EventEnvelope): Promise<void>;
  /** Publishes the outbox and waits until the worker has handled everything (payments settle). */
  drain(): Promise<void>;
  /** Every event written to the outbox, in order. */
  events(): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

/** Builds the app on `db` with an in-process bus, an outbox relay and (by default) the worker. */
export async function createHarness(opts: HarnessOptions): Promise<Harness> {
  const registry = opts.registry ?? new Registry();
  const cache = opts.cache ?? testCache(registry);
  const bus = createInProcessBus({ logger, registry: new Registry() });
  const tokens = await createTokenMinter();
  const processor = opts.processor ?? createSimulatedProcessor({ latencyMs: 1, hangMs: 150 });
  const relay = startOutboxRelay({
    db: opts.db,
    bus: opts.publisher ?? bus,
    logger,
    service: "payments",
    pollIntervalMs: 50,
    retryBaseMs: 20,
    retryMaxMs: 100,
    tracer: opts.tracer,
  });
  const app = createApp({
    db: opts.db,
    cache,
    logger,
    registry,
    tracer: opts.tracer,
    probes: opts.probes,
    verifier: tokens.verifier,
    processor,
    currencies: ["usd", "eur", "jpy", "kwd"],
    policy: opts.policy,
    onEventsCommitted: () => relay.wake(),
    idempotencyWaitMs: opts.idempotencyWaitMs ?? 10_000,
    processorTimeoutMs: opts.refundTimeoutMs ?? TEST_SETTLE.processorTimeoutMs,
  });
  const settle: SettleDeps = { processor, ...TEST_SETTLE };
  const subscribe = { retryDelaysMs: [10], maxAttempts: 3 };
  const { tracer } = opts;
  // Production binds one queue to both; here user events get their own queue so the read model
  // is always up to date while the processor worker may be paused (its queue keeps what arrives meanwhile).
  const users = await startWorker({
    core: app.core,
    bus,
    settle,
    subscribe,
    queue: "payments-users",
    patterns: ["user.*"],
    tracer,
  });
  const configUpdates = await followConfigUpdates({ bus, policy: app.core.policy, instance: "test" });
  const startProcessor = () =>
    startWorker({
      core: app.core,
      bus,
      settle,
      subscribe,
      queue: "payments",
      patterns: ["payment.created"],
      tracer,
    });
  let processor_: Subscription | undefined = await startProcessor();
  if (opts.worker !== "auto") {
    await processor_.close();
    processor_ = undefined;
  }
  const harness: Harness = {
    ...app,
    bus,
    relay,
    cache,
    settle,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.json !== undefined) headers.set("content-type", "application/json");
      if (init.token) headers.set("authorization", `Bearer ${init.token}`);
      if (init.key) headers.set("idempotency-key", init.key);
      return app.app.request(path, {
        method: init.method ?? (init.json === undefined ? "GET" : "POST"),
        headers,
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
    },
    async user(role, fields = {}) {
      const id = newId("usr");
      await harness.deliver(
        createEvent({
          type: "user.registered",
          producer: "auth",
          subject: id,
          data: {
            id,
            email: fields.email ?? `${role}.${id.slice(-6)}@example.test`,
            name: fields.name ?? `${role} ${id.slice(-6)}`,
            role,
            active: true,
            created_at: new Date().toISOString(),
          },
        }),
      );
      return { id, role, token: await tokens.mint(id, role) };
    },
    mint: (id, role) => tokens.mint(id, role),
    async deliver(event) {
      await bus.publish(event);
      await bus.idle();
    },
    async drain() {
      const running = processor_ ?? (await startProcessor());
      for (let i = 0; i < 3; i++) {
        await relay.flush();
        await bus.idle();
      }
      if (!processor_) await running.close();
    },
    async events() {
      const rows = await opts.db.select({ envelope: outbox.envelope }).from(outbox).orderBy(asc(outbox.seq));
      return rows.map((r) => r.envelope);
    },
    async close() {
      await relay.stop();
      await users.close();
      await configUpdates.close();
      await processor_?.close();
      await bus.close();
      if (!opts.cache) await cache.close();
    },
  };
  return harness;
}

/** A harness on a fresh test database; `close()` stops the harness, then drops the database. */
export async function harnessOnTestDb(
  opts: Omit<HarnessOptions, "db"> = {},
): Promise<{ h: Harness; close(): Promise<void> }> {
  const testDb = await openTestDb();
  const h = await createHarness({ ...opts, db: testDb.db });
  return {
    h,
    async close() {
      await h.close();
      await testDb.close();
    },
  };
}

/** Events still waiting in the outbox. */
export async function pendingOutbox(db: PaymentsDb): Promise<number> {
  const rows = await db.select({ seq: outbox.seq }).from(outbox).where(isNull(outbox.publishedAt));
  return rows.length;
}

/** Payments the worker has not settled yet (pending or processing). */
export async function unsettledPayments(db: PaymentsDb): Promise<number> {
  const [open] = await db
    .select({ n: count() })
    .from(payments)
    .where(inArray(payments.status, ["pending", "processing"]));
  return open?.n ?? 0;
}

/** The uniform error of a response. */
export async function errorOf(res: Response): Promise<{ type: string; code: string; param?: string }> {
  const body = (await res.json()) as { error: { type: string; code: string; param?: string } };
  return body.error;
}

/** A fresh idempotency key. */
export const newKey = (): string => `key-${crypto.randomUUID()}`;

/** The JSON body of a response, typed by the caller (tests assert on it; a wrong shape fails them). */
export async function bodyOf<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A page of payments. */
export interface Page {
  object: "list";
  data: ApiPayment[];
  has_more: boolean;
}

/** `GET /:id/history`. */
export interface History {
  transitions: { from: string | null; to: string; actor_id: string | null; reason: string | null }[];
  attempts: { attempt: number; outcome: string; latency_ms: number; failure_code: string | null }[];
  refunds: ApiRefund[];
}
