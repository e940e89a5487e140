import { verifierFromSettings } from "@payments/auth-verify";
import { newId } from "@payments/contracts";
import { openDatabase } from "@payments/db";
import { startOutboxRelay } from "@payments/events";
import { loadInfraEnv, runStandalone, type ServiceDefinition, startHttpService } from "@payments/platform";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { paymentsSchema } from "./db/schema.ts";
import { followConfigUpdates, startWorker } from "./events/handlers.ts";
import { startMaintenance } from "./maintenance.ts";
import { adminConfigSource, createPolicyHolder } from "./policy.ts";
import { createSimulatedProcessor } from "./processor/simulator.ts";
import type { SettleDeps } from "./worker/settle.ts";

/** How often each instance re-reads admin's configuration besides following `config.updated`. */
const POLICY_POLL_MS = 60_000;

/** The payments service: payments, refunds, the processor worker and the payee read model. */
export const service: ServiceDefinition = {
  name: "payments",
  // After admin too: in one process, payments reads admin's system configuration from its URL.
  after: ["auth", "admin"],
  async start(infra, running, env) {
    const config = loadConfig(env);
    return startHttpService({
      name: "payments",
      port: config.PAYMENTS_PORT,
      hostname: config.PAYMENTS_HOST,
      settings: config,
      infra,
      async build({ logger, tracer, registry }) {
        const database = await openDatabase({
          service: "payments",
          url: config.PAYMENTS_DATABASE_URL,
          dataDir: config.PAYMENTS_DATA_DIR,
          migrationsFolder: MIGRATIONS_FOLDER,
          schema: paymentsSchema,
          logger,
          poolSize: config.PAYMENTS_DB_POOL_SIZE,
        });
        infra.shutdown.add("payments database", () => database.close());
        const relay = startOutboxRelay({
          db: database.db,
          bus: infra.bus,
          logger,
          registry,
          service: "payments",
        });
        infra.shutdown.add("payments outbox relay", () => relay.stop());

        const processor = createSimulatedProcessor({
          latencyMs: config.PAYMENTS_SIMULATOR_LATENCY_MS,
          hangMs: config.PAYMENTS_SIMULATOR_HANG_MS,
        });
        logger.warn(
          "payments: the processor is the deterministic simulator (see services/payments/README.md)",
        );
        const adminUrl = config.ADMIN_URL ?? running.get("admin")?.url;
        if (!adminUrl) logger.warn("payments: no ADMIN_URL; payment policy is PAYMENTS_CURRENCIES only");
        const policy = createPolicyHolder({
          currencies: config.PAYMENTS_CURRENCIES,
          logger,
          source: adminUrl ? adminConfigSource(adminUrl) : undefined,
        });
        infra.shutdown.add("payments policy", () => policy.stop());
        const payments = createApp({
          db: database.db,
          cache: infra.cacheFor("payments", registry),
          logger,
          tracer,
          registry,
          probes: [database.probe, infra.bus.probe],
          verifier: verifierFromSettings(config, running.get("auth")?.url),
          processor,
          currencies: config.PAYMENTS_CURRENCIES,
          policy,
          onEventsCommitted: () => relay.wake(),
          idempotencyWaitMs: config.PAYMENTS_IDEMPOTENCY_WAIT_MS,
          processorTimeoutMs: config.PAYMENTS_PROCESSOR_TIMEOUT_MS,
        });
        const settle: SettleDeps = {
          processor,
          processorTimeoutMs: config.PAYMENTS_PROCESSOR_TIMEOUT_MS,
          maxAttempts: config.PAYMENTS_PROCESSOR_MAX_ATTEMPTS,
          retryDelayMs: 200,
        };
        const worker = await startWorker({ core: payments.core, bus: infra.bus, settle });
        infra.shutdown.add("payments worker", () => worker.close());
        const configUpdates = await followConfigUpdates({
          bus: infra.bus,
          policy,
          instance: newId("evt").slice(4),
        });
        infra.shutdown.add("payments config updates", () => configUpdates.close());
        // Not awaited: start-up never waits for admin; until it answers the env defaults apply. The periodic
        // re-read catches a change announced while this instance's queue was gone (a broker reconnect).
        policy.refresh();
        const poll = setInterval(() => policy.refresh(), POLICY_POLL_MS);
        infra.shutdown.add("payments policy poll", () => clearInterval(poll));
        const maintenance = startMaintenance({ core: payments.core, settle });
        infra.shutdown.add("payments maintenance", () => maintenance.stop());
        return payments.app;
      },
    });
  },
};

if (import.meta.main) {
  await runStandalone(service, loadInfraEnv());
}
