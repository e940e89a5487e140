import { verifierFromSettings } from "@payments/auth-verify";
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
import { createApp } from "./app.ts";
import { type AdminConfig, loadConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { adminSchema } from "./db/schema.ts";
import { startAuditConsumer } from "./events/handlers.ts";
import { startMaintenance } from "./maintenance.ts";

/**
 * Starts the admin service on `infra`: database (migrated), outbox relay, the audit consumer (every event),
 * maintenance, then the HTTP server; everything is registered with the shutdown.
 */
export async function startAdmin(
  infra: SharedInfra,
  config: AdminConfig,
  authUrl?: string,
): Promise<RunningService> {
  return startHttpService({
    name: "admin",
    port: config.ADMIN_PORT,
    hostname: config.ADMIN_HOST,
    settings: config,
    infra,
    async build({ logger, tracer, registry }) {
      const database = await openDatabase({
        service: "admin",
        url: config.ADMIN_DATABASE_URL,
        dataDir: config.ADMIN_DATA_DIR,
        migrationsFolder: MIGRATIONS_FOLDER,
        schema: adminSchema,
        logger,
        poolSize: config.ADMIN_DB_POOL_SIZE,
      });
      infra.shutdown.add("admin database", () => database.close());
      const relay = startOutboxRelay({ db: database.db, bus: infra.bus, logger, registry, service: "admin" });
      infra.shutdown.add("admin outbox relay", () => relay.stop());
      const consumer = await startAuditConsumer({ db: database.db, logger, bus: infra.bus });
      infra.shutdown.add("admin audit consumer", () => consumer.close());
      const maintenance = startMaintenance({
        db: database.db,
        logger,
        now: () => new Date(),
        minuteRetentionMs: config.ADMIN_MINUTE_BUCKET_RETENTION_HOURS * 3600_000,
        inboxRetentionMs: config.ADMIN_INBOX_RETENTION_DAYS * 86_400_000,
      });
      infra.shutdown.add("admin maintenance", () => maintenance.stop());
      const { app } = createApp({
        db: database.db,
        cache: infra.cacheFor("admin", registry),
        logger,
        tracer,
        registry,
        probes: [database.probe, infra.bus.probe],
        verifier: verifierFromSettings(config, authUrl),
        onEventsCommitted: () => relay.wake(),
      });
      return app;
    },
  });
}

/** The admin service: audit log, system configuration, dashboard. */
export const service: ServiceDefinition = {
  name: "admin",
  after: ["auth"],
  start: (infra, running, env) => startAdmin(infra, loadConfig(env), running.get("auth")?.url),
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}
