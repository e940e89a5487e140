import { describe, expect, test } from "bun:test";
import { createLogCapture, createLogger } from "@payments/service-kit";
import { realServer } from "@payments/testing";
import { Redis } from "ioredis";
import { createKeySealer } from "./key-encryption.ts";
import { createPasswordHasher } from "./passwords.ts";
import { createThrottle, DEFAULT_THROTTLE_LIMITS, type Throttle } from "./throttle.ts";
import { hashRefreshToken, isRefreshTokenShape, newRefreshToken } from "./tokens.ts";

describe("password hashing", () => {
  const hasher = createPasswordHasher({ memoryCost: 19_456, timeCost: 2 });

  test("argon2id with the configured cost; verifies only the right password; unknown users cost a verification", async () => {
    const hash = await hasher.hash("tulip glacier wombat");
    expect(hash).toStartWith("$argon2id$v=19$m=19456,t=2,");
    expect(await hasher.verify("tulip glacier wombat", hash)).toBe(true);
    expect(await hasher.verify("tulip glacier wombaT", hash)).toBe(false);
    expect(await hasher.verify("anything", undefined)).toBe(false);
    expect(await hasher.verify("anything", "not a hash")).toBe(false);
  });

  test("needsRehash spots weaker parameters", async () => {
    expect(hasher.needsRehash("$argon2id$v=19$m=19456,t=2,p=1$abc$def")).toBe(false);
    expect(hasher.needsRehash("$argon2id$v=19$m=8192,t=2,p=1$abc$def")).toBe(true);
    expect(hasher.needsRehash("$argon2id$v=19$m=65536,t=1,p=1$abc$def")).toBe(true);
    expect(hasher.needsRehash("$2b$10$abcdefghijklmnopqrstuv")).toBe(true);
  });
});

test("refresh tokens: 256 random bits, stored as SHA-256", () => {
  const a = newRefreshToken();
  expect(isRefreshTokenShape(a)).toBe(true);
  expect(a).not.toBe(newRefreshToken());
  expect(hashRefreshToken(a)).toBe(new Bun.CryptoHasher("sha256").update(a).digest("base64url"));
  expect(isRefreshTokenShape("short")).toBe(false);
  expect(isRefreshTokenShape(`${"a".repeat(42)}=`)).toBe(false);
});

describe("signing-key sealing", () => {
  test("with a key-encryption key the private key is AES-GCM encrypted and round-trips", async () => {
    const kek = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64");
    const sealer = await createKeySealer(kek);
    const sealed = await sealer.seal('{"d":"secret"}');
    expect(sealed).toStartWith("v1.");
    expect(sealed).not.toContain("secret");
    expect(await sealer.open(sealed)).toBe('{"d":"secret"}');
    const other = await createKeySealer(
      Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"),
    );
    await expect(other.open(sealed)).rejects.toThrow();
    // Sealed for another purpose (a TOTP secret), the same key does not open it.
    const totp = await createKeySealer(kek, "payments-auth-totp-secret");
    await expect(totp.open(sealed)).rejects.toThrow();
    // A flipped bit in the ciphertext is refused, not decrypted to garbage.
    const [version, iv, body] = sealed.split(".");
    const tampered = Buffer.from(body ?? "", "base64url");
    tampered[0] = (tampered[0] ?? 0) ^ 1;
    await expect(sealer.open(`${version}.${iv}.${tampered.toString("base64url")}`)).rejects.toThrow();
  });

  test("values sealed by WebCrypto (before ADR 0044) still open", async () => {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const additionalData = new TextEncoder().encode("payments-auth-signing-key");
    const ciphertext = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData },
      key,
      new TextEncoder().encode('{"d":"old"}'),
    );
    const sealed = `v1.${Buffer.from(iv).toString("base64url")}.${Buffer.from(ciphertext).toString("base64url")}`;
    const sealer = await createKeySealer(Buffer.from(raw).toString("base64"));
    expect(await sealer.open(sealed)).toBe('{"d":"old"}');
  });

  test("without one (development) it is stored plain, and plain keys stay readable after a key is configured", async () => {
    const plain = await createKeySealer(undefined);
    const sealed = await plain.seal("{}");
    expect(sealed).toBe("plain.{}");
    const later = await createKeySealer(Buffer.alloc(32, 7).toString("base64"));
    expect(await later.open(sealed)).toBe("{}");
    await expect(plain.open("v1.a.b")).rejects.toThrow("AUTH_KEY_ENCRYPTION_KEY");
  });
});

const limits = { ...DEFAULT_THROTTLE_LIMITS, accountFailuresPerHour: 3, freeFailures: 100 };
const logger = createLogger({ service: "auth", level: "silent" });

async function exerciseAccountLimit(throttle: Throttle): Promise<void> {
  const account = `a-${crypto.randomUUID()}@example.test`;
  for (let i = 0; i < 3; i++) {
    expect(await throttle.loginRefusal(account, "10.0.0.1")).toBeUndefined();
    await throttle.loginFailed(account, "10.0.0.1");
  }
  const wait = await throttle.loginRefusal(account, "10.0.0.1");
  expect(wait).toBeGreaterThan(3500);
  expect(wait).toBeLessThanOrEqual(3600);
}

test("throttle in memory counts failures per account", async () => {
  await exerciseAccountLimit(createThrottle({ limits, logger }));
});

const redisUrl = realServer("redis");
describe.if(Boolean(redisUrl))("throttle on Redis", () => {
  const clients: Redis[] = [];

  test("counts are shared by every instance using the same Redis", async () => {
    const make = () => {
      const redis = new Redis(redisUrl ?? "", { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      clients.push(redis);
      return redis;
    };
    const [r1, r2] = [make(), make()];
    await Promise.all([r1, r2].map((r) => new Promise((resolve) => r.once("ready", resolve))));
    const prefix = `t-${crypto.randomUUID()}`;
    const a = createThrottle({ limits, redis: r1, keyPrefix: prefix, logger });
    const b = createThrottle({ limits, redis: r2, keyPrefix: prefix, logger });
    const account = "shared@example.test";
    try {
      await a.loginFailed(account, "10.0.0.1");
      await b.loginFailed(account, "10.0.0.2");
      expect(await b.loginRefusal(account, "10.0.0.4")).toBeUndefined();
      await a.loginFailed(account, "10.0.0.3");
      expect(await b.loginRefusal(account, "10.0.0.4")).toBeGreaterThan(0);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });
});

test("with Redis unreachable the in-memory insurance limiter takes over (nothing fails open)", async () => {
  // A port nobody listens on: ioredis never becomes ready, so every command fails at once.
  const redis = new Redis("redis://127.0.0.1:1", {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on("error", () => {});
  const logs = createLogCapture();
  const throttle = createThrottle({
    limits,
    redis,
    logger: createLogger({ service: "auth", destination: logs.destination }),
  });
  await exerciseAccountLimit(throttle);
  // The store errors were absorbed by the insurance limiter, not by the fail-open fallback.
  expect(logs.lines.filter((l) => l.msg === "throttle store failed")).toEqual([]);
  redis.disconnect();
});
