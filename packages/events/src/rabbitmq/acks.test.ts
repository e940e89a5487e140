import { describe, expect, it } from "bun:test";
import type { Message } from "amqplib";
import { AckBatcher, type AckChannel } from "./acks.ts";

/** Records every ack/nack frame as `ack 3`, `ack* 5` (multiple) or `nack 2`. */
class FakeChannel implements AckChannel {
  readonly frames: string[] = [];
  closed = false;

  ack(message: Message, allUpTo?: boolean): void {
    if (this.closed) throw new Error("Channel closed");
    this.frames.push(`${allUpTo ? "ack*" : "ack"} ${message.fields.deliveryTag}`);
  }

  nack(message: Message, allUpTo?: boolean, requeue?: boolean): void {
    if (this.closed) throw new Error("Channel closed");
    expect(allUpTo).toBe(false);
    expect(requeue).toBe(true);
    this.frames.push(`nack ${message.fields.deliveryTag}`);
  }
}

function delivery(deliveryTag: number): Message {
  return {
    content: Buffer.from("{}"),
    fields: { deliveryTag, redelivered: false, exchange: "events", routingKey: "payment.created" },
    properties: {
      contentType: undefined,
      contentEncoding: undefined,
      headers: {},
      deliveryMode: 2,
      priority: undefined,
      correlationId: undefined,
      replyTo: undefined,
      expiration: undefined,
      messageId: undefined,
      timestamp: undefined,
      type: undefined,
      userId: undefined,
      appId: undefined,
      clusterId: undefined,
    },
  };
}

/** A batcher over a fake channel with `count` deliveries (tags 1..count) received. */
function setup(count: number) {
  const channel = new FakeChannel();
  const errors: unknown[] = [];
  const acks = new AckBatcher(channel, (error) => errors.push(error));
  const messages = Array.from({ length: count }, (_, i) => delivery(i + 1));
  for (const message of messages) acks.delivered(message);
  const msg = (tag: number) => messages[tag - 1] ?? delivery(tag);
  return { channel, errors, acks, msg };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("AckBatcher", () => {
  it("acks handlers that finished in one turn with one multiple ack, after the turn", async () => {
    const { channel, acks, msg } = setup(5);
    for (const tag of [1, 2, 3, 4, 5]) acks.ack(msg(tag));
    expect(channel.frames).toEqual([]);
    await nextTurn();
    expect(channel.frames).toEqual(["ack* 5"]);
    expect(acks.unsettled).toBe(0);
  });

  it("never covers a delivery whose handler is still running; acks those behind it one by one", async () => {
    const { channel, acks, msg } = setup(5);
    for (const tag of [1, 2, 4, 5]) acks.ack(msg(tag));
    await nextTurn();
    // 3 still runs: 1–2 go as one multiple ack, 4 and 5 alone so a slow handler cannot stall the prefetch.
    expect(channel.frames).toEqual(["ack* 2", "ack 4", "ack 5"]);
    acks.ack(msg(3));
    await nextTurn();
    // 3 is now the head: a multiple ack up to it covers nothing already settled twice.
    expect(channel.frames).toEqual(["ack* 2", "ack 4", "ack 5", "ack* 3"]);
    expect(acks.unsettled).toBe(0);
  });

  it("settles every delivery tag exactly once", async () => {
    const { channel, acks, msg } = setup(200);
    const order = Array.from({ length: 200 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    for (const [i, tag] of order.entries()) {
      if (tag % 17 === 0) acks.requeue(msg(tag));
      else acks.ack(msg(tag));
      if (i % 7 === 0) await nextTurn();
    }
    await nextTurn();
    // Replay the frames the way the broker counts them: a multiple ack settles every outstanding tag ≤ it.
    const outstanding = new Set(Array.from({ length: 200 }, (_, i) => i + 1));
    for (const frame of channel.frames) {
      const [kind, tagText] = frame.split(" ");
      const tag = Number(tagText);
      if (kind === "ack*") {
        for (const t of [...outstanding]) if (t <= tag) outstanding.delete(t);
      } else {
        expect(outstanding.has(tag)).toBe(true); // a second ack of one tag would close the channel
        outstanding.delete(tag);
      }
    }
    expect(outstanding.size).toBe(0);
    expect(channel.frames.filter((f) => f.startsWith("nack")).length).toBe(11);
    expect(acks.unsettled).toBe(0);
  });

  it("sends a requeue at once and lets a later multiple ack pass over it", async () => {
    const { channel, acks, msg } = setup(3);
    acks.requeue(msg(2));
    expect(channel.frames).toEqual(["nack 2"]);
    acks.ack(msg(1));
    acks.ack(msg(3));
    await nextTurn();
    expect(channel.frames).toEqual(["nack 2", "ack* 3"]);
  });

  it("flush() sends due acks at once (before a channel is closed)", () => {
    const { channel, acks, msg } = setup(2);
    acks.ack(msg(1));
    acks.ack(msg(2));
    acks.flush();
    expect(channel.frames).toEqual(["ack* 2"]);
  });

  it("ignores a second ack and acks of deliveries it does not know", async () => {
    const { channel, acks, msg } = setup(1);
    acks.ack(msg(1));
    acks.ack(msg(1));
    acks.ack(msg(9));
    await nextTurn();
    expect(channel.frames).toEqual(["ack* 1"]);
  });

  it("reports an ack the closed channel refused, and forgets everything on clear()", async () => {
    const { channel, errors, acks, msg } = setup(2);
    acks.ack(msg(1));
    channel.closed = true;
    await nextTurn();
    expect(errors).toHaveLength(1);
    acks.clear();
    acks.ack(msg(2));
    await nextTurn();
    expect(errors).toHaveLength(1);
    expect(acks.unsettled).toBe(0);
  });
});
