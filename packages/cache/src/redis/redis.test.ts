import { afterAll, describe, expect, test } from "bun:test";
import { realServer } from "@payments/testing";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { runCacheContract } from "../contract/cache-contract.ts";
import { metricValue } from "../contract/metrics-reader.ts";
import { captureLogger } from "../contract/test-logger.ts";
import { createRedisCache } from "./redis.ts";

const redisUrl = realServer("redis");

describe("createRedisCache: configuration", () => {
  test("a malformed or non-redis URL fails naming REDIS_URL, without echoing it", () => {
    const logger = captureLogger().logger;
    expect(() => createRedisCache({ url: "nope", namespace: "payments", logger })).toThrow(
      "cache payments: REDIS_URL is not a valid URL",
    );
    let message = "";
    try {
      createRedisCache({ url: "http://user:s3cret@localhost:6379", namespace: "payments", logger });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain("REDIS_URL must be a redis:// or rediss:// URL");
    expect(message).not.toContain("s3cret");
  });
});

describe.if(Boolean(redisUrl))("redis cache against the shared Redis", () => {
  const url = redisUrl ?? "";
  const namespaces: string[] = [];
  afterAll(async () => {
    // Leave nothing behind on the shared server.
    const admin = new Redis(url);
    for (const namespace of namespaces) {
      const keys = await admin.keys(`${namespace}:*`);
      if (keys.length > 0) await admin.unlink(...keys);
    }
    await admin.quit();
  });

  runCacheContract("redis", "redis", (opts) => {
    namespaces.push(opts.namespace);
    return createRedisCache({ ...opts, url });
  });

  test("stores under <namespace>:v:<key> and tag sets under <namespace>:tag:<tag>, with TTLs", async () => {
    const namespace = `layout_${Date.now().toString(36)}`;
    namespaces.push(namespace);
    const cache = createRedisCache({ url, namespace, logger: captureLogger().logger });
    const admin = new Redis(url);
    try {
      await cache.set("k", { a: 1 }, { tags: ["t"], ttlMs: 60_000 });
      expect(await admin.get(`${namespace}:v:k`)).toBe('{"a":1}');
      expect(await admin.smembers(`${namespace}:tag:t`)).toEqual([`${namespace}:v:k`]);
      const tagTtl = await admin.pttl(`${namespace}:tag:t`);
      expect(tagTtl).toBeGreaterThan(0);
      expect(tagTtl).toBeLessThanOrEqual(60_000);
      await cache.set("forever", 1, { tags: ["t"] });
      expect(await admin.pttl(`${namespace}:tag:t`)).toBe(-1);
    } finally {
      await admin.quit();
      await cache.close();
    }
  });

  test("a value that is not JSON (written by something else) is a miss and an error, not a throw", async () => {
    const namespace = `foreign_${Date.now().toString(36)}`;
    namespaces.push(namespace);
    const registry = new Registry();
    const cache = createRedisCache({ url, namespace, registry, logger: captureLogger().logger });
    const admin = new Redis(url);
    try {
      await admin.set(`${namespace}:v:raw`, "{not json");
      expect(await cache.get("raw")).toBeUndefined();
      expect(await metricValue(registry, "cache_requests_total", { cache: namespace, result: "error" })).toBe(
        1,
      );
    } finally {
      await admin.quit();
      await cache.close();
    }
  });
});
