import type { Tracer } from "@opentelemetry/api";
import type { Registry } from "prom-client";
import type { LoggerLike } from "../bus/index.ts";

/** Options of `createRabbitBus`. Only `url` and `logger` are required; the rest have production defaults. */
export interface RabbitBusOptions {
  /** `amqp://user:pass@host:5672/vhost` (`RABBITMQ_URL`). */
  url: string;
  logger: LoggerLike;
  /** Where the bus metrics go (default: a private one). */
  registry?: Registry;
  /** Topic exchange to publish to and bind from (default `events`); its dead-letter exchange is `<exchange>.dlx`. */
  exchange?: string;
  /** Service name: names the connection on the broker and appears in logs. */
  service?: string;
  /** Prefetch of subscriptions that do not set their own (default 100). */
  prefetch?: number;
  /** Connection name shown by the broker (default `<service>@<hostname>`). */
  connectionName?: string;
  /** Tracer for publish/process spans (default: the global tracer provider's `@payments/events`). */
  tracer?: Tracer;
  /** Most publishes awaiting a broker confirm at once (default 1,000). */
  publishWindow?: number;
  /** How long a publish waits for a connection before failing (default 2 s; the outbox retries later). */
  publishWaitMs?: number;
  /** How long a publish waits for its confirm before failing (default 30 s). */
  confirmTimeoutMs?: number;
  /**
   * How long `subscribe()` waits for the broker when it is unreachable (default 10 s). After that it
   * resolves with a warning; the subscription stays registered and is bound as soon as a connection is up.
   */
  subscribeWaitMs?: number;
  /** `x-delivery-limit` of durable work queues (default 10). Must match existing queues. */
  deliveryLimit?: number;
  /** Reconnect backoff: first delay and cap (defaults 200 ms and 15 s), each with ±50 % jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * Whether readiness fails while the broker is unreachable (default false). Services publish through the
   * outbox, so a broker outage delays events but does not stop them serving requests; taking every instance
   * out of the load balancer for it would turn a degraded platform into an unavailable one. The probe still
   * reports the outage (`/health/ready` lists it as failing, non-critical).
   */
  critical?: boolean;
}

/** {@link RabbitBusOptions} with defaults applied. */
export interface ResolvedRabbitBusOptions {
  exchange: string;
  prefetch: number | undefined;
  connectionName: string;
  publishWindow: number;
  publishWaitMs: number;
  confirmTimeoutMs: number;
  subscribeWaitMs: number;
  deliveryLimit: number;
  initialDelayMs: number;
  maxDelayMs: number;
  critical: boolean;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name}: ${value} is not a positive integer`);
  return value;
}

/** Applies defaults; throws a `TypeError` naming the option when a value is unusable. */
export function resolveRabbitBusOptions(opts: RabbitBusOptions, hostname: string): ResolvedRabbitBusOptions {
  const exchange = opts.exchange ?? "events";
  if (!/^[a-z0-9][a-z0-9._-]{0,200}$/.test(exchange) || exchange.startsWith("amq.")) {
    throw new TypeError(`exchange: "${exchange}" is not a valid exchange name`);
  }
  return {
    exchange,
    prefetch: opts.prefetch === undefined ? undefined : positiveInt("prefetch", opts.prefetch),
    connectionName: opts.connectionName ?? `${opts.service ?? "events"}@${hostname}`,
    publishWindow: positiveInt("publishWindow", opts.publishWindow ?? 1_000),
    publishWaitMs: positiveInt("publishWaitMs", opts.publishWaitMs ?? 2_000),
    confirmTimeoutMs: positiveInt("confirmTimeoutMs", opts.confirmTimeoutMs ?? 30_000),
    subscribeWaitMs: positiveInt("subscribeWaitMs", opts.subscribeWaitMs ?? 10_000),
    deliveryLimit: positiveInt("deliveryLimit", opts.deliveryLimit ?? 10),
    initialDelayMs: positiveInt("reconnect.initialDelayMs", opts.reconnect?.initialDelayMs ?? 200),
    maxDelayMs: positiveInt("reconnect.maxDelayMs", opts.reconnect?.maxDelayMs ?? 15_000),
    critical: opts.critical ?? false,
  };
}
