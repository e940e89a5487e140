import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { createJwtVerifier } from "@payments/auth-verify";
import { createTestIssuer, type TestIssuer } from "@payments/auth-verify/testing";
import { createLogger, createShutdown, type Logger } from "@payments/service-kit";
import { captureLogger, realServer, startPrivateRedis } from "@payments/testing";
import type { Server } from "bun";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { createApp } from "../src/app.ts";
import type { RateLimits } from "../src/http/rate-limit.ts";
import { rateLimitRedis } from "../src/http/store.ts";

const silent = createLogger({ service: "gateway-ratelimit-test", level: "silent" });
const servers: Server<unknown>[] = [];
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => {
  for (const server of servers) server.stop(true);
});

const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
servers.push(upstream);

const LIMITS: RateLimits = { userPerWindow: 100, ipPerWindow: 100, authPerWindow: 100, windowSeconds: 60 };

interface GatewayOptions {
  limits: Partial<RateLimits>;
  redis?: Redis;
  syncIntervalMs?: number;
  keyPrefix?: string;
  logger?: Logger;
  registry?: Registry;
}

function gateway(opts: GatewayOptions): string {
  const { app } = createApp({
    logger: opts.logger ?? silent,
    registry: opts.registry,
    upstreams: new Map([["auth", `http://127.0.0.1:${upstream.port}`]]),
    rateLimit: {
      limits: { ...LIMITS, ...opts.limits },
      redis: opts.redis,
      keyPrefix: opts.keyPrefix ?? `test:${crypto.randomUUID()}`,
      syncIntervalMs: opts.syncIntervalMs,
      verifier: createJwtVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience }),
    },
  });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req, s) => app.fetch(req, s) });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

async function statuses(url: string, n: number, init?: RequestInit): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await fetch(url, init)).status);
  return out;
}

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

describe("rate limits (in memory)", () => {
  it("refuses one request too many from an address with 429, Retry-After and RateLimit headers", async () => {
    const registry = new Registry();
    const base = gateway({ limits: { ipPerWindow: 3 }, registry });
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${base}/api/auth/me`);
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-limit")).toBe("3");
      expect(res.headers.get("ratelimit-policy")).toBe("3;w=60");
      remaining.push(res.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);

    const refused = await fetch(`${base}/api/auth/me`);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("ratelimit-reset")).toBe(String(retryAfter));
    const body = (await refused.json()) as { error: { type: string; code: string; request_id: string } };
    expect(body.error.type).toBe("rate_limited");
    expect(body.error.request_id).toBe(refused.headers.get("x-request-id") ?? "missing");
    expect(await registry.metrics()).toContain('gateway_rate_limited_total{policy="ip",service="gateway"} 1');
  });

  it("counts requests with a valid access token per user, and bad tokens by address", async () => {
    const base = gateway({ limits: { userPerWindow: 2, ipPerWindow: 50 } });
    const alice = await issuer.sign({ role: "customer" });
    const bob = await issuer.sign({ role: "vendor" });
    expect(await statuses(`${base}/api/auth/me`, 3, bearer(alice))).toEqual([200, 200, 429]);
    // Bob, from the same address, has a budget of his own; so has the address itself.
    expect(await statuses(`${base}/api/auth/me`, 2, bearer(bob))).toEqual([200, 200]);
    const anonymous = await fetch(`${base}/api/auth/me`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("ratelimit-limit")).toBe("50");
    // An expired or forged token is no identity: it is counted by address.
    const expired = await issuer.sign({ role: "customer", ttlSeconds: -60 });
    const res = await fetch(`${base}/api/auth/me`, bearer(expired));
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-limit")).toBe("50");
    expect(res.headers.get("ratelimit-remaining")).toBe("48");
  });

  it("holds sign-in routes to the stricter per-address limit, even with a token", async () => {
    const registry = new Registry();
    const base = gateway({ limits: { authPerWindow: 2, ipPerWindow: 50, userPerWindow: 50 }, registry });
    const token = await issuer.sign({ role: "customer" });
    const post = { method: "POST", ...bearer(token) };
    expect((await fetch(`${base}/api/auth/login`, post)).status).toBe(200);
    expect((await fetch(`${base}/api/auth/register`, post)).status).toBe(200);
    const refused = await fetch(`${base}/api/auth/refresh`, post);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit-policy")).toBe("2;w=60");
    // Other routes keep their own budgets.
    expect((await fetch(`${base}/api/auth/me`, bearer(token))).status).toBe(200);
    expect(await registry.metrics()).toContain(
      'gateway_rate_limited_total{policy="auth",service="gateway"} 1',
    );
  });
});

describe("token subjects", () => {
  it("verifies each token once, good or bad, and remembers the answer", async () => {
    const real = createJwtVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience });
    let checks = 0;
    const { app } = createApp({
      logger: silent,
      upstreams: new Map([["auth", `http://127.0.0.1:${upstream.port}`]]),
      rateLimit: {
        limits: { ...LIMITS, userPerWindow: 10 },
        keyPrefix: `test:${crypto.randomUUID()}`,
        verifier: {
          verify: (token) => {
            checks++;
            return real.verify(token);
          },
        },
      },
    });
    const token = await issuer.sign({ role: "customer" });
    for (let i = 0; i < 3; i++) {
      const res = await app.request("/api/auth/me", bearer(token));
      expect(res.headers.get("ratelimit-limit")).toBe("10");
    }
    for (let i = 0; i < 3; i++) await app.request("/api/auth/me", bearer("not.a.token"));
    expect(checks).toBe(2);
  });
});

