import type { Message } from "amqplib";

/** The part of amqplib's `Channel` the batcher uses (a fake in unit tests). */
export interface AckChannel {
  ack(message: Message, allUpTo?: boolean): void;
  nack(message: Message, allUpTo?: boolean, requeue?: boolean): void;
}

/** A delivery's place in the batcher: still being handled, acked but not yet sent, or settled on the wire. */
interface Entry {
  message: Message;
  state: "running" | "ack-due" | "sent";
}

/**
 * Acknowledges one consumer channel's deliveries in batches, without changing what is acknowledged when.
 *
 * A delivery is acked only after its handler finished (the caller says so with {@link ack}); the batcher
 * only chooses how the ack travels. Once per event-loop turn it sends one `basic.ack` with `multiple` for
 * the longest run of finished deliveries at the head of the channel's delivery order — so nothing still
 * running is ever covered — and an individual ack for each finished delivery behind a running one (holding
 * those back would let one slow handler fill the prefetch window and stall the queue). A nack (requeue) is
 * sent at once. Every delivery tag is settled exactly once: a `multiple` ack only ever spans tags that are
 * either due now or already settled on their own, which the broker no longer counts as outstanding.
 */
export class AckBatcher {
  /** Deliveries in tag order (the broker delivers a channel's messages with increasing tags). */
  private readonly entries: Entry[] = [];
  private readonly byTag = new Map<number, Entry>();
  private scheduled = false;

  constructor(
    private readonly channel: AckChannel,
    /** Told when an ack could not be sent (the channel closed): the broker will redeliver. */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Deliveries not yet acknowledged on the wire. */
  get unsettled(): number {
    return this.byTag.size;
  }

  /** Records a delivery as it arrives, before its handler runs. */
  delivered(message: Message): void {
    const entry: Entry = { message, state: "running" };
    this.entries.push(entry);
    this.byTag.set(message.fields.deliveryTag, entry);
  }

  /** The handler finished: `message` is acked with the next batch (this event-loop turn). */
  ack(message: Message): void {
    const entry = this.byTag.get(message.fields.deliveryTag);
    if (entry?.state !== "running") return;
    entry.state = "ack-due";
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Rejects `message` back to its queue now (it will be delivered again). */
  requeue(message: Message): void {
    const entry = this.byTag.get(message.fields.deliveryTag);
    if (entry?.state !== "running") return;
    entry.state = "sent";
    this.byTag.delete(message.fields.deliveryTag);
    this.send(() => this.channel.nack(message, false, true));
  }

  /** Sends every due ack now (before closing the channel, and once per turn). */
  flush(): void {
    this.scheduled = false;
    let last: Entry | undefined;
    let head = 0;
    for (; head < this.entries.length; head++) {
      const entry = this.entries[head];
      if (!entry || entry.state === "running") break;
      if (entry.state === "ack-due") last = entry;
    }
    if (head > 0) this.entries.splice(0, head);
    if (last) {
      const upTo = last.message;
      this.settleThrough(upTo.fields.deliveryTag);
      this.send(() => this.channel.ack(upTo, true));
    }
    for (const entry of this.entries) {
      if (entry.state !== "ack-due") continue;
      entry.state = "sent";
      this.byTag.delete(entry.message.fields.deliveryTag);
      const { message } = entry;
      this.send(() => this.channel.ack(message));
    }
  }

  /** Forgets every delivery (the channel is gone: the broker redelivers whatever was not acked). */
  clear(): void {
    this.entries.length = 0;
    this.byTag.clear();
  }

  private settleThrough(tag: number): void {
    for (const [key] of this.byTag) {
      if (key > tag) break;
      this.byTag.delete(key);
    }
  }

  private send(frame: () => void): void {
    try {
      frame();
    } catch (error) {
      this.onError(error);
    }
  }
}
