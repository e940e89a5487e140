import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { type Cache, createRedisCache } from "@payments/cache";
import { createLogger, Registry } from "@payments/service-kit";
import { isCI } from "@payments/testing";
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
const binary = Bun.which("redis-server");
if (!binary && isCI)
  throw new Error("CI=true but redis-server is not installed; the Redis fault test must run");

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** Polls until `check` holds; a bound on waiting, not a timing assertion. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await Bun.sleep(50);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

function startRedis(port: number) {
  return Bun.spawn(
    [
      binary ?? "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ],
    {
      stdout: "ignore",
      stderr: "ignore",
    },
  );
}

describe.if(Boolean(binary))(
  `Redis stops mid-test: requests still succeed without the cache (${postgresUrl ? "postgres" : "pglite"} + private redis)`,
  () => {
    let port = 0;
    let redis: ReturnType<typeof startRedis> | undefined;
    let cache: Cache;
    let h: Harness;
    let closeDb: () => Promise<void>;
    let customer: TestUser;
    let vendor: TestUser;
    const registry = new Registry();

    const up = () => cache.probe.run().then(() => true);

    beforeAll(async () => {
      port = await freePort();
      redis = startRedis(port);
      await eventually("private redis-server up", async () => {
        const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
        socket.end();
        return true;
      });
      cache = createRedisCache({
        url: `redis://127.0.0.1:${port}`,
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
      redis?.kill("SIGKILL");
      await redis?.exited;
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
      redis?.kill("SIGKILL");
      await redis?.exited;
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
      redis = startRedis(port);
      await eventually("cache reconnected", up, 15_000);
      const p = await create();
      await read(p.id);
      const before = await hits();
      await read(p.id);
      expect(await hits()).toBe(before + 1);
    });
  },
);