describe("rate limits shared through Redis", () => {
  const url = realServer("redis");

  it.skipIf(!url)("one budget across two gateway instances, agreed within a sync interval", async () => {
    const redis = new Redis(url ?? "", { enableOfflineQueue: false, lazyConnect: true });
    await redis.connect();
    try {
      const keyPrefix = `test:gateway:${crypto.randomUUID()}`;
      const shared = { limits: { ipPerWindow: 3 }, redis, keyPrefix, syncIntervalMs: 20 };
      const a = gateway(shared);
      const b = gateway(shared);
      expect(await statuses(`${a}/api/auth/me`, 2)).toEqual([200, 200]);
      await Bun.sleep(100);
      // B has seen none of these itself; the shared count tells it two of three are gone.
      expect(await statuses(`${b}/api/auth/me`, 2)).toEqual([200, 429]);
      await Bun.sleep(100);
      // The counter is Redis's, with the window as its expiry.
      expect(Number(await redis.get(`${keyPrefix}:ip:127.0.0.1`))).toBe(3);
      const ttl = await redis.pttl(`${keyPrefix}:ip:127.0.0.1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
      // Sign-in routes are counted exactly, request by request, in Redis.
      const post = { method: "POST" };
      const strict = { limits: { authPerWindow: 2 }, redis, keyPrefix: `${keyPrefix}:strict` };
      const c = gateway(strict);
      const d = gateway(strict);
      expect((await fetch(`${c}/api/auth/login`, post)).status).toBe(200);
      expect((await fetch(`${d}/api/auth/login`, post)).status).toBe(200);
      expect((await fetch(`${c}/api/auth/login`, post)).status).toBe(429);
    } finally {
      redis.disconnect();
    }
  });
});

describe("Redis down", () => {
  it("falls back to counting in memory, says so in the log and the metrics, and keeps limiting", async () => {
    // A Redis of this test's own: the machine's shared one must never be stopped.
    const server = await startPrivateRedis();
    const { logger, lines } = captureLogger();
    const shutdown = createShutdown(logger, { exit: () => {} });
    const registry = new Registry();
    try {
      const { redis } = rateLimitRedis(server.url, logger, shutdown);
      await new Promise<void>((resolve) =>
        redis.status === "ready" ? resolve() : redis.once("ready", resolve),
      );
      const base = gateway({ limits: { ipPerWindow: 3, authPerWindow: 2 }, redis, logger, registry });
      expect(await statuses(`${base}/api/auth/me`, 1)).toEqual([200]);
      expect(await registry.metrics()).toContain('gateway_rate_limit_shared_store{service="gateway"} 1');

      await server.down();
      // Counting goes on in this instance's memory, still enforced.
      expect(await statuses(`${base}/api/auth/me`, 3)).toEqual([200, 200, 429]);
      // The exact sign-in policy switches to its in-memory insurance limiter.
      expect(await statuses(`${base}/api/auth/login`, 3, { method: "POST" })).toEqual([200, 200, 429]);
      const fallback = lines.find((line) => line.msg.includes("counting in this instance's memory"));
      expect(fallback?.level).toBe(40);
      expect(await registry.metrics()).toContain('gateway_rate_limit_shared_store{service="gateway"} 0');
    } finally {
      await shutdown.run("test over");
      await server.destroy();
    }
  });
});
