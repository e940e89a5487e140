import { LRUCache } from "lru-cache";
import { buildCache } from "../core/cache.ts";
import type { Cache, CacheBackend, CacheCommonOptions } from "../core/types.ts";

/** Options of {@link createMemoryCache}. */
export interface MemoryCacheOptions extends CacheCommonOptions {
  /** Entries kept before the least recently used is evicted (default 10,000). */
  maxEntries?: number;
}

interface Entry {
  json: string;
  tags: readonly string[];
}

/** The in-process LRU with TTL and a tag index; values are kept as JSON so it behaves like Redis. */
function memoryBackend(maxEntries: number): CacheBackend {
  const byTag = new Map<string, Set<string>>();
  const untag = (key: string, tags: readonly string[]): void => {
    for (const tag of tags) {
      const keys = byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byTag.delete(tag);
    }
  };
  // dispose runs on eviction, expiry, delete and overwrite, so the tag index never outlives its entries.
  const entries = new LRUCache<string, Entry>({
    max: maxEntries,
    dispose: (entry, key) => untag(key, entry.tags),
  });

  return {
    kind: "memory",
    probe: {
      name: "cache-memory",
      critical: false,
      timeoutMs: 100,
      run: async () => ({ entries: entries.size }),
    },
    async get(key) {
      return entries.get(key)?.json;
    },
    async take(key) {
      // One synchronous step on one thread: no other take can interleave.
      const json = entries.get(key)?.json;
      if (json !== undefined) entries.delete(key);
      return json;
    },
    async set(key, json, ttlMs, tags) {
      const unique = [...new Set(tags)];
      entries.set(key, { json, tags: unique }, ttlMs === undefined ? {} : { ttl: ttlMs });
      for (const tag of unique) {
        const keys = byTag.get(tag) ?? new Set<string>();
        keys.add(key);
        byTag.set(tag, keys);
      }
    },
    async del(keys) {
      for (const key of keys) entries.delete(key);
    },
    async invalidateTag(tag) {
      // Copy first: each delete's dispose edits the set being iterated.
      for (const key of [...(byTag.get(tag) ?? [])]) entries.delete(key);
      byTag.delete(tag);
    },
    async close() {
      entries.clear();
      byTag.clear();
    },
  };
}

/**
 * An in-memory LRU cache with TTL and tags (lru-cache), per process. The embedded default when no
 * `REDIS_URL` is set; entries are not shared between processes.
 */
export function createMemoryCache(opts: MemoryCacheOptions): Cache {
  const maxEntries = opts.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new Error(`cache ${opts.namespace}: maxEntries must be a positive integer, got ${maxEntries}`);
  }
  return buildCache(memoryBackend(maxEntries), opts);
}
