import { type Cache, createCache } from "@payments/cache";
import type { EventEnvelope } from "@payments/contracts";
import { openDatabase } from "@payments/db";
import { createLogCapture, createLogger, type LogCapture } from "@payments/service-kit";
import { createTestDatabase, realServer } from "@payments/testing";
import { asc } from "drizzle-orm";
import { Redis } from "ioredis";
import { type BackgroundWork, createBackgroundWork } from "../src/actions/mail.ts";
import { ensureAdmin } from "../src/actions/seed.ts";
import { createApp } from "../src/app.ts";
import { MIGRATIONS_FOLDER } from "../src/db/migrations.ts";
import type { AuthDb } from "../src/db/queries.ts";
import { type AuthSchema, authSchema, outbox } from "../src/db/schema.ts";
import { createKeyStore, type KeyStore } from "../src/keys/keys.ts";
import { createKeySealer } from "../src/security/key-encryption.ts";
import { createMailThrottle, type MailThrottleLimits } from "../src/security/mail-throttle.ts";
import { createMfaThrottle } from "../src/security/mfa-throttle.ts";
import { createPasswordHasher } from "../src/security/passwords.ts";
import { createThrottle, DEFAULT_THROTTLE_LIMITS, type ThrottleLimits } from "../src/security/throttle.ts";
import { type AuthSettings, DEFAULT_SETTINGS } from "../src/settings.ts";
import type { WebhookSettings, WebhooksCore } from "../src/webhooks/core.ts";

/** The committed migrations of the auth service. */
export { MIGRATIONS_FOLDER as MIGRATIONS } from "../src/db/migrations.ts";

/** Real Postgres / Redis when their URLs are set (CI), PGlite and memory otherwise. */
export const postgresUrl = realServer("postgres");
export const redisUrl = realServer("redis");

/** Which adapters a harness runs on, for test names. */
export const adapters = `${postgresUrl ? "postgres" : "pglite"} + ${redisUrl ? "redis" : "memory"}`;

/** The origin tests send, one of the allowed ones. */
export const ORIGIN = "http://localhost:3000";

/** An outbox event as tests read it. */
export interface TestEvent {
  id: string;
  type: EventEnvelope["type"];
  producer: string;
  subject: string;
  data: unknown;
}

/** A clock tests move by hand. */
export interface TestClock {
  now: () => Date;
  advance(ms: number): void;
}

function testClock(): TestClock {
  let current = Date.now();
  return {
    now: () => new Date(current),
    advance(ms) {
      current += ms;
    },
  };
}

/** One database (+ Redis connection) shared by the tests of a file; apps are built on it per test group. */
export interface TestDb {
  db: AuthDb;
  redis: Redis | undefined;
  /** The user cache of every app built on this database (Redis when REDIS_URL is set), as in production. */
  cache: Cache;
  close(): Promise<void>;
}

/** Opens a fresh database (a new Postgres database, or an in-memory PGlite) with the auth migrations. */
export async function openTestDb(): Promise<TestDb> {
  const logger = createLogger({ service: "auth", level: "silent" });
  const fresh = postgresUrl ? await createTestDatabase(postgresUrl, "auth") : undefined;
  const handle = await openDatabase<AuthSchema>({
    service: "auth",
    url: fresh?.url,
    dataDir: "memory://",
    migrationsFolder: MIGRATIONS_FOLDER,
    schema: authSchema,
    logger,
    poolSize: 5,
  });
  const redis = redisUrl
    ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  if (redis) await new Promise<void>((resolve, reject) => redis.once("ready", resolve).once("error", reject));
  // One namespace for every run: user ids are ULIDs, so fresh databases never meet each other's entries.
  const cache = createCache({ redisUrl, namespace: "test-auth", logger });
  return {
    db: handle.db,
    redis,
    cache,
    async close() {
      await cache.close();
      redis?.disconnect();
      await handle.close();
      await fresh?.drop();
    },
  };
}

/** Options of {@link buildApp}. */
export interface BuildOptions {
  settings?: Partial<AuthSettings>;
  limits?: Partial<ThrottleLimits>;
  /** Limits of the mail-sending routes (generous by default). */
  mailLimits?: Partial<MailThrottleLimits>;
  /** Serve the development mailbox from this directory. */
  devMailboxDir?: string;
  /** Webhook settings (docs/adr/0034). */
  webhooks?: Partial<WebhookSettings>;
  /** The user cache; default the test database's, `null` for none. */
  cache?: Cache | null;
}

/** A built app with its clock, keys and helpers. */
export interface TestApp {
  app: ReturnType<typeof createApp>["app"];
  /** The webhook module (tests start its worker when they need deliveries sent). */
  webhooks: WebhooksCore;
  clock: TestClock;
  keys: KeyStore;
  logs: LogCapture;
  settings: AuthSettings;
  /** Work answers did not wait for (the forgot-password mail): `await background.idle()` before reading it. */
  background: BackgroundWork;
  request(
    path: string,
    init?: RequestInit & { json?: unknown; token?: string; cookie?: string },
  ): Promise<Response>;
  /** Every event in the outbox, oldest first (data untyped: tests compare it with literals). */
  events(): Promise<TestEvent[]>;
}

let prefixCounter = 0;

/**
 * Builds `createApp` on the shared database with the cheapest argon2 parameters the policy allows
 * (19 MiB, t=2: the production minimum), a test clock, and throttle counters under a unique prefix.
 */
