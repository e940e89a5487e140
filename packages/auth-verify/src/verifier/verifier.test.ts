import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import { ApiError } from "@payments/service-kit";
import {
  CompactSign,
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { createJwtVerifier } from "./verifier.ts";

const ISSUER = "https://auth.test";
const AUDIENCE = "payments-platform";
const NOW = new Date("2030-01-01T00:00:00Z");

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const kid = newId("key");
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "EdDSA", use: "sig" } };
}

const userId = newId("usr");
const sessionId = newId("ses");
const claims = { role: "customer", sid: sessionId };

async function sign(
  key: TestKey,
  opts: {
    payload?: JWTPayload;
    exp?: number | null;
    aud?: string | null;
    iss?: string | null;
    iat?: number | null;
    typ?: string;
  } = {},
): Promise<string> {
  const iat = Math.floor(NOW.getTime() / 1000);
  const jwt = new SignJWT({ ...claims, ...opts.payload })
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: opts.typ ?? "at+jwt" })
    .setSubject(userId);
  if (opts.iss !== null) jwt.setIssuer(opts.iss ?? ISSUER);
  if (opts.aud !== null) jwt.setAudience(opts.aud ?? AUDIENCE);
  if (opts.iat !== null) jwt.setIssuedAt(opts.iat ?? iat);
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? iat + 600);
  return jwt.sign(key.privateKey);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

/**
 * Signs claims and a header that SignJWT's types refuse (a string `iat`, a numeric `kid`): the platform's
 * claims with `extra` over them, under an EdDSA `at+jwt` header with `header` over it.
 */
async function signRaw(key: TestKey, header: Record<string, unknown>, extra: Record<string, unknown>) {
  const payload = { sub: userId, ...claims, iss: ISSUER, aud: AUDIENCE, exp: 4e9, ...extra };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "EdDSA", typ: "at+jwt", ...header })
    .sign(key.privateKey);
}

