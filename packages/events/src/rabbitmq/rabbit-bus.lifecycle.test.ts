import { describe, expect, it } from "bun:test";
import { realServer } from "@payments/testing";
import { Recorder, sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { openDeadLetterAdmin } from "./dead-letters.ts";
import { PublishError } from "./publisher.ts";
import { createRabbitBus } from "./rabbit-bus.ts";
import { busFixture, captureLogger, uniqueName } from "./test-support.ts";

const url = realServer("rabbitmq");

describe.if(Boolean(url))("RabbitMQ bus on the shared broker: lifecycle and operations", () => {
  const amqpUrl = url ?? "";
  const { makeBus, rawChannel, removeAfter } = busFixture(amqpUrl);

  it("while the broker is unreachable: publish fails after publishWaitMs, the probe reports it, subscribe waits", async () => {
    const { bus, lines } = makeBus({
      url: "amqp://guest:guest@127.0.0.1:1",
      publishWaitMs: 100,
      subscribeWaitMs: 100,
    });
    const failure = await bus.publish(sampleEvent("payment.created")).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PublishError);
    expect(failure).toMatchObject({ reason: "unavailable" });
    expect(bus.probe.critical).toBe(false);
    await expect(bus.probe.run()).rejects.toThrow(/RabbitMQ (connecting|reconnecting)/);
    await bus.subscribe("unreachable", ["#"], async () => {});
    expect(lines.some((l) => String(l.msg).includes("bound once it connects"))).toBe(true);
  });

  it("close() waits for a running handler (its ack goes out), then refuses publish and subscribe", async () => {
    const { bus } = makeBus();
    const queue = uniqueName("closing");
    const started = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    await bus.subscribe(queue, ["#"], async () => {
      started.resolve();
      await release.promise;
    });
    await bus.publish(sampleEvent("config.updated"));
    await started.promise;
    let closed = false;
    const closing = bus.close().then(() => {
      closed = true;
    });
    await Bun.sleep(30);
    expect(closed).toBe(false);
    release.resolve();
    await closing;
    await expect(bus.publish(sampleEvent("config.updated"))).rejects.toThrow(/closed/);
    await expect(bus.subscribe(queue, ["#"], async () => {})).rejects.toThrow(/closed/);
    await expect(bus.probe.run()).rejects.toThrow(/closed/);
    const admin = await openDeadLetterAdmin(amqpUrl);
    const [depth] = await admin.depths([queue]);
    await admin.close();
    // Acked before the channel closed: nothing came back to the queue.
    expect(depth).toMatchObject({ exists: true, ready: 0, consumers: 0, dead_letters: 0 });
  });

  it("dead-letter admin: inspects, replays with a fresh attempt count, purges", async () => {
    const { bus } = makeBus();
    const queue = uniqueName("admin");
    let healthy = false;
    const seen: Array<[string, number]> = [];
    await bus.subscribe(
      queue,
      ["refund.*"],
      async (event, ctx) => {
        seen.push([event.id, ctx.attempt]);
        if (!healthy) throw new Error("ledger unavailable");
      },
      { retryDelaysMs: [5], maxAttempts: 2 },
    );
    const admin = await openDeadLetterAdmin(amqpUrl);
    try {
      const event = sampleEvent("refund.failed");
      await bus.publish(event);
      await waitFor(async () => (await admin.depths([queue]))[0]?.dead_letters === 1, {
        description: "a dead letter",
      });
      const letters = await admin.inspect(queue);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ queue, routing_key: "refund.failed", attempts: 2, event });
      expect(letters[0]?.reason).toBe("ledger unavailable");
      expect((await admin.depths([queue]))[0]?.dead_letters).toBe(1); // inspecting left it in place

      healthy = true;
      expect(await admin.replay(queue)).toBe(1);
      await waitFor(() => seen.length === 3, { description: "the replayed delivery" });
      expect(seen.map(([, attempt]) => attempt)).toEqual([1, 2, 1]);
      expect((await admin.depths([queue]))[0]?.dead_letters).toBe(0);

      healthy = false;
      await bus.publish(sampleEvent("refund.failed"));
      await waitFor(async () => (await admin.depths([queue]))[0]?.dead_letters === 1, {
        description: "another",
      });
      expect(await admin.replay(queue, { select: () => false })).toBe(0);
      expect(await admin.purge(queue)).toBe(1);
      expect(await admin.depths(["no.such.queue"])).toEqual([
        { queue: "no.such.queue", exists: false, ready: 0, consumers: 0, dead_letters: 0 },
      ]);
    } finally {
      await admin.close();
    }
  });

  it("refuses a subscription whose queue exists with other arguments, and keeps working", async () => {
    const { bus } = makeBus();
    const clash = uniqueName("clash");
    removeAfter(clash);
    const { model, channel } = await rawChannel();
    await channel.assertQueue(clash, { durable: true }); // classic, no arguments
    await model.close();
    await expect(bus.subscribe(clash, ["#"], async () => {})).rejects.toThrow(
      /PRECONDITION_FAILED|inequivalent/,
    );
    const recorder = new Recorder();
    await bus.subscribe(uniqueName("fine"), ["#"], recorder.handler);
    const event = sampleEvent("session.revoked");
    await bus.publish(event);
    await waitFor(() => recorder.events.length === 1, { description: "delivery after the refusal" });
    await expect(bus.probe.run()).resolves.toMatchObject({ kind: "rabbitmq", state: "connected" });
  });

  it("validates its options and subscribe arguments", async () => {
    expect(() =>
      createRabbitBus({ url: amqpUrl, logger: captureLogger().logger, exchange: "amq.topic" }),
    ).toThrow(/exchange/);
    const { bus } = makeBus();
    await expect(bus.subscribe("amq.x", ["#"], async () => {})).rejects.toThrow(/queue/);
    await expect(bus.subscribe("svc", ["a..b"], async () => {})).rejects.toThrow(/patterns/);
    const future = { ...sampleEvent("payment.created"), version: 99 };
    // @ts-expect-error a producer bypassing createEvent
    await expect(bus.publish(future)).rejects.toThrow(/unknown version/);
  });
});
