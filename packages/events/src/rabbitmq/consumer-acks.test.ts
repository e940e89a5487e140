import { describe, expect, it } from "bun:test";
import { realServer } from "@payments/testing";
import { sampleEvent } from "../contract/harness.ts";
import { waitFor } from "../contract/wait.ts";
import { busFixture, uniqueName } from "./test-support.ts";

const url = realServer("rabbitmq");

/** Batched acks (AckBatcher) against the real broker: nothing lost, nothing held behind a slow handler. */
describe.if(Boolean(url))("RabbitMQ bus on the shared broker: acks", () => {
  const { makeBus, rawChannel } = busFixture(url ?? "");

  it("acks every handled delivery: after close() nothing returns to the queue", async () => {
    const { bus } = makeBus();
    const queue = uniqueName("acked");
    let handled = 0;
    const subscription = await bus.subscribe(queue, ["payment.*"], async () => {
      handled++;
    });
    const events = Array.from({ length: 300 }, () => sampleEvent("payment.created"));
    await Promise.all(events.map((event) => bus.publish(event)));
    await waitFor(() => handled === 300, { description: "300 handled events" });
    // close() waits for the handlers and flushes their acks; an ack still held would requeue its message.
    await subscription.close();
    const { model, channel } = await rawChannel();
    const state = await channel.checkQueue(queue);
    await model.close();
    expect(state.messageCount).toBe(0);
    expect(handled).toBe(300);
  });

  it("does not hold finished deliveries behind a slow one: the prefetch window keeps moving", async () => {
    const { bus } = makeBus();
    const queue = uniqueName("slow-head");
    const release = Promise.withResolvers<void>();
    const events = Array.from({ length: 30 }, () => sampleEvent("payment.created"));
    const slowId = events[0]?.id;
    const handled = new Set<string>();
    await bus.subscribe(
      queue,
      ["payment.*"],
      async (event) => {
        if (event.id === slowId) await release.promise;
        handled.add(event.id);
      },
      { prefetch: 5 },
    );
    for (const event of events) await bus.publish(event);
    // With prefetch 5, the 29 others get through only if each is acked while the first still runs.
    await waitFor(() => handled.size === 29, { description: "the 29 events behind the slow one" });
    expect(handled.has(slowId ?? "")).toBe(false);
    release.resolve();
    await waitFor(() => handled.size === 30, { description: "the slow event" });
  });
});
