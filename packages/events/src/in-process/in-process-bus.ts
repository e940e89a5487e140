import { AsyncLocalStorage } from "node:async_hooks";
import { context, ROOT_CONTEXT, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import { type EventEnvelope, InvalidEventError, parseEvent } from "@payments/contracts";
import { extractContext, recordSpanError, withServiceTracer } from "@payments/service-kit";
import type { Registry } from "prom-client";
import type {
  DeadLetter,
  EventBus,
  EventHandler,
  HealthProbe,
  LoggerLike,
  SubscribeOptions,
  Subscription,
} from "../bus/index.ts";
import { assertSubscription, resolveSubscribeOptions, retryDelayFor } from "../bus/index.ts";
import { type BusMetrics, createBusMetrics } from "../metrics/index.ts";
import { type LocalConsumer, LocalQueue, type StoredMessage } from "./queue.ts";

/** The embedded bus: {@link EventBus} plus what tests and operators need without a broker. */
export interface InProcessBus extends EventBus {
  readonly kind: "in-process";
  /** Copies of the dead letters of `queue`, oldest first. */
  deadLetters(queue: string): DeadLetter[];
  /** Moves every dead letter of `queue` back to it with a fresh attempt count; returns how many. */
  replayDeadLetters(queue: string): number;
  /** Resolves when nothing is in flight, scheduled for retry, or waiting for a consumer that exists. */
  idle(): Promise<void>;
  /** Enqueues raw bytes as a broker would receive them from a foreign producer, without validation. */
  publishRaw(routingKey: string, body: string): Promise<void>;
  /**
   * Messages waiting for or being handled by a consumer, over every queue that has one (a queue nobody
   * consumes would hold its messages for ever and is not counted). The outbox relay paces itself on it.
   */
  pending(): number;
}

/** Dependencies of {@link createInProcessBus}. */
export interface InProcessBusOptions {
  logger: LoggerLike;
  /** Where the bus counters go (default: a private one). */
  registry?: Registry;
  /** Tracer for `process <type>` spans (default: the global provider's). */
  tracer?: Tracer;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

class InProcessEventBus implements InProcessBus {
  readonly kind = "in-process" as const;
  readonly probe: HealthProbe;
  private readonly queues = new Map<string, LocalQueue>();
  private readonly metrics: BusMetrics;
  private readonly idleWaiters: Array<() => void> = [];
  /**
   * Deliveries run in the async context of the bus's creation, not of whoever published: a handler must not
   * inherit the publishing request's context (request id, span), just as a RabbitMQ consumer would not.
   */
  private readonly detached = AsyncLocalStorage.snapshot();
  private closed = false;

  constructor(
    private readonly logger: LoggerLike,
    registry: Registry | undefined,
    private readonly tracer: Tracer,
  ) {
    this.metrics = createBusMetrics(registry);
    this.probe = {
      name: "event_bus",
      critical: true,
      timeoutMs: 1_000,
      run: async () => {
        if (this.closed) throw new Error("in-process event bus is closed");
        return { kind: this.kind, queues: this.queues.size };
      },
    };
    logger.info(
      { adapter: "event_bus", implementation: "in-process" },
      "event bus: in-process embedded default; events live in this process's memory only — not for production (set RABBITMQ_URL)",
    );
  }

  async publish(event: EventEnvelope): Promise<void> {
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new InvalidEventError(parsed.reason);
    // Serialised once, as a broker stores bytes: each delivery decodes a private copy, so a handler that
    // mutates its event cannot affect other queues or its own retries.
    await this.enqueue(event.type, JSON.stringify(parsed.event));
    this.metrics.published(event.type);
    this.logger.debug({ event_id: event.id, type: event.type }, "event published");
  }

  async publishRaw(routingKey: string, body: string): Promise<void> {
    await this.enqueue(routingKey, body);
  }

  pending(): number {
    let count = 0;
    for (const queue of this.queues.values()) {
      if (queue.consumers.some((c) => c.active)) count += queue.ready.length + queue.inFlight;
    }
    return count;
  }

  private async enqueue(routingKey: string, body: string): Promise<void> {
    if (this.closed) throw new Error("in-process event bus is closed");
    for (const queue of this.queues.values()) {
      if (!queue.accepts(routingKey)) continue;
      queue.ready.push({ routingKey, body, deliveries: 0 });
      this.schedulePump(queue);
    }
  }

  async subscribe(
    queueName: string,
    patterns: string[],
    handler: EventHandler,
    opts?: SubscribeOptions,
  ): Promise<Subscription> {
    if (this.closed) throw new Error("in-process event bus is closed");
    assertSubscription(queueName, patterns);
    const options = resolveSubscribeOptions(opts);
    let queue = this.queues.get(queueName);
    if (!queue) {
      queue = new LocalQueue(queueName);
      this.queues.set(queueName, queue);
    }
    for (const pattern of patterns) queue.bindings.add(pattern);
    const consumer: LocalConsumer = { handler, options, inFlight: 0, active: true, drained: [] };
    queue.consumers.push(consumer);
    this.schedulePump(queue);
    const owner = queue;
    return { close: () => this.cancel(owner, consumer) };
  }

  /** Stops giving `consumer` messages; its queue keeps them for the others or the next subscriber. */
  private async cancel(queue: LocalQueue, consumer: LocalConsumer): Promise<void> {
    if (consumer.active) {
      consumer.active = false;
      const index = queue.consumers.indexOf(consumer);
      if (index >= 0) queue.consumers.splice(index, 1);
      this.notifyIfIdle();
    }
    if (consumer.inFlight > 0) await new Promise<void>((resolve) => consumer.drained.push(resolve));
  }

  private schedulePump(queue: LocalQueue): void {
    if (queue.pumpScheduled || this.closed) return;
    queue.pumpScheduled = true;
    // A microtask, not a direct call: the handler must not run inside the publisher's call stack.
    queueMicrotask(() =>
      this.detached(() => {
        queue.pumpScheduled = false;
        this.pump(queue);
      }),
    );
  }

  private pump(queue: LocalQueue): void {
    while (!this.closed && queue.ready.length > 0) {
      const consumer = queue.nextConsumer();
      if (!consumer) break;
      const message = queue.ready.shift();
      if (!message) break;
      consumer.inFlight++;
      queue.inFlight++;
      void this.deliver(queue, consumer, message).finally(() => this.settled(queue, consumer));
    }
    this.notifyIfIdle();
  }

  private settled(queue: LocalQueue, consumer: LocalConsumer): void {
    consumer.inFlight--;
    queue.inFlight--;
    if (consumer.inFlight === 0) for (const resolve of consumer.drained.splice(0)) resolve();
    this.schedulePump(queue);
    this.notifyIfIdle();
  }

  private async deliver(queue: LocalQueue, consumer: LocalConsumer, message: StoredMessage): Promise<void> {
    message.deliveries++;
    const attempt = message.deliveries;
    let decoded: unknown;
    try {
      decoded = JSON.parse(message.body);
    } catch (error) {
      this.deadLetter(queue, message, message.body, `invalid JSON: ${errorMessage(error)}`);
      return;
    }
    const parsed = parseEvent(decoded);
    if (!parsed.ok) {
      this.deadLetter(queue, message, decoded, parsed.reason);
      return;
    }
    const event = parsed.event;
    // Like the RabbitMQ consumer: the handler runs in a `process <type>` span continuing the producer's
    // trace, so what it publishes (through the outbox) carries the originating request's trace id.
    const parent = event.traceparent ? extractContext({ traceparent: event.traceparent }) : ROOT_CONTEXT;
    // The subscriber's tracer when it gave one (its service's), else the bus's (the process's).
    const tracer = consumer.options.tracer ?? this.tracer;
    const span = tracer.startSpan(
      `process ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "in-process",
          "messaging.destination.name": queue.name,
          "messaging.message.id": event.id,
        },
      },
      parent,
    );
    try {
      await context.with(withServiceTracer(tracer, trace.setSpan(parent, span)), () =>
        consumer.handler(event, { queue: queue.name, attempt, redelivered: attempt > 1 }),
      );
      this.metrics.consumed(queue.name, event.type, "ack");
    } catch (error) {
      recordSpanError(span, error);
      const reason = errorMessage(error);
      if (attempt >= consumer.options.maxAttempts) {
        this.deadLetter(queue, message, event, reason);
        return;
      }
      const delay = retryDelayFor(consumer.options, attempt);
      this.metrics.consumed(queue.name, event.type, "retry");
      this.logger.warn(
        { event_id: event.id, type: event.type, queue: queue.name, attempt, retry_in_ms: delay, err: reason },
        "event handler failed; will retry",
      );
      this.scheduleRetry(queue, message, delay);
    } finally {
      span.end();
    }
  }

  private scheduleRetry(queue: LocalQueue, message: StoredMessage, delayMs: number): void {
    if (this.closed) {
      // A handler that failed while the bus was closing: no timer may outlive close(); the message is lost
      // as everything else in this in-memory bus is at shutdown.
      this.logger.warn({ queue: queue.name, type: message.routingKey }, "retry dropped: event bus closed");
      return;
    }
    const timer = setTimeout(() => {
      queue.retryTimers.delete(timer);
      // Back at the tail, as a message dead-lettered out of a TTL retry queue re-enters its queue.
      queue.ready.push(message);
      this.schedulePump(queue);
      this.notifyIfIdle();
    }, delayMs);
    queue.retryTimers.add(timer);
  }

  private deadLetter(queue: LocalQueue, message: StoredMessage, event: unknown, reason: string): void {
    const record: DeadLetter = {
      event,
      queue: queue.name,
      routing_key: message.routingKey,
      reason,
      attempts: message.deliveries,
      dead_lettered_at: new Date().toISOString(),
    };
    queue.deadLetters.push({ record, message });
    this.metrics.consumed(queue.name, message.routingKey, "dead_letter");
    const id = typeof event === "object" && event !== null && "id" in event ? event.id : undefined;
    this.logger.error(
      { event_id: id, type: message.routingKey, queue: queue.name, attempts: record.attempts, reason },
      "event dead-lettered",
    );
  }

  deadLetters(queueName: string): DeadLetter[] {
    return (this.queues.get(queueName)?.deadLetters ?? []).map(({ record }) => ({ ...record }));
  }

  replayDeadLetters(queueName: string): number {
    const queue = this.queues.get(queueName);
    if (!queue || this.closed) return 0;
    const letters = queue.deadLetters.splice(0);
    for (const { message } of letters) queue.ready.push({ ...message, deliveries: 0 });
    if (letters.length > 0) {
      this.logger.info({ queue: queueName, count: letters.length }, "dead letters replayed");
      this.schedulePump(queue);
    }
    return letters.length;
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    for (const queue of this.queues.values()) if (!queue.isIdle()) return false;
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let dropped = 0;
    const draining: Promise<void>[] = [];
    for (const queue of this.queues.values()) {
      for (const timer of queue.retryTimers) clearTimeout(timer);
      dropped += queue.retryTimers.size + queue.ready.length;
      queue.retryTimers.clear();
      queue.ready.clear();
      queue.pumpScheduled = false;
      for (const consumer of [...queue.consumers]) draining.push(this.cancel(queue, consumer));
    }
    if (dropped > 0) this.logger.warn({ dropped }, "in-process event bus closed with undelivered events");
    await Promise.all(draining);
    this.notifyIfIdle();
  }
}

/**
 * The embedded default event bus (no `RABBITMQ_URL`): same routing, retry and dead-letter semantics as the
 * RabbitMQ bus, in memory of this one process. Logs once that it is not for production.
 */
export function createInProcessBus(opts: InProcessBusOptions): InProcessBus {
  return new InProcessEventBus(
    opts.logger,
    opts.registry,
    opts.tracer ?? trace.getTracer("@payments/events"),
  );
}
