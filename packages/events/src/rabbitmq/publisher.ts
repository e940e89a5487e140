import type { Options } from "amqplib";
import { Fifo } from "../in-process/queue.ts";

/** One message to publish. */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  body: Buffer;
  options: Options.Publish;
}

/** The part of amqplib's `ConfirmChannel` the publisher uses (a fake in unit tests). */
export interface PublishChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
    callback: (err: unknown) => void,
  ): boolean;
  on(event: "drain", listener: () => void): unknown;
}

/** Why a publish was not confirmed; the caller (the outbox) keeps the event and retries. */
export class PublishError extends Error {
  override readonly name = "PublishError";
  constructor(
    message: string,
    readonly reason: "nack" | "connection" | "timeout" | "unavailable",
  ) {
    super(message);
  }
}

/** Options of {@link ConfirmPublisher}. */
export interface ConfirmPublisherOptions {
  /** Most messages sent and not yet confirmed; further publishes queue in order. */
  window: number;
  /** How long a publish waits for a channel while disconnected before it fails. */
  waitMs: number;
  /** How long a sent message may stay unconfirmed before its publish fails. */
  confirmTimeoutMs: number;
  /** Told about every failure (metrics). */
  onFailure?: (error: PublishError) => void;
}

interface Queued {
  message: OutgoingMessage;
  resolve: () => void;
  reject: (error: PublishError) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

interface Pending {
  deadline: number;
  settle: (error?: PublishError) => void;
}

/**
 * Publisher confirms with a bounded window: up to `window` messages are on the wire at once, so throughput
 * is not one round trip per message, and memory stays bounded when the broker slows down. Messages leave in
 * call order; when amqplib's write buffer is full (`publish()` returned false) nothing more is written until
 * `drain`. Each `send()` settles on the broker's ack (resolve) or nack, channel loss or timeout (reject) —
 * a rejected message may still have reached the broker, which the consumers' inbox tolerates.
 */
export class ConfirmPublisher {
  private channel: PublishChannel | undefined;
  private blocked = false;
  private closed = false;
  private seq = 0;
  /** Queued items not yet written or failed (the FIFO also holds settled ones until they reach its head). */
  private waiting = 0;
  private readonly queue = new Fifo<Queued>();
  private readonly pending = new Map<number, Pending>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly opts: ConfirmPublisherOptions) {
    // One timer for all confirm deadlines instead of one per message (tens of thousands per second).
    this.sweeper = setInterval(() => this.expire(), Math.min(1_000, opts.confirmTimeoutMs));
    this.sweeper.unref?.();
  }

  /** Messages sent and awaiting a confirm plus those queued behind the window. */
  get outstanding(): number {
    return this.pending.size + this.waiting;
  }

  /** Messages sent and awaiting a confirm. */
  get unconfirmed(): number {
    return this.pending.size;
  }

  /** True while a channel is attached. */
  get ready(): boolean {
    return this.channel !== undefined;
  }

  /** Publishes on `channel` from now on (after a (re)connect). */
  attach(channel: PublishChannel): void {
    this.channel = channel;
    this.blocked = false;
    channel.on("drain", () => {
      if (this.channel !== channel) return;
      this.blocked = false;
      this.pump();
    });
    this.pump();
  }

  /**
   * The channel is gone: everything awaiting a confirm fails now (amqplib may report it too; the first
   * report wins), and queued messages wait up to `waitMs` for the next channel.
   */
  detach(channel: PublishChannel | undefined, why: string): void {
    if (channel && this.channel !== channel) return;
    this.channel = undefined;
    this.blocked = false;
    const error = new PublishError(`publish not confirmed: ${why}`, "connection");
    for (const entry of [...this.pending.values()]) entry.settle(error);
    this.forEachQueued((item) => this.armWait(item));
  }

  /** Resolves when the broker confirmed `message`; rejects with a {@link PublishError} otherwise. */
  send(message: OutgoingMessage): Promise<void> {
    if (this.closed) return Promise.reject(new PublishError("event bus is closed", "unavailable"));
    return new Promise<void>((resolve, reject) => {
      const item: Queued = { message, resolve, reject, timer: undefined, done: false };
      this.queue.push(item);
      this.waiting++;
      if (!this.channel) this.armWait(item);
      this.pump();
    });
  }

  /** Resolves once nothing is awaiting a confirm or queued, or after `timeoutMs`. */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outstanding > 0 && Date.now() < deadline) await Bun.sleep(5);
  }

  /** Fails everything still queued or unconfirmed and refuses new messages. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    const error = new PublishError("event bus is closed", "unavailable");
    for (const entry of [...this.pending.values()]) entry.settle(error);
    this.forEachQueued((item) => this.fail(item, error));
    this.channel = undefined;
  }

  private forEachQueued(fn: (item: Queued) => void): void {
    const items: Queued[] = [];
    for (let item = this.queue.shift(); item; item = this.queue.shift()) items.push(item);
    for (const item of items) {
      if (item.done) continue;
      this.queue.push(item);
      fn(item);
    }
  }

  private armWait(item: Queued): void {
    if (item.timer || item.done) return;
    item.timer = setTimeout(() => {
      item.timer = undefined;
      if (this.channel) return;
      this.fail(
        item,
        new PublishError(`not connected to RabbitMQ within ${this.opts.waitMs} ms`, "unavailable"),
      );
    }, this.opts.waitMs);
  }

  private fail(item: Queued, error: PublishError): void {
    if (item.done) return;
    item.done = true;
    this.waiting--;
    clearTimeout(item.timer);
    this.opts.onFailure?.(error);
    item.reject(error);
  }

  private pump(): void {
    while (this.channel && !this.blocked && this.pending.size < this.opts.window) {
      const item = this.queue.shift();
      if (!item) return;
      if (item.done) continue;
      item.done = true;
      this.waiting--;
      clearTimeout(item.timer);
      this.write(this.channel, item);
    }
  }

  private write(channel: PublishChannel, item: Queued): void {
    const seq = ++this.seq;
    const settle = (error?: PublishError) => {
      if (!this.pending.delete(seq)) return;
      if (error) {
        this.opts.onFailure?.(error);
        item.reject(error);
      } else {
        item.resolve();
      }
      this.pump();
    };
    this.pending.set(seq, { deadline: Date.now() + this.opts.confirmTimeoutMs, settle });
    const { exchange, routingKey, body, options } = item.message;
    try {
      const ok = channel.publish(exchange, routingKey, body, options, (err: unknown) => {
        if (!err) settle();
        else settle(new PublishError(`broker did not confirm: ${String(err)}`, "nack"));
      });
      if (!ok) this.blocked = true;
    } catch (error) {
      // A channel closing under us throws synchronously (IllegalOperationError).
      settle(
        new PublishError(
          `publish failed: ${error instanceof Error ? error.message : String(error)}`,
          "connection",
        ),
      );
    }
  }

  private expire(): void {
    const now = Date.now();
    // Map iteration is insertion order, and deadlines grow with it: stop at the first one not due.
    for (const entry of this.pending.values()) {
      if (entry.deadline > now) return;
      entry.settle(new PublishError(`no confirm within ${this.opts.confirmTimeoutMs} ms`, "timeout"));
    }
  }
}
