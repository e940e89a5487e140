import { describe, expect, it } from "bun:test";
import {
  CLASSIC_QUEUE_VERSION_POLICY,
  classicQueueVersionPolicy,
  PLATFORM_SUBSCRIPTIONS,
  platformTopology,
  toDefinitions,
} from "./definitions.ts";
import { describeTopology, mergeTopology, subscriptionTopology } from "./topology.ts";

const DEFINITIONS_FILE = new URL("../../../../infra/rabbitmq/definitions.json", import.meta.url).pathname;
const settings = { exchange: "events", deliveryLimit: 10 };

describe("subscriptionTopology", () => {
  const topology = subscriptionTopology(settings, {
    queue: "payments",
    patterns: ["user.*", "payment.created", "user.*"],
    retryDelaysMs: [10_000, 1_000, 60_000, 60_000],
    exclusive: false,
  });

  it("declares a durable quorum work queue with a delivery limit dead-lettering to <exchange>.dlx", () => {
    expect(topology.queues[0]).toEqual({
      name: "payments",
      kind: "work",
      durable: true,
      exclusive: false,
      autoDelete: false,
      arguments: {
        "x-queue-type": "quorum",
        "x-delivery-limit": 10,
        "x-dead-letter-exchange": "events.dlx",
        "x-dead-letter-routing-key": "payments",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
      },
    });
  });

  it("declares one TTL retry queue per distinct delay, each dead-lettering back to the work queue", () => {
    const retries = topology.queues.filter((q) => q.kind === "retry");
    expect(retries.map((q) => q.name)).toEqual([
      "payments.retry.1000",
      "payments.retry.10000",
      "payments.retry.60000",
    ]);
    for (const retry of retries) {
      expect(retry.arguments).toMatchObject({
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": "payments",
      });
    }
    expect(retries.map((q) => q.arguments["x-message-ttl"])).toEqual([1_000, 10_000, 60_000]);
  });

  it("declares a classic durable dead-letter queue bound to the dead-letter exchange by queue name", () => {
    expect(topology.queues.at(-1)).toMatchObject({
      name: "payments.dlq",
      kind: "dead-letter",
      durable: true,
    });
    // No x-queue-version: it is compared on re-declaration, and queues of earlier releases lack it (ADR 0010).
    expect(topology.queues.at(-1)?.arguments).toEqual({ "x-queue-type": "classic" });
    expect(topology.bindings).toEqual([
      { exchange: "events", queue: "payments", pattern: "user.*" },
      { exchange: "events", queue: "payments", pattern: "payment.created" },
      { exchange: "events.dlx", queue: "payments.dlq", pattern: "payments" },
    ]);
  });

  it("makes every queue of an exclusive subscription exclusive and non-durable", () => {
    const gateway = subscriptionTopology(settings, {
      queue: "gateway.abc",
      patterns: ["#"],
      retryDelaysMs: [5],
      exclusive: true,
    });
    expect(gateway.queues.map((q) => [q.name, q.durable, q.exclusive])).toEqual([
      ["gateway.abc", false, true],
      ["gateway.abc.retry.5", false, true],
      ["gateway.abc.dlq", false, true],
    ]);
    expect(gateway.queues[0]?.autoDelete).toBe(true);
    expect(gateway.queues.every((q) => q.arguments["x-queue-type"] === undefined)).toBe(true);
    // New on every connection, so the version can be pinned in the declaration.
    expect(gateway.queues.map((q) => q.arguments["x-queue-version"])).toEqual([2, 2, 2]);
  });
});

describe("describeTopology / mergeTopology", () => {
  it("declares the exchanges once and merges repeated subscriptions of one queue", () => {
    const spec = { queue: "admin", patterns: ["#"], retryDelaysMs: [1_000], exclusive: false };
    const topology = describeTopology(settings, [spec, { ...spec, patterns: ["payment.*"] }]);
    expect(topology.exchanges).toEqual([
      { name: "events", type: "topic" },
      { name: "events.dlx", type: "direct" },
    ]);
    expect(topology.queues.map((q) => q.name)).toEqual(["admin", "admin.retry.1000", "admin.dlq"]);
    expect(topology.bindings.filter((b) => b.queue === "admin").map((b) => b.pattern)).toEqual([
      "#",
      "payment.*",
    ]);
    expect(mergeTopology(topology, topology)).toEqual(topology);
  });
});

describe("infra/rabbitmq/definitions.json", () => {
  it("is exactly what the code declares for the platform's consumers", async () => {
    const committed: unknown = await Bun.file(DEFINITIONS_FILE).json();
    // On failure: `bun packages/events/src/rabbitmq/definitions.ts > infra/rabbitmq/definitions.json`.
    expect(committed).toEqual(JSON.parse(JSON.stringify(toDefinitions(platformTopology()))));
  });

  it("covers payments, its ledger, admin and profile with their bindings, and no per-instance queue", () => {
    const definitions = toDefinitions(platformTopology());
    const work = definitions.queues.filter((q) => !q.name.includes(".")).map((q) => q.name);
    expect(work).toEqual(PLATFORM_SUBSCRIPTIONS.map((s) => s.queue));
    expect(work).toEqual(["payments", "ledger", "admin", "profile"]);
    const bound = (queue: string) =>
      definitions.bindings
        .filter((b) => b.destination === queue && b.source === "events")
        .map((b) => b.routing_key);
    expect(bound("payments")).toEqual(["user.*", "payment.created"]);
    expect(bound("ledger")).toEqual(["payment.succeeded", "refund.succeeded"]);
    expect(bound("admin")).toEqual(["#"]);
    expect(bound("profile")).toEqual(["user.registered", "user.updated", "user.deactivated"]);
    expect(definitions.queues).toHaveLength(4 * 5);
  });

  it("puts exactly the durable classic queues on storage version 2 through a policy", () => {
    const [policy, ...more] = toDefinitions(platformTopology()).policies;
    expect(more).toEqual([]);
    expect(policy).toMatchObject({
      name: CLASSIC_QUEUE_VERSION_POLICY,
      "apply-to": "queues",
      definition: { "queue-version": 2 },
    });
    const matches = new RegExp(policy?.pattern ?? "^$");
    const covered = platformTopology()
      .queues.filter((q) => matches.test(q.name))
      .map((q) => q.name);
    expect(covered).toEqual(["payments.dlq", "ledger.dlq", "admin.dlq", "profile.dlq"]);
    expect(matches.test("paymentsXdlq")).toBe(false);
    expect(classicQueueVersionPolicy({ exchanges: [], queues: [], bindings: [] })).toBeUndefined();
  });

  it("leaves exclusive queues out", () => {
    const topology = describeTopology(settings, [
      { queue: "gateway.x", patterns: ["#"], retryDelaysMs: [5], exclusive: true },
    ]);
    const definitions = toDefinitions(topology);
    expect(definitions.queues).toEqual([]);
    expect(definitions.policies).toEqual([]);
    expect(definitions.bindings).toEqual([]);
    expect(definitions.exchanges).toHaveLength(2);
  });
});
