import { describe, expect, it } from "bun:test";
import { realServer } from "@payments/testing";
import type { ChannelModel } from "amqplib";
import { coalesceWrites } from "./socket.ts";
import { connectAmqp, uniqueName } from "./test-support.ts";

const url = realServer("rabbitmq");

/** A stand-in for amqplib's model whose muxer writes `frames` chunks per pass to a recording stream. */
function fakeModel(frames: number) {
  const log: string[] = [];
  const stream = {
    corked: 0,
    cork() {
      this.corked++;
      log.push("cork");
    },
    uncork() {
      this.corked--;
      log.push("uncork");
    },
    write(chunk: string) {
      log.push(this.corked > 0 ? `buffered ${chunk}` : `sent ${chunk}`);
      return true;
    },
  };
  const muxer = {
    _readIncoming() {
      for (let i = 1; i <= frames; i++) stream.write(`frame${i}`);
    },
  };
  const model = { connection: { stream, muxer } } as unknown as ChannelModel;
  return { model, muxer, log };
}

describe("coalesceWrites", () => {
  it("corks the socket for one muxer pass, so a burst of frames leaves in one write", () => {
    const { model, muxer, log } = fakeModel(3);
    expect(coalesceWrites(model)).toBe(true);
    muxer._readIncoming();
    expect(log).toEqual(["cork", "buffered frame1", "buffered frame2", "buffered frame3", "uncork"]);
  });

  it("wraps a muxer only once", () => {
    const { model, muxer, log } = fakeModel(1);
    expect(coalesceWrites(model)).toBe(true);
    expect(coalesceWrites(model)).toBe(true);
    muxer._readIncoming();
    expect(log).toEqual(["cork", "buffered frame1", "uncork"]);
  });

  it("uncorks even when the pass throws", () => {
    const { model, muxer, log } = fakeModel(0);
    muxer._readIncoming = () => {
      throw new Error("stream destroyed");
    };
    expect(coalesceWrites(model)).toBe(true);
    expect(() => muxer._readIncoming()).toThrow("stream destroyed");
    expect(log).toEqual(["cork", "uncork"]);
  });

  it("changes nothing and says so when amqplib's internals are not where expected", () => {
    const model = { connection: { serverProperties: {} } } as unknown as ChannelModel;
    expect(coalesceWrites(model)).toBe(false);
  });
});

describe.if(Boolean(url))("coalesceWrites with the pinned amqplib on the shared broker", () => {
  it("finds amqplib's socket and muxer, and publishes still arrive in order and are confirmed", async () => {
    const model = await connectAmqp(url ?? "", { noDelay: true });
    const queue = uniqueName("cork");
    try {
      // Fails when an amqplib upgrade moves the internals: the bus would silently lose write batching.
      expect(coalesceWrites(model)).toBe(true);
      const channel = await model.createConfirmChannel();
      await channel.assertQueue(queue, { durable: false });
      for (let i = 0; i < 500; i++) channel.sendToQueue(queue, Buffer.from(String(i)));
      await channel.waitForConfirms();
      const received: string[] = [];
      await channel.consume(queue, (msg) => msg && received.push(msg.content.toString()), { noAck: true });
      const deadline = Date.now() + 10_000;
      while (received.length < 500 && Date.now() < deadline) await Bun.sleep(10);
      expect(received).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
      await channel.deleteQueue(queue);
    } finally {
      await model.close().catch(() => {});
    }
  });
});
