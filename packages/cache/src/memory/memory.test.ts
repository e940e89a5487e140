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
