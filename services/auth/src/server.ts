import { databaseSettings, startDataService } from "@payments/events";
import {
  listenSettings,
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
import { startAuthMail } from "./mail-setup.ts";
import { startMaintenance } from "./maintenance.ts";
import { createKeySealer } from "./security/key-encryption.ts";
import { createMfaThrottle } from "./security/mfa-throttle.ts";
import { createPasswordHasher } from "./security/passwords.ts";
import { createThrottle } from "./security/throttle.ts";
import { settingsFromConfig, throttleLimitsFromConfig } from "./settings.ts";
import { startWebhookConsumer, startWebhookWorker } from "./webhooks/worker.ts";

/** Keep ended sessions for a month (the user's device history), then delete them. */
const SESSION_RETENTION_MS = 30 * 24 * 3600_000;

/**
 * Starts the auth service on `infra` with `config`: database (migrated) and outbox relay, throttle counters,
 * signing keys, maintenance, then the HTTP server; everything is registered with the shutdown.
 */
export async function startAuth(infra: SharedInfra, config: AuthConfig): Promise<RunningService> {
  const settings = settingsFromConfig(config);
  return startHttpService({
    ...listenSettings("auth", config),
    infra,
    async build(kit) {
      const { logger, tracer } = kit;
      const registry = new Registry();
      const now = () => new Date();
      const data = await startDataService({
        ...kit,
        ...databaseSettings("auth", config),
        registry,
        migrationsFolder: MIGRATIONS_FOLDER,
        schema: authSchema,
      });

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
      const keys = createKeyStore({ db: data.db, sealer, now });
      const maintenance = startMaintenance({
        db: data.db,
        keys,
        logger,
        now,
        keyMaxAgeMs: config.AUTH_KEY_ROTATION_DAYS * 24 * 3600_000,
        sessionRetentionMs: SESSION_RETENTION_MS,
        idleMs: settings.session.idleMs,
      });
      infra.shutdown.add("auth maintenance", () => maintenance.stop());

      const mailSetup = startAuthMail({ config, db: data.db, logger, registry, redis });
      // Closers run in reverse: answers' background work first, then the relay, then (earlier) the database.
      infra.shutdown.add("auth mail relay", () => mailSetup.relay.stop());
      infra.shutdown.add("auth background work", () => mailSetup.mail.background.idle());

      const probes = [data.probe];
      if (redis) {
        probes.push({ name: "redis", critical: false, timeoutMs: 1000, run: () => redis.ping() });
      }
      const { app, webhooks } = createApp({
        db: data.db,
        cache: infra.cacheFor("auth", registry),
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
        mfaThrottle: createMfaThrottle({ redis, logger }),
        // The same key-encryption key, bound to another purpose: a sealed TOTP secret never opens as a key.
        secrets: await createKeySealer(config.AUTH_KEY_ENCRYPTION_KEY, "payments-auth-totp-secret"),
        settings,
        mail: mailSetup.mail,
        devMailboxDir: mailSetup.devMailboxDir,
        now,
        onEventsCommitted: data.eventsCommitted,
        webhooks: {
          settings: {
            httpsOnly: config.NODE_ENV === "production",
            allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
            retryScale: config.WEBHOOKS_RETRY_SCALE,
          },
        },
      });
      // Webhooks (docs/adr/0034): events become deliveries through the module's queue and inbox; the worker sends them.
      const webhookConsumer = await startWebhookConsumer(webhooks, infra.bus, tracer);
      infra.shutdown.add("auth webhook consumer", () => webhookConsumer.close());
      const webhookWorker = startWebhookWorker(webhooks);
      infra.shutdown.add("auth webhook worker", () => webhookWorker.stop());
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
