import { LRUCache } from "lru-cache";
import { buildCache } from "../core/cache.ts";
import {
  type Cache,
  type CacheBackend,
  type CacheCommonOptions,
  INVALIDATION_MARK_TTL_MS,
} from "../core/types.ts";

/** Options of {@link createMemoryCache}. */
export interface MemoryCacheOptions extends CacheCommonOptions {
  /** Entries kept before the least recently used is evicted (default 10,000). */
  maxEntries?: number;
  /** How often expired entries and invalidation marks are dropped (default {@link PURGE_EVERY_MS}). */
  purgeEveryMs?: number;
  /** The clock TTLs are measured on, in ms (default `performance`); tests pass their own. */
  clock?: { now(): number };
}

/**
 * lru-cache drops an expired item only when it is read or evicted, so without a sweep a cache under steady
 * writes held up to `maxEntries` entries and `MAX_MARKS` marks long expired: in the soak, the embedded
 * platform's strings grew by ~280,000 in 25 minutes while its payments lived 60 s in the cache. Redis
 * expires keys on its own; this sweep makes the memory cache hold about what is live, as Redis does.
 */
export const PURGE_EVERY_MS = 30_000;

/** Invalidation marks kept before the oldest is dropped (its drop is remembered, see `forgottenUpTo`). */
const MAX_MARKS = 100_000;

interface Entry {
  json: string;
  tags: readonly string[];
}

/** The in-process LRU with TTL and a tag index; values are kept as JSON so it behaves like Redis. */
function memoryBackend(
  maxEntries: number,
  purgeEveryMs: number,
  clock: { now(): number } | undefined,
): CacheBackend {
  const perf = clock ? { perf: clock } : {};
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
    ...perf,
  });
  // Invalidation marks: `k:<key>` / `t:<tag>` → the sequence of its last invalidation. A mark dropped
  // early (beyond MAX_MARKS) raises `forgottenUpTo`, and a fill older than that is refused: never a stale
  // store, at worst a skipped one.
  let sequence = 0;
  let forgottenUpTo = 0;
  const marks = new LRUCache<string, number>({
    max: MAX_MARKS,
    ttl: INVALIDATION_MARK_TTL_MS,
    // An expired mark is dropped with reason "expire": only one evicted while live is forgotten early.
    dispose: (marked, _mark, reason) => {
      if (reason === "evict") forgottenUpTo = Math.max(forgottenUpTo, marked);
    },
    ...perf,
  });
  const sweep = setInterval(() => {
    entries.purgeStale();
    marks.purgeStale();
  }, purgeEveryMs);
  // Never the reason a process stays up.
  sweep.unref();
  const mark = (names: readonly string[]): void => {
    sequence += 1;
    for (const name of names) marks.set(name, sequence);
  };
  const store = (key: string, json: string, ttlMs: number | undefined, tags: readonly string[]): void => {
    const unique = [...new Set(tags)];
    entries.set(key, { json, tags: unique }, ttlMs === undefined ? {} : { ttl: ttlMs });
    for (const tag of unique) {
      const keys = byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      byTag.set(tag, keys);
    }
  };

  return {
    kind: "memory",
    probe: {
      name: "cache-memory",
      critical: false,
      timeoutMs: 100,
      run: async () => ({ entries: entries.size, marks: marks.size }),
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
      store(key, json, ttlMs, tags);
    },
    async sequence() {
      return sequence;
    },
    async setUnlessInvalidated(key, json, ttlMs, tags, since) {
      if (forgottenUpTo > since) return false;
      for (const name of [`k:${key}`, ...tags.map((tag) => `t:${tag}`)]) {
        if ((marks.get(name) ?? 0) > since) return false;
      }
      store(key, json, ttlMs, tags);
      return true;
    },
    async del(keys) {
      mark(keys.map((key) => `k:${key}`));
      for (const key of keys) entries.delete(key);
    },
    async invalidateTags(tags) {
      mark(tags.map((tag) => `t:${tag}`));
      for (const tag of tags) {
        // Copy first: each delete's dispose edits the set being iterated.
        for (const key of [...(byTag.get(tag) ?? [])]) entries.delete(key);
        byTag.delete(tag);
      }
    },
    async close() {
      clearInterval(sweep);
      entries.clear();
      marks.clear();
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
  return buildCache(memoryBackend(maxEntries, opts.purgeEveryMs ?? PURGE_EVERY_MS, opts.clock), opts);
}
