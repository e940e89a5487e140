import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { EventEnvelope } from "@payments/contracts";
import { sampleEventData } from "@payments/contracts/testing";
import {
  type EventBusHarness,
  type MakeEventBusHarness,
  Recorder,
  sampleEvent,
  uniqueQueue,
} from "./harness.ts";
import { waitFor } from "./wait.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
/** Small delays so retry tests take milliseconds; brokers honour them through per-delay TTL queues. */
const FAST_RETRY = { retryDelaysMs: [5, 10, 20] };

/**
 * The semantics every {@link EventBus} must keep, written once and run against each implementation
 * (in-process now, RabbitMQ with its issue). Call it at the top level of a `*.test.ts` file.
 */
export function runEventBusContract(name: string, makeBus: MakeEventBusHarness): void {
  describe(`EventBus contract: ${name}`, () => {
    let h: EventBusHarness;
    beforeEach(async () => {
      h = await makeBus();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const handledAll = (recorder: Recorder, events: EventEnvelope[], description: string) =>
      waitFor(() => recorder.handledIds(events).length >= events.length, { description });

    it("delivers a published event to a subscribed queue, once", async () => {
      const queue = uniqueQueue("basic");
      const recorder = new Recorder();
      await h.bus.subscribe(queue, ["payment.created"], recorder.handler, FAST_RETRY);
      const event = sampleEvent("payment.created");
      await h.bus.publish(event);
      await handledAll(recorder, [event], "the event");
      await h.settle();
      expect(recorder.handledIds([event])).toEqual([event.id]);
      expect(recorder.contexts[0]).toEqual({ queue, attempt: 1, redelivered: false });
    });

    it("round-trips the envelope: data, traceparent and every field", async () => {
      const queue = uniqueQueue("roundtrip");
      const recorder = new Recorder();
      await h.bus.subscribe(queue, ["refund.*"], recorder.handler);
      const event = sampleEvent("refund.failed", TRACEPARENT);
      await h.bus.publish(event);
      await handledAll(recorder, [event], "the event");
      expect(recorder.events[0]).toEqual(event);
      expect(recorder.events[0]?.traceparent).toBe(TRACEPARENT);
    });

    it("routes by topic pattern: exact, `*` one word, `#` anything, several patterns", async () => {
      const exact = new Recorder();
      const star = new Recorder();
      const hash = new Recorder();
      const multi = new Recorder();
      await h.bus.subscribe(uniqueQueue("exact"), ["payment.created"], exact.handler);
      await h.bus.subscribe(uniqueQueue("star"), ["payment.*"], star.handler);
      await h.bus.subscribe(uniqueQueue("hash"), ["#"], hash.handler);
      await h.bus.subscribe(uniqueQueue("multi"), ["user.*", "refund.succeeded"], multi.handler);
      const created = sampleEvent("payment.created");
      const failed = sampleEvent("payment.failed");
      const registered = sampleEvent("user.registered");
      const refunded = sampleEvent("refund.succeeded");
      const all = [created, failed, registered, refunded];
      for (const event of all) await h.bus.publish(event);
      await handledAll(hash, all, "all four events on the # queue");
      await h.settle();
      expect(exact.handledIds(all)).toEqual([created.id]);
      expect(star.handledIds(all).sort()).toEqual([created.id, failed.id].sort());
      expect(hash.handledIds(all).sort()).toEqual(all.map((e) => e.id).sort());
      expect(multi.handledIds(all).sort()).toEqual([registered.id, refunded.id].sort());
    });

    it("fans out one event to every bound queue", async () => {
      const admin = new Recorder();
      const gateway = new Recorder();
      await h.bus.subscribe(uniqueQueue("admin"), ["#"], admin.handler);
      await h.bus.subscribe(uniqueQueue("gateway"), ["payment.*"], gateway.handler);
      const event = sampleEvent("payment.succeeded");
      await h.bus.publish(event);
      await handledAll(admin, [event], "the admin copy");
      await handledAll(gateway, [event], "the gateway copy");
      await h.settle();
      expect(admin.handledIds([event])).toEqual([event.id]);
      expect(gateway.handledIds([event])).toEqual([event.id]);
    });

    it("shares one queue between competing consumers: each event handled once", async () => {
      const queue = uniqueQueue("competing");
      // A short pause per event keeps both consumers busy, so the broker has to spread the work.
      const first = new Recorder(() => Bun.sleep(2));
      const second = new Recorder(() => Bun.sleep(2));
      await h.bus.subscribe(queue, ["payment.created"], first.handler, { prefetch: 1 });
      await h.bus.subscribe(queue, ["payment.created"], second.handler, { prefetch: 1 });
      const events = Array.from({ length: 20 }, () => sampleEvent("payment.created"));
      for (const event of events) await h.bus.publish(event);
      await waitFor(
        () => first.handledIds(events).length + second.handledIds(events).length >= events.length,
        { description: "all events across both consumers" },
      );
      await h.settle();
      const handled = [...first.handledIds(events), ...second.handledIds(events)];
      expect(handled.sort()).toEqual(events.map((e) => e.id).sort());
      expect(first.handledIds(events).length).toBeGreaterThan(0);
      expect(second.handledIds(events).length).toBeGreaterThan(0);
    });

    it("does not give a new queue events published before its first subscribe", async () => {
      const before = sampleEvent("payment.created");
      await h.bus.publish(before);
      const recorder = new Recorder();
      await h.bus.subscribe(uniqueQueue("late"), ["payment.created"], recorder.handler);
      const after = sampleEvent("payment.created");
      await h.bus.publish(after);
      await handledAll(recorder, [after], "the event published after subscribe");
      await h.settle();
      expect(recorder.handledIds([before, after])).toEqual([after.id]);
    });

    it("keeps a queue's events while it has no consumer", async () => {
      const queue = uniqueQueue("durable");
      const gone = new Recorder();
      const subscription = await h.bus.subscribe(queue, ["user.*"], gone.handler);
      await subscription.close();
      const event = sampleEvent("user.updated");
      await h.bus.publish(event);
      await h.settle();
      expect(gone.events).toHaveLength(0);
      const back = new Recorder();
      await h.bus.subscribe(queue, ["user.*"], back.handler);
      await handledAll(back, [event], "the event kept while nobody consumed");
      expect(back.handledIds([event])).toEqual([event.id]);
    });

    it("retries a failing handler with backoff and applies the event once", async () => {
      const queue = uniqueQueue("retry");
      let applied = 0;
      const recorder = new Recorder(async (_event, ctx) => {
        if (ctx.attempt <= 3) throw new Error(`transient failure ${ctx.attempt}`);
        applied++;
      });
      await h.bus.subscribe(queue, ["payment.*"], recorder.handler, { ...FAST_RETRY, maxAttempts: 4 });
      const event = sampleEvent("payment.processing");
      await h.bus.publish(event);
      await handledAll(recorder, [event], "success on the fourth attempt");
      await h.settle();
      expect(applied).toBe(1);
      expect(recorder.contexts.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
      expect(recorder.contexts.map((c) => c.redelivered)).toEqual([false, true, true, true]);
      expect(await h.deadLetters(queue)).toEqual([]);
    });

    it("dead-letters after maxAttempts with the handler's error as reason", async () => {
      const queue = uniqueQueue("dead");
      const recorder = new Recorder(async (_event, ctx) => {
        throw new Error(`boom on attempt ${ctx.attempt}`);
      });
      await h.bus.subscribe(queue, ["payment.*"], recorder.handler, {
        retryDelaysMs: [5, 10],
        maxAttempts: 3,
      });
      const event = sampleEvent("payment.failed");
      await h.bus.publish(event);
      await waitFor(async () => (await h.deadLetters(queue)).length > 0, { description: "a dead letter" });
      await h.settle();
      expect(recorder.contexts.map((c) => c.attempt)).toEqual([1, 2, 3]);
      const letters = await h.deadLetters(queue);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ queue, routing_key: "payment.failed", attempts: 3, event });
      expect(letters[0]?.reason).toContain("boom on attempt 3");
      expect(Number.isNaN(Date.parse(letters[0]?.dead_lettered_at ?? ""))).toBe(false);
    });

    it("dead-letters poison at once, never calling the handler, without blocking the queue", async () => {
      const queue = uniqueQueue("poison");
      const recorder = new Recorder();
      await h.bus.subscribe(queue, ["payment.created", "payment.unknown"], recorder.handler, FAST_RETRY);
      const bad = {
        ...sampleEvent("payment.created"),
        data: { ...sampleEventData("payment.created"), amount: -1 },
      };
      await h.publishRaw("payment.created", JSON.stringify(bad));
      await h.publishRaw("payment.created", "{not json");
      await h.publishRaw("payment.unknown", JSON.stringify({ ...bad, type: "payment.unknown" }));
      const good = sampleEvent("payment.created");
      await h.bus.publish(good);
      await handledAll(recorder, [good], "the valid event behind the poison");
      await waitFor(async () => (await h.deadLetters(queue)).length >= 3, {
        description: "three dead letters",
      });
      await h.settle();
      expect(recorder.contexts).toHaveLength(1);
      expect(recorder.handledIds([good])).toEqual([good.id]);
      const letters = await h.deadLetters(queue);
      expect(letters.map((l) => l.attempts)).toEqual([1, 1, 1]);
      // Order-insensitive: a broker may dead-letter concurrently handled messages in either order.
      const invalidData = letters.find((l) => /invalid data for payment\.created v1: amount/.test(l.reason));
      expect(invalidData?.event).toEqual(bad);
      expect(letters.some((l) => /JSON/.test(l.reason))).toBe(true);
      expect(letters.some((l) => /unknown event type "payment\.unknown"/.test(l.reason))).toBe(true);
    });

    it("reports healthy while open", async () => {
      await expect(h.bus.probe.run()).resolves.toBeDefined();
      expect(["in-process", "rabbitmq"]).toContain(h.bus.kind);
    });
  });
}
