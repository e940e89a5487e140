import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createEvent, DEFAULT_FEES, type EventEnvelope, newId, type PublicConfig } from "@payments/contracts";
import { createInProcessBus, createRabbitBus, type EventBus, type Subscription } from "@payments/events";
import { createLogger, Registry } from "@payments/service-kit";
import { realServer } from "@payments/testing";
import { followConfigUpdates } from "../src/events/handlers.ts";
import {
  adminConfigSource,
  type ConfigSource,
  createPolicyHolder,
  type PolicyHolder,
} from "../src/policy.ts";
import {
  adapters,
  createHarness,
  errorOf,
  type Harness,
  newKey,
  openTestDb,
  type TestUser,
} from "./support.ts";

const logger = createLogger({ service: "payments", level: "silent" });

function config(version: number, currencies: string[], usdMax = 1_000_000): PublicConfig {
  return {
    version,
    settings: {
      supported_currencies: currencies,
      payment_limits: {
        default: { min_amount: 1, max_amount: 1_000_000 },
        per_currency: { usd: { min_amount: 50, max_amount: usdMax } },
      },
      fees: DEFAULT_FEES,
    },
  };
}

/** What admin announces after storing configuration `version`. */
const updated = (version: number): EventEnvelope =>
  createEvent({
    type: "config.updated",
    producer: "admin",
    subject: "system_config",
    data: {
      version,
      keys: ["supported_currencies", "payment_limits"],
      updated_by: newId("usr"),
      updated_at: new Date().toISOString(),
    },
  });

const until = async (done: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await Bun.sleep(5);
  }
};

describe("payment policy holder", () => {
  test("starts from the env defaults: those currencies, any amount the API accepts", () => {
    const policy = createPolicyHolder({ currencies: ["usd", "eur"], logger });
    expect(policy.current().version).toBe(-1);
    expect(policy.refusal("usd", 1_000_000_000_000)).toBeUndefined();
    expect(policy.refusal("gbp", 100)).toMatchObject({ code: "unsupported_currency", param: "currency" });
  });

  test("moves forward in version only; limits per currency, else the default", () => {
    const policy = createPolicyHolder({ currencies: ["usd"], logger });
    expect(policy.adopt(config(3, ["usd", "gbp"], 5_000))).toBe(true);
    expect(policy.adopt(config(2, ["eur"]))).toBe(false);
    expect(policy.adopt(config(3, ["eur"]))).toBe(false);
    expect(policy.current()).toMatchObject({ version: 3, currencies: ["usd", "gbp"] });
    expect(policy.refusal("usd", 5_001)).toMatchObject({ code: "amount_out_of_range", param: "amount" });
    expect(policy.refusal("usd", 49)?.message).toContain("between 50 and 5000");
    expect(policy.refusal("usd", 5_000)).toBeUndefined();
    expect(policy.refusal("gbp", 1_000_000)).toBeUndefined();
    expect(policy.refusal("gbp", 1_000_001)).toMatchObject({ code: "amount_out_of_range" });
  });

  test("a failed fetch keeps the last policy and is retried with backoff until it succeeds", async () => {
    const answers: (PublicConfig | Error)[] = [
      config(1, ["usd", "eur"]),
      new Error("down"),
      new Error("down"),
    ];
    let calls = 0;
    const policy = createPolicyHolder({
      currencies: ["usd"],
      logger,
      retryBaseMs: 5,
      retryMaxMs: 20,
      source: async () => {
        const answer = answers[Math.min(calls++, answers.length - 1)];
        if (answer instanceof Error || answer === undefined) throw answer ?? new Error("no answer");
        return answer;
      },
    });
    policy.refresh();
    await policy.settled();
    expect(policy.current().version).toBe(1);

    policy.refresh(2);
    await policy.settled();
    // Admin is down: the policy read before still holds.
    expect(policy.current()).toMatchObject({ version: 1, currencies: ["usd", "eur"] });
    answers.push(config(2, ["eur"]));
    await until(() => policy.current().version === 2);
    expect(calls).toBe(4);
    // Satisfied: no more fetches.
    await Bun.sleep(60);
    expect(calls).toBe(4);
    policy.stop();
  });

  test("an answer older than the announced version is retried; a stale answer never moves back", async () => {
    const served = [config(5, ["usd"]), config(4, ["eur"]), config(6, ["gbp"])];
    let calls = 0;
    const policy = createPolicyHolder({
      currencies: ["usd"],
      logger,
      retryBaseMs: 5,
      retryMaxMs: 10,
      source: async () => served[Math.min(calls++, served.length - 1)] as PublicConfig,
    });
    policy.refresh(6);
    await until(() => policy.current().version === 6);
    expect(policy.current().currencies).toEqual(["gbp"]);
    expect(calls).toBe(3);
    policy.stop();
  });
});

