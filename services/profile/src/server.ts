import { verifierFromSettings } from "@payments/auth-verify";
import { openDatabase } from "@payments/db";
import { pruneInbox, startOutboxRelay } from "@payments/events";
import {
  loadInfraEnv,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  type SharedInfra,
  startHttpService,
} from "@payments/platform";
import { createApp } from "./app.ts";
import { loadConfig, type ProfileConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { profileSchema } from "./db/schema.ts";
import { startProfileConsumer } from "./events/handlers.ts";

/**
 * Starts the profile service on `infra`: database (migrated), outbox relay, the account-event consumer,
 * inbox pruning, then the HTTP server; everything is registered with the shutdown.
 */
export async function startProfile(
  infra: SharedInfra,
  config: ProfileConfig,
  authUrl?: string,
): Promise<RunningService> {
  return startHttpService({
    name: "profile",
    port: config.PROFILE_PORT,
    hostname: config.PROFILE_HOST,
    settings: config,
    infra,
    async build({ logger, tracer, registry }) {
      const database = await openDatabase({
        service: "profile",
        url: config.PROFILE_DATABASE_URL,
        dataDir: config.PROFILE_DATA_DIR,
        migrationsFolder: MIGRATIONS_FOLDER,
        schema: profileSchema,
        logger,
        poolSize: config.PROFILE_DB_POOL_SIZE,
      });
      infra.shutdown.add("profile database", () => database.close());
      const relay = startOutboxRelay({
        db: database.db,
        bus: infra.bus,
        logger,
        registry,
        service: "profile",
      });
      infra.shutdown.add("profile outbox relay", () => relay.stop());
      const profile = createApp({
        db: database.db,
        cache: infra.cacheFor("profile", registry),
        logger,
        tracer,
        registry,
        probes: [database.probe, infra.bus.probe],
        verifier: verifierFromSettings(config, authUrl),
        policy: config.PROFILE_DEACTIVATION_POLICY,
        cacheTtlMs: config.PROFILE_CACHE_TTL_SECONDS * 1000,
        onEventsCommitted: () => relay.wake(),
      });
      const consumer = await startProfileConsumer({ core: profile.core, bus: infra.bus });
      infra.shutdown.add("profile consumer", () => consumer.close());
      // Inbox rows only guard against redelivery, which ends within hours; a daily prune keeps the table small.
      const retentionMs = config.PROFILE_INBOX_RETENTION_DAYS * 86_400_000;
      const prune = () =>
        pruneInbox(database.db, retentionMs).catch((err: unknown) =>
          logger.warn({ err }, "inbox prune failed"),
        );
      const timer = setInterval(prune, 86_400_000);
      void prune();
      infra.shutdown.add("profile inbox prune", async () => clearInterval(timer));
      return profile.app;
    },
  });
}

/** The profile service: profiles and preferences. */
export const service: ServiceDefinition = {
  name: "profile",
  after: ["auth"],
  start: (infra, running, env) => startProfile(infra, loadConfig(env), running.get("auth")?.url),
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}
