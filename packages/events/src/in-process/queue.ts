import type { DeadLetter, EventHandler } from "../bus/index.ts";
import type { ResolvedSubscribeOptions } from "../bus/options.ts";
import { topicMatches } from "../topic/index.ts";

/** A message as a broker holds it: bytes plus routing key, decoded again on every delivery. */
export interface StoredMessage {
  readonly routingKey: string;
  readonly body: string;
  /** Deliveries so far; the next delivery is attempt `deliveries + 1`. */
  deliveries: number;
}

/** One `subscribe()` call: a handler with its own prefetch window, competing with the queue's others. */
export interface LocalConsumer {
  readonly handler: EventHandler;
  readonly options: ResolvedSubscribeOptions;
  inFlight: number;
  active: boolean;
  /** Resolvers waiting for `inFlight` to reach zero after `close()`. */
  readonly drained: Array<() => void>;
}

/** A dead letter plus the stored message it came from, so a replay re-sends the original bytes. */
export interface StoredDeadLetter {
  readonly record: DeadLetter;
  readonly message: StoredMessage;
}

/**
 * FIFO with O(1) shift: `Array#shift` is O(n), which hurts once a queue without consumers has piled up
 * thousands of messages.
 */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head++;
    // Compact once the consumed prefix dominates, keeping memory proportional to what is queued.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

/** A named queue with its bindings, ready messages, consumers, scheduled retries and dead letters. */
export class LocalQueue {
  readonly bindings = new Set<string>();
  readonly ready = new Fifo<StoredMessage>();
  readonly consumers: LocalConsumer[] = [];
  readonly deadLetters: StoredDeadLetter[] = [];
  readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  inFlight = 0;
  pumpScheduled = false;
  private cursor = 0;

  constructor(readonly name: string) {}

  /** True when any binding routes `routingKey` here (a message is enqueued once however many match). */
  accepts(routingKey: string): boolean {
    for (const pattern of this.bindings) if (topicMatches(pattern, routingKey)) return true;
    return false;
  }

  /** Next consumer with a free prefetch slot, round-robin like a broker spreading work. */
  nextConsumer(): LocalConsumer | undefined {
    const count = this.consumers.length;
    for (let i = 0; i < count; i++) {
      const consumer = this.consumers[(this.cursor + i) % count];
      if (consumer?.active && consumer.inFlight < consumer.options.prefetch) {
        this.cursor = (this.cursor + i + 1) % count;
        return consumer;
      }
    }
    return undefined;
  }

  /** Nothing here can still change without outside help (a new consumer or publish). */
  isIdle(): boolean {
    return (
      this.inFlight === 0 &&
      this.retryTimers.size === 0 &&
      !this.pumpScheduled &&
      (this.ready.length === 0 || this.consumers.length === 0)
    );
  }
}
