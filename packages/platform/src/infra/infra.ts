import type { Tracer } from "@opentelemetry/api";
import { type Cache, createCache } from "@payments/cache";
import { createInProcessBus, type EventBus } from "@payments/events";
import { initTracing, type Logger, type Shutdown } from "@payments/service-kit";
import { Registry } from "prom-client";
import type { InfraEnv } from "./config.ts";

/**
 * What the processes of one platform share. In the embedded default every service runs in one Bun
 * process and must share one in-process bus (the bus is the process); with RABBITMQ_URL each service may
 * have its own connection, but sharing one per process is cheaper and behaves the same.
 */
export interface SharedInfra {
  readonly bus: EventBus;
  readonly shutdown: Shutdown;
  readonly logger: Logger;
  readonly env: InfraEnv;
  /**
   * Metrics of the shared adapters (bus). Services build their own registry on top of it
   * (`Registry.merge`), so each service's /metrics also shows the bus it publishes through.
   */
  readonly registry: Registry;
  /** The process's tracer for shared adapters (the bus's publish/process spans). */
  readonly tracer: Tracer;
  /** A cache namespaced for one service, on Redis when REDIS_URL is set, in memory otherwise. */
  cacheFor(service: string, registry: Registry): Cache;
  /** Human-readable list of which adapters are embedded and which are real, for the start banner. */
  describe(): string[];
}

/** Builds the shared infrastructure and registers its closers with `shutdown`. */
export async function createSharedInfra(
  env: InfraEnv,
  logger: Logger,
  shutdown: Shutdown,
  /** `service.name` of the shared adapters' spans: the service in the real mode, "platform" embedded. */
  processName = "platform",
): Promise<SharedInfra> {
  const registry = new Registry();
  // Added before the bus, so it is closed after it (closers run in reverse) and flushes its last spans.
  const tracing = initTracing({ service: processName, otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
  shutdown.add("shared tracing", () => tracing.shutdown());
  const bus = await createBus(env, logger, registry, tracing.tracer);
  shutdown.add("event bus", () => bus.close());
  const caches: Cache[] = [];
  shutdown.add("caches", async () => {
    await Promise.all(caches.map((c) => c.close()));
  });
  return {
    bus,
    shutdown,
    logger,
    env,
    registry,
    tracer: tracing.tracer,
    cacheFor(service, registry) {
      const cache = createCache({ redisUrl: env.REDIS_URL, namespace: service, registry, logger });
      caches.push(cache);
      return cache;
    },
    describe() {
      return [
        `event bus: ${bus.kind === "in-process" ? "in-process (embedded default)" : "RabbitMQ"}`,
        `cache: ${env.REDIS_URL ? "Redis" : "in-memory (embedded default)"}`,
      ];
    },
  };
}

async function createBus(
  env: InfraEnv,
  logger: Logger,
  registry: Registry,
  tracer: Tracer,
): Promise<EventBus> {
  if (env.RABBITMQ_URL) {
    // The RabbitMQ adapter is loaded lazily so the embedded default never opens an AMQP client.
    const { createRabbitBus } = await import("@payments/events");
    return createRabbitBus({ url: env.RABBITMQ_URL, logger, registry, tracer });
  }
  return createInProcessBus({ logger, registry, tracer });
}
