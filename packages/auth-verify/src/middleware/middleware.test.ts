import { beforeAll, describe, expect, test } from "bun:test";
import { newId } from "@payments/contracts";
import { ApiError } from "@payments/service-kit";
import { Hono } from "hono";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createJwtVerifier } from "../verifier/verifier.ts";
import { type AuthEnv, bearerToken, requireAuth } from "./middleware.ts";

const ISSUER = "https://auth.test";
const AUDIENCE = "payments-platform";

describe("requireAuth", () => {
  let tokenFor: (role: string) => Promise<string>;
  let app: Hono<AuthEnv>;
  const userId = newId("usr");

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "EdDSA" };
    const verifier = createJwtVerifier({ jwks: { keys: [jwk] }, issuer: ISSUER, audience: AUDIENCE });
    tokenFor = (role) =>
      new SignJWT({ role, sid: newId("ses") })
        .setProtectedHeader({ alg: "EdDSA", kid: "k1", typ: "at+jwt" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(privateKey);
    app = new Hono<AuthEnv>();
    app.onError((error, c) => {
      if (!(error instanceof ApiError)) return c.json({ unexpected: String(error) }, 500);
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      return c.json({ error: { type: error.type, code: error.code } }, error.status);
    });
    app.get("/me", requireAuth(verifier), (c) => c.json({ id: c.var.auth.userId, role: c.var.auth.role }));
    app.get("/admin", requireAuth(verifier, { roles: ["admin"] }), (c) => c.json({ ok: true }));
  });

  test("sets c.var.auth for a valid bearer token", async () => {
    const res = await app.request("/me", {
      headers: { authorization: `Bearer ${await tokenFor("vendor")}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: userId, role: "vendor" });
  });

  test("no Authorization header → 401 with a bare Bearer challenge", async () => {
    const res = await app.request("/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(await res.json()).toEqual({ error: { type: "authentication", code: "unauthenticated" } });
  });

  test("a non-bearer scheme or a bad token → 401 invalid_token", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-jwt"]) {
      const res = await app.request("/me", { headers: { authorization: header } });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("invalid_token");
    }
  });

  test("a role outside the allowed list → 403 permission", async () => {
    for (const role of ["customer", "vendor"]) {
      const res = await app.request("/admin", {
        headers: { authorization: `Bearer ${await tokenFor(role)}` },
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: { type: "permission", code: "forbidden" } });
    }
    const ok = await app.request("/admin", {
      headers: { authorization: `Bearer ${await tokenFor("admin")}` },
    });
    expect(ok.status).toBe(200);
  });
});

test("bearerToken parses the RFC 6750 header form only", () => {
  expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
  expect(bearerToken("bearer abc")).toBe("abc");
  expect(bearerToken("Bearer a b")).toBeUndefined();
  expect(bearerToken("Token abc")).toBeUndefined();
  expect(bearerToken(undefined)).toBeUndefined();
});
