import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Cache, createRedisCache } from "@payments/cache";
import { createLogger, Registry } from "@payments/service-kit";
import { isCI, type PrivateRedis, redisServerBinary, startPrivateRedis } from "@payments/testing";
import type { ApiPayment } from "../src/domain/views.ts";
import {
  bodyOf,
  createHarness,
  type Harness,
  newKey,
  openTestDb,
  postgresUrl,
  type TestUser,
} from "./support.ts";

// This suite stops Redis, so it runs a private redis-server on a random port, never the shared one.
const binary = redisServerBinary();
if (!binary && isCI)
  throw new Error("CI=true but redis-server is not installed; the Redis fault test must run");

/** Polls until `check` holds; a bound on waiting, not a timing assertion. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await Bun.sleep(50);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe.if(Boolean(binary))(
  `Redis stops mid-test: requests still succeed without the cache (${postgresUrl ? "postgres" : "pglite"} + private redis)`,
  () => {
    let redis: PrivateRedis | undefined;
    let cache: Cache;
    let h: Harness;
    let closeDb: () => Promise<void>;
    let customer: TestUser;
    let vendor: TestUser;
    const registry = new Registry();

    const up = () => cache.probe.run().then(() => true);

    beforeAll(async () => {
      redis = await startPrivateRedis();
      cache = createRedisCache({
        url: redis.url,
        namespace: "payments-fault",
        registry,
        logger: createLogger({ service: "payments", level: "silent" }),
      });
      const testDb = await openTestDb();
      closeDb = testDb.close;
      h = await createHarness({ db: testDb.db, cache, registry });
      customer = await h.user("customer");
      vendor = await h.user("vendor");
    }, 60_000);
    afterAll(async () => {
      await h?.close();
      await cache?.close();
      await redis?.destroy();
      await closeDb?.();
    });

    const create = async () => {
      const res = await h.request("/", {
        token: customer.token,
        key: newKey(),
        json: { payee_id: vendor.id, amount: 1500, currency: "usd" },
      });
      expect(res.status).toBe(201);
      return bodyOf<ApiPayment>(res);
    };
    const read = async (id: string) => {
      const res = await h.request(`/${id}`, { token: customer.token });
      expect(res.status).toBe(200);
      return bodyOf<ApiPayment>(res);
    };
    const hits = () =>
      h.core.metrics.cacheLookups
        .get()
        .then(
          (m) =>
            m.values.find((v) => v.labels.result === "hit" && v.labels.resource === "payment")?.value ?? 0,
        );

    test("with Redis up, reads are cached", async () => {
      await eventually("cache connected", up);
      const p = await create();
      await read(p.id);
      const before = await hits();
      await read(p.id);
      expect(await hits()).toBe(before + 1);
    });

    test("with Redis stopped, create, read, list, cancel and reports still work", async () => {
      await redis?.down();
      await eventually("cache reports down", async () => !(await up().catch(() => false)));
      const p = await create();
      expect((await read(p.id)).status).toBe("pending");
      const cancel = await h.request(`/${p.id}/cancel`, { method: "POST", token: customer.token });
      expect(cancel.status).toBe(200);
      expect((await read(p.id)).status).toBe("canceled");
      const list = await h.request("/", { token: customer.token });
      expect(list.status).toBe(200);
      expect((await h.request("/reports/summary", { token: customer.token })).status).toBe(200);
      const ready = await h.app.request("/health/ready");
      // The cache is not critical: degraded, still ready.
      expect(ready.status).toBe(200);
    });

    test("when Redis returns, the cache is used again", async () => {
      await redis?.up();
      await eventually("cache reconnected", up, 15_000);
      const p = await create();
      await read(p.id);
      const before = await hits();
      await read(p.id);
      expect(await hits()).toBe(before + 1);
    });
  },
);
