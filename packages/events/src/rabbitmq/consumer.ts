import { context, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { type EventEnvelope, parseEvent } from "@payments/contracts";
import { extractContext } from "@payments/service-kit";
import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import type { EventHandler, LoggerLike, ResolvedSubscribeOptions } from "../bus/index.ts";
import { retryDelayFor } from "../bus/index.ts";
import { typeLabel } from "../metrics/index.ts";
import {
  attemptOf,
  carriedHeaders,
  HEADER,
  headerText,
  originalRoutingKey,
  republishOptions,
  stringHeader,
} from "./headers.ts";
import type { RabbitMetrics } from "./metrics.ts";
import type { ConfirmPublisher } from "./publisher.ts";
import { deadLetterExchangeName, declareTopology, retryQueueName, type Topology } from "./topology.ts";

/** What a {@link QueueConsumer} needs. */
export interface QueueConsumerOptions {
  queue: string;
  exchange: string;
  handler: EventHandler;
  options: ResolvedSubscribeOptions;
  /** The subscription's queues and bindings, declared on every (re)start. */
  topology: Topology;
  publisher: ConfirmPublisher;
  logger: LoggerLike;
  metrics: RabbitMetrics;
  tracer: Tracer;
  /** The consumer lost its channel or was cancelled by the broker while the connection stayed up. */
  onBroken: (consumer: QueueConsumer, why: string) => void;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * One `subscribe()`: its own channel (so its prefetch is its own), restarted on every new connection.
 * A delivery is acknowledged only after the handler resolved, or after the message was confirmed into its
 * retry queue or dead-letter queue — never before, so a crash at any point means a redelivery, not a loss.
 */
export class QueueConsumer {
  private channel: Channel | undefined;
  private consumerTag: string | undefined;
  private openFor: ChannelModel | undefined;
  private starting: Promise<void> | undefined;
  private active = true;
  private running = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private markBound: () => void = () => {};
  /** Settles the first time the consumer is bound and consuming. */
  readonly bound: Promise<void>;

  constructor(private readonly opts: QueueConsumerOptions) {
    this.bound = new Promise((resolve) => {
      this.markBound = resolve;
    });
  }

  get queue(): string {
    return this.opts.queue;
  }

  /** Handlers running now. */
  get inFlight(): number {
    return this.running;
  }

  /** True while consuming on a live channel. */
  get consuming(): boolean {
    return this.channel !== undefined;
  }

  /** Declares the subscription's topology on `model` and consumes; idempotent per connection. */
  start(model: ChannelModel): Promise<void> {
    if (!this.active) return Promise.resolve();
    if (this.openFor === model && this.starting) return this.starting;
    this.openFor = model;
    this.starting = this.open(model).catch((error: unknown) => {
      if (this.openFor === model) this.openFor = undefined;
      throw error;
    });
    return this.starting;
  }

  private async open(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on("error", (error: Error) => {
      this.opts.logger.warn(
        { queue: this.opts.queue, err: error.message },
        "event bus: consumer channel error",
      );
    });
    channel.on("close", () => {
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.openFor = undefined;
      if (this.active) this.opts.onBroken(this, "channel closed");
    });
    try {
      await declareTopology(channel, this.opts.topology);
      await channel.prefetch(this.opts.options.prefetch);
      const { consumerTag } = await channel.consume(this.opts.queue, (msg) => this.onMessage(channel, msg), {
        noAck: false,
      });
      this.consumerTag = consumerTag;
    } catch (error) {
      await channel.close().catch(() => {});
      throw error;
    }
    if (!this.active) {
      await channel.close().catch(() => {});
      return;
    }
    this.channel = channel;
    this.markBound();
  }

  /** Stops deliveries, waits for running handlers (so their acks go out), then closes the channel. */
  async stop(): Promise<void> {
    this.active = false;
    await this.starting?.catch(() => {});
    const channel = this.channel;
    this.channel = undefined;
    this.openFor = undefined;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => {});
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await channel?.close().catch(() => {});
  }

  private onMessage(channel: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled us (queue deleted, or a quorum leader moved): start over on a new channel.
      this.opts.logger.warn({ queue: this.opts.queue }, "event bus: consumer cancelled by the broker");
      if (this.channel === channel) {
        this.channel = undefined;
        this.openFor = undefined;
      }
      void channel.close().catch(() => {});
      if (this.active) this.opts.onBroken(this, "cancelled by the broker");
      return;
    }
    this.running++;
    void this.process(channel, msg)
      .catch((error: unknown) => {
        this.opts.logger.error(
          { queue: this.opts.queue, err: errorMessage(error) },
          "event bus: delivery failed",
        );
      })
      .finally(() => {
        this.running--;
        if (this.running === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
  }

  private async process(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { queue, options, tracer } = this.opts;
    const routingKey = originalRoutingKey(msg);
    const attempt = attemptOf(msg);
    const headers = msg.properties.headers;
    const parent = extractContext({
      traceparent: stringHeader(headers, HEADER.traceparent),
      tracestate: stringHeader(headers, HEADER.tracestate),
    });
    const span = tracer.startSpan(
      `process ${typeLabel(routingKey)}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "rabbitmq",
          "messaging.operation.type": "process",
          "messaging.destination.name": this.opts.exchange,
          "messaging.consumer.group.name": queue,
          "messaging.rabbitmq.destination.routing_key": routingKey,
          ...(typeof msg.properties.messageId === "string"
            ? { "messaging.message.id": msg.properties.messageId }
            : {}),
        },
      },
      parent,
    );
    try {
      let decoded: unknown;
      try {
        decoded = JSON.parse(msg.content.toString("utf8"));
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "poison" });
        return await this.poison(channel, msg, routingKey, `invalid JSON: ${errorMessage(error)}`);
      }
      const parsed = parseEvent(decoded);
      if (!parsed.ok) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "poison" });
        return await this.poison(channel, msg, routingKey, parsed.reason, decoded);
      }
      const event = parsed.event;
      try {
        const redelivered = msg.fields.redelivered || attempt > 1;
        await context.with(trace.setSpan(parent, span), () =>
          this.opts.handler(event, { queue, attempt, redelivered }),
        );
      } catch (error) {
        const reason = errorMessage(error);
        span.recordException(error instanceof Error ? error : reason);
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
        if (attempt >= options.maxAttempts) {
          return await this.deadLetter(channel, msg, event, routingKey, attempt, "max_attempts", reason);
        }
        return await this.retry(channel, msg, event, routingKey, attempt, reason);
      }
      this.ack(channel, msg);
      this.opts.metrics.consumed(queue, event.type, "ack");
    } finally {
      span.end();
    }
  }

  private async retry(
    channel: Channel,
    msg: ConsumeMessage,
    event: EventEnvelope,
    routingKey: string,
    attempt: number,
    reason: string,
  ): Promise<void> {
    const { queue, options, logger, metrics } = this.opts;
    const delay = retryDelayFor(options, attempt);
    const retryQueue = retryQueueName(queue, delay);
    const headers = carriedHeaders(msg, { [HEADER.attempt]: attempt + 1, [HEADER.routingKey]: routingKey });
    const routed = await this.route(channel, msg, "", retryQueue, headers);
    if (!routed) return;
    metrics.consumed(queue, event.type, "retry");
    metrics.retried(queue, delay);
    logger.warn(
      {
        event_id: event.id,
        type: event.type,
        queue,
        attempt,
        retry_in_ms: delay,
        retry_queue: retryQueue,
        err: reason,
      },
      "event handler failed; will retry",
    );
  }

  private async poison(
    channel: Channel,
    msg: ConsumeMessage,
    routingKey: string,
    reason: string,
    decoded?: unknown,
  ): Promise<void> {
    this.opts.metrics.poison(this.opts.queue);
    const id = typeof decoded === "object" && decoded !== null && "id" in decoded ? decoded.id : undefined;
    await this.deadLetter(channel, msg, { id }, routingKey, attemptOf(msg), "poison", reason);
  }

  private async deadLetter(
    channel: Channel,
    msg: ConsumeMessage,
    event: { id?: unknown },
    routingKey: string,
    attempts: number,
    kind: "poison" | "max_attempts",
    reason: string,
  ): Promise<void> {
    const { queue, exchange, logger, metrics } = this.opts;
    const headers = carriedHeaders(msg, {
      [HEADER.deathReason]: kind,
      [HEADER.error]: headerText(reason),
      [HEADER.attempts]: attempts,
      [HEADER.queue]: queue,
      [HEADER.routingKey]: routingKey,
      [HEADER.deadLetteredAt]: new Date().toISOString(),
    });
    const routed = await this.route(channel, msg, deadLetterExchangeName(exchange), queue, headers);
    if (!routed) return;
    metrics.consumed(queue, routingKey, "dead_letter");
    logger.error(
      { event_id: event.id, type: routingKey, queue, attempts, death_reason: kind, reason },
      "event dead-lettered",
    );
  }

  /**
   * Moves `msg` to another queue: publish the copy, wait for the broker's confirm, then ack the original.
   * If the copy is not confirmed the original is requeued (or redelivered after a connection loss), so the
   * message exists at least once at every moment.
   */
  private async route(
    channel: Channel,
    msg: ConsumeMessage,
    exchange: string,
    routingKey: string,
    headers: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.opts.publisher.send({
        exchange,
        routingKey,
        body: msg.content,
        options: republishOptions(msg, headers),
      });
    } catch (error) {
      this.opts.logger.warn(
        { queue: this.opts.queue, target: routingKey, err: errorMessage(error) },
        "event bus: could not move a message; it will be redelivered",
      );
      try {
        channel.nack(msg, false, true);
      } catch {
        // The channel is gone with the connection: the broker redelivers the message.
      }
      return false;
    }
    this.ack(channel, msg);
    return true;
  }

  private ack(channel: Channel, msg: ConsumeMessage): void {
    try {
      channel.ack(msg);
    } catch (error) {
      // The channel closed (connection lost) after the work was done: the broker redelivers the message and
      // the consumer's inbox turns the redelivery into a no-op.
      this.opts.logger.warn(
        { queue: this.opts.queue, err: errorMessage(error) },
        "event bus: ack not sent; the message will be redelivered",
      );
    }
  }
}
