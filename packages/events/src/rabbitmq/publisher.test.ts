import { afterEach, describe, expect, it } from "bun:test";
import { ConfirmPublisher, type OutgoingMessage, type PublishChannel, PublishError } from "./publisher.ts";

/** A channel that records writes and lets the test confirm, nack, fill its buffer and drain it. */
class FakeChannel implements PublishChannel {
  readonly written: Array<{ routingKey: string; confirm: (err?: unknown) => void }> = [];
  /** `publish()` returns false (buffer full) from this write on. */
  fullAfter = Number.POSITIVE_INFINITY;
  private drainListeners: Array<() => void> = [];

  publish(
    _exchange: string,
    routingKey: string,
    _content: Buffer,
    _options: unknown,
    callback: (err: unknown) => void,
  ) {
    this.written.push({ routingKey, confirm: (err) => callback(err ?? null) });
    return this.written.length < this.fullAfter;
  }

  on(_event: "drain", listener: () => void) {
    this.drainListeners.push(listener);
    return this;
  }

  drain() {
    this.fullAfter = Number.POSITIVE_INFINITY;
    for (const listener of this.drainListeners) listener();
  }

  confirmAll() {
    for (const w of this.written.splice(0)) w.confirm();
  }
}

const message = (routingKey: string): OutgoingMessage => ({
  exchange: "events",
  routingKey,
  body: Buffer.from("{}"),
  options: {},
});

const settledOf = (promise: Promise<void>) => {
  const state = { settled: false, error: undefined as unknown };
  promise.then(
    () => {
      state.settled = true;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
};

describe("ConfirmPublisher", () => {
  const publishers: ConfirmPublisher[] = [];
  const make = (opts: Partial<ConstructorParameters<typeof ConfirmPublisher>[0]> = {}) => {
    const publisher = new ConfirmPublisher({ window: 3, waitMs: 50, confirmTimeoutMs: 1_000, ...opts });
    publishers.push(publisher);
    return publisher;
  };
  afterEach(() => {
    for (const p of publishers.splice(0)) p.close();
  });

  it("keeps at most `window` messages unconfirmed and sends the rest in call order as confirms arrive", async () => {
    const publisher = make();
    const channel = new FakeChannel();
    publisher.attach(channel);
    const sends = ["a", "b", "c", "d", "e"].map((k) => publisher.send(message(k)));
    expect(channel.written.map((w) => w.routingKey)).toEqual(["a", "b", "c"]);
    expect(publisher.unconfirmed).toBe(3);
    expect(publisher.outstanding).toBe(5);
    channel.written[0]?.confirm();
    await Bun.sleep(0);
    expect(channel.written.map((w) => w.routingKey)).toEqual(["a", "b", "c", "d"]);
    channel.confirmAll();
    await Bun.sleep(0);
    channel.confirmAll();
    await Promise.all(sends);
    expect(publisher.outstanding).toBe(0);
  });

  it("stops writing when publish() returns false and resumes on drain", async () => {
    const publisher = make({ window: 100 });
    const channel = new FakeChannel();
    channel.fullAfter = 2;
    publisher.attach(channel);
    const sends = ["a", "b", "c", "d"].map((k) => publisher.send(message(k)));
    // The write that filled the buffer went out; nothing after it until 'drain'.
    expect(channel.written.map((w) => w.routingKey)).toEqual(["a", "b"]);
    channel.drain();
    expect(channel.written.map((w) => w.routingKey)).toEqual(["a", "b", "c", "d"]);
    channel.confirmAll();
    await Promise.all(sends);
  });

  it("rejects on a nack and on channel loss, with the reason the outbox sees", async () => {
    const publisher = make();
    const channel = new FakeChannel();
    publisher.attach(channel);
    const nacked = publisher.send(message("a"));
    const lost = publisher.send(message("b"));
    channel.written[0]?.confirm(new Error("message nacked"));
    await expect(nacked).rejects.toMatchObject({ name: "PublishError", reason: "nack" });
    publisher.detach(channel, "connection closed");
    await expect(lost).rejects.toMatchObject({ reason: "connection" });
    // A late confirm for a settled message changes nothing.
    channel.written[1]?.confirm();
    expect(publisher.outstanding).toBe(0);
  });

  it("holds messages while disconnected, sends them on the next channel, fails them after waitMs", async () => {
    const publisher = make({ waitMs: 40 });
    const early = settledOf(publisher.send(message("early")));
    await Bun.sleep(10);
    const channel = new FakeChannel();
    publisher.attach(channel);
    expect(channel.written.map((w) => w.routingKey)).toEqual(["early"]);
    channel.confirmAll();
    await Bun.sleep(0);
    expect(early).toEqual({ settled: true, error: undefined });

    publisher.detach(channel, "gone");
    const late = publisher.send(message("late"));
    await expect(late).rejects.toBeInstanceOf(PublishError);
    await expect(late).rejects.toMatchObject({ reason: "unavailable" });
  });

  it("fails a message whose confirm never comes after confirmTimeoutMs", async () => {
    const failures: string[] = [];
    const publisher = make({ confirmTimeoutMs: 30, onFailure: (e) => failures.push(e.reason) });
    publisher.attach(new FakeChannel());
    await expect(publisher.send(message("a"))).rejects.toMatchObject({ reason: "timeout" });
    expect(failures).toEqual(["timeout"]);
  });

  it("refuses new messages after close and fails what was pending", async () => {
    const publisher = make();
    publisher.attach(new FakeChannel());
    const pending = publisher.send(message("a"));
    publisher.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(publisher.send(message("b"))).rejects.toThrow(/closed/);
  });
});
