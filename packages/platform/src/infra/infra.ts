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
  /** Postgres settings of the embedded databases over their defaults (`EMBEDDED_DB_SETTINGS`), if any. */
  readonly embeddedDatabaseSettings?: Readonly<Record<string, string>>;
  /** Human-readable list of which adapters are embedded and which are real, for the start banner. */
  describe(): string[];
  /**
   * Settles once the process serves: at once, unless created with `deferReady`, then when
   * {@link SharedInfra.markReady} is called. Outbox relays start after it (a backlog is drained by a
   * process that already answers health checks, not during its start-up).
   */
  readonly ready: Promise<void>;
  /** Every service of the process is listening (the runner calls it after the last start). */
  markReady(): void;
}

/** Options of {@link createSharedInfra}. */
export interface SharedInfraOptions {
  /** `service.name` of the shared adapters' spans: the service in the real mode, "platform" embedded. */
  processName?: string;
  /** {@link SharedInfra.ready} waits for `markReady()` instead of settling at once (the runners). */
  deferReady?: boolean;
}

/** Builds the shared infrastructure and registers its closers with `shutdown`. */
export async function createSharedInfra(
  env: InfraEnv,
  logger: Logger,
  shutdown: Shutdown,
  /** `service.name` of the shared adapters' spans (a string, for older callers), or the options. */
  options: string | SharedInfraOptions = {},
): Promise<SharedInfra> {
  const { processName = "platform", deferReady = false } =
    typeof options === "string" ? { processName: options } : options;
  let markReady = () => {};
  const ready = deferReady
    ? new Promise<void>((resolve) => {
        markReady = resolve;
      })
    : Promise.resolve();
  const registry = new Registry();
  // Added before the bus, so it is closed after it (closers run in reverse) and flushes its last spans.
  const tracing = initTracing({
    service: processName,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    sampleRatio: env.OTEL_TRACES_SAMPLER_ARG,
  });
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
    ready,
    markReady: () => markReady(),
    ...(env.EMBEDDED_DB_SETTINGS ? { embeddedDatabaseSettings: env.EMBEDDED_DB_SETTINGS } : {}),
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
