/**
 * The floor of a cached read: a bare `Bun.serve` that answers every request with one Redis GET of the same
 * payment JSON the service caches — no framework, no token, no validation, no logs, metrics or traces. It
 * runs in the benchmark's process, as the service does, under the same load, so the service's cached-read
 * figures can be printed as a ratio of what this machine does with the least possible work per read.
 */
import Redis from "ioredis";

/** A running floor server. */
export interface ReadFloor {
  url: string;
  /** Stops the server and closes its Redis connection. */
  close(): Promise<void>;
}

/**
 * Starts the floor server holding `body` under a fresh key: in Redis at `redisUrl` (auto-pipelined, as the
 * service's cache is), or in a Map when there is none (the service then caches in memory too).
 */
export async function startReadFloor(redisUrl: string | undefined, body: string): Promise<ReadFloor> {
  const key = `bench:read-floor:${crypto.randomUUID()}`;
  const redis = redisUrl ? new Redis(redisUrl, { enableAutoPipelining: true, lazyConnect: true }) : undefined;
  const memory = new Map<string, string>();
  if (redis) {
    await redis.connect();
    await redis.set(key, body, "EX", 600);
  } else {
    memory.set(key, body);
  }
  const headers = { "content-type": "application/json" };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch() {
      const value = redis ? await redis.get(key) : memory.get(key);
      return value === null || value === undefined
        ? new Response("missing", { status: 500 })
        : new Response(value, { headers });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/`,
    async close() {
      server.stop(true);
      if (redis) {
        await redis.del(key);
        redis.disconnect();
      }
    },
  };
}
