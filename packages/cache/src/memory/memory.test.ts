import { describe, expect, test } from "bun:test";
import { runCacheContract } from "../contract/cache-contract.ts";
import { captureLogger } from "../contract/test-logger.ts";
import { createMemoryCache } from "./memory.ts";

runCacheContract("memory", "memory", (opts) => createMemoryCache(opts));

describe("memory cache", () => {
  test("evicts the least recently used entry beyond maxEntries, and its tag no longer reaches it", async () => {
    const cache = createMemoryCache({ namespace: "lru", maxEntries: 2, logger: captureLogger().logger });
    await cache.set("a", 1, { tags: ["t"] });
    await cache.set("b", 2);
    expect(await cache.get<number>("a")).toBe(1);
    await cache.set("c", 3, { tags: ["t"] });
    expect(await cache.get("b")).toBeUndefined();
    expect(await cache.get<number>("a")).toBe(1);
    await cache.set("b", 4);
    expect(await cache.get("c")).toBeUndefined();
    await cache.invalidateTag("t");
    expect(await cache.get("a")).toBeUndefined();
    expect(await cache.get<number>("b")).toBe(4);
  });

  test("expired entries and invalidation marks are dropped by the sweep, unread, and a live entry stays", async () => {
    let now = 1_000;
    const cache = createMemoryCache({
      namespace: "sweep",
      logger: captureLogger().logger,
      purgeEveryMs: 5,
      clock: { now: () => now },
    });
    try {
      await cache.set("short", 1, { ttlMs: 1_000, tags: ["t"] });
      await cache.set("long", 2, { ttlMs: 600_000 });
      await cache.invalidateTag("other");
      const sizes = async () => (await cache.probe.run()) as { entries: number; marks: number };
      expect(await sizes()).toEqual({ entries: 2, marks: 1 });
      now += 1_001;
      await Bun.sleep(30);
      expect(await sizes()).toEqual({ entries: 1, marks: 1 });
      // Invalidation marks live 120 s: then they go too, and nothing was read to make them go.
      now += 120_000;
      await Bun.sleep(30);
      expect(await sizes()).toEqual({ entries: 1, marks: 0 });
      expect(await cache.get<number>("long")).toBe(2);
      // The expired entry left its tag: invalidating it reaches nothing and keeps the live entry.
      await cache.invalidateTag("t");
      expect(await cache.get<number>("long")).toBe(2);
    } finally {
      await cache.close();
    }
  });

  test("overwriting an entry without a tag removes it from the tag", async () => {
    const cache = createMemoryCache({ namespace: "retag", logger: captureLogger().logger });
    await cache.set("a", 1, { tags: ["t"] });
    await cache.set("a", 2);
    await cache.invalidateTag("t");
    expect(await cache.get<number>("a")).toBe(2);
  });

  test("a value JSON cannot encode is dropped and counted as an error, not thrown", async () => {
    const { logger, lines } = captureLogger();
    const cache = createMemoryCache({ namespace: "bad", logger });
    await cache.set("big", 10n);
    expect(await cache.get("big")).toBeUndefined();
    expect(lines.some((line) => line.level === 50 && line.msg.includes("set failed"))).toBe(true);
  });

  test("rejects a maxEntries that is not a positive integer", () => {
    expect(() =>
      createMemoryCache({ namespace: "x", maxEntries: 0, logger: captureLogger().logger }),
    ).toThrow("maxEntries must be a positive integer");
  });
});
