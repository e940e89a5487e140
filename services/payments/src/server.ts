import { verifierFromSettings } from "@payments/auth-verify";
import { newId } from "@payments/contracts";
import {
  loadInfraEnv,
  runStandalone,
  type ServiceDefinition,
  startDataHttpService,
} from "@payments/platform";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { MIGRATIONS_FOLDER } from "./db/migrations.ts";
import { paymentsSchema } from "./db/schema.ts";
import { followConfigUpdates, startWorker } from "./events/handlers.ts";
import { LEDGER_PREFETCH, startLedgerConsumer, startLedgerTimers } from "./ledger/worker.ts";
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
    return startDataHttpService({
      name: "payments",
      config,
      infra,
      migrationsFolder: MIGRATIONS_FOLDER,
      schema: paymentsSchema,
      async build(kit, data) {
        const { logger, tracer, registry } = kit;

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
          db: data.db,
          cache: infra.cacheFor("payments", registry),
          logger,
          tracer,
          registry,
          probes: [data.probe, infra.bus.probe],
          verifier: verifierFromSettings(config, running.get("auth")?.url),
          processor,
          currencies: config.PAYMENTS_CURRENCIES,
          policy,
          onEventsCommitted: data.eventsCommitted,
          idempotencyWaitMs: config.PAYMENTS_IDEMPOTENCY_WAIT_MS,
          processorTimeoutMs: config.PAYMENTS_PROCESSOR_TIMEOUT_MS,
          ledger: {
            settlementDelayMs: config.PAYMENTS_SETTLEMENT_DELAY_S * 1000,
            payoutArrivalMs: config.PAYMENTS_PAYOUT_ARRIVAL_S * 1000,
            payoutHourUtc: config.PAYMENTS_PAYOUT_HOUR_UTC,
            dailyPayouts: config.PAYMENTS_DAILY_PAYOUTS === "on",
            missingGraceMs: config.PAYMENTS_LEDGER_MISSING_GRACE_S * 1000,
          },
        });
        const settle: SettleDeps = {
          processor,
          processorTimeoutMs: config.PAYMENTS_PROCESSOR_TIMEOUT_MS,
          maxAttempts: config.PAYMENTS_PROCESSOR_MAX_ATTEMPTS,
          retryDelayMs: 200,
        };
        const worker = await startWorker({ core: payments.core, bus: infra.bus, settle, tracer });
        infra.shutdown.add("payments worker", () => worker.close());
        const configUpdates = await followConfigUpdates({
          bus: infra.bus,
          policy,
          instance: newId("evt").slice(4),
          tracer,
        });
        infra.shutdown.add("payments config updates", () => configUpdates.close());
        // Not awaited: start-up never waits for admin; until it answers the env defaults apply. The periodic
        // re-read catches a change announced while this instance's queue was gone (a broker reconnect).
        policy.refresh();
        const poll = setInterval(() => policy.refresh(), POLICY_POLL_MS);
        infra.shutdown.add("payments policy poll", () => clearInterval(poll));
        // The ledger module (docs/adr/0031): its own queue and inbox consumer, and its periodic work.
        const ledgerConsumer = await startLedgerConsumer({
          core: payments.ledger,
          bus: infra.bus,
          tracer,
          subscribe: { prefetch: Math.min(LEDGER_PREFETCH, data.consumerPrefetch) },
        });
        infra.shutdown.add("payments ledger consumer", () => ledgerConsumer.close());
        const ledgerTimers = startLedgerTimers(payments.ledger, {
          tickMs: config.PAYMENTS_LEDGER_TICK_MS,
          reconcileMs: config.PAYMENTS_LEDGER_RECONCILE_MS,
        });
        infra.shutdown.add("payments ledger timers", () => ledgerTimers.stop());
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
