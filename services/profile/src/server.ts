import { verifierFromSettings } from "@payments/auth-verify";
import { pruneInbox } from "@payments/events";
import { createMailTransport, startMailRelay } from "@payments/mail";
import {
  loadInfraEnv,
  type RunningService,
  runStandalone,
  type ServiceDefinition,
  type SharedInfra,
  startDataHttpService,
} from "@payments/platform";
import { createApp } from "./app.ts";
import { loadConfig, type ProfileConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { purgeNotifications } from "./db/notification-queries.ts";
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
  return startDataHttpService({
    name: "profile",
    config,
    infra,
    migrationsFolder: MIGRATIONS_FOLDER,
    schema: profileSchema,
    async build(kit, data) {
      const { logger, tracer, registry } = kit;
      // Notification mail leaves through profile's own mail outbox (docs/adr/0028), as auth's does.
      const mailRelay = startMailRelay({
        db: data.db,
        transport: createMailTransport({ smtpUrl: config.SMTP_URL, mailboxDir: config.MAILBOX_DIR }),
        from: config.MAIL_FROM,
        logger,
        registry,
      });
      infra.shutdown.add("profile mail relay", () => mailRelay.stop());
      const profile = createApp({
        db: data.db,
        cache: infra.cacheFor("profile", registry),
        logger,
        tracer,
        registry,
        probes: [data.probe, infra.bus.probe],
        verifier: verifierFromSettings(config, authUrl),
        policy: config.PROFILE_DEACTIVATION_POLICY,
        cacheTtlMs: config.PROFILE_CACHE_TTL_SECONDS * 1000,
        onEventsCommitted: data.eventsCommitted,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        onMailCommitted: () => mailRelay.wake(),
      });
      const consumer = await startProfileConsumer({
        core: profile.core,
        bus: infra.bus,
        tracer,
        prefetch: data.consumerPrefetch,
      });
      infra.shutdown.add("profile consumer", () => consumer.close());
      // Inbox rows only guard against redelivery, which ends within hours; a daily prune keeps the table small.
      const retentionMs = config.PROFILE_INBOX_RETENTION_DAYS * 86_400_000;
      const keepNotificationsMs = config.PROFILE_NOTIFICATION_RETENTION_DAYS * 86_400_000;
      const prune = async () => {
        await pruneInbox(data.db, retentionMs).catch((err: unknown) =>
          logger.warn({ err }, "inbox prune failed"),
        );
        await purgeNotifications(data.db, new Date(Date.now() - keepNotificationsMs)).catch((err: unknown) =>
          logger.warn({ err }, "notification purge failed"),
        );
      };
      const timer = setInterval(prune, 86_400_000);
      void prune();
      infra.shutdown.add("profile inbox prune", async () => clearInterval(timer));
      return profile.app;
    },
  });
}

/** The profile service: profiles, preferences and notifications. */
export const service: ServiceDefinition = {
  name: "profile",
  after: ["auth"],
  start: (infra, running, env) => startProfile(infra, loadConfig(env), running.get("auth")?.url),
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}
