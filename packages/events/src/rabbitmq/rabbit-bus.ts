import { hostname } from "node:os";
import { SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { type EventEnvelope, InvalidEventError, parseEvent } from "@payments/contracts";
import type { ChannelModel } from "amqplib";
import type {
  EventBus,
  EventHandler,
  HealthProbe,
  LoggerLike,
  SubscribeOptions,
  Subscription,
} from "../bus/index.ts";
import { assertSubscription, resolveSubscribeOptions, retryDelayFor } from "../bus/index.ts";
import { type ConnectionState, RabbitConnection } from "./connection.ts";
import { QueueConsumer } from "./consumer.ts";
import { createRabbitMetrics, type RabbitMetrics } from "./metrics.ts";
import { type RabbitBusOptions, type ResolvedRabbitBusOptions, resolveRabbitBusOptions } from "./options.ts";
import { ConfirmPublisher, type OutgoingMessage } from "./publisher.ts";
import {
  baseTopology,
  declareTopology,
  mergeTopology,
  subscriptionTopology,
  type Topology,
  type TopologySettings,
} from "./topology.ts";
import { startPublishSpan } from "./tracing.ts";

/** The RabbitMQ {@link EventBus}, plus what tests, benchmarks and operators need. */
export interface RabbitBus extends EventBus {
  readonly kind: "rabbitmq";
  /** Where the broker connection is: connecting, connected, reconnecting, closed. */
  readonly state: ConnectionState;
  /** Publishes raw bytes on the exchange with `routingKey`, unvalidated, as a foreign producer would. */
  publishRaw(routingKey: string, body: string): Promise<void>;
  /** Everything this bus has declared (exchanges, queues, bindings), including closed subscriptions'. */
  topology(): Topology;
  /** Handlers running plus publishes not yet confirmed. */
  inFlight(): number;
  /** Resolves true once connected, false after `timeoutMs`. */
  connected(timeoutMs?: number): Promise<boolean>;
}

class RabbitEventBus implements RabbitBus {
  readonly kind = "rabbitmq" as const;
  readonly probe: HealthProbe;
  private readonly settings: ResolvedRabbitBusOptions;
  private readonly topologySettings: TopologySettings;
  private readonly connection: RabbitConnection;
  private readonly publisher: ConfirmPublisher;
  private readonly metrics: RabbitMetrics;
  private readonly tracer: Tracer;
  private readonly logger: LoggerLike;
  private readonly consumers = new Set<QueueConsumer>();
  private declared: Topology;
  private closed = false;

  constructor(opts: RabbitBusOptions) {
    this.settings = resolveRabbitBusOptions(opts, hostname());
    const { settings } = this;
    this.logger = opts.logger;
    this.tracer = opts.tracer ?? trace.getTracer("@payments/events");
    this.topologySettings = { exchange: settings.exchange, deliveryLimit: settings.deliveryLimit };
    this.declared = baseTopology(settings.exchange);
    this.metrics = createRabbitMetrics(opts.registry, () => this.publisher.unconfirmed);
    this.publisher = new ConfirmPublisher({
      window: settings.publishWindow,
      waitMs: settings.publishWaitMs,
      confirmTimeoutMs: settings.confirmTimeoutMs,
      onFailure: (error) => this.metrics.publishFailed(error.reason),
    });
    this.probe = {
      name: "event_bus",
      critical: settings.critical,
      timeoutMs: 1_000,
      run: () => this.health(),
    };
    this.connection = new RabbitConnection({
      url: opts.url,
      connectionName: settings.connectionName,
      logger: opts.logger,
      initialDelayMs: settings.initialDelayMs,
      maxDelayMs: settings.maxDelayMs,
      setup: (model) => this.setup(model),
      onConnected: (model, reconnect) => {
        this.metrics.setConnected(true);
        if (reconnect) this.metrics.reconnected();
        for (const consumer of this.consumers) this.startConsumer(consumer, model);
      },
      onDisconnected: (error) => {
        this.metrics.setConnected(false);
        this.publisher.detach(undefined, error.message);
      },
    });
  }

  /** The probe: throws unless connected and not blocked by a resource alarm. */
  private async health(): Promise<Record<string, unknown>> {
    const state = this.connection.state;
    if (state !== "connected") {
      const why = this.connection.lastError ? `: ${this.connection.lastError}` : "";
      throw new Error(`RabbitMQ ${state}${why}`);
    }
    if (this.connection.blockedReason)
      throw new Error(`RabbitMQ blocks publishing: ${this.connection.blockedReason}`);
    return {
      kind: this.kind,
      state,
      subscriptions: this.consumers.size,
      unconfirmed: this.publisher.unconfirmed,
    };
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  /**
   * Declares the exchanges and opens the confirm channel on a new connection. Consumers start after it,
   * each on its own: one subscription the broker refuses must not keep the whole connection down.
   */
  private async setup(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    try {
      await declareTopology(channel, baseTopology(this.settings.exchange));
    } finally {
      await channel.close().catch(() => {});
    }
    const confirm = await model.createConfirmChannel();
    confirm.on("error", (error: Error) => {
      this.logger.warn({ err: error.message }, "event bus: publisher channel error");
    });
    confirm.on("close", () => {
      this.publisher.detach(confirm, "publisher channel closed");
      // A channel-level failure on a healthy connection (rare): rebuild everything through recovery.
      if (!this.closed && this.connection.current() === model)
        this.connection.reset("publisher channel closed");
    });
    this.publisher.attach(confirm);
  }

  /**
   * Starts `consumer` on `model`. A failure while that connection is still up is the broker refusing the
   * declaration (a queue exists with other arguments): retrying cannot fix it, so the first `subscribe()`
   * fails with it. A failure because the connection dropped is left to the next connection.
   */
  private startConsumer(consumer: QueueConsumer, model: ChannelModel): void {
    consumer.start(model).catch((error: unknown) => {
      if (this.connection.current() !== model) return;
      consumer.refuse(error);
      this.logger.error(
        { queue: consumer.queue, err: error instanceof Error ? error.message : String(error) },
        "event bus: RabbitMQ refused a subscription",
      );
    });
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.closed) throw new Error("RabbitMQ event bus is closed");
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new InvalidEventError(parsed.reason);
    const valid = parsed.event;
    const { span, headers } = startPublishSpan(this.tracer, this.settings.exchange, valid);
    try {
      await this.publisher.send({
        exchange: this.settings.exchange,
        routingKey: valid.type,
        body: Buffer.from(JSON.stringify(valid)),
        options: {
          persistent: true,
          messageId: valid.id,
          type: valid.type,
          contentType: "application/json",
          appId: valid.producer,
          timestamp: Math.floor(Date.parse(valid.occurred_at) / 1000),
          headers,
        },
      });
      this.metrics.published(valid.type);
    } catch (error) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  }

  publishRaw(routingKey: string, body: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error("RabbitMQ event bus is closed"));
    const message: OutgoingMessage = {
      exchange: this.settings.exchange,
      routingKey,
      body: Buffer.from(body),
      options: { persistent: true },
    };
    return this.publisher.send(message);
  }

  async subscribe(
    queue: string,
    patterns: string[],
    handler: EventHandler,
    opts: SubscribeOptions = {},
  ): Promise<Subscription> {
    if (this.closed) throw new Error("RabbitMQ event bus is closed");
    assertSubscription(queue, patterns);
    const options = resolveSubscribeOptions({ ...opts, prefetch: opts.prefetch ?? this.settings.prefetch });
    // Only the delays this subscription can reach get a retry queue.
    const delays = Array.from({ length: options.maxAttempts - 1 }, (_, i) => retryDelayFor(options, i + 1));
    const topology = subscriptionTopology(this.topologySettings, {
      queue,
      patterns,
      retryDelaysMs: delays,
      exclusive: opts.exclusive ?? false,
    });
    this.declared = mergeTopology(this.declared, topology);
    const consumer = new QueueConsumer({
      queue,
      exchange: this.settings.exchange,
      handler,
      options,
      topology,
      publisher: this.publisher,
      logger: this.logger,
      metrics: this.metrics,
      tracer: options.tracer ?? this.tracer,
      onBroken: (broken, why) => this.repair(broken, why),
    });
    this.consumers.add(consumer);
    const model = this.connection.current();
    if (model) this.startConsumer(consumer, model);
    try {
      await this.awaitStarted(consumer);
    } catch (error) {
      this.consumers.delete(consumer);
      await consumer.stop();
      throw error;
    }
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  /** Waits for the consumer's first start; rejects if the broker refused it. */
  private async awaitStarted(consumer: QueueConsumer): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.settings.subscribeWaitMs);
    });
    const bound = await Promise.race([consumer.started.then(() => true), waited]).finally(() =>
      clearTimeout(timer),
    );
    if (!bound) {
      this.logger.warn(
        { queue: consumer.queue, waited_ms: this.settings.subscribeWaitMs },
        "event bus: RabbitMQ unreachable; the subscription is bound once it connects",
      );
    }
  }

  /** A consumer lost its channel on a live connection: start it again shortly, on whatever is current. */
  private repair(consumer: QueueConsumer, why: string): void {
    this.logger.warn({ queue: consumer.queue, reason: why }, "event bus: restarting a consumer");
    setTimeout(() => {
      const model = this.connection.current();
      if (this.closed || !model || !this.consumers.has(consumer) || consumer.consuming) return;
      this.startConsumer(consumer, model);
    }, 500);
  }

  topology(): Topology {
    return mergeTopology(this.declared);
  }

  inFlight(): number {
    let running = 0;
    for (const consumer of this.consumers) running += consumer.inFlight;
    return running + this.publisher.outstanding;
  }

  async connected(timeoutMs = 10_000): Promise<boolean> {
    return (await this.connection.whenConnected(timeoutMs)) !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Consumers first: their running handlers may still need the publisher to move a message to a retry
    // queue before acking it.
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    await this.publisher.drained(5_000);
    this.publisher.close();
    await this.connection.close();
    this.metrics.setConnected(false);
    this.metrics.dispose();
  }
}

/**
 * The event bus on RabbitMQ (`RABBITMQ_URL` set). Returns at once and connects in the background,
 * reconnecting with jittered backoff whenever the connection drops; the probe reports the state. Topology is
 * declared on every connection: the exchanges here, each subscription's queues in `subscribe()`.
 *
 * `subscribe(queue, patterns, handler, { exclusive: true })` declares a per-instance queue (gateway fan-out)
 * that lives as long as this connection; every other queue is a durable quorum queue.
 */
export function createRabbitBus(opts: RabbitBusOptions): RabbitBus {
  return new RabbitEventBus(opts);
}
