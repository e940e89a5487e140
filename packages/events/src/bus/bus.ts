import type { Tracer } from "@opentelemetry/api";
import type { EventEnvelope } from "@payments/contracts";
import type { HealthProbe, Logger } from "@payments/service-kit";

/** The slice of the service kit's pino logger the buses use, so tests may pass a bare pino logger. */
export type LoggerLike = Pick<Logger, "info" | "warn" | "error" | "debug">;

/** The service kit's readiness probe, re-exported so bus users need not import the kit for the type. */
export type { HealthProbe };

/** Where and how often a message has been handed to a handler. */
export interface DeliveryContext {
  /** The consuming queue (the consuming service's name). */
  queue: string;
  /** 1 on the first delivery, incremented on every retry. */
  attempt: number;
  /** True when the message may have been handled before (a retry, or a broker redelivery after a lost ack). */
  redelivered: boolean;
}

/**
 * Handles one event. Resolving acknowledges it; throwing schedules a retry, and after the last attempt moves
 * it to the queue's dead letters. Handlers must be idempotent: delivery is at least once.
 */
export type EventHandler = (event: EventEnvelope, ctx: DeliveryContext) => Promise<void>;

/** Per-subscription delivery policy. */
export interface SubscribeOptions {
  /** Wait before retry n (index n-1); attempts beyond the list reuse the last delay. Default 1 s, 10 s, 60 s. */
  retryDelaysMs?: number[];
  /** Deliveries before dead-lettering, the first included. Default `retryDelaysMs.length + 1`. */
  maxAttempts?: number;
  /** Unacknowledged messages this subscription may hold at once (AMQP prefetch). Default 100. */
  prefetch?: number;
  /**
   * A per-instance queue (a gateway's WebSocket fan-out, named e.g. `gateway.<instance id>`): on RabbitMQ
   * it is exclusive to this connection and deleted with it, so events published while the instance is down
   * or reconnecting are not kept for it. The in-process bus ignores it: its queues live in the process anyway.
   */
  exclusive?: boolean;
  /**
   * The consuming service's tracer: its `process <type>` span is recorded with it (instead of the bus's,
   * which in the embedded mode is the whole process's), and the handler runs with it as the service tracer,
   * so the handler's domain and SQL spans are the service's, in the producer's trace.
   */
  tracer?: Tracer;
}

/** A live consumer; `close()` stops new deliveries and resolves once its in-flight handlers finished. */
export interface Subscription {
  close(): Promise<void>;
}

/** A message a queue gave up on, as operators list, inspect and replay it. */
export interface DeadLetter {
  /** The decoded envelope, or for poison the decoded JSON (or raw text) that failed validation. */
  event: unknown;
  queue: string;
  /** Routing key the message was published with (the event type). */
  routing_key: string;
  /** The handler's last error message, or why the message failed validation. */
  reason: string;
  /** Deliveries made before giving up (1 for poison: never retried). */
  attempts: number;
  dead_lettered_at: string;
}

/**
 * Topic-routed event bus with per-service queues. Both implementations (in-process, RabbitMQ) keep these
 * semantics, checked by the shared contract suite in `src/contract`:
 * - an event goes to every queue with a binding matching its type (routing key = type), at least once;
 * - a queue exists from its first `subscribe`: events published earlier are not in it, later ones wait in it
 *   while it has no consumer;
 * - several subscriptions on one queue compete (each message to one of them);
 * - a throwing handler is retried after `retryDelaysMs`, then dead-lettered with the error message;
 * - a message that fails `parseEvent` is dead-lettered at once and never reaches a handler.
 */
export interface EventBus {
  readonly kind: "in-process" | "rabbitmq";
  /** Resolves once the bus has durably accepted the event (in-process: enqueued to every bound queue). */
  publish(event: EventEnvelope): Promise<void>;
  /**
   * Declares `queue` (if new), binds it to `patterns` (bindings accumulate, as in AMQP) and starts consuming;
   * resolves once bound, so events published afterwards reach it.
   */
  subscribe(
    queue: string,
    patterns: string[],
    handler: EventHandler,
    opts?: SubscribeOptions,
  ): Promise<Subscription>;
  /** Readiness of the bus for `/health/ready`. */
  readonly probe: HealthProbe;
  /** Stops consuming, waits for in-flight handlers, clears timers so the process can exit. */
  close(): Promise<void>;
}
