import { verifierFromSettings } from "@payments/auth-verify";
import {
  loadInfraEnv,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  type SharedInfra,
  startDataHttpService,
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
  return startDataHttpService({
    name: "admin",
    config,
    infra,
    migrationsFolder: MIGRATIONS_FOLDER,
    schema: adminSchema,
    async build(kit, data) {
      const { logger, tracer, registry } = kit;
      const consumer = await startAuditConsumer({
        db: data.db,
        logger,
        bus: infra.bus,
        tracer,
        prefetch: data.consumerPrefetch,
      });
      infra.shutdown.add("admin audit consumer", () => consumer.close());
      const maintenance = startMaintenance({
        db: data.db,
        logger,
        now: () => new Date(),
        minuteRetentionMs: config.ADMIN_MINUTE_BUCKET_RETENTION_HOURS * 3600_000,
        inboxRetentionMs: config.ADMIN_INBOX_RETENTION_DAYS * 86_400_000,
      });
      infra.shutdown.add("admin maintenance", () => maintenance.stop());
      const { app } = createApp({
        db: data.db,
        cache: infra.cacheFor("admin", registry),
        logger,
        tracer,
        registry,
        probes: [data.probe, infra.bus.probe],
        verifier: verifierFromSettings(config, authUrl),
        onEventsCommitted: data.eventsCommitted,
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
