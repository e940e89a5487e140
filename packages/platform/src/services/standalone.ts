import { createLogger, createShutdown } from "@payments/service-kit";
import { createSharedInfra, type InfraEnv } from "../infra/index.ts";
import type { RunningService, ServiceDefinition } from "./services.ts";

/**
 * Runs one service as its own process against the infrastructure named in `env` (the real mode of
 * ARCHITECTURE §2). The embedded runner (`scripts/start.ts`) starts all services in one process instead.
 */
export async function runStandalone(
  service: ServiceDefinition,
  env: InfraEnv,
  upstreams: ReadonlyMap<string, RunningService> = new Map(),
): Promise<RunningService> {
  const logger = createLogger({ service: service.name });
  const shutdown = createShutdown(logger);
  shutdown.listen();
  const infra = await createSharedInfra(env, logger, shutdown, {
    processName: service.name,
    deferReady: true,
  });
  const running = await service.start(infra, upstreams);
  // Listening: its outbox relay may start now (a backlog never delays the start: docs/operations.md, "Starting on a full outbox").
  infra.markReady();
  logger.info({ url: running.url, adapters: infra.describe() }, `${service.name} listening`);
  return running;
}
