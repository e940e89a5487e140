import { describe, expect, test } from "bun:test";
import { captureLogger } from "../contract/test-logger.ts";
import { createCache } from "./create.ts";

describe("createCache", () => {
  test("without a Redis URL: the memory cache, with one warning that it is the embedded default", async () => {
    const { logger, lines } = captureLogger();
    const cache = createCache({ namespace: "payments", logger });
    expect(cache.kind).toBe("memory");
    await cache.set("k", 1);
    expect(await cache.get<number>("k")).toBe(1);
    const warnings = lines.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain("embedded default; not for production (set REDIS_URL)");
    await cache.close();
  });

  test("with a Redis URL: the Redis cache, and no embedded-default warning", async () => {
    const { logger, lines } = captureLogger();
    // Nothing listens on port 1; creation must not throw or wait, the cache just reports misses.
    const cache = createCache({ namespace: "payments", redisUrl: "redis://127.0.0.1:1", logger });
    expect(cache.kind).toBe("redis");
    expect(await cache.get("k")).toBeUndefined();
    await expect(cache.probe.run()).rejects.toThrow("redis");
    expect(lines.some((line) => line.level === 40)).toBe(false);
    await cache.close();
  });

  test("a malformed Redis URL fails at creation", () => {
    expect(() =>
      createCache({ namespace: "payments", redisUrl: "::", logger: captureLogger().logger }),
    ).toThrow("REDIS_URL is not a valid URL");
  });
});
