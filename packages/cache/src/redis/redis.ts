import { Redis } from "ioredis";
import { buildCache, FAILURE_LOG_INTERVAL_MS } from "../core/cache.ts";
import { throttledLog } from "../core/throttle.ts";
import type { Cache, CacheBackend, CacheCommonOptions } from "../core/types.ts";
import { setWithTags } from "./scripts.ts";

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
    async del(keys) {
      await firstAttempt;
      await client.unlink(...keys.map(valueKey));
    },
    async invalidateTag(tag) {
      await firstAttempt;
      // Read and clear the tag set atomically: an entry tagged after this point lands in a fresh set and
      // survives, one tagged before is deleted below.
      const replies = await client.multi().smembers(tagKey(tag)).unlink(tagKey(tag)).exec();
      const [membersReply] = replies ?? [];
      if (!membersReply) throw new Error("redis transaction was aborted");
      const [error, members] = membersReply;
      if (error) throw error;
      if (!Array.isArray(members)) throw new Error("unexpected SMEMBERS reply");
      const keys = members.filter((member): member is string => typeof member === "string");
      for (let i = 0; i < keys.length; i += UNLINK_BATCH) {
        await client.unlink(...keys.slice(i, i + UNLINK_BATCH));
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
 * `<namespace>:tag:<tag>`. While Redis is down every call answers at once as a miss or a dropped write,
 * failures are logged at most every 30 s, and ioredis reconnects in the background.
 */
export function createRedisCache(opts: RedisCacheOptions): Cache {
  assertRedisUrl(opts.url, opts.namespace);
  return buildCache(redisBackend(opts), opts);
}
