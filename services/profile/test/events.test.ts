import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createInProcessBus, createRabbitBus, type EventBus, type RabbitBus } from "@payments/events";
import { createLogger } from "@payments/service-kit";
import { connect } from "amqplib";
import { eq } from "drizzle-orm";
import { Registry } from "prom-client";
import { preferences, profiles } from "../src/db/schema.ts";
import { startProfileConsumer } from "../src/events/handlers.ts";
import {
  accountEvent,
  adapters,
  buildProfile,
  openTestDb,
  rabbitmqUrl,
  type TestDb,
  type TestProfile,
  userSnapshot,
} from "./support.ts";

let testDb: TestDb;
let t: TestProfile;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildProfile(testDb);
}, 60_000);
afterAll(async () => {
  await t.close();
  await testDb.close();
});

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
const me = async (userId: string) => t.request("/me", { token: await t.token(userId) });
const row = async (userId: string) =>
  (await testDb.db.select().from(profiles).where(eq(profiles.userId, userId)))[0];

describe(`account events (${adapters})`, () => {
  test("user.registered creates the profile; a replay (same event id) changes and announces nothing", async () => {
    const user = userSnapshot();
    const registered = accountEvent("user.registered", user);
    await t.deliver(registered);
    const res = await me(user.id);
    expect(await res.json()).toMatchObject({ display_name: "Ada Lovelace", registered: true });
    const before = await row(user.id);
    await t.deliver(registered, registered);
    expect(await row(user.id)).toEqual(before);
    expect(await t.profileEvents(user.id)).toEqual([]);
  });

  test("the owner's update before user.registered arrived is kept; registration fills in the rest", async () => {
    const user = userSnapshot(undefined, "Grace Hopper");
    const token = await t.token(user.id);
    const early = await t.request("/me", { json: { bio: "Wrote the first compiler." }, token });
    expect(early.status).toBe(200);
    expect(await early.json()).toMatchObject({ registered: false, display_name: null });
    await t.deliver(accountEvent("user.registered", user));
    expect(await (await me(user.id)).json()).toMatchObject({
      display_name: "Grace Hopper",
      bio: "Wrote the first compiler.",
      registered: true,
    });
  });

  test("user.updated before user.registered: the newer name wins, the late registration only marks registered", async () => {
    const user = userSnapshot();
    await t.deliver(accountEvent("user.updated", { ...user, name: "New Name" }, minutesAgo(1)));
    await t.deliver(accountEvent("user.registered", { ...user, name: "Old Name" }, minutesAgo(5)));
    expect(await (await me(user.id)).json()).toMatchObject({ display_name: "New Name", registered: true });
  });

  test("user.deactivated anonymises: personal data gone, 404 to the owner, announced; preferences kept", async () => {
    const user = userSnapshot();
    const token = await t.token(user.id);
    await t.deliver(accountEvent("user.registered", user, minutesAgo(10)));
    await t.request("/me", { json: { phone: "+14155550123", bio: "hi" }, token });
    await t.request("/me/preferences", { json: { theme: "dark" }, token });
    await me(user.id); // cached before the event: the event must invalidate it
    await t.deliver(accountEvent("user.deactivated", user, minutesAgo(1)));
    const stored = await row(user.id);
    expect(stored).toMatchObject({
      status: "anonymised",
      accountName: null,
      displayName: null,
      phone: null,
      bio: null,
      avatarUrl: null,
      address: null,
    });
    expect((await me(user.id)).status).toBe(404);
    expect((await t.request("/me", { json: { bio: "back" }, token })).status).toBe(404);
    expect((await t.request("/me/preferences", { token })).status).toBe(404);
    expect(await testDb.db.select().from(preferences).where(eq(preferences.userId, user.id))).toHaveLength(1);
    const last = (await t.profileEvents(user.id)).at(-1);
    expect(last?.data).toMatchObject({ fields: ["status", "phone", "bio"] });

    // An older update arriving late does not bring the data back…
    await t.deliver(accountEvent("user.updated", user, minutesAgo(5)));
    expect((await me(user.id)).status).toBe(404);
    // …a newer one (reactivation) does start the profile again from the account.
    await t.deliver(accountEvent("user.updated", user, new Date()));
    expect(await (await me(user.id)).json()).toMatchObject({ display_name: "Ada Lovelace", phone: null });
  });

  test("user.deactivated before user.registered: the late registration does not resurrect the profile", async () => {
    const user = userSnapshot();
    await t.deliver(accountEvent("user.deactivated", user, minutesAgo(1)));
    await t.deliver(accountEvent("user.registered", user, minutesAgo(3)));
    expect((await me(user.id)).status).toBe(404);
    expect(await row(user.id)).toMatchObject({ status: "anonymised", accountName: null });
  });
});

