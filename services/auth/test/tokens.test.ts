import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createJwtVerifier } from "@payments/auth-verify";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import {
  adapters,
  buildApp,
  errorOf,
  openTestDb,
  register,
  type SignedIn,
  type TestApp,
  type TestDb,
} from "./support.ts";

let testDb: TestDb;
let t: TestApp;
let alice: SignedIn;
beforeAll(async () => {
  testDb = await openTestDb();
  t = await buildApp(testDb);
  alice = await register(t);
}, 120_000);
afterAll(() => testDb.close());

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decode(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h ?? "", "base64url").toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p ?? "", "base64url").toString()) as Record<string, unknown>,
  };
}

/** Re-signs alice's claims (optionally changed) with another Ed25519 key, keeping her token's kid. */
async function signWithOtherKey(
  change: (claims: Record<string, unknown>) => Record<string, unknown> = (c) => c,
) {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const { header, payload } = decode(alice.access_token);
  return new SignJWT(change(payload))
    .setProtectedHeader({ alg: "EdDSA", kid: String(header.kid), typ: "at+jwt" })
    .sign(privateKey);
}

describe(`access tokens (${adapters})`, () => {
  test("carry iss, aud, sub, role, sid, iat, exp (10 min) and a pinned EdDSA header", () => {
    const { header, payload } = decode(alice.access_token);
    expect(header).toEqual({ alg: "EdDSA", kid: expect.stringMatching(/^key_/), typ: "at+jwt" });
    expect(payload).toMatchObject({
      iss: t.settings.tokens.issuer,
      aud: t.settings.tokens.audience,
      sub: alice.user.id,
      role: "customer",
      sid: expect.stringMatching(/^ses_/),
    });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(600);
  });

  test("a valid token reads /me", async () => {
    const res = await t.request("/me", { token: alice.access_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(alice.user);
  });

  const attacks: [string, () => Promise<string>][] = [
    [
      "alg none",
      async () => {
        const { payload } = decode(alice.access_token);
        return `${b64({ alg: "none", typ: "at+jwt" })}.${b64({ ...payload, role: "admin" })}.`;
      },
    ],
    [
      "a forged signature (payload changed)",
      async () => {
        const [h, , s] = alice.access_token.split(".");
        return `${h}.${b64({ ...decode(alice.access_token).payload, role: "admin" })}.${s}`;
      },
    ],
    ["another key with the same kid", () => signWithOtherKey()],
    [
      "the wrong audience",
      async () => {
        // Signed with the real current key: only the audience is wrong.
        const key = await t.keys.current();
        const { payload } = decode(alice.access_token);
        return new SignJWT({ ...payload, aud: "urn:other:api" })
          .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "at+jwt" })
          .sign(key.key);
      },
    ],
    [
      "no exp",
      async () => {
        const key = await t.keys.current();
        const { exp: _exp, ...payload } = decode(alice.access_token).payload;
        return new SignJWT(payload)
          .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "at+jwt" })
          .sign(key.key);
      },
    ],
    ["a refresh token", async () => alice.refresh],
    ["an empty bearer", async () => ""],
  ];
  for (const [name, make] of attacks) {
    test(`${name} → 401 authentication`, async () => {
      const token = await make();
      const res = await t.app.request("/me", { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).type).toBe("authentication");
    });
  }

  test("an expired token → 401, found without sleeping by moving the clock", async () => {
    const fresh = await register(t);
    t.clock.advance(10 * 60_000 + 6_000); // past exp and the 5 s tolerance
    try {
      const res = await t.request("/me", { token: fresh.access_token });
      expect(res.status).toBe(401);
      expect(await errorOf(res)).toMatchObject({ type: "authentication", code: "invalid_token" });
    } finally {
      t.clock.advance(-(10 * 60_000 + 6_000));
    }
  });
});

describe(`JWKS and key rotation (${adapters})`, () => {
  test("/.well-known/jwks.json publishes public Ed25519 keys only", async () => {
    const res = await t.request("/.well-known/jwks.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("max-age");
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of keys) {
      expect(key).toMatchObject({
        kty: "OKP",
        crv: "Ed25519",
        alg: "EdDSA",
        use: "sig",
        kid: expect.stringMatching(/^key_/),
      });
      expect(key).not.toHaveProperty("d");
    }
  });

  test("after a rotation the previous key still verifies; after the next it leaves the set and its tokens fail", async () => {
    const jwks = async () =>
      (await (await t.request("/.well-known/jwks.json")).json()) as { keys: { kid: string }[] };
    // Other services verify through the published set, as the gateway will.
    const verifierOf = async () =>
      createJwtVerifier({
        jwks: await jwks(),
        issuer: t.settings.tokens.issuer,
        audience: t.settings.tokens.audience,
        now: t.clock.now,
      });
    const before = await register(t);
    const oldKid = String(decode(before.access_token).header.kid);

    const newKid = await t.keys.rotate();
    expect(newKid).not.toBe(oldKid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const verified: string = (await (await verifierOf()).verify(before.access_token)).userId;
    expect(verified).toBe(before.user.id);
    expect((await t.request("/me", { token: before.access_token })).status).toBe(200);
    const after = await signInAgain(before);
    expect(decode(after).header.kid).toBe(newKid);

    const newest = await t.keys.rotate();
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newest, newKid]);
    await expect((await verifierOf()).verify(before.access_token)).rejects.toMatchObject({ status: 401 });
    expect((await t.request("/me", { token: before.access_token })).status).toBe(401);
    expect((await t.request("/me", { token: after })).status).toBe(200);
  });

  test("rotateIfOlderThan rotates only a key past its age", async () => {
    const current = (await t.keys.current()).kid;
    expect(await t.keys.rotateIfOlderThan(24 * 3600_000)).toBeUndefined();
    t.clock.advance(25 * 3600_000);
    try {
      const rotated = await t.keys.rotateIfOlderThan(24 * 3600_000);
      expect(rotated).toBeDefined();
      expect(rotated).not.toBe(current);
    } finally {
      t.clock.advance(-25 * 3600_000);
    }
  });
});

async function signInAgain(session: SignedIn): Promise<string> {
  const res = await t.request("/login", {
    json: { email: session.user.email, password: "correct horse battery staple 42" },
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

test("the verifier package refuses a key it has never seen even with a valid signature", async () => {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
  const jwk = { ...(await exportJWK(publicKey)), kid: "key_foreign", alg: "EdDSA" };
  const token = await new SignJWT({ role: "admin", sid: decode(alice.access_token).payload.sid })
    .setProtectedHeader({ alg: "EdDSA", kid: jwk.kid, typ: "at+jwt" })
    .setIssuer(t.settings.tokens.issuer)
    .setAudience(t.settings.tokens.audience)
    .setSubject(alice.user.id)
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(privateKey);
  const res = await t.request("/me", { token });
  expect(res.status).toBe(401);
});
