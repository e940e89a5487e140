import { hostname } from "node:os";
import { context, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { type EventEnvelope, InvalidEventError, parseEvent } from "@payments/contracts";
import { extractContext, injectTraceparent } from "@payments/service-kit";
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
import { RabbitConnection } from "./connection.ts";
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

/** The RabbitMQ {@link EventBus}, plus what tests, benchmarks and operators need. */
export interface RabbitBus extends EventBus {
  readonly kind: "rabbitmq";
  /** "connecting" | "connected" | "reconnecting" | "closed". */
  readonly state: string;
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
      run: async () => {
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
      },
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
        // Subscriptions added while `setup` ran were not in its loop.
        for (const consumer of this.consumers) this.restart(consumer, model);
      },
      onDisconnected: (error) => {
        this.metrics.setConnected(false);
        this.publisher.detach(undefined, error.message);
      },
    });
  }

  get state(): string {
    return this.connection.state;
  }

  /** Declares the exchanges, opens the confirm channel and restarts every consumer on a new connection. */
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
    for (const consumer of this.consumers) await consumer.start(model);
  }

  private restart(consumer: QueueConsumer, model: ChannelModel): void {
    consumer.start(model).catch((error: unknown) => {
      this.logger.error(
        { queue: consumer.queue, err: error instanceof Error ? error.message : String(error) },
        "event bus: could not restart a consumer",
      );
    });
  }

  async publish(event: EventEnvelope): Promise<void> {
    if (this.closed) throw new Error("RabbitMQ event bus is closed");
    const parsed = parseEvent(event);
    if (!parsed.ok) throw new InvalidEventError(parsed.reason);
    const valid = parsed.event;
    // The envelope's traceparent is the producing request's; the publish span joins that trace even when the
    // outbox relay publishes long after the request ended.
    const parent = valid.traceparent ? extractContext({ traceparent: valid.traceparent }) : context.active();
    const span = this.tracer.startSpan(
      `publish ${valid.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          "messaging.system": "rabbitmq",
          "messaging.operation.type": "send",
          "messaging.destination.name": this.settings.exchange,
          "messaging.rabbitmq.destination.routing_key": valid.type,
          "messaging.message.id": valid.id,
        },
      },
      parent,
    );
    const headers: Record<string, string> = {};
    context.with(trace.setSpan(parent, span), () => injectTraceparent(headers));
    // Without a registered propagator nothing was injected: pass the producer's context on unchanged.
    if (!headers.traceparent && valid.traceparent) headers.traceparent = valid.traceparent;
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
      tracer: this.tracer,
      onBroken: (broken, why) => this.repair(broken, why),
    });
    this.consumers.add(consumer);
    const model = this.connection.current();
    if (model) {
      try {
        await consumer.start(model);
      } catch (error) {
        // Still the same connection: the broker refused the declaration (arguments differ from an existing
        // queue's), which retrying cannot fix. Otherwise the connection dropped and its successor binds it.
        if (this.connection.current() === model) {
          this.consumers.delete(consumer);
          throw error;
        }
      }
    }
    if (!consumer.consuming) await this.awaitBound(consumer);
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  private async awaitBound(consumer: QueueConsumer): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = await Promise.race([
      consumer.bound.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.settings.subscribeWaitMs);
      }),
    ]);
    clearTimeout(timer);
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
      this.restart(consumer, model);
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