describe(`deactivation policy "delete" (${adapters})`, () => {
  let del: TestProfile;
  beforeAll(async () => {
    del = await buildProfile(testDb, { policy: "delete" });
  });
  afterAll(() => del.close());

  test("removes profile data and preferences, keeping only the id against late events", async () => {
    const user = userSnapshot();
    const token = await del.token(user.id);
    await del.deliver(accountEvent("user.registered", user, minutesAgo(10)));
    await del.request("/me", { json: { bio: "bye" }, token });
    await del.request("/me/preferences", { json: { locale: "de-DE" }, token });
    await del.deliver(accountEvent("user.deactivated", user, minutesAgo(1)));
    expect(await row(user.id)).toMatchObject({ status: "deleted", bio: null, accountName: null });
    expect(await testDb.db.select().from(preferences).where(eq(preferences.userId, user.id))).toEqual([]);
    expect((await del.request("/me", { token })).status).toBe(404);
    expect((await del.profileEvents(user.id)).at(-1)?.data).toMatchObject({
      fields: ["status", "bio", "preferences"],
    });
  });
});

/** Deletes what a test bus declared on the shared broker (its own exchange and queues only). */
async function deleteTopology(url: string, bus: RabbitBus): Promise<void> {
  const model = await connect(url);
  model.on("error", () => {});
  try {
    const topology = bus.topology();
    for (const name of [
      ...topology.queues.map((q) => q.name),
      ...topology.exchanges.map((e) => `x:${e.name}`),
    ]) {
      const channel = await model.createChannel();
      channel.on("error", () => {});
      if (name.startsWith("x:")) await channel.deleteExchange(name.slice(2)).catch(() => {});
      else await channel.deleteQueue(name).catch(() => {});
      await channel.close().catch(() => {});
    }
  } finally {
    await model.close().catch(() => {});
  }
}

type MadeBus = { bus: EventBus; cleanup(): Promise<void> };
const silent = createLogger({ service: "profile-test", level: "silent" });
const BUSES: Array<[string, boolean, () => MadeBus]> = [
  [
    "in-process bus",
    true,
    () => {
      const bus = createInProcessBus({ logger: silent, registry: new Registry() });
      return { bus, cleanup: () => bus.close() };
    },
  ],
  [
    "RabbitMQ",
    Boolean(rabbitmqUrl),
    () => {
      const url = rabbitmqUrl ?? "";
      // Its own exchange: the platform's events and other tests on the shared broker never reach it.
      const bus = createRabbitBus({
        url,
        logger: silent,
        registry: new Registry(),
        exchange: `test.profile.${crypto.randomUUID().slice(0, 8)}`,
        service: "profile-test",
      });
      return {
        bus,
        async cleanup() {
          await bus.close();
          await deleteTopology(url, bus);
        },
      };
    },
  ],
];

for (const [name, enabled, make] of BUSES) {
  describe.if(enabled)(`profile consumer through the ${name} (${adapters})`, () => {
    test("out-of-order and duplicate deliveries end in the newest state", async () => {
      const { bus, cleanup } = make();
      const queue = `test.profile.${crypto.randomUUID().slice(0, 8)}`;
      const sub = await startProfileConsumer({
        core: t.core,
        bus,
        queue,
        subscribe: { retryDelaysMs: [50], maxAttempts: 3 },
      });
      try {
        const user = userSnapshot();
        const updated = accountEvent("user.updated", { ...user, name: "Final" }, minutesAgo(1));
        const registered = accountEvent("user.registered", { ...user, name: "First" }, minutesAgo(2));
        for (const e of [updated, registered, updated, registered]) await bus.publish(e);
        const deadline = Date.now() + 15_000;
        while (!(await row(user.id))?.registeredAt && Date.now() < deadline) await Bun.sleep(25);
        await Bun.sleep(200);
        expect(await row(user.id)).toMatchObject({ accountName: "Final", status: "active" });
        expect((await row(user.id))?.registeredAt).toBeInstanceOf(Date);
      } finally {
        await sub.close();
        await cleanup();
      }
    }, 30_000);
  });
}
