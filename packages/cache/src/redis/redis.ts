import { Redis } from "ioredis";
import { buildCache, FAILURE_LOG_INTERVAL_MS } from "../core/cache.ts";
import { throttledLog } from "../core/throttle.ts";
import {
  type Cache,
  type CacheBackend,
  type CacheCommonOptions,
  INVALIDATION_MARK_TTL_MS,
} from "../core/types.ts";
import { mark, setUnlessMarked, setWithTags } from "./scripts.ts";

/** Options of {@link createRedisCache}. */
export interface RedisCacheOptions extends CacheCommonOptions {
  /** `REDIS_URL`, e.g. redis://127.0.0.1:6379 (rediss:// for TLS). */
  url: string;
  /** How long one command may take before it counts as failed (default 500 ms). */
  commandTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;
const UNLINK_BATCH = 500;

/** Throws a readable error, without echoing the URL (it may carry a password), unless it is redis://. */
export function assertRedisUrl(url: string, namespace: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error(`cache ${namespace}: REDIS_URL is not a valid URL (expected redis://host:port)`);
  }
  if (protocol !== "redis:" && protocol !== "rediss:") {
    throw new Error(`cache ${namespace}: REDIS_URL must be a redis:// or rediss:// URL, got ${protocol}//`);
  }
}

function redisBackend(opts: RedisCacheOptions): CacheBackend {
  const { namespace, logger } = opts;
  const client = new Redis(opts.url, {
    // Fail fast while disconnected instead of queueing: a cache miss is cheaper than a stalled request.
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs ?? 500,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // Keep reconnecting forever, but never wait long: recovery should follow Redis within seconds.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), MAX_RECONNECT_DELAY_MS),
    connectionName: `cache:${namespace}`,
    // Commands issued in the same tick (concurrent requests reading the cache) leave in one socket write: a
    // write per command was the largest single cost of a cached read under load.
    enableAutoPipelining: true,
    // CLIENT SETINFO only exists from Redis 7.2; older servers would answer every handshake with an error.
    disableClientInfo: true,
  });
  const connection = throttledLog(logger, FAILURE_LOG_INTERVAL_MS);
  client.on("error", (error: Error) =>
    connection.failure(
      { cache: namespace, err: error.message },
      `cache ${namespace}: redis connection error`,
    ),
  );
  client.on("ready", () =>
    connection.recovered({ cache: namespace }, `cache ${namespace}: redis connected again`),
  );

  // With the offline queue off, commands sent before the first connection completes would fail; wait for
  // that first attempt (bounded by the connect timeout), after which every call answers at once.
  const firstAttempt = new Promise<void>((resolve) => {
    const settle = (): void => {
      clearTimeout(timer);
      client.off("ready", settle);
      client.off("error", settle);
      client.off("end", settle);
      resolve();
    };
    const timer = setTimeout(settle, CONNECT_TIMEOUT_MS);
    client.once("ready", settle);
    client.once("error", settle);
    client.once("end", settle);
  });

  const valueKey = (key: string): string => `${namespace}:v:${key}`;
  const tagKey = (tag: string): string => `${namespace}:tag:${tag}`;
  const sequenceKey = `${namespace}:inv-seq`;
  const keyMark = (key: string): string => `${namespace}:inv:k:${key}`;
  const tagMark = (tag: string): string => `${namespace}:inv:t:${tag}`;
  let closing: Promise<void> | undefined;

  return {
    kind: "redis",
    probe: {
      name: "redis",
      critical: false,
      timeoutMs: 1_000,
      run: async () => {
        await firstAttempt;
        if (client.status !== "ready") throw new Error(`redis is not connected (${client.status})`);
        try {
          await client.ping();
        } catch (error) {
          throw new Error(`redis ping failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    },
    async get(key) {
      await firstAttempt;
      return (await client.get(valueKey(key))) ?? undefined;
    },
    async take(key) {
      await firstAttempt;
      // GETDEL (Redis 6.2+) is atomic: two gateways redeeming one ticket cannot both get it. A tag set may
      // keep the key's name until the tag is invalidated; deleting a missing key then is harmless.
      return (await client.getdel(valueKey(key))) ?? undefined;
    },
    async set(key, json, ttlMs, tags) {
      await firstAttempt;
      if (tags.length > 0)
        return setWithTags(client, valueKey(key), [...new Set(tags)].map(tagKey), json, ttlMs);
      if (ttlMs === undefined) await client.set(valueKey(key), json);
      else await client.set(valueKey(key), json, "PX", ttlMs);
    },
    async sequence() {
      await firstAttempt;
      return Number((await client.get(sequenceKey)) ?? 0);
    },
    async setUnlessInvalidated(key, json, ttlMs, tags, since) {
      await firstAttempt;
      const unique = [...new Set(tags)];
      return setUnlessMarked(
        client,
        { key: valueKey(key), tagKeys: unique.map(tagKey), markKeys: [keyMark(key), ...unique.map(tagMark)] },
        json,
        ttlMs,
        since,
      );
    },
    async del(keys) {
      await firstAttempt;
      // Marked first: a guarded store landing between the mark and the delete is refused.
      await mark(client, sequenceKey, keys.map(keyMark), INVALIDATION_MARK_TTL_MS);
      await client.unlink(...keys.map(valueKey));
    },
    async invalidateTags(tags) {
      await firstAttempt;
      await mark(client, sequenceKey, [...new Set(tags)].map(tagMark), INVALIDATION_MARK_TTL_MS);
      // Read and clear the tag sets atomically, all in one transaction: an entry tagged after this point
      // lands in a fresh set and survives, one tagged before is deleted below.
      const sets = [...new Set(tags)].map(tagKey);
      const transaction = client.multi();
      for (const set of sets) transaction.smembers(set);
      const replies = await transaction.unlink(...sets).exec();
      if (!replies) throw new Error("redis transaction was aborted");
      const keys = new Set<string>();
      for (const [error, members] of replies.slice(0, sets.length)) {
        if (error) throw error;
        if (!Array.isArray(members)) throw new Error("unexpected SMEMBERS reply");
        for (const member of members) if (typeof member === "string") keys.add(member);
      }
      const all = [...keys];
      for (let i = 0; i < all.length; i += UNLINK_BATCH) {
        await client.unlink(...all.slice(i, i + UNLINK_BATCH));
      }
    },
    close() {
      closing ??= (async () => {
        try {
          await client.quit();
        } catch {
          // Not connected (quit cannot be sent): stop reconnecting and drop the socket.
          client.disconnect();
        }
      })();
      return closing;
    },
  };
}

/**
 * A Redis cache (ioredis) shared by every process of a service. Keys are `<namespace>:v:<key>`, tag sets
 * `<namespace>:tag:<tag>`, invalidation marks `<namespace>:inv:{k,t}:<name>` (numbered by
 * `<namespace>:inv-seq`, kept 2 minutes). While Redis is down every call answers at once as a miss or a dropped write,
 * failures are logged at most every 30 s, and ioredis reconnects in the background.
 */
export function createRedisCache(opts: RedisCacheOptions): Cache {
  assertRedisUrl(opts.url, opts.namespace);
  return buildCache(redisBackend(opts), opts);
}
