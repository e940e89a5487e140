import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { isCI, realServer } from "@payments/testing";
import { waitFor } from "../contract/wait.ts";
import { quietLogger } from "../outbox/test-support.ts";
import { platformTopology } from "./definitions.ts";
import { type PrivateBroker, privateBrokerScripts, startPrivateBroker } from "./private-broker/index.ts";
import { createRabbitBus } from "./rabbit-bus.ts";
import { connectAmqp, deleteTopology, uniqueName, withAmqpChannel } from "./test-support.ts";
import { baseTopology, declareTopology, mergeTopology, subscriptionTopology } from "./topology.ts";

// ADR 0010: exclusive classic queues carry x-queue-version 2, durable ones get it from the definitions' policy.
const rabbitUrl = realServer("rabbitmq");
const scripts = privateBrokerScripts();
if (isCI && !scripts) throw new Error("CI: RabbitMQ must be installed here for the queue version tests");
const DEFINITIONS_FILE = new URL("../../../../infra/rabbitmq/definitions.json", import.meta.url).pathname;

/** Storage version of every classic queue on `broker` (read inside the node: AMQP does not tell). */
async function classicVersions(broker: PrivateBroker): Promise<Record<string, number>> {
  const term = await broker.ctl(
    "eval",
    "[{N, proplists:get_value(version, proplists:get_value(backing_queue_status, " +
      'rabbit_amqqueue:info(Q, [backing_queue_status])))} || Q <- rabbit_amqqueue:list(<<"/">>), ' +
      "amqqueue:get_type(Q) =:= rabbit_classic_queue, {resource, _, queue, N} <- [amqqueue:get_name(Q)]].",
  );
  const found = [...term.matchAll(/\{<<"([^"]*)">>,(\d+)\}/g)];
  return Object.fromEntries(found.map(([, name, version]) => [name, Number(version)]));
}

describe.if(Boolean(rabbitUrl))("classic queue version on the shared broker", () => {
  it("declares a per-instance subscription's classic queues with x-queue-version 2", async () => {
    const url = rabbitUrl ?? "";
    const settings = { exchange: uniqueName("cqv2"), deliveryLimit: 10 };
    const gateway = subscriptionTopology(settings, {
      queue: uniqueName("cqv2-gateway"),
      patterns: ["#"],
      retryDelaysMs: [1_000],
      exclusive: true,
    });
    const model = await connectAmqp(url);
    try {
      await declareTopology(
        await model.createChannel(),
        mergeTopology(baseTopology(settings.exchange), gateway),
      );
      for (const queue of gateway.queues) {
        // Only the declaring connection may touch an exclusive queue; the broker compares x-queue-version,
        // so a declaration without it is refused and the refusal names what the queue has.
        const probe = await model.createChannel();
        probe.on("error", () => {});
        const { "x-queue-version": _version, ...without } = queue.arguments;
        await expect(probe.assertQueue(queue.name, { ...queue, arguments: without })).rejects.toThrow(
          /inequivalent arg 'x-queue-version'.*current is the value '2'/,
        );
      }
    } finally {
      await model.close().catch(() => {});
      await deleteTopology(url, baseTopology(settings.exchange));
    }
  });
});

// A private node: the test imports definitions (a policy) and reads queue internals with rabbitmqctl.
describe.if(Boolean(scripts))("classic queue version on a private broker", () => {
  let broker: PrivateBroker | undefined;
  const need = () => {
    if (!broker) throw new Error("the private broker did not start");
    return broker;
  };
  beforeAll(async () => {
    broker = await startPrivateBroker();
  }, 120_000);
  afterAll(() => broker?.stop(), 60_000);

  it("definitions.json converts dead-letter queues an earlier release created as version 1, keeping messages", async () => {
    const broker = need();
    const topology = platformTopology();
    const durableClassic = topology.queues.filter((q) => q.kind === "dead-letter").map((q) => q.name);
    expect(durableClassic).toEqual(["payments.dlq", "ledger.dlq", "admin.dlq", "profile.dlq"]);
    // What a broker looks like after the previous release: the same declarations, no policy, a dead letter.
    const model = await connectAmqp(broker.url);
    try {
      await declareTopology(await model.createChannel(), topology);
      const confirm = await model.createConfirmChannel();
      confirm.sendToQueue("payments.dlq", Buffer.from("{}"), { persistent: true });
      await confirm.waitForConfirms();
    } finally {
      await model.close().catch(() => {});
    }
    const before = await classicVersions(broker);
    for (const name of durableClassic) expect(before[name]).toBe(1);

    await broker.ctl("import_definitions", DEFINITIONS_FILE);
    await waitFor(
      async () => {
        const versions = await classicVersions(broker);
        return durableClassic.every((name) => versions[name] === 2);
      },
      { timeoutMs: 15_000, intervalMs: 200, description: "the policy to convert the dead-letter queues" },
    );
    // The code's declarations are still equivalent (the argument would not be), and the message is there.
    await withAmqpChannel(broker.url, async (channel) => {
      await declareTopology(channel, topology);
      expect((await channel.checkQueue("payments.dlq")).messageCount).toBe(1);
    });
  }, 60_000);

  it("the bus declares an exclusive subscription's queues on version 2 without any policy", async () => {
    const broker = need();
    const queue = uniqueName("cqv2-fanout");
    const bus = createRabbitBus({ url: broker.url, exchange: uniqueName("cqv2"), logger: quietLogger });
    try {
      await bus.subscribe(queue, ["#"], async () => {}, { exclusive: true });
      const names = bus
        .topology()
        .queues.filter((q) => q.exclusive)
        .map((q) => q.name);
      expect(names).toContain(queue);
      const versions = await classicVersions(broker);
      for (const name of names) expect(versions[name]).toBe(2);
    } finally {
      await bus.close();
    }
  }, 30_000);
});
