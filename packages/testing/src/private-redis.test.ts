import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.ts";
import { type PrivateRedis, redisServerBinary, startPrivateRedis } from "./private-redis.ts";
import { isCI } from "./servers.ts";

const binary = redisServerBinary();
if (!binary && isCI) throw new Error("CI=true but redis-server is not installed; this suite must run");

/** True when a TCP connection to the port is accepted, false when it is refused. */
async function accepts(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}

/** A client that fails at once instead of queueing or reconnecting, so a dead server shows as an error. */
async function client(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on("error", () => {});
  await redis.connect();
  return redis;
}

describe("freePort", () => {
  test("gives a port that can be listened on", async () => {
    const port = await freePort();
    // Below the kernel's ephemeral range, where outgoing connections could take it before it is bound.
    const [ephemeralLow] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(Number(ephemeralLow));
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe.if(Boolean(binary))("startPrivateRedis (private redis-server)", () => {
  let redis: PrivateRedis | undefined;
  afterAll(() => redis?.destroy());

  test("start, down (refused), up on the same port (answers, data gone), destroy (refused)", async () => {
    const server = await startPrivateRedis();
    redis = server;
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);

    const first = await client(server.url);
    expect(await first.ping()).toBe("PONG");
    await first.set("k", "v");
    expect(await first.get("k")).toBe("v");
    first.disconnect();

    await server.down();
    expect(await accepts(server.port)).toBe(false);
    await server.down(); // already down: nothing to do

    await server.up();
    expect(await accepts(server.port)).toBe(true);
    const second = await client(server.url);
    expect(await second.ping()).toBe("PONG");
    // No persistence: a restart starts empty, as a real cache restart would.
    expect(await second.get("k")).toBeNull();
    second.disconnect();

    await server.destroy();
    expect(await accepts(server.port)).toBe(false);
    await server.destroy();
  }, 30_000);

  test("a directory passed in holds the server's files and is left to its owner", async () => {
    const dir = mkdtempSync(join(tmpdir(), "private-redis-test-"));
    try {
      const server = await startPrivateRedis({ dir });
      redis = server;
      expect(readdirSync(dir)).toContain(`redis-${server.port}.log`);
      await server.destroy();
      expect(existsSync(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
