import { afterEach, describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import type { Cache, LoggerLike } from "../core/types.ts";
import { metricValue } from "./metrics-reader.ts";
import { captureLogger, uniqueNamespace } from "./test-logger.ts";

/** What the contract hands an implementation's factory. */
export interface CacheFactoryOptions {
  /** Unique per test: suites never see each other's keys on a shared server. */
  namespace: string;
  registry: Registry;
  logger: LoggerLike;
  defaultTtlMs?: number;
}

/** Builds the cache under test. */
export type MakeCache = (opts: CacheFactoryOptions) => Cache | Promise<Cache>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every {@link Cache} implementation must have, written once and run against each
 * (memory and Redis today). `expectedKind` is the implementation's `kind`.
 */
export function runCacheContract(name: string, expectedKind: Cache["kind"], makeCache: MakeCache): void {
  describe(`cache contract: ${name}`, () => {
    const open: Cache[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((cache) => cache.close()));
    });
    async function fresh(defaultTtlMs?: number) {
      const registry = new Registry();
      const namespace = uniqueNamespace("contract");
      const { logger, lines } = captureLogger();
      const cache = await makeCache({
        namespace,
        registry,
        logger,
        ...(defaultTtlMs ? { defaultTtlMs } : {}),
      });
      open.push(cache);
      return { cache, registry, namespace, lines };
    }

    test("kind and a non-critical probe that is up", async () => {
      const { cache } = await fresh();
      expect(cache.kind).toBe(expectedKind);
      expect(cache.probe.name).toBe(expectedKind === "redis" ? "redis" : "cache-memory");
      expect(cache.probe.critical).toBe(false);
      await cache.probe.run();
    });

    test("get, set and del", async () => {
      const { cache } = await fresh();
      expect(await cache.get("a")).toBeUndefined();
      await cache.set("a", 1);
      await cache.set("b", "two");
      expect(await cache.get<number>("a")).toBe(1);
      expect(await cache.get<string>("b")).toBe("two");
      await cache.set("a", 11);
      expect(await cache.get<number>("a")).toBe(11);
      await cache.del("a", "b", "never-set");
      expect(await cache.get("a")).toBeUndefined();
      expect(await cache.get("b")).toBeUndefined();
      await cache.del();
    });

    test("take returns a value once, even to concurrent callers, and misses when absent", async () => {
      const { cache } = await fresh();
      expect(await cache.take("none")).toBeUndefined();
      await cache.set("once", { user: "usr_1" }, { ttlMs: 60_000 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => cache.take<{ user: string }>("once")),
      );
      expect(results.filter((r) => r !== undefined)).toEqual([{ user: "usr_1" }]);
      expect(await cache.get("once")).toBeUndefined();
      await cache.set("expiring", 1, { ttlMs: 100 });
      await sleep(300);
      expect(await cache.take("expiring")).toBeUndefined();
    });

    test("values round-trip through JSON", async () => {
      const { cache } = await fresh();
      const value = { id: "pay_1", amount: 1999, paid: false, tags: ["a", "ü✓"], nested: { none: null } };
      await cache.set("obj", value);
      expect(await cache.get<typeof value>("obj")).toEqual(value);
      const copy = await cache.get<typeof value>("obj");
      if (copy) copy.amount = 0;
      expect((await cache.get<typeof value>("obj"))?.amount).toBe(1999);
      await cache.set("date", new Date("2024-01-02T03:04:05.000Z"));
      expect(await cache.get<string>("date")).toBe("2024-01-02T03:04:05.000Z");
      await cache.set("null", null);
      expect(await cache.get("null")).toBeNull();
      await cache.set("null", undefined);
      expect(await cache.get("null")).toBeUndefined();
    });

    test("entries expire after their TTL; others stay", async () => {
      const { cache } = await fresh();
      await cache.set("short", "x", { ttlMs: 100 });
      await cache.set("long", "y");
      expect(await cache.get<string>("short")).toBe("x");
      await sleep(300);
      expect(await cache.get("short")).toBeUndefined();
      expect(await cache.get<string>("long")).toBe("y");
    });

    test("defaultTtlMs applies to entries set without a TTL", async () => {
      const { cache } = await fresh(100);
      await cache.set("k", 1);
      await cache.set("kept", 2, { ttlMs: 60_000 });
      await sleep(300);
      expect(await cache.get("k")).toBeUndefined();
      expect(await cache.get<number>("kept")).toBe(2);
    });

    test("invalidateTag with several tags deletes the entries of each, and only those", async () => {
      const { cache } = await fresh();
      await cache.set("a", 1, { tags: ["user:1"] });
      await cache.set("b", 2, { tags: ["user:2", "user:1"] });
      await cache.set("c", 3, { tags: ["user:3"] });
      await cache.set("d", 4, { tags: ["user:4"] });
      await cache.invalidateTag("user:1", "user:2", "user:3", "user:1", "unknown");
      expect(await cache.get("a")).toBeUndefined();
      expect(await cache.get("b")).toBeUndefined();
      expect(await cache.get("c")).toBeUndefined();
      expect(await cache.get<number>("d")).toBe(4);
      // Each tag works again after invalidation.
      await cache.set("c", 5, { tags: ["user:3"] });
      expect(await cache.get<number>("c")).toBe(5);
      await cache.invalidateTag();
      expect(await cache.get<number>("c")).toBe(5);
    });

    test("invalidateTag deletes exactly the entries set with that tag", async () => {
      const { cache } = await fresh();
      await cache.set("a", 1, { tags: ["user:1"] });
      await cache.set("b", 2, { tags: ["user:1", "list"] });
      await cache.set("c", 3, { tags: ["list"], ttlMs: 60_000 });
      await cache.set("d", 4);
      await cache.invalidateTag("user:1");
      expect(await cache.get("a")).toBeUndefined();
      expect(await cache.get("b")).toBeUndefined();
      expect(await cache.get<number>("c")).toBe(3);
      expect(await cache.get<number>("d")).toBe(4);
      await cache.invalidateTag("unknown");
      // A tag works again after invalidation.
      await cache.set("a", 5, { tags: ["user:1"] });
      await cache.invalidateTag("user:1");
      expect(await cache.get("a")).toBeUndefined();
      await cache.invalidateTag("list");
      expect(await cache.get("c")).toBeUndefined();
    });

    test("a tag outlives a short-lived member when a longer-lived one shares it", async () => {
      const { cache } = await fresh();
      await cache.set("brief", 1, { tags: ["t"], ttlMs: 100 });
      await cache.set("lasting", 2, { tags: ["t"] });
      await sleep(300);
      expect(await cache.get<number>("lasting")).toBe(2);
      await cache.invalidateTag("t");
      expect(await cache.get("lasting")).toBeUndefined();
    });

    test("namespaces are isolated", async () => {
      const first = await fresh();
      const second = await fresh();
      await first.cache.set("same", "first", { tags: ["t"] });
      await second.cache.set("same", "second", { tags: ["t"] });
      await first.cache.invalidateTag("t");
      expect(await first.cache.get("same")).toBeUndefined();
      expect(await second.cache.get<string>("same")).toBe("second");
    });

    test("wrap: 100 concurrent callers of a cold key share one load", async () => {
      const { cache } = await fresh();
      let loads = 0;
      const load = async () => {
        loads += 1;
        await sleep(50);
        return { value: 42 };
      };
      const results = await Promise.all(Array.from({ length: 100 }, () => cache.wrap("cold", load)));
      expect(loads).toBe(1);
      expect(results.every((result) => result.value === 42)).toBe(true);
      expect(await cache.wrap("cold", load)).toEqual({ value: 42 });
      expect(loads).toBe(1);
    });

    test("wrap: a failing load reaches every waiting caller and is not cached", async () => {
      const { cache } = await fresh();
      let loads = 0;
      const failing = async (): Promise<number> => {
        loads += 1;
        await sleep(20);
        throw new Error("upstream down");
      };
      const settled = await Promise.allSettled(Array.from({ length: 5 }, () => cache.wrap("k", failing)));
      expect(settled.every((result) => result.status === "rejected")).toBe(true);
      expect(loads).toBe(1);
      expect(await cache.wrap("k", async () => 7)).toBe(7);
      expect(await cache.get<number>("k")).toBe(7);
    });

    test("wrap stores with the given tags and TTL", async () => {
      const { cache } = await fresh();
      let loads = 0;
      const load = async () => ++loads;
      expect(await cache.wrap("tagged", load, { tags: ["t"] })).toBe(1);
      await cache.invalidateTag("t");
      expect(await cache.wrap("tagged", load, { tags: ["t"] })).toBe(2);
      expect(await cache.wrap("brief", load, { ttlMs: 100 })).toBe(3);
      await sleep(300);
      expect(await cache.wrap("brief", load, { ttlMs: 100 })).toBe(4);
    });

    test("wrap does not store what it loaded when its key or a tag was invalidated during the load", async () => {
      const { cache } = await fresh();
      // The load read the old row; the writer commits and invalidates before the load's result is stored.
      const racing = (invalidate: () => Promise<void>) => async () => {
        await invalidate();
        return "old";
      };
      expect(
        await cache.wrap(
          "k",
          racing(() => cache.del("k")),
        ),
      ).toBe("old");
      expect(await cache.get("k")).toBeUndefined();
      const tagged = { tags: ["user:1", "user:2"] };
      expect(
        await cache.wrap(
          "t",
          racing(() => cache.invalidateTag("user:2")),
          tagged,
        ),
      ).toBe("old");
      expect(await cache.get("t")).toBeUndefined();
      // The next lookup loads after the change and is stored as usual.
      expect(await cache.wrap("k", async () => "new")).toBe("new");
      expect(await cache.wrap("t", async () => "new", tagged)).toBe("new");
      expect(await cache.get<string>("k")).toBe("new");
      expect(await cache.get<string>("t")).toBe("new");
    });

    test("wrap stores despite invalidations of other keys and tags, or of its own before the lookup", async () => {
      const { cache } = await fresh();
      await cache.del("k");
      await cache.invalidateTag("user:1");
      const load = async () => {
        await cache.del("other");
        await cache.invalidateTag("user:9");
        return 1;
      };
      expect(await cache.wrap("k", load, { tags: ["user:1"] })).toBe(1);
      expect(await cache.get<number>("k")).toBe(1);
      await cache.invalidateTag("user:1");
      expect(await cache.get("k")).toBeUndefined();
    });

    test("fill replaces an entry without a lookup, keeps its tags, and counts no lookup", async () => {
      const { cache, registry, namespace } = await fresh();
      await cache.set("p", { status: "pending" }, { tags: ["user:1"] });
      // The writer's order: commit, invalidate, fill with what the database holds now.
      await cache.del("p");
      expect(await cache.fill("p", async () => ({ status: "processing" }), { tags: ["user:1"] })).toEqual({
        status: "processing",
      });
      expect(await cache.get("p")).toEqual({ status: "processing" });
      await cache.invalidateTag("user:1");
      expect(await cache.get("p")).toBeUndefined();
      expect(await metricValue(registry, "cache_requests_total", { cache: namespace, result: "miss" })).toBe(
        1,
      );
      expect(await metricValue(registry, "cache_requests_total", { cache: namespace, result: "hit" })).toBe(
        1,
      );
    });

    test("fill does not store what it loaded when a newer change invalidated the key or a tag meanwhile", async () => {
      const { cache } = await fresh();
      // Two writers of one payment: the first one's fill read the row before the second's commit, and the
      // second invalidated before the first could store. Whichever order the stores then land in, the old
      // view never survives.
      const first = cache.fill("p", async () => {
        await cache.del("p");
        return "processing";
      });
      expect(await first).toBe("processing");
      expect(await cache.get("p")).toBeUndefined();
      const tagged = { tags: ["user:1"] };
      const overtaken = cache.fill(
        "list",
        async () => {
          await cache.invalidateTag("user:1");
          return ["old"];
        },
        tagged,
      );
      await overtaken;
      expect(await cache.get("list")).toBeUndefined();
      // The second writer's own fill (after its invalidation) is stored.
      await cache.fill("p", async () => "succeeded");
      await cache.fill("list", async () => ["new"], tagged);
      expect(await cache.get<string>("p")).toBe("succeeded");
      expect(await cache.get<string[]>("list")).toEqual(["new"]);
      // A fill that a stale reader's wrap raced: the reader's load predates the change and is refused.
      await cache.del("p");
      const reader = cache.wrap("p", async () => {
        await cache.del("p");
        await cache.fill("p", async () => "refunded");
        return "succeeded";
      });
      expect(await reader).toBe("succeeded");
      expect(await cache.get<string>("p")).toBe("refunded");
    });

    test("hit and miss counters move on the given registry, which tolerates a second cache", async () => {
      const { cache, registry, namespace } = await fresh();
      await cache.get("k");
      await cache.set("k", 1);
      await cache.get("k");
      await cache.get("k");
      await cache.wrap("w", async () => 1);
      expect(await metricValue(registry, "cache_requests_total", { cache: namespace, result: "miss" })).toBe(
        2,
      );
      expect(await metricValue(registry, "cache_requests_total", { cache: namespace, result: "hit" })).toBe(
        2,
      );
      expect(await metricValue(registry, "cache_requests_total", { cache: namespace, result: "error" })).toBe(
        0,
      );
      const text = await registry.metrics();
      expect(text).toContain(`cache_requests_total{cache="${namespace}",result="hit"} 2`);
      expect(text).toContain(`cache_load_duration_seconds_count{cache="${namespace}"} 1`);

      const other = await makeCache({
        namespace: `${namespace}_b`,
        registry,
        logger: captureLogger().logger,
      });
      open.push(other);
      await other.get("k");
      expect(
        await metricValue(registry, "cache_requests_total", { cache: `${namespace}_b`, result: "miss" }),
      ).toBe(1);
    });
  });
}