describe(`config.updated changes what POST / accepts, without restart (${adapters})`, () => {
  let h: Harness;
  let close: () => Promise<void>;
  let customer: TestUser;
  let vendor: TestUser;
  let served = config(1, ["usd", "eur"]);
  let fetches = 0;
  let policy: PolicyHolder;

  beforeAll(async () => {
    // A stand-in for the admin service: only its public configuration route.
    const admin = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(req) {
        if (new URL(req.url).pathname !== "/config/public") return new Response("not found", { status: 404 });
        fetches++;
        return Response.json(served);
      },
    });
    policy = createPolicyHolder({
      currencies: ["usd"],
      logger,
      retryBaseMs: 10,
      retryMaxMs: 50,
      source: adminConfigSource(`http://127.0.0.1:${admin.port}`),
    });
    const testDb = await openTestDb();
    h = await createHarness({ db: testDb.db, policy });
    close = async () => {
      policy.stop();
      await h.close();
      await testDb.close();
      await admin.stop(true);
    };
    policy.refresh();
    await policy.settled();
    customer = await h.user("customer");
    vendor = await h.user("vendor");
  }, 60_000);
  afterAll(() => close());

  const create = (currency: string, amount: number) =>
    h.request("/", {
      token: customer.token,
      key: newKey(),
      json: { payee_id: vendor.id, amount, currency },
    });

  test("start-up read admin's configuration", async () => {
    expect(policy.current().version).toBe(1);
    expect((await create("eur", 1_000)).status).toBe(201);
    expect((await create("gbp", 1_000)).status).toBe(400);
  });

  test("after the event, a removed currency and an amount over the new max are refused; an added one works", async () => {
    served = config(2, ["usd", "gbp"], 5_000);
    const event = updated(2);
    await h.deliver(event);
    await policy.settled();
    expect(policy.current().version).toBe(2);

    const removed = await create("eur", 1_000);
    expect(removed.status).toBe(400);
    expect(await errorOf(removed)).toMatchObject({
      type: "invalid_request",
      code: "unsupported_currency",
      param: "currency",
    });
    const over = await create("usd", 5_001);
    expect(over.status).toBe(400);
    expect(await errorOf(over)).toMatchObject({ code: "amount_out_of_range", param: "amount" });
    expect((await create("usd", 5_000)).status).toBe(201);
    expect((await create("gbp", 1_000)).status).toBe(201);

    // The same event again (a redelivery) fetches nothing: the holder already has that version.
    const before = fetches;
    await h.deliver(event);
    await policy.settled();
    expect(fetches).toBe(before);
  });

  test("an older announcement does not bring back an older policy", async () => {
    served = config(1, ["usd", "eur"]);
    await h.deliver(updated(1));
    await policy.settled();
    expect(policy.current().version).toBe(2);
    expect((await create("eur", 1_000)).status).toBe(400);
  });
});

// Every payments replica keeps the policy in memory, so each must hear of every `config.updated` — not only the
// one replica the shared `payments` queue would hand the event to. Two instances on one bus, both must follow.
const rabbitUrl = realServer("rabbitmq");
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function twoInstancesOn(bus: EventBus, source: ConfigSource): Promise<PolicyHolder[]> {
  const instances: PolicyHolder[] = [];
  for (let i = 0; i < 2; i++) {
    const policy = createPolicyHolder({ currencies: ["usd"], logger, source });
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
      let served = config(1, ["usd"]);
      const [a, b] = await twoInstancesOn(bus, async () => served);
      expect([a?.current().version, b?.current().version]).toEqual([1, 1]);

      served = config(2, ["usd", "gbp"]);
      await bus.publish(updated(2));
      await until(() => a?.current().version === 2 && b?.current().version === 2, 10_000);
      expect(a?.current().currencies).toEqual(["usd", "gbp"]);
      expect(b?.refusal("gbp", 100)).toBeUndefined();
    });
  });
}
