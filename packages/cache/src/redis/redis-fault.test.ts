import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isCI, type PrivateRedis, redisServerBinary, startPrivateRedis } from "@payments/testing";
import { Registry } from "prom-client";
import { metricValue } from "../contract/metrics-reader.ts";
import { captureLogger } from "../contract/test-logger.ts";
import type { Cache } from "../core/types.ts";
import { createRedisCache } from "./redis.ts";

// This suite stops and restarts Redis, so it runs its own private redis-server, never the shared one.
const binary = redisServerBinary();
if (!binary && isCI) throw new Error("CI=true but redis-server is not installed; the fault test must run");

/** Polls `check` until it returns true, failing after `timeoutMs` (a bound, not a timing assertion). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await Bun.sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

async function probeIsUp(cache: Cache): Promise<boolean> {
  return cache.probe.run().then(
    () => true,
    () => false,
  );
}

describe.if(Boolean(binary))("redis cache when Redis dies and comes back (private redis-server)", () => {
  let server: PrivateRedis | undefined;
  let cache: Cache | undefined;
  const registry = new Registry();
  const { logger, lines } = captureLogger();

  beforeAll(async () => {
    server = await startPrivateRedis();
    cache = createRedisCache({ url: server.url, namespace: "fault", registry, logger });
  }, 20_000);
  afterAll(async () => {
    await cache?.close();
    await server?.destroy();
  });

  function mustHave(): Cache {
    if (!cache) throw new Error("cache was not created in beforeAll");
    return cache;
  }

  test("works while Redis is up", async () => {
    const c = mustHave();
    await c.probe.run();
    await c.set("k", { v: 1 }, { tags: ["t"] });
    expect(await c.get("k")).toEqual({ v: 1 });
  });

  test("after Redis is killed: misses, dropped writes, wrap loads, probe down, errors counted, no throw", async () => {
    const c = mustHave();
    await server?.down();
    await eventually("probe reports down", async () => !(await probeIsUp(c)));

    const errorsBefore = await metricValue(registry, "cache_requests_total", {
      cache: "fault",
      result: "error",
    });
    expect(await c.get("k")).toBeUndefined();
    await c.set("k", { v: 2 });
    await c.del("k");
    await c.invalidateTag("t");
    let loads = 0;
    expect(await c.wrap("w", async () => ++loads)).toBe(1);
    expect(await c.wrap("w", async () => ++loads)).toBe(2);
    await expect(c.probe.run()).rejects.toThrow("redis");

    const lookupErrors = await metricValue(registry, "cache_requests_total", {
      cache: "fault",
      result: "error",
    });
    expect(lookupErrors).toBe(errorsBefore + 3);
    for (const operation of ["get", "set", "del", "invalidateTag"]) {
      expect(
        await metricValue(registry, "cache_errors_total", { cache: "fault", operation }),
      ).toBeGreaterThan(0);
    }

    // An outage must not flood the logs: 50 more failures add no error lines within the throttle window.
    const errorLines = () => lines.filter((line) => line.level === 50).length;
    const logged = errorLines();
    expect(logged).toBeGreaterThan(0);
    await Promise.all(Array.from({ length: 50 }, (_, i) => c.get(`x${i}`)));
    expect(errorLines()).toBe(logged);
  }, 20_000);

  test("after Redis restarts on the same port the cache works again within 10 s", async () => {
    const c = mustHave();
    await server?.up();
    await eventually("probe reports up again", () => probeIsUp(c));
    await c.set("back", "yes");
    expect(await c.get<string>("back")).toBe("yes");
    let loads = 0;
    await c.wrap("w2", async () => ++loads);
    expect(await c.wrap("w2", async () => ++loads)).toBe(1);
    expect(lines.some((line) => line.level === 30 && line.msg.includes("works again"))).toBe(true);
  }, 20_000);
});
