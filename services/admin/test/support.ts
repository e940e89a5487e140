import { createJwtVerifier } from "@payments/auth-verify";
import { createTestIssuer, type TestIssuer } from "@payments/auth-verify/testing";
import { createCache } from "@payments/cache";
import {
  createEvent,
  type EventDataInput,
  type EventEnvelope,
  type EventType,
  type Id,
  newId,
} from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import { openDatabase } from "@payments/db";
import { createInProcessBus, type InProcessBus, type Subscription } from "@payments/events";
import { createLogger } from "@payments/service-kit";
import { createTestDatabase, realServer } from "@payments/testing";
import { asc } from "drizzle-orm";
import { Registry } from "prom-client";
import { type AdminApp, createApp } from "../src/app.ts";
import type { AdminDb } from "../src/db/audit-queries.ts";
import { MIGRATIONS_FOLDER } from "../src/db/migrations.ts";
import { type AdminSchema, adminSchema, outbox } from "../src/db/schema.ts";
import { startAuditConsumer } from "../src/events/handlers.ts";

/** Real Postgres / Redis / RabbitMQ when their URLs are set (CI), PGlite, memory and in-process otherwise. */
export const postgresUrl = realServer("postgres");
export const redisUrl = realServer("redis");
export const rabbitmqUrl = realServer("rabbitmq");

/** Which adapters a harness runs on, for test names. */
export const adapters = `${postgresUrl ? "postgres" : "pglite"} + ${redisUrl ? "redis" : "memory"}`;

/** A fresh admin database with the migrations applied. */
export interface TestDb {
  db: AdminDb;
  close(): Promise<void>;
}

/** Opens a fresh database (a new Postgres database, or an in-memory PGlite). */
export async function openTestDb(): Promise<TestDb> {
  const logger = createLogger({ service: "admin", level: "silent" });
  const fresh = postgresUrl ? await createTestDatabase(postgresUrl, "admin") : undefined;
  const handle = await openDatabase<AdminSchema>({
    service: "admin",
    url: fresh?.url,
    dataDir: "memory://",
    migrationsFolder: MIGRATIONS_FOLDER,
    schema: adminSchema,
    logger,
    poolSize: 5,
  });
  return {
    db: handle.db,
    async close() {
      await handle.close();
      await fresh?.drop();
    },
  };
}

/** A clock tests move by hand. */
export interface TestClock {
  now: () => Date;
  set(at: Date): void;
}

/** The admin app on a test database, with an in-process bus feeding its audit consumer. */
export interface TestAdmin extends AdminApp {
  issuer: TestIssuer;
  bus: InProcessBus;
  clock: TestClock;
  /** A token with role admin (a fixed admin user), customer or vendor. */
  token(role: "admin" | "customer" | "vendor", userId?: string): Promise<string>;
  adminId: Id<"usr">;
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  /** Publishes events on the bus and waits until the consumer handled all of them. */
  deliver(...events: EventEnvelope[]): Promise<void>;
  /** Every event in admin's own outbox, oldest first. */
  outboxEvents(): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

let namespaceCounter = 0;

/** Builds the admin app with a test token issuer, a test clock and a unique cache namespace. */
export async function buildAdmin(testDb: TestDb, opts: { csvBatchSize?: number } = {}): Promise<TestAdmin> {
  const logger = createLogger({ service: "admin", level: "silent" });
  const issuer = await createTestIssuer();
  let current = new Date();
  const clock: TestClock = { now: () => current, set: (at) => (current = at) };
  const cache = createCache({
    redisUrl,
    namespace: `test-admin-${process.pid}-${Date.now()}-${namespaceCounter++}`,
    logger,
    registry: new Registry(),
  });
  const bus = createInProcessBus({ logger, registry: new Registry() });
  const consumer: Subscription = await startAuditConsumer({
    db: testDb.db,
    logger,
    bus,
    subscribe: { retryDelaysMs: [10], maxAttempts: 3 },
  });
  const adminId = newId("usr");
  const app = createApp({
    db: testDb.db,
    cache,
    logger,
    verifier: createJwtVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience }),
    now: clock.now,
    csvBatchSize: opts.csvBatchSize,
  });
  return {
    ...app,
    issuer,
    bus,
    clock,
    adminId,
    token: (role, userId) =>
      issuer.sign({ role, userId: userId ?? (role === "admin" ? adminId : undefined) }),
    async request(path, init = {}) {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set("content-type", "application/json");
      if (token) headers.set("authorization", `Bearer ${token}`);
      return app.app.request(path, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { body: JSON.stringify(json), method: rest.method ?? "POST" }),
      });
    },
    async deliver(...events) {
      for (const event of events) await bus.publish(event);
      await bus.idle();
    },
    async outboxEvents() {
      const rows = await testDb.db
        .select({ envelope: outbox.envelope })
        .from(outbox)
        .orderBy(asc(outbox.seq));
      return rows.map((r) => r.envelope);
    },
    async close() {
      await consumer.close();
      await bus.close();
      await cache.close();
    },
  };
}

/** A random valid W3C traceparent. */
export function traceparent(): string {
  const hex = (bytes: number) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
  return `00-${hex(16)}-${hex(8)}-01`;
}

/** An event of `type` with sample data, overridden by `data`, and optional envelope fields. */
export function makeEvent<T extends EventType>(
  type: T,
  data: Partial<EventDataInput<T>> = {},
  envelope: { subject?: string; traceparent?: string; producer?: string } = {},
): EventEnvelope {
  const merged = { ...sampleEventData(type), ...data } as EventDataInput<T>;
  const subject =
    envelope.subject ??
    (typeof merged === "object" && merged !== null && "id" in merged && typeof merged.id === "string"
      ? merged.id
      : newId("usr"));
  return createEvent({
    type,
    producer:
      envelope.producer ?? (type.startsWith("user.") || type.startsWith("session.") ? "auth" : "payments"),
    subject,
    data: merged,
    traceparent: envelope.traceparent,
  }) as EventEnvelope;
}

/** Error body of a uniform error response. */
export async function errorOf(res: Response): Promise<{ type: string; code: string; param?: string }> {
  const body = (await res.json()) as { error: { type: string; code: string; param?: string } };
  return body.error;
}
