import { describe, expect, it } from "bun:test";
import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidEventError } from "@payments/contracts";
import { pino } from "pino";
import { Registry } from "prom-client";
import { runEventBusContract } from "../contract/event-bus-contract.ts";
import { Recorder, sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { createInProcessBus } from "./in-process-bus.ts";

/** A real pino logger writing parsed lines into an array, so tests can read what the bus logged. */
function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

runEventBusContract("in-process", async () => {
  const bus = createInProcessBus({ logger: captureLogger().logger, registry: new Registry() });
  return {
    bus,
    settle: () => bus.idle(),
    deadLetters: async (queue) => bus.deadLetters(queue),
    publishRaw: (routingKey, body) => bus.publishRaw(routingKey, body),
    cleanup: () => bus.close(),
  };
});

describe("in-process bus", () => {
  const setup = () => {
    const { logger, lines } = captureLogger();
    const registry = new Registry();
    const bus = createInProcessBus({ logger, registry });
    return { bus, lines, registry };
  };

  it("logs once at creation that it is the embedded default, not for production", async () => {
    const { bus, lines } = setup();
    const notices = lines.filter((l) => String(l.msg).includes("not for production"));
    expect(notices).toHaveLength(1);
    await bus.close();
  });

  it("rejects an invalid event at publish instead of poisoning every queue", async () => {
    const { bus } = setup();
    const event = sampleEvent("payment.created");
    const broken = { ...event, data: { ...event.data, currency: "USD" } };
    // @ts-expect-error a producer bypassing createEvent: the type system already objects
    await expect(bus.publish(broken)).rejects.toThrow(InvalidEventError);
    await bus.close();
    await expect(bus.publish(event)).rejects.toThrow(/closed/);
  });

  it("waits the configured delay before each retry", async () => {
    const { bus, lines } = setup();
    const recorder = new Recorder(async (_e, ctx) => {
      if (ctx.attempt < 4) throw new Error("not yet");
    });
    await bus.subscribe("svc", ["#"], recorder.handler, { retryDelaysMs: [5, 10, 20] });
    await bus.publish(sampleEvent("user.registered"));
    await bus.idle();
    const retries = lines.filter((l) => l.msg === "event handler failed; will retry");
    expect(retries.map((l) => l.retry_in_ms)).toEqual([5, 10, 20]);
    expect(recorder.events).toHaveLength(1);
    await bus.close();
  });

  it("bounds concurrent handlers by prefetch", async () => {
    const { bus } = setup();
    let running = 0;
    let peak = 0;
    const recorder = new Recorder(async () => {
      running++;
      peak = Math.max(peak, running);
      await Bun.sleep(1);
      running--;
    });
    await bus.subscribe("svc", ["payment.*"], recorder.handler, { prefetch: 3 });
    for (let i = 0; i < 12; i++) await bus.publish(sampleEvent("payment.created"));
    await bus.idle();
    expect(recorder.events).toHaveLength(12);
    expect(peak).toBe(3);
    await bus.close();
  });

  it("counts what its consumers have not settled, over the queues someone consumes", async () => {
    const { bus } = setup();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    await bus.subscribe("slow", ["payment.*"], async () => gate, { prefetch: 2 });
    const orphan = await bus.subscribe("gone", ["payment.*"], async () => {});
    await orphan.close();
    for (let i = 0; i < 5; i++) await bus.publish(sampleEvent("payment.created"));
    // Two in flight and three waiting on "slow"; "gone" holds five that nobody will take, not counted.
    await waitFor(() => bus.pending() === 5, { description: "five unsettled" });
    release();
    await waitFor(() => bus.pending() === 0, { description: "all settled" });
    await bus.close();
  });

  it("replays dead letters with a fresh attempt count", async () => {
    const { bus } = setup();
    let healthy = false;
    const recorder = new Recorder(async () => {
      if (!healthy) throw new Error("dependency down");
    });
    await bus.subscribe("svc", ["#"], recorder.handler, { retryDelaysMs: [1], maxAttempts: 2 });
    const event = sampleEvent("config.updated");
    await bus.publish(event);
    await bus.idle();
    expect(bus.deadLetters("svc")).toHaveLength(1);
    healthy = true;
    expect(bus.replayDeadLetters("svc")).toBe(1);
    await bus.idle();
    expect(bus.deadLetters("svc")).toHaveLength(0);
    expect(recorder.events.map((e) => e.id)).toEqual([event.id]);
    expect(recorder.contexts.map((c) => c.attempt)).toEqual([1, 2, 1]);
    expect(bus.replayDeadLetters("no-such-queue")).toBe(0);
    await bus.close();
  });

  it("counts publishes and outcomes on the given registry", async () => {
    const { bus, registry } = setup();
    await bus.subscribe(
      "svc",
      ["#"],
      async (_e, ctx) => {
        if (ctx.attempt === 1) throw new Error("once");
      },
      { retryDelaysMs: [1] },
    );
    await bus.publish(sampleEvent("payment.created"));
    await bus.publishRaw("payment.created", "garbage");
    await bus.idle();
    const text = await registry.metrics();
    expect(text).toContain('events_published_total{type="payment.created"} 1');
    expect(text).toContain('events_consumed_total{queue="svc",type="payment.created",outcome="retry"} 1');
    expect(text).toContain('events_consumed_total{queue="svc",type="payment.created",outcome="ack"} 1');
    expect(text).toContain(
      'events_consumed_total{queue="svc",type="payment.created",outcome="dead_letter"} 1',
    );
    await bus.close();
  });

  it("gives each delivery its own copy of the event", async () => {
    const { bus } = setup();
    const seen: number[] = [];
    await bus.subscribe(
      "svc",
      ["payment.*"],
      async (event, ctx) => {
        if (event.type !== "payment.created") return;
        seen.push(event.data.amount);
        event.data.amount = 1;
        if (ctx.attempt === 1) throw new Error("retry me");
      },
      { retryDelaysMs: [1] },
    );
    const event = sampleEvent("payment.created");
    await bus.publish(event);
    await bus.idle();
    expect(seen).toEqual([1999, 1999]);
    await bus.close();
  });

  it("runs handlers outside the publisher's async context", async () => {
    const { bus } = setup();
    const requestContext = new AsyncLocalStorage<string>();
    const stores: Array<string | undefined> = [];
    await bus.subscribe("svc", ["#"], async () => {
      stores.push(requestContext.getStore());
    });
    await requestContext.run("request-1", () => bus.publish(sampleEvent("profile.updated")));
    await bus.idle();
    expect(stores).toEqual([undefined]);
    await bus.close();
  });

  it("closing a subscription waits for its in-flight handler and keeps later events queued", async () => {
    const { bus } = setup();
    let release = () => {};
    const started = Promise.withResolvers<void>();
    const recorder = new Recorder(async () => {
      started.resolve();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const subscription = await bus.subscribe("svc", ["#"], recorder.handler);
    await bus.publish(sampleEvent("payment.created"));
    await started.promise;
    const closing = subscription.close();
    let closed = false;
    void closing.then(() => {
      closed = true;
    });
    await Bun.sleep(5);
    expect(closed).toBe(false);
    release();
    await closing;
    expect(recorder.events).toHaveLength(1);
    const later = sampleEvent("payment.created");
    await bus.publish(later);
    const next = new Recorder();
    await bus.subscribe("svc", ["#"], next.handler);
    await bus.idle();
    expect(next.events.map((e) => e.id)).toEqual([later.id]);
    await bus.close();
  });

  it("close() cancels pending retries so nothing runs afterwards", async () => {
    const { bus, lines } = setup();
    const recorder = new Recorder(async () => {
      throw new Error("always");
    });
    await bus.subscribe("svc", ["#"], recorder.handler, { retryDelaysMs: [30] });
    await bus.publish(sampleEvent("payment.created"));
    await waitFor(() => lines.some((l) => l.msg === "event handler failed; will retry"));
    await bus.close();
    await bus.idle();
    await Bun.sleep(60);
    expect(recorder.contexts).toHaveLength(1);
    await expect(bus.probe.run()).rejects.toThrow(/closed/);
    await expect(bus.subscribe("svc", ["#"], recorder.handler)).rejects.toThrow(/closed/);
  });

  it("validates subscribe arguments", async () => {
    const { bus } = setup();
    const handler = async () => {};
    await expect(bus.subscribe("amq.x", ["#"], handler)).rejects.toThrow(/queue/);
    await expect(bus.subscribe("svc", [], handler)).rejects.toThrow(/patterns/);
    await expect(bus.subscribe("svc", ["#"], handler, { prefetch: 0 })).rejects.toThrow(/prefetch/);
    await bus.close();
  });
});
