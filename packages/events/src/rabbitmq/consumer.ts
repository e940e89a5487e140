import type { Tracer } from "@opentelemetry/api";
import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import type { EventHandler, LoggerLike, ResolvedSubscribeOptions } from "../bus/index.ts";
import { AckBatcher } from "./acks.ts";
import { DeliveryHandler, errorMessage } from "./delivery.ts";
import type { RabbitMetrics } from "./metrics.ts";
import type { ConfirmPublisher } from "./publisher.ts";
import { declareTopology, type Topology } from "./topology.ts";

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

/**
 * One `subscribe()`: its own channel (so its prefetch is its own), declared and consuming again on every new
 * connection. What happens to each delivery is the {@link DeliveryHandler}'s business.
 */
export class QueueConsumer {
  private channel: Channel | undefined;
  private acks: AckBatcher | undefined;
  private consumerTag: string | undefined;
  private openFor: ChannelModel | undefined;
  private starting: Promise<void> | undefined;
  private active = true;
  private running = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private everBound = false;
  private readonly first = Promise.withResolvers<void>();
  private readonly delivery: DeliveryHandler;
  /**
   * Resolves the first time the consumer is bound and consuming; rejects if the broker refused its first
   * declaration (see {@link refuse}).
   */
  readonly started: Promise<void> = this.first.promise;

  constructor(private readonly opts: QueueConsumerOptions) {
    this.delivery = new DeliveryHandler(opts);
    // Nobody may be waiting any more (subscribe gave up waiting): never an unhandled rejection.
    this.started.catch(() => {});
  }

  /** The broker refused this subscription on a live connection; fails `started` if it never ran. */
  refuse(error: unknown): void {
    if (!this.everBound) this.first.reject(error);
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
    const acks = new AckBatcher(channel, (error) => {
      // The channel closed (connection lost) after the work was done: the broker redelivers the message and
      // the consumer's inbox turns the redelivery into a no-op.
      this.opts.logger.warn(
        { queue: this.opts.queue, err: errorMessage(error) },
        "event bus: ack not sent; the message will be redelivered",
      );
    });
    channel.on("error", (error: Error) => {
      this.opts.logger.warn(
        { queue: this.opts.queue, err: error.message },
        "event bus: consumer channel error",
      );
    });
    channel.on("close", () => {
      acks.clear();
      if (this.channel !== channel) return;
      this.channel = undefined;
      this.openFor = undefined;
      if (this.active) this.opts.onBroken(this, "channel closed");
    });
    try {
      await declareTopology(channel, this.opts.topology);
      await channel.prefetch(this.opts.options.prefetch);
      const { consumerTag } = await channel.consume(
        this.opts.queue,
        (msg) => this.onMessage(channel, acks, msg),
        {
          noAck: false,
        },
      );
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
    this.acks = acks;
    this.everBound = true;
    this.first.resolve();
  }

  /** Stops deliveries, waits for running handlers (so their acks go out), then closes the channel. */
  async stop(): Promise<void> {
    this.active = false;
    await this.starting?.catch(() => {});
    const channel = this.channel;
    const acks = this.acks;
    this.channel = undefined;
    this.acks = undefined;
    this.openFor = undefined;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => {});
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    // The last handlers' acks may still be waiting for the end of this turn: send them before closing.
    acks?.flush();
    await channel?.close().catch(() => {});
  }

  private onMessage(channel: Channel, acks: AckBatcher, msg: ConsumeMessage | null): void {
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
    acks.delivered(msg);
    void this.delivery
      .handle(acks, msg)
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
}