/** The reason behind a refusal: fast-jwt's error code, or the verifier's own words. */
function causeOf(error: ApiError): unknown {
  const cause: unknown = error.cause;
  if (typeof cause === "string") return cause;
  if (cause instanceof Error && "code" in cause) return cause.code;
  return cause;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("createJwtVerifier with a local key set", () => {
  let key: TestKey;
  let other: TestKey;
  let verifier: ReturnType<typeof createJwtVerifier>;

  beforeAll(async () => {
    key = await makeKey();
    other = await makeKey();
    verifier = createJwtVerifier({
      jwks: { keys: [key.publicJwk] },
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
    });
  });

  test("accepts a well-formed token and returns who it speaks for", async () => {
    const auth = await verifier.verify(await sign(key));
    expect(auth).toEqual({
      userId,
      role: "customer",
      sessionId,
      expiresAt: new Date(NOW.getTime() + 600_000),
      mfa: false,
    });
  });

  test("a session that signed in with a second factor says so (amr names mfa)", async () => {
    const twoFactor = await verifier.verify(await sign(key, { payload: { amr: ["pwd", "otp", "mfa"] } }));
    expect(twoFactor.mfa).toBe(true);
    const passwordOnly = await verifier.verify(await sign(key, { payload: { amr: ["pwd"] } }));
    expect(passwordOnly.mfa).toBe(false);
    // A malformed amr is a malformed token, not a password-only one.
    const bad = await rejection(verifier.verify(await sign(key, { payload: { amr: "mfa" } })));
    expect(bad.status).toBe(401);
  });

  /** Each refusal, how it is made, and the reason fast-jwt (or the verifier) gives, where one is expected. */
  const refusals: [string, () => Promise<string>, string?][] = [
    [
      "alg none",
      async () =>
        `${b64url({ alg: "none", typ: "at+jwt" })}.${b64url({ sub: userId, ...claims, iss: ISSUER, aud: AUDIENCE, exp: 4e9 })}.`,
    ],
    [
      "alg none naming the platform's key, with a signature segment",
      async () => {
        const [, , signature] = (await sign(key)).split(".");
        const header = b64url({ alg: "none", kid: key.kid, typ: "at+jwt" });
        return `${header}.${b64url({ sub: userId, ...claims, iss: ISSUER, aud: AUDIENCE, exp: 4e9, iat: 1 })}.${signature}`;
      },
      "algorithm not accepted",
    ],
    [
      "a forged signature",
      async () => {
        const [header, , signature] = (await sign(key)).split(".");
        const payload = b64url({
          sub: userId,
          ...claims,
          role: "admin",
          iss: ISSUER,
          aud: AUDIENCE,
          exp: 4e9,
          iat: 1,
        });
        return `${header}.${payload}.${signature}`;
      },
      "FAST_JWT_INVALID_SIGNATURE",
    ],
    ["a key outside the set", () => sign({ ...other, kid: key.kid }), "FAST_JWT_INVALID_SIGNATURE"],
    ["an unknown kid", () => sign(other)],
    ["the wrong audience", () => sign(key, { aud: "someone-else" }), "FAST_JWT_INVALID_CLAIM_VALUE"],
    ["a token without aud", () => sign(key, { aud: null }), "FAST_JWT_MISSING_REQUIRED_CLAIM"],
    ["the wrong issuer", () => sign(key, { iss: "https://evil.test" }), "FAST_JWT_INVALID_CLAIM_VALUE"],
    ["a token without iss", () => sign(key, { iss: null }), "FAST_JWT_MISSING_REQUIRED_CLAIM"],
    ["an expired token", () => sign(key, { exp: Math.floor(NOW.getTime() / 1000) - 60 }), "FAST_JWT_EXPIRED"],
    ["a token without exp", () => sign(key, { exp: null }), "FAST_JWT_MISSING_REQUIRED_CLAIM"],
    ["a token without iat", () => sign(key, { iat: null }), "FAST_JWT_MISSING_REQUIRED_CLAIM"],
    ["a token issued at a string", () => signRaw(key, { kid: key.kid }, { iat: "yesterday" })],
    [
      "a token not valid yet (nbf a minute ahead)",
      () => sign(key, { payload: { nbf: Math.floor(NOW.getTime() / 1000) + 60 } }),
      "FAST_JWT_INACTIVE",
    ],
    ["a kid that is not a string", () => signRaw(key, { kid: 42 }, { iat: 1 }), "malformed kid"],
    ["another JWT type (an ID token)", () => sign(key, { typ: "JWT" }), "FAST_JWT_INVALID_TYPE"],
    ["an unknown role", () => sign(key, { payload: { role: "root" } })],
    ["a malformed session id", () => sign(key, { payload: { sid: "42" } })],
    ["an opaque (refresh) token", async () => "b3BhcXVlLXJlZnJlc2gtdG9rZW4tdmFsdWUtMTIzNDU2Nzg5MA"],
    ["garbage", async () => "a.b.c"],
  ];
  for (const [name, make, reason] of refusals) {
    test(`refuses ${name} with 401 authentication`, async () => {
      const error = await rejection(verifier.verify(await make()));
      expect(error.status).toBe(401);
      expect(error.type).toBe("authentication");
      expect(error.code).toBe("invalid_token");
      if (reason !== undefined) expect(causeOf(error)).toBe(reason);
    });
  }

  test("a token within the clock tolerance (exp two seconds ago) is still accepted", async () => {
    const auth = await verifier.verify(await sign(key, { exp: Math.floor(NOW.getTime() / 1000) - 2 }));
    expect(auth.userId).toBe(userId);
  });

  test("the signature is checked without WebCrypto, whose async verify stalled under load (ADR 0044)", async () => {
    const original = crypto.subtle.verify;
    let calls = 0;
    crypto.subtle.verify = (...args: Parameters<typeof original>) => {
      calls += 1;
      return original.apply(crypto.subtle, args);
    };
    try {
      await verifier.verify(await sign(key));
      await rejection(verifier.verify(await sign({ ...other, kid: key.kid })));
    } finally {
      crypto.subtle.verify = original;
    }
    expect(calls).toBe(0);
  });

  test("an HS256 token made with the public key as secret is refused (algorithm pinned)", async () => {
    const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256", kid: key.kid, typ: "at+jwt" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(secret);
    expect((await rejection(verifier.verify(token))).status).toBe(401);
  });
});

describe("createJwtVerifier with a remote JWKS", () => {
  let key: TestKey;
  let next: TestKey;
  let published: JWK[] = [];
  let fetches = 0;
  let failing = false;
  let server: ReturnType<typeof Bun.serve>;

  beforeAll(async () => {
    key = await makeKey();
    next = await makeKey();
    published = [key.publicJwk];
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch() {
        fetches += 1;
        if (failing) return new Response("down", { status: 503 });
        return Response.json({ keys: published });
      },
    });
  });
  afterAll(() => server.stop(true));

  test("fetches the key set once, caches it, and refetches for a new kid after the cooldown", async () => {
    const verifier = createJwtVerifier({
      jwksUrl: `http://127.0.0.1:${server.port}/.well-known/jwks.json`,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
      jwksCooldownMs: 0,
    });
    fetches = 0;
    await verifier.verify(await sign(key));
    await verifier.verify(await sign(key));
    expect(fetches).toBe(1);
    // A rotation publishes a new key; the verifier learns it on the first token that names it.
    published = [next.publicJwk, key.publicJwk];
    expect((await verifier.verify(await sign(next))).userId).toBe(userId);
    expect(fetches).toBe(2);
  });

  test("an unreachable key set is 503 unavailable, not a verdict on the token", async () => {
    failing = true;
    const verifier = createJwtVerifier({
      jwksUrl: `http://127.0.0.1:${server.port}/jwks`,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => NOW,
    });
    const error = await rejection(verifier.verify(await sign(key)));
    expect(error.status).toBe(503);
    expect(error.type).toBe("unavailable");
    failing = false;
  });
});
