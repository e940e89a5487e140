import { openDatabase } from "@payments/db";
import { startOutboxRelay } from "@payments/events";
import {
  loadInfraEnv,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  type SharedInfra,
  startHttpService,
} from "@payments/platform";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { createApp } from "./app.ts";
import { type AuthConfig, loadConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { authSchema } from "./db/schema.ts";
import { createKeyStore } from "./keys/keys.ts";
import { startMaintenance } from "./maintenance.ts";
import { createKeySealer } from "./security/key-encryption.ts";
import { createPasswordHasher } from "./security/passwords.ts";
import { createThrottle } from "./security/throttle.ts";
import { settingsFromConfig, throttleLimitsFromConfig } from "./settings.ts";

/** Keep ended sessions for a month (the user's device history), then delete them. */
const SESSION_RETENTION_MS = 30 * 24 * 3600_000;

/**
 * Starts the auth service on `infra` with `config`: database (migrated), throttle counters, signing keys,
 * outbox relay, maintenance, then the HTTP server; everything is registered with the shutdown.
 */
export async function startAuth(infra: SharedInfra, config: AuthConfig): Promise<RunningService> {
  const settings = settingsFromConfig(config);
  return startHttpService({
    name: "auth",
    port: config.AUTH_PORT,
    hostname: config.AUTH_HOST,
    settings: config,
    infra,
    async build({ logger, tracer }) {
      const registry = new Registry();
      const now = () => new Date();
      const database = await openDatabase({
        service: "auth",
        url: config.AUTH_DATABASE_URL,
        dataDir: config.AUTH_DATA_DIR,
        migrationsFolder: MIGRATIONS_FOLDER,
        schema: authSchema,
        logger,
      });
      infra.shutdown.add("auth database", () => database.close());

      // Its own connection: the throttle needs raw counters (Lua increments), not the cache interface.
      // No offline queue: while Redis is down, commands fail at once and the in-memory insurance limiter
      // takes over instead of requests waiting on a reconnect.
      const redis = infra.env.REDIS_URL
        ? new Redis(infra.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
        : undefined;
      if (redis) {
        redis.on("error", (err) =>
          logger.warn({ err }, "auth throttle: redis error (using in-memory counters)"),
        );
        infra.shutdown.add("auth redis", async () => {
          redis.disconnect();
        });
      }

      const sealer = await createKeySealer(config.AUTH_KEY_ENCRYPTION_KEY);
      if (!sealer.encrypted) {
        logger.warn(
          "AUTH_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted (development only)",
        );
      }
      const keys = createKeyStore({ db: database.db, sealer, now });
      const relay = startOutboxRelay({ db: database.db, bus: infra.bus, logger, registry, service: "auth" });
      infra.shutdown.add("auth outbox relay", () => relay.stop());
      const maintenance = startMaintenance({
        db: database.db,
        keys,
        logger,
        now,
        keyMaxAgeMs: config.AUTH_KEY_ROTATION_DAYS * 24 * 3600_000,
        sessionRetentionMs: SESSION_RETENTION_MS,
        idleMs: settings.session.idleMs,
      });
      infra.shutdown.add("auth maintenance", () => maintenance.stop());

      const probes = [database.probe];
      if (redis) {
        probes.push({ name: "redis", critical: false, timeoutMs: 1000, run: () => redis.ping() });
      }
      const { app } = createApp({
        db: database.db,
        logger,
        tracer,
        registry,
        probes,
        keys,
        hasher: createPasswordHasher({
          memoryCost: config.AUTH_ARGON2_MEMORY_KIB,
          timeCost: config.AUTH_ARGON2_TIME_COST,
        }),
        throttle: createThrottle({ limits: throttleLimitsFromConfig(config), redis, logger }),
        settings,
        now,
        onEventsCommitted: () => relay.wake(),
      });
      return app;
    },
  });
}

/** The auth service: identity, sessions, signing keys. */
export const service: ServiceDefinition = {
  name: "auth",
  start: (infra, _running, env) => startAuth(infra, loadConfig(env)),
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}
