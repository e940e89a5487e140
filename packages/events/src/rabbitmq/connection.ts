import { type ChannelModel, connect, type RecoveringChannelModel } from "amqplib";
import type { LoggerLike } from "../bus/index.ts";
import { coalesceWrites } from "./socket.ts";

/** Where the connection is in its life. */
export type ConnectionState = "connecting" | "connected" | "reconnecting" | "closed";

/** Options of {@link RabbitConnection}. */
export interface RabbitConnectionOptions {
  url: string;
  /** Shown in the broker's connection list (`connection_name` client property). */
  connectionName: string;
  logger: LoggerLike;
  /**
   * Runs on every new connection before it counts as connected: declare topology, open channels, start
   * consumers. A throw drops that connection and schedules the next attempt.
   */
  setup: (model: ChannelModel) => Promise<void>;
  /** After `setup` succeeded; `reconnect` is false the first time. */
  onConnected: (model: ChannelModel, reconnect: boolean) => void;
  /** The connection was lost; its channels are gone. */
  onDisconnected: (error: Error) => void;
  /** First reconnect delay; doubles per failed attempt up to `maxDelayMs`, each ±50 % jitter. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * One AMQP connection that comes back by itself: amqplib 2's opt-in recovery reconnects with jittered
 * exponential backoff, and `setup` re-declares what the bus needs on each new connection. `connect()` is
 * started here without waiting, so the bus can be created synchronously and the first connection (or an
 * unreachable broker) is reported through the state and the probe.
 */
export class RabbitConnection {
  private currentState: ConnectionState = "connecting";
  private model: ChannelModel | undefined;
  private recovering: RecoveringChannelModel | undefined;
  private readonly opening: Promise<void>;
  private waiters: Array<() => void> = [];
  private everConnected = false;
  private warnedUncorked = false;
  /** Last connection error, for the probe and logs. */
  lastError: string | undefined;
  /** Set while the broker blocks publishers (a resource alarm). */
  blockedReason: string | undefined;

  constructor(private readonly opts: RabbitConnectionOptions) {
    this.opening = connect(opts.url, {
      clientProperties: { connection_name: opts.connectionName },
      // No Nagle: a lone publish or ack leaves at once instead of waiting for the previous segment's ACK
      // (up to the peer's 40 ms delayed-ACK timer). Bursts are still batched, by `coalesceWrites`.
      noDelay: true,
      recovery: {
        waitForConnect: false,
        initialDelay: opts.initialDelayMs,
        maxDelay: opts.maxDelayMs,
        jitter: 0.5,
        setup: (model: ChannelModel) => {
          if (!coalesceWrites(model) && !this.warnedUncorked) {
            this.warnedUncorked = true;
            opts.logger.warn("event bus: amqplib internals changed; socket writes are not batched");
          }
          return opts.setup(model);
        },
      },
    }).then(
      (recovering) => this.adopt(recovering),
      (error: unknown) => {
        // Only a malformed URL or options get here: network failures are retried by the recovery.
        this.lastError = error instanceof Error ? error.message : String(error);
        this.currentState = "closed";
        opts.logger.error({ err: this.lastError }, "event bus: cannot connect to RabbitMQ");
        this.notify();
      },
    );
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The live connection, or undefined while (re)connecting or closed. */
  current(): ChannelModel | undefined {
    return this.model;
  }

  /** Resolves with the connection once connected, or undefined after `timeoutMs` or when closed. */
  async whenConnected(timeoutMs: number): Promise<ChannelModel | undefined> {
    if (this.model || this.currentState === "closed") return this.model;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(resolve);
    });
    clearTimeout(timer);
    return this.model;
  }

  /**
   * Drops the live connection so recovery builds a fresh one: the remedy when one of its channels failed
   * in a way the bus cannot repair in place.
   */
  reset(why: string): void {
    const model = this.model;
    if (!model) return;
    this.opts.logger.warn({ reason: why }, "event bus: resetting the RabbitMQ connection");
    model.close().catch(() => {});
  }

  async close(): Promise<void> {
    this.currentState = "closed";
    this.model = undefined;
    this.notify();
    await this.opening;
    await this.recovering?.close().catch(() => {});
  }

  private adopt(recovering: RecoveringChannelModel): void {
    this.recovering = recovering;
    const { logger } = this.opts;
    recovering.on("connect", (model: ChannelModel) => {
      if (this.currentState === "closed") return;
      this.model = model;
      this.currentState = "connected";
      this.lastError = undefined;
      const reconnect = this.everConnected;
      this.everConnected = true;
      logger.info(
        { connection: this.opts.connectionName },
        reconnect ? "event bus: reconnected" : "event bus: connected",
      );
      this.opts.onConnected(model, reconnect);
      this.notify();
    });
    recovering.on("disconnect", (error: Error) => {
      this.model = undefined;
      if (this.currentState === "closed") return;
      this.currentState = "reconnecting";
      this.lastError = error.message;
      logger.warn({ err: error.message }, "event bus: connection to RabbitMQ lost; reconnecting");
      this.opts.onDisconnected(error);
    });
    recovering.on("connect-failed", (error: Error) => {
      this.lastError = error.message;
    });
    recovering.on("reconnect-scheduled", (info: { attempt: number; delay: number; error: Error }) => {
      // Every attempt at debug, and a warning now and then so a long outage stays visible without flooding.
      const level = info.attempt === 1 || info.attempt % 10 === 0 ? "warn" : "debug";
      logger[level](
        { attempt: info.attempt, retry_in_ms: info.delay, err: info.error.message },
        "event bus: could not connect to RabbitMQ; retrying",
      );
    });
    recovering.on("reconnect-failed", (error: Error) => {
      this.currentState = "closed";
      this.lastError = error.message;
      logger.error({ err: error.message }, "event bus: gave up reconnecting to RabbitMQ");
      this.notify();
    });
    recovering.on("blocked", (reason: string) => {
      this.blockedReason = reason;
      logger.warn({ reason }, "event bus: RabbitMQ blocked publishing (resource alarm)");
    });
    recovering.on("unblocked", () => {
      this.blockedReason = undefined;
      logger.info("event bus: RabbitMQ unblocked publishing");
    });
    // Without an 'error' listener an EventEmitter throws; connection errors also arrive as 'disconnect'.
    recovering.on("error", (error: Error) => {
      this.lastError = error.message;
    });
    if (this.currentState === "closed") void recovering.close().catch(() => {});
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
