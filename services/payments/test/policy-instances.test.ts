import { afterEach, describe, expect, test } from "bun:test";
import { createEvent, newId, type PublicConfig } from "@payments/contracts";
import { createInProcessBus, createRabbitBus, type EventBus, type Subscription } from "@payments/events";
import { createLogger, Registry } from "@payments/service-kit";
import { realServer } from "@payments/testing";
import { followConfigUpdates } from "../src/events/handlers.ts";
import { createPolicyHolder, type PolicyHolder } from "../src/policy.ts";

// Every payments replica keeps the policy in memory, so each must hear of every `config.updated` — not only the
// one replica the shared `payments` queue would hand the event to. Two instances on one bus, both must follow.
const logger = createLogger({ service: "payments", level: "silent" });
const rabbitUrl = realServer("rabbitmq");

let served: PublicConfig = configOf(1, ["usd"]);
function configOf(version: number, currencies: string[]): PublicConfig {
  return {
    version,
    settings: {
      supported_currencies: currencies,
      payment_limits: { default: { min_amount: 1, max_amount: 1_000_000 }, per_currency: {} },
    },
  };
}

const until = async (what: string, done: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await Bun.sleep(10);
  }
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function twoInstancesOn(bus: EventBus): Promise<PolicyHolder[]> {
  const instances: PolicyHolder[] = [];
  for (let i = 0; i < 2; i++) {
    const policy = createPolicyHolder({ currencies: ["usd"], logger, source: async () => served });
    policy.refresh();
    await policy.settled();
    const subscription: Subscription = await followConfigUpdates({
      bus,
      policy,
      instance: newId("evt").slice(4),
    });
    cleanups.push(async () => {
      policy.stop();
      await subscription.close();
    });
    instances.push(policy);
  }
  return instances;
}

const announce = (version: number) =>
  createEvent({
    type: "config.updated",
    producer: "admin",
    subject: "system_config",
    data: {
      version,
      keys: ["supported_currencies"],
      updated_by: newId("usr"),
      updated_at: new Date().toISOString(),
    },
  });

const buses: Array<[string, (() => EventBus) | undefined]> = [
  ["in-process bus", () => createInProcessBus({ logger, registry: new Registry() })],
  [
    "RabbitMQ",
    rabbitUrl
      ? () =>
          createRabbitBus({
            url: rabbitUrl,
            logger,
            registry: new Registry(),
            // An exchange of this test's own: other suites share the broker.
            exchange: `test.policy.${crypto.randomUUID().slice(0, 8)}`,
            service: "payments-test",
          })
      : undefined,
  ],
];

for (const [name, makeBus] of buses) {
  describe.if(Boolean(makeBus))(`config.updated reaches every payments instance (${name})`, () => {
    test("both instances adopt the new version", async () => {
      const bus = (makeBus as () => EventBus)();
      cleanups.push(() => bus.close());
      served = configOf(1, ["usd"]);
      const [a, b] = await twoInstancesOn(bus);
      expect([a?.current().version, b?.current().version]).toEqual([1, 1]);

      served = configOf(2, ["usd", "gbp"]);
      await bus.publish(announce(2));
      await until(
        "both instances on version 2",
        () => a?.current().version === 2 && b?.current().version === 2,
      );
      expect(a?.current().currencies).toEqual(["usd", "gbp"]);
      expect(b?.refusal("gbp", 100)).toBeUndefined();
    });
  });
}
