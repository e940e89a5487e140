import { createJwtVerifier } from "@payments/auth-verify";
import { createTestIssuer, type TestIssuer } from "@payments/auth-verify/testing";
import { createCache } from "@payments/cache";
import { createEvent, type EventEnvelope, type Id, newId } from "@payments/contracts";
import { openDatabase } from "@payments/db";
import { createInProcessBus, type InProcessBus, type Subscription } from "@payments/events";
import { createLogger } from "@payments/service-kit";
import { createTestDatabase, realServer } from "@payments/testing";
import { asc } from "drizzle-orm";
import { Registry } from "prom-client";
import { createApp, type ProfileApp } from "../src/app.ts";
import { MIGRATIONS_FOLDER } from "../src/db/migrations.ts";
import type { ProfileDb } from "../src/db/queries.ts";
import { outbox, type ProfileSchema, profileSchema } from "../src/db/schema.ts";
import type { DeactivationPolicy } from "../src/domain/account.ts";
import { startProfileConsumer } from "../src/events/handlers.ts";

/** Real Postgres / Redis / RabbitMQ when their URLs are set (CI), PGlite, memory and in-process otherwise. */
export const postgresUrl = realServer("postgres");
export const redisUrl = realServer("redis");
export const rabbitmqUrl = realServer("rabbitmq");

/** Which adapters a harness runs on, for test names. */
export const adapters = `${postgresUrl ? "postgres" : "pglite"} + ${redisUrl ? "redis" : "memory"}`;

/** A fresh profile database with the migrations applied. */
export interface TestDb {
  db: ProfileDb;
  close(): Promise<void>;
}

/** Opens a fresh database (a new Postgres database, or an in-memory PGlite). */
export async function openTestDb(): Promise<TestDb> {
  const logger = createLogger({ service: "profile", level: "silent" });
  const fresh = postgresUrl ? await createTestDatabase(postgresUrl, "profile") : undefined;
  const handle = await openDatabase<ProfileSchema>({
    service: "profile",
    url: fresh?.url,
    dataDir: "memory://",
    migrationsFolder: MIGRATIONS_FOLDER,
    schema: profileSchema,
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

/** The profile app on a test database, with an in-process bus feeding its consumer. */
export interface TestProfile extends ProfileApp {
  issuer: TestIssuer;
  bus: InProcessBus;
  /** A customer token for `userId`. */
  token(userId: string): Promise<string>;
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  /** Publishes events on the bus and waits until the consumer handled them. */
  deliver(...events: EventEnvelope[]): Promise<void>;
  /** `profile.updated` events in the outbox for `userId`, oldest first. */
  profileEvents(userId: string): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

let namespaceCounter = 0;

/** Builds the profile app with a test token issuer and a unique cache namespace. */
export async function buildProfile(
  testDb: TestDb,
  opts: { policy?: DeactivationPolicy } = {},
): Promise<TestProfile> {
  const logger = createLogger({ service: "profile", level: "silent" });
  const issuer = await createTestIssuer();
  const cache = createCache({
    redisUrl,
    namespace: `test-profile-${process.pid}-${Date.now()}-${namespaceCounter++}`,
    logger,
    registry: new Registry(),
  });
  const bus = createInProcessBus({ logger, registry: new Registry() });
  const app = createApp({
    db: testDb.db,
    cache,
    logger,
    verifier: createJwtVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience }),
    policy: opts.policy,
  });
  const consumer: Subscription = await startProfileConsumer({
    core: app.core,
    bus,
    subscribe: { retryDelaysMs: [10], maxAttempts: 3 },
  });
  return {
    ...app,
    issuer,
    bus,
    token: (userId) => issuer.sign({ role: "customer", userId }),
    async request(path, init = {}) {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set("content-type", "application/json");
      if (token) headers.set("authorization", `Bearer ${token}`);
      return app.app.request(path, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { body: JSON.stringify(json), method: rest.method ?? "PATCH" }),
      });
    },
    async deliver(...events) {
      for (const event of events) await bus.publish(event);
      await bus.idle();
    },
    async profileEvents(userId) {
      const rows = await testDb.db
        .select({ envelope: outbox.envelope })
        .from(outbox)
        .orderBy(asc(outbox.seq));
      return rows.map((r) => r.envelope).filter((e) => e.subject === userId);
    },
    async close() {
      await consumer.close();
      await bus.close();
      await cache.close();
    },
  };
}

/** A user snapshot as `user.*` events carry it. */
export function userSnapshot(id: Id<"usr"> = newId("usr"), name = "Ada Lovelace") {
  return {
    id,
    email: `${id.slice(-8)}@example.test`,
    name,
    role: "customer" as const,
    active: true,
    created_at: new Date().toISOString(),
  };
}

/** `user.registered` / `user.updated` / `user.deactivated` for `user`, stamped `at` (default now). */
export function accountEvent(
  type: "user.registered" | "user.updated" | "user.deactivated",
  user: ReturnType<typeof userSnapshot>,
  at: Date = new Date(),
): EventEnvelope {
  const base = { producer: "auth", subject: user.id } as const;
  const event =
    type === "user.registered"
      ? createEvent({ ...base, type, data: user })
      : type === "user.updated"
        ? createEvent({ ...base, type, data: { ...user, changed: ["name"] } })
        : createEvent({ ...base, type, data: { ...user, active: false, deactivated_by: null } });
  return { ...event, occurred_at: at.toISOString() };
}

/** Error body of a uniform error response. */
export async function errorOf(res: Response): Promise<{ type: string; code: string; param?: string }> {
  const body = (await res.json()) as { error: { type: string; code: string; param?: string } };
  return body.error;
}