export async function buildApp(testDb: TestDb, opts: BuildOptions = {}): Promise<TestApp> {
  const clock = testClock();
  const logs = createLogCapture();
  const logger = createLogger({ service: "auth", level: "warn", destination: logs.destination });
  const settings: AuthSettings = { ...DEFAULT_SETTINGS, ...opts.settings };
  const keys = createKeyStore({ db: testDb.db, sealer: await createKeySealer(undefined), now: clock.now });
  const throttle = createThrottle({
    // Generous by default so unrelated tests never trip it; throttle tests set their own.
    limits: { ...DEFAULT_THROTTLE_LIMITS, freeFailures: 50, registrationsPerIpHour: 10_000, ...opts.limits },
    redis: testDb.redis,
    keyPrefix: `test-auth-${process.pid}-${Date.now()}-${prefixCounter++}`,
    logger,
  });
  const keyPrefix = `test-auth-${process.pid}-${Date.now()}-${prefixCounter++}`;
  const background = createBackgroundWork((err, what) =>
    logger.error({ err, what }, "background work failed"),
  );
  const { app, webhooks } = createApp({
    // Deliveries keep real time: their retries are scheduled by the clock the worker sleeps by.
    webhooks: { settings: opts.webhooks, now: () => new Date() },
    devMailboxDir: opts.devMailboxDir,
    mail: {
      background,
      publicBaseUrl: "https://pay.example.test",
      throttle: createMailThrottle({
        limits: { perAddressHour: 1000, perIpHour: 10_000, ...opts.mailLimits },
        redis: testDb.redis,
        keyPrefix: `test-auth-mail-${process.pid}-${Date.now()}-${prefixCounter++}`,
        logger,
      }),
    },
    db: testDb.db,
    ...(opts.cache === null ? {} : { cache: opts.cache ?? testDb.cache }),
    logger,
    keys,
    hasher: createPasswordHasher({ memoryCost: 19_456, timeCost: 2 }),
    throttle,
    mfaThrottle: createMfaThrottle({ redis: testDb.redis, keyPrefix, logger }),
    // TOTP secrets sealed as in production, with a throwaway key-encryption key.
    secrets: await createKeySealer(
      Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
      "payments-auth-totp-secret",
    ),
    settings,
    now: clock.now,
  });
  return {
    app,
    webhooks,
    clock,
    keys,
    logs,
    settings,
    background,
    async request(path, init = {}) {
      const { json, token, cookie, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set("content-type", "application/json");
      if (token) headers.set("authorization", `Bearer ${token}`);
      if (cookie) headers.set("cookie", `refresh_token=${cookie}`);
      return app.request(path, {
        ...rest,
        headers,
        ...(json === undefined ? {} : { body: JSON.stringify(json), method: rest.method ?? "POST" }),
      });
    },
    async events() {
      const rows = await testDb.db
        .select({ envelope: outbox.envelope })
        .from(outbox)
        .orderBy(asc(outbox.seq));
      return rows.map(
        ({ envelope: e }): TestEvent => ({
          id: e.id,
          type: e.type,
          producer: e.producer,
          subject: e.subject,
          data: e.data,
        }),
      );
    },
  };
}

/** A unique, valid email. */
export function uniqueEmail(tag = "user"): string {
  return `${tag}.${crypto.randomUUID().slice(0, 8)}@example.test`;
}

/** A password that passes the policy. */
export const GOOD_PASSWORD = "correct horse battery staple 42";

/** A signed-in user as the API returned it. */
export interface SignedIn {
  user: {
    id: string;
    email: string;
    name: string;
    role: string;
    active: boolean;
    created_at: string;
    email_verified: boolean;
  };
  access_token: string;
  expires_in: number;
  /** The refresh token from the Set-Cookie header. */
  refresh: string;
  setCookie: string;
}

/** The refresh token in a response's Set-Cookie. */
export function refreshCookie(res: Response): string | undefined {
  const header = res.headers.get("set-cookie") ?? "";
  return /refresh_token=([^;]*)/.exec(header)?.[1] || undefined;
}

/** Parses a register/login/refresh response. */
export async function signedIn(res: Response): Promise<SignedIn> {
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`expected sign-in, got ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as Omit<SignedIn, "refresh" | "setCookie">;
  const refresh = refreshCookie(res);
  if (!refresh) throw new Error("no refresh cookie");
  return { ...body, refresh, setCookie: res.headers.get("set-cookie") ?? "" };
}

/** Registers a user through the API. */
export async function register(
  t: TestApp,
  fields: { email?: string; role?: "customer" | "vendor"; password?: string; name?: string } = {},
): Promise<SignedIn> {
  const res = await t.request("/register", {
    json: {
      email: fields.email ?? uniqueEmail(fields.role ?? "customer"),
      password: fields.password ?? GOOD_PASSWORD,
      name: fields.name ?? "Test User",
      role: fields.role ?? "customer",
    },
  });
  return signedIn(res);
}

/** Error body of a uniform error response. */
export async function errorOf(
  res: Response,
): Promise<{ type: string; code: string; param?: string; message: string }> {
  const body = (await res.json()) as {
    error: { type: string; code: string; param?: string; message: string };
  };
  return body.error;
}

/** Creates an admin directly (as `bun run seed` does) and signs it in through the API. */
export async function signInAdmin(t: TestApp, testDb: TestDb): Promise<SignedIn> {
  const email = uniqueEmail("admin");
  const outcome = await ensureAdmin(
    { db: testDb.db, hasher: createPasswordHasher({ memoryCost: 19_456, timeCost: 2 }), now: t.clock.now },
    { email, password: GOOD_PASSWORD, name: "Admin" },
  );
  if (outcome.kind !== "created") throw new Error(`admin not created: ${JSON.stringify(outcome)}`);
  return signedIn(await t.request("/login", { json: { email, password: GOOD_PASSWORD } }));
}
